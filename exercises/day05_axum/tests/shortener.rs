//! What "done" means for day 5: a real axum server on a free port, real HTTP requests, and one
//! race between two threads calling a handler directly.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use day05_axum::{ApiError, AppState, NewLink, app, create_link};
use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

/// A running server and a client for it.
struct Server {
    base: String,
    client: Client,
}

impl Server {
    /// Starts the learner's app on 127.0.0.1:0 in the background.
    async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(AppState::default());
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = Client::builder()
            // Look at redirects instead of following them.
            .redirect(reqwest::redirect::Policy::none())
            // Every request is bounded in time.
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        Server {
            base: format!("http://{addr}"),
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    async fn create(&self, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/links"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

/// Checks the status, then returns the body as JSON.
async fn json_of(response: reqwest::Response, status: StatusCode, what: &str) -> Value {
    assert_eq!(response.status(), status, "{what}");
    let text = response.text().await.unwrap();
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: the body should be JSON ({e}), got {text:?}"))
}

#[tokio::test]
async fn health_answers_ok() {
    let server = Server::start().await;
    let response = server.get("/health").await;
    assert_eq!(response.status(), StatusCode::OK, "GET /health is 200");
    assert_eq!(response.text().await.unwrap(), "ok", "GET /health says ok");
}

#[tokio::test]
async fn creates_a_link_with_201_a_location_and_json() {
    let server = Server::start().await;
    let response = server
        .create(json!({"url": "https://www.rust-lang.org/learn", "slug": "rust"}))
        .await;
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap()),
        Some("/links/rust"),
        "a 201 says where the new resource lives"
    );
    let body = json_of(response, StatusCode::CREATED, "POST /links creates: 201").await;
    assert_eq!(
        body,
        json!({"slug": "rust", "url": "https://www.rust-lang.org/learn", "visits": 0})
    );

    let body = json_of(
        server.get("/links/rust").await,
        StatusCode::OK,
        "GET /links/rust finds the link just created",
    )
    .await;
    assert_eq!(body["url"], "https://www.rust-lang.org/learn");
}

#[tokio::test]
async fn redirects_a_slug_to_its_url_and_counts_visits() {
    let server = Server::start().await;
    server
        .create(json!({"url": "https://example.com/a?b=c", "slug": "ex"}))
        .await;
    for _ in 0..2 {
        let response = server.get("/ex").await;
        assert_eq!(
            response.status(),
            StatusCode::TEMPORARY_REDIRECT,
            "GET /ex redirects with 307"
        );
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "https://example.com/a?b=c",
            "the Location header is the link's url"
        );
    }
    let body = json_of(server.get("/links/ex").await, StatusCode::OK, "stats").await;
    assert_eq!(
        body["visits"], 2,
        "two redirects were served: the state is shared by every request"
    );
}

#[tokio::test]
async fn generates_distinct_slugs_even_for_concurrent_requests() {
    let server = Server::start().await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = server.client.clone();
        let url = server.url("/links");
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({"url": format!("https://example.com/{i}")}))
                .send()
                .await
                .unwrap();
            json_of(
                response,
                StatusCode::CREATED,
                "a link without a slug gets one",
            )
            .await
        }));
    }
    let mut slugs = HashSet::new();
    for task in tasks {
        let body = task.await.unwrap();
        let slug = body["slug"]
            .as_str()
            .expect("the generated slug is a string");
        let followed = server.get(&format!("/{slug}")).await;
        assert_eq!(
            followed.headers().get(header::LOCATION).unwrap(),
            body["url"].as_str().unwrap(),
            "the generated slug {slug} must lead to its own url"
        );
        slugs.insert(slug.to_string());
    }
    assert_eq!(slugs.len(), 20, "20 links need 20 different slugs");
}

