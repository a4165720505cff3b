//! What "done" means for day 12: the blog API on a real server (127.0.0.1, a free port),
//! spoken to over TCP with an HTTP client.

use std::time::Duration;

use backlings_support::{Request, Server, server_binary};
use day12_blog_api::app;
use day12_blog_api::store::Store;
use reqwest::{Client, Response};
use serde_json::{Value, json};

struct Api {
    base: String,
    client: Client,
}

/// Starts the app on a free port with an empty in-memory store.
async fn start() -> Api {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app(Store::open_in_memory().expect("open the store"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Api {
        base: format!("http://{addr}"),
        client,
    }
}

impl Api {
    async fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path} got no answer: {e}"))
    }

    async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} got no answer: {e}"))
    }

    /// Creates an author and returns its id.
    async fn author(&self, name: &str, email: &str) -> i64 {
        let response = self
            .post("/authors", json!({"name": name, "email": email}))
            .await;
        assert_eq!(
            response.status().as_u16(),
            201,
            "creating {email} should be 201"
        );
        response.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// Creates a post and returns its id.
    async fn post_by(&self, author_id: i64, slug: &str, tags: &[&str]) -> i64 {
        let body = json!({
            "author_id": author_id, "slug": slug, "title": slug, "body": "text", "tags": tags
        });
        let response = self.post("/posts", body).await;
        assert_eq!(
            response.status().as_u16(),
            201,
            "creating post {slug} should be 201"
        );
        response.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// Lists posts; returns the ids on the page and the `next` cursor.
    async fn page(&self, query: &str) -> (Vec<i64>, Option<String>) {
        let response = self.get(&format!("/posts{query}")).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "GET /posts{query} should be 200"
        );
        let page: Value = response.json().await.unwrap();
        let ids = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("a page is {{\"items\": [...], \"next\": ...}}, got {page}"))
            .iter()
            .map(|post| post["id"].as_i64().unwrap())
            .collect();
        (ids, page["next"].as_str().map(str::to_string))
    }
}

/// Checks that a response is an RFC 9457 problem with this status.
async fn assert_problem(response: Response, status: u16, what: &str) {
    assert_eq!(
        response.status().as_u16(),
        status,
        "{what}: expected status {status}"
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(
        content_type, "application/problem+json",
        "{what}: errors are problem details"
    );
    let body: Value = response.json().await.expect("a problem body is JSON");
    assert_eq!(
        body["status"], status,
        "{what}: the problem's `status` member, got {body}"
    );
    assert!(
        body["title"].is_string(),
        "{what}: a problem has a `title`, got {body}"
    );
}

#[tokio::test]
async fn creates_an_author_with_201_and_the_stored_json() {
    let api = start().await;
    let response = api
        .post(
            "/authors",
            json!({"name": "Ada", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "a new author is 201 Created"
    );
    let body: Value = response.json().await.unwrap();
    assert!(
        body["id"].is_i64(),
        "the answer carries the new id, got {body}"
    );
    assert_eq!(body["name"], "Ada");
    assert_eq!(body["email"], "ada@example.com");
}

#[tokio::test]
async fn a_duplicate_email_or_an_invalid_author_is_refused() {
    let api = start().await;
    api.author("Ada", "ada@example.com").await;
    let again = api
        .post(
            "/authors",
            json!({"name": "Ada 2", "email": "ada@example.com"}),
        )
        .await;
    assert_problem(again, 409, "a second author with ada@example.com").await;
    let nameless = api
        .post("/authors", json!({"name": "  ", "email": "x@example.com"}))
        .await;
    assert_problem(nameless, 422, "an author with an empty name").await;
    let no_at = api
        .post("/authors", json!({"name": "X", "email": "not-an-email"}))
        .await;
    assert_problem(no_at, 422, "an email without '@'").await;
}

/// Told to the program itself (`cargo run -p day12_blog_api`), which keeps the blog in a file
/// under `DATA_DIR`: a post created before a restart is still there after it.
#[test]
fn creates_a_post_with_201_a_location_and_keeps_it_across_a_restart() {
    let mut server = Server::start(server_binary!());
    let ada = server
        .send(Request::post("/authors").json(&json!({"name": "Ada", "email": "ada@example.com"})));
    let ada = ada.expect_status(201).json()["id"].clone();
    server
        .send(Request::post("/posts").json(&json!({
            "author_id": ada, "slug": "hello-world", "title": "Hello, World",
            "body": "My first post.", "tags": ["Rust", "web"]
        })))
        .because("a new post is 201 Created, says where it lives, and its tags are normalized")
        .expect_status(201)
        .expect_header("location", "/posts/hello-world")
        .expect_json_includes(
            json!({"slug": "hello-world", "author_id": ada, "tags": ["rust", "web"]}),
        );
    server.restart();
    server
        .get("/posts/hello-world")
        .because("the blog lives in a file under DATA_DIR, so a restart keeps it")
        .expect_status(200)
        .expect_json_includes(json!({"title": "Hello, World", "tags": ["rust", "web"]}));
}

#[tokio::test]
async fn reads_a_post_by_slug_and_an_unknown_slug_is_a_404_problem() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    let id = api.post_by(ada, "hello-world", &["rust"]).await;
    let response = api.get("/posts/hello-world").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], id);
    assert_eq!(body["tags"], json!(["rust"]));
    assert_problem(api.get("/posts/no-such-post").await, 404, "an unknown slug").await;
}

