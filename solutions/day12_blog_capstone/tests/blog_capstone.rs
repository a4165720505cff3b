//! What "done" means for the blog capstone: the service described in README.md, started as a
//! program (`cargo run -p day12_blog_capstone`) on a free port with its own `DATA_DIR`, and
//! spoken to over HTTP. Nothing here looks inside your code: only what a client can see.

use backlings_support::{Reply, Request, Server, server_binary};
use serde_json::{Value, json};

fn start() -> Server {
    Server::start(server_binary!())
}

/// Creates an author and returns its id.
fn author(server: &Server, name: &str, email: &str) -> i64 {
    let reply = server.send(Request::post("/authors").json(&json!({"name": name, "email": email})));
    reply.expect_status(201);
    match reply.json()["id"].as_i64() {
        Some(id) => id,
        None => reply.fail("an author's `id` is a number"),
    }
}

/// Creates a post from `body` (201 expected) and returns the post as JSON.
fn create_post(server: &Server, body: Value) -> Value {
    let reply = server.send(Request::post("/posts").json(&body));
    reply.expect_status(201);
    reply.json()
}

/// Creates a published post with a title and tags and returns its slug.
fn published(server: &Server, author: i64, title: &str, tags: &[&str]) -> String {
    let post = create_post(
        server,
        json!({"author_id": author, "title": title, "body": "Text.", "tags": tags, "published": true}),
    );
    post["slug"].as_str().unwrap_or_default().to_string()
}

/// The `ETag` of a response that must carry one.
fn etag(reply: &Reply) -> String {
    match reply.header("etag") {
        Some(tag) => tag.to_string(),
        None => reply.fail("expected an `ETag` header"),
    }
}

/// `GET /posts{query}`: the slugs on the page, and `next`.
fn page(server: &Server, query: &str) -> (Vec<String>, Option<String>) {
    let reply = server.get(&format!("/posts{query}"));
    reply.expect_status(200);
    let body = reply.json();
    let Some(items) = body["items"].as_array() else {
        reply.fail("a page is {\"items\": [...], \"next\": ...}");
    };
    let slugs = items
        .iter()
        .map(|post| post["slug"].as_str().unwrap_or_default().to_string())
        .collect();
    match &body["next"] {
        Value::Null => (slugs, None),
        Value::String(next) => (slugs, Some(next.clone())),
        _ => reply.fail("`next` is a string or null"),
    }
}

/// A cursor is opaque: percent-encode every byte outside the unreserved set of RFC 3986.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The reply is an RFC 9457 problem with this status.
#[track_caller]
fn expect_problem(reply: &Reply, status: u16) {
    reply.expect_status(status);
    let content_type = reply.header("content-type").unwrap_or_default();
    reply.ensure(
        content_type.starts_with("application/problem+json"),
        "an error's Content-Type is `application/problem+json`",
    );
    let body = reply.json();
    reply.ensure(
        body["status"] == status && body["title"].is_string() && body["detail"].is_string(),
        format!("a problem has `title`, `status` ({status}) and `detail`"),
    );
}

#[test]
fn a_new_author_gets_201_a_location_and_never_shows_the_email() {
    let server = start();
    let created = server
        .send(Request::post("/authors").json(&json!({"name": "Ada", "email": "ada@example.com"})));
    created.expect_status(201);
    let id = created.json()["id"].clone();
    created
        .expect_header("location", &format!("/authors/{id}"))
        .expect_json_includes(json!({"id": id, "name": "Ada"}));
    let read = server
        .get(&format!("/authors/{id}"))
        .because("an email is private: no response ever carries it");
    read.expect_status(200)
        .expect_json_includes(json!({"id": id, "name": "Ada"}));
    for reply in [&created, &read] {
        reply.ensure(
            !reply.text().to_lowercase().contains("ada@example.com"),
            "no response carries an author's email",
        );
    }
    expect_problem(&server.get("/authors/999999"), 404);
}

#[test]
fn a_taken_email_is_a_409_whatever_its_case_and_a_bad_author_a_422() {
    let server = start();
    author(&server, "Ada", "ada@example.com");
    let again =
        Request::post("/authors").json(&json!({"name": "Ada 2", "email": " ADA@Example.com "}));
    expect_problem(&server.send(again), 409);
    let nameless = Request::post("/authors").json(&json!({"name": "  ", "email": "x@example.com"}));
    expect_problem(&server.send(nameless), 422);
    let no_at = Request::post("/authors").json(&json!({"name": "X", "email": "not-an-email"}));
    expect_problem(&server.send(no_at), 422);
}

