//! What "done" means for day 6: a REST resource that answers every request with the status
//! code, headers and body a client expects. A real server on a free port, real HTTP requests.

use std::time::Duration;

use backlings_support::{Reply, Request, Server, server_binary};
use day06_todo_rest::{AppState, app};
use reqwest::{Client, Method, StatusCode, header};
use serde_json::{Value, json};

struct Api {
    base: String,
    client: Client,
}

/// What came back: status, two headers and the body as JSON (`Value::Null` when empty).
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    etag: Option<String>,
    location: Option<String>,
    content_type: Option<String>,
    body: Value,
}

impl Api {
    async fn start() -> Api {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(AppState::default());
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        Api {
            base: format!("http://{addr}"),
            client,
        }
    }

    /// Sends a request with an optional JSON body and extra headers.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(header::HeaderName, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let response = request.send().await.unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_string())
        };
        let (etag, location) = (header(header::ETAG), header(header::LOCATION));
        let content_type = header(header::CONTENT_TYPE);
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            etag,
            location,
            content_type,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    /// Creates a todo and returns its id and ETag.
    async fn create(&self, title: &str) -> (u64, String) {
        let answer = self
            .send(Method::POST, "/todos", Some(json!({ "title": title })), &[])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "POST /todos: {answer:?}"
        );
        let id = answer.body["id"]
            .as_u64()
            .expect("the new todo has a numeric id");
        (id, answer.etag.expect("a created todo comes with an ETag"))
    }
}

#[tokio::test]
async fn creates_a_todo_with_201_a_location_and_an_etag() {
    let api = Api::start().await;
    let answer = api
        .send(
            Method::POST,
            "/todos",
            Some(json!({"title": "  Write tests "})),
            &[],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "POST creates: 201, got {answer:?}"
    );
    let id = answer.body["id"]
        .as_u64()
        .expect("the todo has a numeric id");
    assert_eq!(
        answer.body,
        json!({"id": id, "title": "Write tests", "done": false}),
        "the title is trimmed and done defaults to false"
    );
    assert_eq!(
        answer.location.as_deref(),
        Some(format!("/todos/{id}").as_str()),
        "201 says where the new todo lives, in Location"
    );
    let etag = answer.etag.expect("the response carries the todo's ETag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "an ETag is a quoted string, got {etag}"
    );

    let fetched = api.get(&format!("/todos/{id}")).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(
        fetched.etag,
        Some(etag),
        "GET gives the same ETag as long as nothing changed"
    );
}

#[tokio::test]
async fn lists_todos_in_creation_order() {
    let api = Api::start().await;
    let empty = api.get("/todos").await;
    assert_eq!(
        empty.body,
        json!([]),
        "no todos yet: an empty array, not 404"
    );
    for title in ["one", "two", "three"] {
        api.create(title).await;
    }
    let titles: Vec<Value> = api
        .get("/todos")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, [json!("one"), json!("two"), json!("three")]);
}

#[tokio::test]
async fn unknown_ids_are_404_problems_for_every_method() {
    let api = Api::start().await;
    let body = Some(json!({"title": "x", "done": true}));
    for method in [Method::GET, Method::PUT, Method::PATCH, Method::DELETE] {
        let answer = api
            .send(method.clone(), "/todos/999", body.clone(), &[])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{method} /todos/999: 404"
        );
        assert_eq!(
            answer.content_type.as_deref(),
            Some("application/problem+json"),
            "errors are problem details (day 4)"
        );
        assert_eq!(answer.body["status"], 404);
    }
    let answer = api.get("/todos/abc").await;
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "an id that is not a number is refused by the Path extractor: 400"
    );
}

