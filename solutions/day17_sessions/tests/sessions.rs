//! What "done" means for day 17: real requests to a real server, with a clock the tests move.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use backlings_support::{Request, server_binary};
use day17_sessions::{
    AppState, Cost, ManualClock, SESSION_COOKIE, SESSION_TTL_SECS, SessionStore, app, hash_token,
    new_token,
};

/// Cheap enough for tests: 1 MiB, 1 pass, 1 lane.
const FAST: Cost = Cost {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

const START: u64 = 1_700_000_000;

struct Server {
    base: String,
    state: AppState,
    clock: ManualClock,
    client: reqwest::Client,
}

/// Starts the app on a free port with one user, ada@example.com / "correct horse".
async fn start() -> Server {
    let clock = ManualClock::at(START);
    let state = AppState::new(FAST, Arc::new(clock.clone()));
    state.users.add("ada@example.com", "correct horse");
    let router = app(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Server {
        base: format!("http://{addr}"),
        state,
        clock,
        client,
    }
}

impl Server {
    /// Logs in, sending `cookie` if given. Returns the status and the `Set-Cookie` header.
    async fn login(&self, password: &str, cookie: Option<&str>) -> (StatusCode, Option<String>) {
        let mut request = self
            .client
            .post(format!("{}/login", self.base))
            .json(&json!({ "email": "ada@example.com", "password": password }));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.expect("POST /login");
        let set_cookie = response
            .headers()
            .get(SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_string());
        (response.status(), set_cookie)
    }

    /// Logs in as Ada and returns the `Cookie` header value to send back (`name=token`).
    async fn logged_in_cookie(&self) -> String {
        let (status, set_cookie) = self.login("correct horse", None).await;
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "a successful login answers 204"
        );
        let set_cookie = set_cookie.expect("a successful login sets a cookie");
        set_cookie.split(';').next().unwrap().trim().to_string()
    }

    async fn me(&self, cookie: Option<&str>) -> (StatusCode, String) {
        let mut request = self.client.get(format!("{}/me", self.base));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.expect("GET /me");
        (response.status(), response.text().await.unwrap())
    }
}

fn token_of(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

#[test]
fn new_tokens_are_32_random_bytes_in_url_safe_base64() {
    let tokens: Vec<String> = (0..100).map(|_| new_token()).collect();
    for token in &tokens {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .unwrap_or_else(|_| panic!("{token:?} should be base64url without padding"));
        assert_eq!(
            bytes.len(),
            32,
            "a token carries 32 random bytes, {token:?} has {}",
            bytes.len()
        );
    }
    let mut unique = tokens.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 100, "100 new tokens should all differ");
}

#[test]
fn hash_token_is_the_sha256_of_the_token_in_hex() {
    assert_eq!(
        hash_token("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn the_store_keeps_only_the_hash_of_a_token() {
    let store = SessionStore::open_in_memory().unwrap();
    let token = store.create(7, START).unwrap();
    assert_eq!(
        store.lookup(&token, START).unwrap(),
        Some(7),
        "the token finds its user"
    );
    let stored = store.stored_token_hashes().unwrap();
    assert_eq!(
        stored,
        [hash_token(&token)],
        "the table should hold the token's hash and nothing else"
    );
    assert_eq!(store.lookup("not-a-token", START).unwrap(), None);
}

#[test]
fn the_store_forgets_a_session_when_it_expires() {
    let store = SessionStore::open_in_memory().unwrap();
    let token = store.create(7, START).unwrap();
    assert_eq!(
        store.lookup(&token, START + SESSION_TTL_SECS - 1).unwrap(),
        Some(7),
        "one second before its end the session is alive"
    );
    assert_eq!(
        store.lookup(&token, START + SESSION_TTL_SECS).unwrap(),
        None,
        "a session expires SESSION_TTL_SECS after it was created"
    );
}

#[tokio::test]
async fn login_sets_a_session_cookie_with_safe_flags() {
    let server = start().await;
    let (status, set_cookie) = server.login("correct horse", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let set_cookie = set_cookie.expect("login should answer with Set-Cookie");
    assert!(
        set_cookie.starts_with(&format!("{SESSION_COOKIE}=")),
        "the cookie is named {SESSION_COOKIE}, got {set_cookie}"
    );
    let attributes: Vec<&str> = set_cookie.split(';').skip(1).map(str::trim).collect();
    for wanted in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=3600",
    ] {
        assert!(
            attributes.contains(&wanted),
            "the session cookie needs `{wanted}`, got {set_cookie}"
        );
    }
}

#[tokio::test]
async fn me_answers_the_user_of_a_valid_session_and_401_otherwise() {
    let server = start().await;
    let cookie = server.logged_in_cookie().await;
    let (status, body) = server.me(Some(&format!("theme=dark; {cookie}"))).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a valid session cookie (among others) works, got {body}"
    );
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["email"], "ada@example.com");

    assert_eq!(
        server.me(None).await.0,
        StatusCode::UNAUTHORIZED,
        "no cookie: 401"
    );
    let forged = format!("{SESSION_COOKIE}={}", new_token());
    assert_eq!(
        server.me(Some(&forged)).await.0,
        StatusCode::UNAUTHORIZED,
        "a token the server never issued: 401"
    );
}

#[tokio::test]
async fn a_wrong_password_gets_401_and_no_cookie() {
    let server = start().await;
    let (status, set_cookie) = server.login("wrong horse", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(set_cookie, None, "a failed login must not set a cookie");
    assert!(
        server
            .state
            .sessions
            .stored_token_hashes()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_session_ends_when_its_lifetime_is_over() {
    let server = start().await;
    let cookie = server.logged_in_cookie().await;
    server.clock.advance(SESSION_TTL_SECS - 1);
    assert_eq!(
        server.me(Some(&cookie)).await.0,
        StatusCode::OK,
        "still alive"
    );
    server.clock.advance(1);
    assert_eq!(
        server.me(Some(&cookie)).await.0,
        StatusCode::UNAUTHORIZED,
        "after SESSION_TTL_SECS the server must refuse the session, whatever the browser keeps"
    );
}

/// Told to the program itself (`cargo run -p day17_sessions`), which knows Ada: a cookie kept
/// after logout no longer opens the session.
#[test]
fn logout_ends_the_session_on_the_server() {
    let server = backlings_support::Server::start(server_binary!());
    let login = server.send(
        Request::post("/login")
            .json(&json!({ "email": "ada@example.com", "password": "correct horse" })),
    );
    login.expect_status(204);
    let cookie = match login.header("set-cookie") {
        Some(set_cookie) => set_cookie.split(';').next().unwrap_or_default().to_string(),
        None => login.fail("a successful login sets a cookie"),
    };
    let me = || server.send(Request::get("/me").header("Cookie", &cookie));
    me().expect_status(200);

    let logout = server.send(Request::post("/logout").header("Cookie", &cookie));
    logout.expect_status(204);
    let cleared = logout.header("set-cookie").unwrap_or_default();
    logout.ensure(
        cleared.starts_with(&format!("{SESSION_COOKIE}=;")) && cleared.contains("Max-Age=0"),
        "logout clears the cookie with Set-Cookie: an empty value and Max-Age=0",
    );
    me().because(
        "a copy of the cookie kept after logout must not work: delete the session server-side",
    )
    .expect_status(401);
}

#[tokio::test]
async fn logging_in_again_replaces_the_previous_session() {
    let server = start().await;
    let old = server.logged_in_cookie().await;
    let (status, set_cookie) = server.login("correct horse", Some(&old)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let new = set_cookie.unwrap().split(';').next().unwrap().to_string();
    assert_ne!(
        token_of(&new),
        token_of(&old),
        "every login gets a fresh token"
    );
    assert_eq!(server.me(Some(&new)).await.0, StatusCode::OK);
    assert_eq!(
        server.me(Some(&old)).await.0,
        StatusCode::UNAUTHORIZED,
        "the session id sent with the login must die (session fixation)"
    );
}