#[test]
fn a_new_post_is_a_draft_with_a_slug_from_its_title_a_location_and_an_etag() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let new_post = json!({
        "author_id": ada, "title": "Hello, World!", "body": "My first post.",
        "tags": [" Web", "rust", "RUST"]
    });
    let expected = json!({
        "slug": "hello-world", "title": "Hello, World!", "body": "My first post.",
        "author": {"id": ada, "name": "Ada"}, "tags": ["rust", "web"], "published": false
    });
    let created = server.send(Request::post("/posts").json(&new_post));
    created
        .expect_status(201)
        .expect_header("location", "/posts/hello-world")
        .expect_json_includes(expected.clone());
    let tag = etag(&created);
    let read = server
        .get("/posts/hello-world")
        .because("a draft is readable by its slug, with the ETag its creation announced");
    read.expect_status(200)
        .expect_header("etag", &tag)
        .expect_json(created.json());
    read.ensure(
        !read.text().contains("ada@example.com"),
        "a post's author never shows the email",
    );
    expect_problem(&server.get("/posts/no-such-post"), 404);
}

#[test]
fn equal_titles_get_distinct_slugs_and_a_taken_or_malformed_slug_is_refused() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let post = |title: &str| json!({"author_id": ada, "title": title, "body": ""});
    assert_eq!(
        create_post(&server, post("Hello World"))["slug"],
        "hello-world"
    );
    server
        .send(Request::post("/posts").json(&post("Hello, world?")))
        .because("a slug derived from a taken title gets -2, -3... until it is free")
        .expect_status(201)
        .expect_header("location", "/posts/hello-world-2");
    let mut explicit = post("Another");
    explicit["slug"] = json!("hello-world");
    expect_problem(&server.send(Request::post("/posts").json(&explicit)), 409);
    explicit["slug"] = json!("Hello World");
    expect_problem(&server.send(Request::post("/posts").json(&explicit)), 422);
    explicit["slug"] = json!("my-own-slug");
    server
        .send(Request::post("/posts").json(&explicit))
        .expect_status(201)
        .expect_header("location", "/posts/my-own-slug");
}

#[test]
fn invalid_posts_are_refused_and_nothing_of_them_is_stored() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let cases = [
        (
            json!({"author_id": ada, "slug": "bad-1", "title": "  ", "body": ""}),
            422,
        ),
        (
            json!({"author_id": 999999, "slug": "bad-2", "title": "T", "body": ""}),
            422,
        ),
        (
            json!({"author_id": ada, "slug": "bad-3", "title": "T", "body": "", "tags": ["ok", " "]}),
            422,
        ),
        (
            json!({"author_id": ada, "slug": "bad-4", "title": 5, "body": ""}),
            422,
        ),
        (json!({"author_id": ada, "slug": "bad-5", "body": ""}), 422),
    ];
    for (body, status) in cases {
        let slug = body["slug"].as_str().unwrap_or_default().to_string();
        expect_problem(&server.send(Request::post("/posts").json(&body)), status);
        expect_problem(&server.get(&format!("/posts/{slug}")), 404);
    }
    let broken = Request::post("/posts")
        .header("Content-Type", "application/json")
        .body(r#"{"author_id": 1, "title": "#);
    expect_problem(&server.send(broken), 400);
}

#[test]
fn drafts_stay_out_of_the_listing_until_published() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    published(&server, ada, "Shown", &[]);
    let draft = server.send(Request::post("/posts").json(&json!({
        "author_id": ada, "title": "Secret plans", "body": "Not yet."
    })));
    draft.expect_status(201);
    let (slugs, _) = page(&server, "");
    assert_eq!(slugs, ["shown"], "GET /posts lists published posts only");
    server
        .send(
            Request::patch("/posts/secret-plans")
                .header("If-Match", &etag(&draft))
                .json(&json!({"published": true})),
        )
        .expect_status(200)
        .expect_json_includes(json!({"slug": "secret-plans", "published": true}));
    let (slugs, _) = page(&server, "");
    assert_eq!(
        slugs,
        ["secret-plans", "shown"],
        "once published, it is listed"
    );
}