#[tokio::test]
async fn a_taken_slug_is_a_409_conflict() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    api.post_by(ada, "hello-world", &[]).await;
    let again = api
        .post(
            "/posts",
            json!({"author_id": ada, "slug": "hello-world", "title": "Again", "body": "", "tags": []}),
        )
        .await;
    assert_problem(again, 409, "a second post with the slug hello-world").await;
}

#[tokio::test]
async fn invalid_posts_are_422_problems() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    let cases = [
        (
            json!({"author_id": ada, "slug": "ok", "title": "  ", "body": ""}),
            "an empty title",
        ),
        (
            json!({"author_id": ada, "slug": "Hello World", "title": "T", "body": ""}),
            "a slug with capitals and a space",
        ),
        (
            json!({"author_id": ada, "slug": "a--b", "title": "T", "body": ""}),
            "a slug with a double dash",
        ),
        (
            json!({"author_id": ada, "slug": "t", "title": "T", "body": "", "tags": [" "]}),
            "an empty tag",
        ),
        (
            json!({"author_id": 999, "slug": "t", "title": "T", "body": ""}),
            "an unknown author",
        ),
    ];
    for (body, what) in cases {
        assert_problem(api.post("/posts", body).await, 422, what).await;
    }
    let (ids, _) = api.page("").await;
    assert!(
        ids.is_empty(),
        "no invalid post may be stored, found {ids:?}"
    );
}

#[tokio::test]
async fn lists_posts_newest_first_one_page_at_a_time() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(api.post_by(ada, &format!("post-{n}"), &[]).await);
    }
    let (first, next) = api.page("?limit=2").await;
    assert_eq!(first, [ids[4], ids[3]], "page 1 holds the two newest posts");
    let next = next.expect("there are more posts, so `next` must be a cursor");
    let (second, next) = api.page(&format!("?limit=2&after={next}")).await;
    assert_eq!(
        second,
        [ids[2], ids[1]],
        "page 2 continues where page 1 stopped"
    );
    let next = next.expect("one post is left, so `next` must be a cursor");
    let (third, next) = api.page(&format!("?limit=2&after={next}")).await;
    assert_eq!(third, [ids[0]]);
    assert_eq!(next, None, "the last page has `next: null`");
    let (all, _) = api.page("").await;
    assert_eq!(all.len(), 5, "without a limit a page holds up to 10 posts");
}

#[tokio::test]
async fn pages_neither_skip_nor_repeat_when_posts_arrive_between_requests() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(api.post_by(ada, &format!("post-{n}"), &[]).await);
    }
    let (first, next) = api.page("?limit=2").await;
    assert_eq!(first, [ids[3], ids[2]]);
    api.post_by(ada, "breaking-news", &[]).await;
    let (second, _) = api
        .page(&format!("?limit=2&after={}", next.expect("a next cursor")))
        .await;
    assert_eq!(
        second,
        [ids[1], ids[0]],
        "a post created meanwhile must not shift page 2 (an OFFSET would repeat post 3): use the cursor as a key"
    );
}

#[tokio::test]
async fn filters_by_tag_and_by_author() {
    let api = start().await;
    let ada = api.author("Ada", "ada@example.com").await;
    let alan = api.author("Alan", "alan@example.com").await;
    let a1 = api.post_by(ada, "a1", &["rust"]).await;
    let _b1 = api.post_by(alan, "b1", &["rust", "math"]).await;
    let a2 = api.post_by(ada, "a2", &["web"]).await;
    let a3 = api.post_by(ada, "a3", &["rust", "web"]).await;
    let b2 = api.post_by(alan, "b2", &["math"]).await;

    let (ada_posts, _) = api.page(&format!("?author={ada}")).await;
    assert_eq!(
        ada_posts,
        [a3, a2, a1],
        "?author= keeps only that author's posts"
    );
    let (math, _) = api.page("?tag=math&limit=1").await;
    assert_eq!(math, [b2]);
    let (ada_rust, next) = api.page(&format!("?tag=rust&author={ada}&limit=1")).await;
    assert_eq!(ada_rust, [a3], "filters combine");
    let after = next.expect("Ada has a second rust post");
    let (ada_rust_2, next) = api
        .page(&format!("?tag=rust&author={ada}&limit=1&after={after}"))
        .await;
    assert_eq!(ada_rust_2, [a1], "the filter holds on the next page too");
    assert_eq!(next, None);
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_a_422_problem() {
    let api = start().await;
    for query in [
        "?limit=0",
        "?limit=51",
        "?limit=ten",
        "?after=abc",
        "?after=-5",
    ] {
        let response = api.get(&format!("/posts{query}")).await;
        assert_problem(response, 422, &format!("GET /posts{query}")).await;
    }
}