#[tokio::test]
async fn generated_slugs_skip_numbers_a_client_already_took() {
    let server = Server::start().await;
    let taken = server
        .create(json!({"url": "https://mine.example", "slug": "2"}))
        .await;
    assert_eq!(taken.status(), StatusCode::CREATED, "\"2\" is a valid slug");

    let mut generated = Vec::new();
    for i in 0..2 {
        let response = server
            .create(json!({"url": format!("https://generated.example/{i}")}))
            .await;
        let body = json_of(
            response,
            StatusCode::CREATED,
            "a link without a slug gets one, even when the obvious number is taken",
        )
        .await;
        generated.push(body["slug"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(
        generated,
        ["1", "3"],
        "generated slugs are the next numbers from `next_id` that are not taken: \"1\", then \
         \"3\" because a client took \"2\" (a count of the links is not a unique number)"
    );
    let kept = json_of(server.get("/links/2").await, StatusCode::OK, "get /links/2").await;
    assert_eq!(
        kept["url"], "https://mine.example",
        "a generated slug never replaces a link a client created"
    );
}

/// Two threads call the handler directly (no HTTP in between, so the calls really overlap) and
/// claim the same slugs in the same order: `race-0`, `race-1`, ... Each slug must have exactly
/// one winner.
#[test]
fn two_threads_claiming_the_same_slugs_never_both_win() {
    const SLUGS: usize = 20_000;
    let state = AppState::default();
    let start = Arc::new(std::sync::Barrier::new(2));
    let claimants: Vec<_> = ["https://a.example", "https://b.example"]
        .into_iter()
        .map(|url| {
            let (state, start) = (state.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                start.wait();
                let mut won = HashSet::new();
                for i in 0..SLUGS {
                    let new = NewLink {
                        url: url.to_string(),
                        slug: Some(format!("race-{i}")),
                    };
                    match runtime.block_on(create_link(State(state.clone()), Json(new))) {
                        Ok(_) => {
                            won.insert(i);
                        }
                        Err(ApiError::SlugTaken(_)) => {}
                        Err(other) => panic!("claiming race-{i} failed with {other:?}"),
                    }
                }
                won
            })
        })
        .collect();
    let [a, b]: [HashSet<usize>; 2] = claimants
        .into_iter()
        .map(|claimant| claimant.join().expect("a claiming thread panicked"))
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();

    let both: Vec<&usize> = a.intersection(&b).collect();
    assert!(
        both.is_empty(),
        "{} slugs were won by both threads (race-{} first): check that the slug is free and \
         insert it under ONE lock, or two requests can both see it free",
        both.len(),
        both.iter().min().unwrap()
    );
    assert_eq!(a.len() + b.len(), SLUGS, "every slug has one winner");
    let links = state.links.lock().unwrap();
    let stored_by_a = (0..SLUGS)
        .filter(|i| links[&format!("race-{i}")].url == "https://a.example")
        .count();
    assert_eq!(
        stored_by_a,
        a.len(),
        "the link stored for each slug is the winner's"
    );
}

#[tokio::test]
async fn unknown_slugs_are_404_with_a_json_error() {
    let server = Server::start().await;
    for path in ["/nope", "/links/nope"] {
        let body = json_of(
            server.get(path).await,
            StatusCode::NOT_FOUND,
            &format!("GET {path}: no such link is 404"),
        )
        .await;
        assert!(
            body["error"].is_string(),
            "errors are JSON objects with an \"error\" message, got {body}"
        );
    }
}

#[tokio::test]
async fn refuses_a_slug_that_is_taken_with_409() {
    let server = Server::start().await;
    let first = server
        .create(json!({"url": "https://a.example", "slug": "mine"}))
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let second = server
        .create(json!({"url": "https://b.example", "slug": "mine"}))
        .await;
    let body = json_of(second, StatusCode::CONFLICT, "a taken slug is 409 Conflict").await;
    assert!(body["error"].is_string(), "got {body}");
    let kept = json_of(server.get("/links/mine").await, StatusCode::OK, "get").await;
    assert_eq!(
        kept["url"], "https://a.example",
        "the first link must be kept"
    );
}

#[tokio::test]
async fn refuses_invalid_urls_and_slugs_with_422() {
    let server = Server::start().await;
    for (body, what) in [
        (
            json!({"url": "ftp://example.com"}),
            "a url that is not http(s)",
        ),
        (json!({"url": "example.com"}), "a url without a scheme"),
        (
            json!({"url": "https://"}),
            "a url with nothing after the scheme",
        ),
        (
            json!({"url": "https://a.example", "slug": "Has Space"}),
            "a slug with a space and capitals",
        ),
        (
            json!({"url": "https://a.example", "slug": ""}),
            "an empty slug",
        ),
        (
            json!({"url": "https://a.example", "slug": "x".repeat(33)}),
            "a slug of 33 characters",
        ),
        (
            json!({"url": "https://a.example", "slug": "health"}),
            "a slug that hides /health",
        ),
    ] {
        let response = server.create(body.clone()).await;
        let answer = json_of(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{what} ({body}) is 422"),
        )
        .await;
        assert!(answer["error"].is_string(), "got {answer}");
    }
    let health = server.get("/health").await;
    assert_eq!(health.status(), StatusCode::OK, "/health still answers");
}

#[tokio::test]
async fn lets_the_json_extractor_refuse_bad_bodies() {
    let server = Server::start().await;
    let post = |body: &'static str, content_type: Option<&'static str>| {
        let mut request = server.client.post(server.url("/links")).body(body);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        async move { request.send().await.unwrap() }
    };
    let json = Some("application/json");
    let cases = [
        (
            post(r#"{"url": "https://a.example"}"#, None).await,
            415,
            "no Content-Type",
        ),
        (post(r#"{"url": "#, json).await, 400, "JSON cut short"),
        (post(r#"{"slug": "x"}"#, json).await, 422, "a missing url"),
    ];
    for (response, status, what) in cases {
        assert_eq!(
            response.status().as_u16(),
            status,
            "{what}: axum's Json extractor answers {status} by itself (as you did on day 4)"
        );
    }
}

#[tokio::test]
async fn lists_links_in_slug_order_with_a_limit() {
    let server = Server::start().await;
    for slug in ["c", "a", "d", "b"] {
        let url = format!("https://{slug}.example");
        server.create(json!({"url": url, "slug": slug})).await;
    }
    let all = json_of(server.get("/links").await, StatusCode::OK, "GET /links").await;
    let slugs: Vec<&str> = all
        .as_array()
        .expect("GET /links is a JSON array")
        .iter()
        .map(|l| l["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["a", "b", "c", "d"],
        "links are listed in slug order"
    );

    let two = json_of(server.get("/links?limit=2").await, StatusCode::OK, "limit").await;
    assert_eq!(
        two,
        json!([
            {"slug": "a", "url": "https://a.example", "visits": 0},
            {"slug": "b", "url": "https://b.example", "visits": 0}
        ]),
        "?limit=2 returns the first two"
    );
    let bad = server.get("/links?limit=many").await;
    assert_eq!(
        bad.status(),
        StatusCode::BAD_REQUEST,
        "the Query extractor refuses a limit that is not a number with 400"
    );
}