#[test]
fn the_listing_pages_newest_first_until_next_is_null() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    for n in 1..=5 {
        published(&server, ada, &format!("Post {n}"), &[]);
        // Drafts in between must not make a page short.
        create_post(
            &server,
            json!({"author_id": ada, "title": format!("Draft {n}"), "body": ""}),
        );
    }
    let (first, next) = page(&server, "?limit=2");
    assert_eq!(
        first,
        ["post-5", "post-4"],
        "page 1 holds the two newest posts"
    );
    let next = next.expect("more posts follow, so `next` is a cursor");
    let (second, next) = page(&server, &format!("?limit=2&after={}", encode(&next)));
    assert_eq!(
        second,
        ["post-3", "post-2"],
        "page 2 starts where page 1 ended"
    );
    let next = next.expect("one post is left, so `next` is a cursor");
    let (third, next) = page(&server, &format!("?limit=2&after={}", encode(&next)));
    assert_eq!(third, ["post-1"]);
    assert_eq!(next, None, "the last page has `next: null`");
    let (all, next) = page(&server, "");
    assert_eq!(all.len(), 5, "without `limit` a page holds up to 10 posts");
    assert_eq!(next, None);
}

#[test]
fn pages_neither_skip_nor_repeat_when_posts_are_published_between_requests() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    for n in 1..=4 {
        published(&server, ada, &format!("Post {n}"), &[]);
    }
    let (first, next) = page(&server, "?limit=2");
    assert_eq!(first, ["post-4", "post-3"]);
    published(&server, ada, "Breaking news", &[]);
    let next = next.expect("a cursor to page 2");
    let (second, _) = page(&server, &format!("?limit=2&after={}", encode(&next)));
    assert_eq!(
        second,
        ["post-2", "post-1"],
        "a post published meanwhile must not shift page 2 (an OFFSET repeats post-3)"
    );
}

#[test]
fn the_listing_filters_by_tag_and_author_on_every_page() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let alan = author(&server, "Alan", "alan@example.com");
    published(&server, ada, "A1", &["rust"]);
    published(&server, alan, "B1", &["rust", "math"]);
    published(&server, ada, "A2", &["web"]);
    published(&server, ada, "A3", &["rust", "web"]);
    published(&server, alan, "B2", &["math"]);

    let (slugs, _) = page(&server, &format!("?author={ada}"));
    assert_eq!(
        slugs,
        ["a3", "a2", "a1"],
        "?author= keeps that author's posts"
    );
    let (slugs, _) = page(&server, "?tag=Math");
    assert_eq!(
        slugs,
        ["b2", "b1"],
        "?tag= matches the tag as tags are stored (lowercase)"
    );
    let (slugs, next) = page(&server, &format!("?tag=rust&author={ada}&limit=1"));
    assert_eq!(slugs, ["a3"], "filters combine");
    let next = next.expect("Ada has a second rust post");
    let (slugs, next) = page(
        &server,
        &format!("?tag=rust&author={ada}&limit=1&after={}", encode(&next)),
    );
    assert_eq!(slugs, ["a1"], "the filters hold on the next page");
    assert_eq!(next, None);
    let (slugs, _) = page(&server, &format!("?tag={}", encode("rust' OR '1'='1")));
    assert!(
        slugs.is_empty(),
        "a tag is matched as text, never run as SQL: {slugs:?}"
    );
}

#[test]
fn a_bad_limit_cursor_or_author_filter_is_a_422_problem() {
    let server = start();
    for query in [
        "?limit=0",
        "?limit=51",
        "?limit=ten",
        "?after=%21%21",
        "?author=ada",
    ] {
        expect_problem(&server.get(&format!("/posts{query}")), 422);
    }
}

#[test]
fn an_edit_needs_the_current_etag_428_without_one_412_with_a_stale_one() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let created = server.send(Request::post("/posts").json(&json!({
        "author_id": ada, "title": "Draft", "body": "v1", "tags": ["a"]
    })));
    created.expect_status(201);
    let first = etag(&created);
    let edit = |tag: Option<&str>, body: Value| {
        let request = Request::patch("/posts/draft").json(&body);
        server.send(match tag {
            Some(tag) => request.header("If-Match", tag),
            None => request,
        })
    };
    expect_problem(&edit(None, json!({"body": "no precondition"})), 428);
    let edited = edit(Some(&first), json!({"body": "v2", "tags": ["B"]}));
    edited.expect_status(200).expect_json_includes(
        json!({"slug": "draft", "title": "Draft", "body": "v2", "tags": ["b"], "published": false}),
    );
    let second = etag(&edited);
    edited.ensure(second != first, "an edit gives the post a new ETag");
    expect_problem(&edit(Some(&first), json!({"body": "lost update"})), 412);
    server
        .get("/posts/draft")
        .because("a refused edit changes nothing")
        .expect_status(200)
        .expect_header("etag", &second)
        .expect_json_includes(json!({"body": "v2", "tags": ["b"]}));
    expect_problem(&edit(Some(&second), json!({"title": " "})), 422);
    let missing = Request::patch("/posts/nope").header("If-Match", &second);
    expect_problem(&server.send(missing.json(&json!({"body": "x"}))), 404);
}

