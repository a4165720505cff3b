//! What "done" means for day 21: the helpers, then a real server attacked over TCP.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use backlings_support::server_binary;
use day21_hardening::{ALLOWED_ORIGIN, AppState, MAX_BODY_BYTES, app, escape_html, safe_join};

const SECRET: &str = "the database password is hunter2";

#[test]
fn escape_html_neutralizes_every_markup_character() {
    assert_eq!(
        escape_html(r#"<script>alert("hi")</script> & 'you'"#),
        "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &#39;you&#39;"
    );
    assert_eq!(
        escape_html("plain text, ünïcode ✓"),
        "plain text, ünïcode ✓"
    );
    assert_eq!(
        escape_html("&lt;"),
        "&amp;lt;",
        "escaping twice must show the text as typed: & becomes &amp; too"
    );
}

#[test]
fn safe_join_accepts_plain_relative_paths() {
    let root = Path::new("/srv/public");
    assert_eq!(safe_join(root, "hello.txt"), Some(root.join("hello.txt")));
    assert_eq!(
        safe_join(root, "css/site.css"),
        Some(root.join("css").join("site.css"))
    );
}

#[test]
fn safe_join_refuses_anything_that_could_leave_the_root() {
    let root = Path::new("/srv/public");
    for requested in [
        "../secret.txt",
        "css/../../secret.txt",
        "css/../site.css",
        "..",
        "/etc/passwd",
        "",
        "..\\secret.txt",
        "hello.txt\0.png",
    ] {
        assert_eq!(
            safe_join(root, requested),
            None,
            "{requested:?} must be refused, not cleaned up"
        );
    }
}

struct Server {
    addr: std::net::SocketAddr,
    base: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A server whose public directory holds hello.txt, next to a secret file outside it.
async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    std::fs::create_dir(&public).unwrap();
    std::fs::write(public.join("hello.txt"), "hello, file\n").unwrap();
    std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();

    let router = app(AppState::new(public));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Server {
        addr,
        base: format!("http://{addr}"),
        client,
        _dir: dir,
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request line exactly as written (no client "fixes" the path) and returns the
    /// status code and the whole response text.
    async fn raw_get(&self, target: &str) -> (u16, String) {
        let exchange = async {
            let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
            let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut response = Vec::new();
            stream.read_to_end(&mut response).await.unwrap();
            String::from_utf8_lossy(&response).into_owned()
        };
        let text = tokio::time::timeout(Duration::from_secs(5), exchange)
            .await
            .expect("the server answered within 5 s");
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
        (status, text)
    }
}

#[tokio::test]
async fn the_guestbook_shows_messages_escaped() {
    let server = start().await;
    let entry = json!({ "name": "<b>eve</b>", "message": "<script>alert(1)</script>" });
    let response = server
        .client
        .post(server.url("/guestbook"))
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "signing the guestbook: 201"
    );

    let response = server
        .client
        .get(server.url("/guestbook"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/html"),
        "the page is HTML, got {content_type}"
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("&lt;b&gt;eve"),
        "the page should show the message as text, escaped; got {page}"
    );
    assert!(
        !page.contains("<script>"),
        "a visitor's script must never reach the page: {page}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let server = start().await;
    let huge = json!({ "name": "eve", "message": "x".repeat(MAX_BODY_BYTES + 1) });
    let response = server
        .client
        .post(server.url("/guestbook"))
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "a body over MAX_BODY_BYTES: 413, before anyone parses it"
    );
    let small = json!({ "name": "ada", "message": "x".repeat(1000) });
    let response = server
        .client
        .post(server.url("/guestbook"))
        .json(&small)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "a 1 KB entry is fine"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = start().await;
    let guestbook = server
        .client
        .get(server.url("/guestbook"))
        .send()
        .await
        .unwrap();
    let missing = server
        .client
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    for (what, response) in [("GET /guestbook", &guestbook), ("a 404", &missing)] {
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(
                response.headers().get(name).map(|v| v.to_str().unwrap()),
                Some(value),
                "{what} should carry {name}: {value}"
            );
        }
        let csp = response.headers().get("content-security-policy");
        assert!(
            csp.is_some_and(|v| v.to_str().unwrap().contains("default-src 'self'")),
            "{what} should carry a Content-Security-Policy with default-src 'self'"
        );
        assert!(
            response.headers().contains_key("strict-transport-security"),
            "{what} should carry Strict-Transport-Security"
        );
    }
}

#[tokio::test]
async fn files_are_served_from_the_public_directory() {
    let server = start().await;
    let response = server
        .client
        .get(server.url("/files/hello.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.text().await.unwrap(), "hello, file\n");
    let (status, _) = server.raw_get("/files/nope.txt").await;
    assert_eq!(status, 404);
}

/// Told to the program itself (`cargo run -p day21_hardening`), which serves `public/` in
/// `DATA_DIR` and keeps `secret.txt` beside it. The requests go out exactly as written: no
/// client tidies up the `..`.
#[test]
fn path_traversal_gets_404_and_never_the_secret() {
    let server = backlings_support::Server::start(server_binary!());
    let secret = std::fs::read_to_string(server.data_dir().join("secret.txt"))
        .expect("the program keeps secret.txt in DATA_DIR");
    server.get("/files/hello.txt").expect_status(200);
    for target in [
        "/files/../secret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/hello.txt/../../secret.txt",
        "/files/%2fetc%2fpasswd",
    ] {
        let reply = server
            .get(target)
            .because("a path that could leave the public directory is refused with 404");
        reply.expect_status(404).ensure(
            !reply.text().contains(secret.trim()),
            format!("GET {target} leaked the secret file!"),
        );
    }
}

#[tokio::test]
async fn cors_lets_only_the_app_origin_in() {
    let server = start().await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/guestbook"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight(ALLOWED_ORIGIN).await.unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some(ALLOWED_ORIGIN),
        "a preflight from {ALLOWED_ORIGIN} should be allowed, naming that origin (never *)"
    );
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(
        methods.contains("POST"),
        "POST should be allowed, got {methods}"
    );

    let evil = preflight("https://evil.example").await.unwrap();
    assert!(
        evil.headers().get("access-control-allow-origin").is_none(),
        "another origin must get no Access-Control-Allow-Origin"
    );

    let simple = server
        .client
        .get(server.url("/guestbook"))
        .header("origin", ALLOWED_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some(ALLOWED_ORIGIN),
        "a GET from the app's origin may be read by its page"
    );
}