#[tokio::test]
async fn put_replaces_the_whole_todo_and_needs_every_field() {
    let api = Api::start().await;
    let (id, etag) = api.create("Draft").await;
    let path = format!("/todos/{id}");

    let partial = api
        .send(
            Method::PUT,
            &path,
            Some(json!({"title": "Only a title"})),
            &[],
        )
        .await;
    assert_eq!(
        partial.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "PUT sends the complete new state: without `done` it is 422"
    );

    let answer = api
        .send(
            Method::PUT,
            &path,
            Some(json!({"title": "Final", "done": true})),
            &[],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "PUT answers 200 with the new state"
    );
    assert_eq!(
        answer.body,
        json!({"id": id, "title": "Final", "done": true})
    );
    let new_etag = answer.etag.expect("PUT returns the new ETag");
    assert_ne!(new_etag, etag, "a change gives the todo a new ETag");
    assert_eq!(
        api.get(&path).await.body["title"],
        "Final",
        "the change is stored"
    );
}

#[tokio::test]
async fn patch_changes_only_the_fields_it_sends() {
    let api = Api::start().await;
    let (id, etag) = api.create("Buy milk").await;
    let path = format!("/todos/{id}");

    let answer = api
        .send(Method::PATCH, &path, Some(json!({"done": true})), &[])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.body,
        json!({"id": id, "title": "Buy milk", "done": true}),
        "PATCH {{\"done\": true}} keeps the title"
    );
    assert_ne!(answer.etag, Some(etag), "PATCH gives a new ETag");

    let answer = api
        .send(
            Method::PATCH,
            &path,
            Some(json!({"title": "Buy oat milk"})),
            &[],
        )
        .await;
    assert_eq!(
        answer.body,
        json!({"id": id, "title": "Buy oat milk", "done": true}),
        "PATCH {{\"title\": ...}} keeps done"
    );
}

#[tokio::test]
async fn delete_answers_204_and_the_todo_is_gone() {
    let api = Api::start().await;
    let (id, _) = api.create("Temporary").await;
    let path = format!("/todos/{id}");
    let answer = api.send(Method::DELETE, &path, None, &[]).await;
    assert_eq!(
        answer.status,
        StatusCode::NO_CONTENT,
        "DELETE answers 204 No Content"
    );
    assert_eq!(answer.body, Value::Null, "204 has no body");
    assert_eq!(
        api.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "a deleted todo is 404"
    );
    assert_eq!(
        api.send(Method::DELETE, &path, None, &[]).await.status,
        StatusCode::NOT_FOUND,
        "deleting it again is 404"
    );
    let (next, _) = api.create("Another").await;
    assert_ne!(next, id, "ids are never reused");
}

#[tokio::test]
async fn refuses_a_duplicate_title_with_409() {
    let api = Api::start().await;
    let (first, _) = api.create("Pay rent").await;
    let (second, _) = api.create("Call mum").await;

    let again = api
        .send(
            Method::POST,
            "/todos",
            Some(json!({"title": "PAY RENT"})),
            &[],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "titles are unique, ignoring case: 409"
    );
    assert_eq!(again.body["status"], 409, "a 409 is a problem too");

    let patch = api
        .send(
            Method::PATCH,
            &format!("/todos/{second}"),
            Some(json!({"title": "pay rent"})),
            &[],
        )
        .await;
    assert_eq!(
        patch.status,
        StatusCode::CONFLICT,
        "renaming onto another todo's title: 409"
    );

    let own = api
        .send(
            Method::PUT,
            &format!("/todos/{first}"),
            Some(json!({"title": "Pay rent", "done": true})),
            &[],
        )
        .await;
    assert_eq!(
        own.status,
        StatusCode::OK,
        "a todo keeping its own title is no conflict"
    );
}