#[test]
fn a_conditional_get_is_304_until_the_post_changes() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    published(&server, ada, "Cached", &[]);
    let read = server.get("/posts/cached");
    read.expect_status(200)
        .expect_header("cache-control", "no-cache");
    let tag = etag(&read);
    let revalidate = || server.send(Request::get("/posts/cached").header("If-None-Match", &tag));
    let unchanged = revalidate().because("a client with the current version gets no body again");
    unchanged
        .expect_status(304)
        .expect_header("etag", &tag)
        .ensure(unchanged.body.is_empty(), "a 304 has no body");
    server
        .send(
            Request::patch("/posts/cached")
                .header("If-Match", &tag)
                .json(&json!({"title": "Cached, then changed"})),
        )
        .expect_status(200);
    revalidate()
        .because("after an edit the old ETag no longer matches")
        .expect_status(200)
        .expect_json_includes(json!({"title": "Cached, then changed"}));
}

#[test]
fn comments_go_on_published_posts_and_are_listed_oldest_first() {
    let server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let slug = published(&server, ada, "Open", &[]);
    create_post(
        &server,
        json!({"author_id": ada, "title": "Closed", "body": ""}),
    );
    let comment = |slug: &str, name: &str, body: &str| {
        server.send(
            Request::post(&format!("/posts/{slug}/comments"))
                .json(&json!({"author_name": name, "body": body})),
        )
    };
    let first = comment(&slug, "Grace", "First!");
    first
        .expect_status(201)
        .expect_json_includes(json!({"author_name": "Grace", "body": "First!"}));
    let first_id = first.json()["id"].clone();
    let second = comment(&slug, "Alan", "Second.");
    second.expect_status(201);
    let second_id = second.json()["id"].clone();
    server
        .get(&format!("/posts/{slug}/comments"))
        .expect_status(200)
        .expect_json_includes(json!({"items": [
            {"id": first_id, "author_name": "Grace", "body": "First!"},
            {"id": second_id, "author_name": "Alan", "body": "Second."}
        ]}));
    expect_problem(&comment("closed", "Grace", "Early?"), 409);
    expect_problem(&comment(&slug, " ", "Who am I?"), 422);
    expect_problem(&comment("nope", "Grace", "Anyone?"), 404);
    expect_problem(&server.get("/posts/nope/comments"), 404);
}

#[test]
fn everything_answered_survives_a_restart_and_a_crash() {
    let mut server = start();
    let ada = author(&server, "Ada", "ada@example.com");
    let created = server.send(Request::post("/posts").json(&json!({
        "author_id": ada, "title": "Kept", "body": "On disk.", "tags": ["db"], "published": true
    })));
    created.expect_status(201);
    let tag = etag(&created);
    let post = created.json();
    server.restart();
    server
        .get("/posts/kept")
        .because("the blog lives in DATA_DIR: a restart keeps posts, tags and ETags")
        .expect_status(200)
        .expect_header("etag", &tag)
        .expect_json(post);
    let (slugs, _) = page(&server, "?tag=db");
    assert_eq!(slugs, ["kept"], "the listing after a restart");
    let again = Request::post("/authors").json(&json!({"name": "Ada", "email": "ada@example.com"}));
    expect_problem(&server.send(again), 409);
    server
        .send(
            Request::patch("/posts/kept")
                .header("If-Match", &tag)
                .json(&json!({"body": "Edited."})),
        )
        .because("an ETag stays valid across a restart while the post is unchanged")
        .expect_status(200);
    server
        .send(
            Request::post("/posts/kept/comments")
                .json(&json!({"author_name": "Grace", "body": "Saved?"})),
        )
        .expect_status(201);
    server.kill();
    server.start_again();
    server
        .get("/posts/kept")
        .because("a write is answered only once it is committed, so even a crash keeps it")
        .expect_status(200)
        .expect_json_includes(json!({"body": "Edited."}));
    server
        .get("/posts/kept/comments")
        .expect_status(200)
        .expect_json_includes(json!({"items": [{"author_name": "Grace", "body": "Saved?"}]}));
}