#[tokio::test]
async fn refuses_invalid_input_with_422() {
    let api = Api::start().await;
    let (id, _) = api.create("Valid").await;
    let path = format!("/todos/{id}");
    let cases = [
        (
            Method::POST,
            "/todos",
            json!({"title": "   "}),
            "a blank title",
        ),
        (
            Method::POST,
            "/todos",
            json!({"title": "x".repeat(201)}),
            "a 201-character title",
        ),
        (
            Method::POST,
            "/todos",
            json!({"title": "a", "id": 5}),
            "a client-chosen id",
        ),
        (
            Method::PUT,
            &path,
            json!({"title": "", "done": false}),
            "a blank title",
        ),
        (Method::PATCH, &path, json!({"title": " "}), "a blank title"),
        (
            Method::PATCH,
            &path,
            json!({"done": "yes"}),
            "done that is not a boolean",
        ),
    ];
    for (method, target, body, what) in cases {
        let answer = api.send(method.clone(), target, Some(body), &[]).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {target} with {what}: 422"
        );
    }
    assert_eq!(
        api.get(&path).await.body["title"],
        "Valid",
        "refused requests change nothing"
    );
}

/// The lost-update story told to the program itself (`cargo run -p day06_todo_rest`), over
/// HTTP: a failing step prints every request so far as a curl command.
#[test]
fn a_stale_if_match_is_412_and_changes_nothing() {
    let server = Server::start(server_binary!());
    let created = server.send(Request::post("/todos").json(&json!({"title": "Shared"})));
    let id = created.expect_status(201).json()["id"].clone();
    let path = format!("/todos/{id}");
    let read_by_alice = etag_of(&created);

    // Bob changes the todo; Alice's ETag is now stale.
    let bob = server
        .send(
            Request::patch(&path)
                .header("If-Match", &read_by_alice)
                .json(&json!({"done": true})),
        )
        .because("If-Match with the current ETag goes through");
    let current = etag_of(bob.expect_status(200));

    server
        .send(
            Request::put(&path)
                .header("If-Match", &read_by_alice)
                .json(&json!({"title": "Alice's version", "done": false})),
        )
        .because("If-Match with an old ETag: 412, or Alice would silently overwrite Bob's change")
        .expect_status(412);
    server
        .get(&path)
        .because("a 412 changes nothing, and Bob's change is still there")
        .expect_json_includes(json!({"title": "Shared", "done": true}));
    server
        .send(Request::delete(&path).header("If-Match", &read_by_alice))
        .because("DELETE checks If-Match too")
        .expect_status(412);
    server
        .send(
            Request::patch(&path)
                .header("If-Match", &format!("\"nope\", {current}"))
                .json(&json!({"title": "Merged"})),
        )
        .because("If-Match may list several ETags: one matching is enough")
        .expect_status(200);
    server
        .send(Request::delete(&path).header("If-Match", "*"))
        .because("If-Match: * means any current version")
        .expect_status(204);
}

/// The ETag a response carries; a response without one fails the test.
fn etag_of(reply: &Reply) -> String {
    match reply.header("etag") {
        Some(etag) => etag.to_string(),
        None => reply.fail("expected an ETag header"),
    }
}

#[tokio::test]
async fn if_none_match_gives_304_while_the_todo_is_unchanged() {
    let api = Api::start().await;
    let (id, etag) = api.create("Cached").await;
    let path = format!("/todos/{id}");

    let cached = api
        .send(Method::GET, &path, None, &[(header::IF_NONE_MATCH, &etag)])
        .await;
    assert_eq!(
        cached.status,
        StatusCode::NOT_MODIFIED,
        "the client already has this version: 304 Not Modified"
    );
    assert_eq!(cached.body, Value::Null, "a 304 has no body");
    assert_eq!(
        cached.etag,
        Some(etag.clone()),
        "a 304 still carries the ETag"
    );

    api.send(Method::PATCH, &path, Some(json!({"done": true})), &[])
        .await;
    let fresh = api
        .send(Method::GET, &path, None, &[(header::IF_NONE_MATCH, &etag)])
        .await;
    assert_eq!(
        fresh.status,
        StatusCode::OK,
        "after a change the old ETag no longer matches: 200"
    );
    assert_eq!(fresh.body["done"], true);
    assert_ne!(fresh.etag, Some(etag));
}
