//! What "done" means for day 19: the rules as a table, then the same rules over real HTTP.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::WWW_AUTHENTICATE;
use serde_json::{Value, json};

use backlings_support::{Request, server_binary};
use day19_authorization::{Action, AppState, Denied, Post, Role, User, app, authorize, can_see};

fn user(id: u64, role: Role) -> User {
    User {
        id,
        name: format!("user{id}"),
        role,
    }
}

/// Post 1 by user 1 (an author), published or not.
fn post(published: bool) -> Post {
    Post {
        id: 1,
        author_id: 1,
        title: "Hello".into(),
        body: "First post".into(),
        published,
    }
}

const OWNER: u64 = 1;

#[test]
fn anyone_may_read_a_published_post() {
    let published = post(true);
    assert_eq!(
        authorize(None, Action::Read, Some(&published)),
        Ok(()),
        "anonymous readers too"
    );
    for role in [Role::Reader, Role::Author, Role::Admin] {
        assert_eq!(
            authorize(Some(&user(9, role)), Action::Read, Some(&published)),
            Ok(())
        );
    }
    assert_eq!(
        authorize(None, Action::Read, None),
        Err(Denied::NotFound),
        "reading a post that does not exist: NotFound"
    );
}

#[test]
fn a_draft_is_visible_only_to_its_owner_and_admins() {
    let draft = post(false);
    assert!(
        can_see(Some(&user(OWNER, Role::Author)), &draft),
        "the owner sees their draft"
    );
    assert!(
        can_see(Some(&user(9, Role::Admin)), &draft),
        "admins see every draft"
    );
    assert!(
        !can_see(Some(&user(9, Role::Author)), &draft),
        "other authors do not"
    );
    assert!(!can_see(None, &draft), "anonymous readers do not");
    for someone in [
        None,
        Some(user(9, Role::Reader)),
        Some(user(9, Role::Author)),
    ] {
        assert_eq!(
            authorize(someone.as_ref(), Action::Read, Some(&draft)),
            Err(Denied::NotFound),
            "{someone:?} reading someone else's draft: NotFound, so its existence stays secret"
        );
    }
}

#[test]
fn creating_needs_a_login_and_the_author_or_admin_role() {
    assert_eq!(
        authorize(None, Action::Create, None),
        Err(Denied::Unauthenticated)
    );
    assert_eq!(
        authorize(Some(&user(9, Role::Reader)), Action::Create, None),
        Err(Denied::Forbidden),
        "a logged-in reader may not write: Forbidden, not Unauthenticated"
    );
    assert_eq!(
        authorize(Some(&user(9, Role::Author)), Action::Create, None),
        Ok(())
    );
    assert_eq!(
        authorize(Some(&user(9, Role::Admin)), Action::Create, None),
        Ok(())
    );
}

#[test]
fn only_the_owner_may_update_a_post() {
    let (published, draft) = (post(true), post(false));
    let owner = user(OWNER, Role::Author);
    let other = user(9, Role::Author);
    let admin = user(8, Role::Admin);
    assert_eq!(
        authorize(Some(&owner), Action::Update, Some(&draft)),
        Ok(())
    );
    assert_eq!(
        authorize(Some(&owner), Action::Update, Some(&published)),
        Ok(())
    );
    assert_eq!(
        authorize(None, Action::Update, Some(&published)),
        Err(Denied::Unauthenticated),
        "anonymous: log in first"
    );
    assert_eq!(
        authorize(Some(&other), Action::Update, Some(&published)),
        Err(Denied::Forbidden),
        "another author may see the published post but not change it"
    );
    assert_eq!(
        authorize(Some(&other), Action::Update, Some(&draft)),
        Err(Denied::NotFound),
        "another author cannot even see the draft: NotFound, not Forbidden"
    );
    assert_eq!(
        authorize(Some(&admin), Action::Update, Some(&published)),
        Err(Denied::Forbidden),
        "admins moderate but do not rewrite other people's posts"
    );
    assert_eq!(
        authorize(Some(&owner), Action::Update, None),
        Err(Denied::NotFound)
    );
}

#[test]
fn the_owner_or_an_admin_may_delete_a_post() {
    let (published, draft) = (post(true), post(false));
    let admin = user(8, Role::Admin);
    assert_eq!(
        authorize(
            Some(&user(OWNER, Role::Author)),
            Action::Delete,
            Some(&draft)
        ),
        Ok(())
    );
    assert_eq!(
        authorize(Some(&admin), Action::Delete, Some(&published)),
        Ok(())
    );
    assert_eq!(
        authorize(Some(&admin), Action::Delete, Some(&draft)),
        Ok(())
    );
    assert_eq!(
        authorize(
            Some(&user(9, Role::Reader)),
            Action::Delete,
            Some(&published)
        ),
        Err(Denied::Forbidden)
    );
    assert_eq!(
        authorize(Some(&user(9, Role::Author)), Action::Delete, Some(&draft)),
        Err(Denied::NotFound)
    );
    assert_eq!(
        authorize(None, Action::Delete, Some(&draft)),
        Err(Denied::Unauthenticated)
    );
}

/// A running blog with three users; each field is a user's token.
struct Blog {
    base: String,
    client: reqwest::Client,
    ada: String,
    bob: String,
    reader: String,
    admin: String,
}

async fn start() -> Blog {
    let state = AppState::default();
    let (_, ada) = state.users.add("ada", Role::Author);
    let (_, bob) = state.users.add("bob", Role::Author);
    let (_, reader) = state.users.add("rita", Role::Reader);
    let (_, admin) = state.users.add("root", Role::Admin);
    let router = app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Blog {
        base: format!("http://{addr}"),
        client,
        ada,
        bob,
        reader,
        admin,
    }
}

impl Blog {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::Response) {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        (response.status(), response)
    }

    /// Creates a post as `token`'s user and returns its id.
    async fn create(&self, token: &str, title: &str, published: bool) -> u64 {
        let body = json!({ "title": title, "body": "text", "published": published });
        let (status, response) = self
            .send(reqwest::Method::POST, "/posts", Some(token), Some(body))
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "an author creating a post: 201"
        );
        let post: Value = response.json().await.unwrap();
        post["id"].as_u64().expect("the created post has an id")
    }

    async fn status(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> StatusCode {
        let body = matches!(method, reqwest::Method::PUT)
            .then(|| json!({ "title": "Edited", "body": "new text", "published": true }));
        self.send(method, path, token, body).await.0
    }
}

#[tokio::test]
async fn writing_without_a_valid_token_gets_401_with_a_bearer_challenge() {
    let blog = start().await;
    let body = json!({ "title": "Hi", "body": "text" });
    for token in [None, Some("not-a-real-token")] {
        let (status, response) = blog
            .send(reqwest::Method::POST, "/posts", token, Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "token {token:?}: 401");
        assert_eq!(
            response
                .headers()
                .get(WWW_AUTHENTICATE)
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "a 401 tells the client how to authenticate"
        );
    }
}

#[tokio::test]
async fn a_reader_gets_403_for_creating_and_an_author_becomes_the_owner() {
    let blog = start().await;
    let body = json!({ "title": "Hi", "body": "text", "published": true });
    let (status, _) = blog
        .send(
            reqwest::Method::POST,
            "/posts",
            Some(&blog.reader),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "readers may not write");

    let body = json!({ "title": "Hi", "body": "text", "published": true, "author_id": 2 });
    let (status, response) = blog
        .send(reqwest::Method::POST, "/posts", Some(&blog.ada), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let post: Value = response.json().await.unwrap();
    assert_eq!(
        post["author_id"], 1,
        "the owner is the token's user (ada, id 1), never an author_id from the body"
    );
}

#[tokio::test]
async fn the_list_shows_published_posts_and_only_your_own_drafts() {
    let blog = start().await;
    blog.create(&blog.ada, "ada public", true).await;
    blog.create(&blog.ada, "ada draft", false).await;
    blog.create(&blog.bob, "bob draft", false).await;

    let titles = |token: Option<String>| {
        let blog = &blog;
        async move {
            let (_, response) = blog
                .send(reqwest::Method::GET, "/posts", token.as_deref(), None)
                .await;
            let posts: Vec<Value> = response.json().await.unwrap();
            posts
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        titles(None).await,
        ["ada public"],
        "anonymous: published posts only"
    );
    assert_eq!(
        titles(Some(blog.ada.clone())).await,
        ["ada public", "ada draft"]
    );
    assert_eq!(
        titles(Some(blog.bob.clone())).await,
        ["ada public", "bob draft"]
    );
    assert_eq!(
        titles(Some(blog.admin.clone())).await,
        ["ada public", "ada draft", "bob draft"],
        "admins see everything"
    );
}

/// Told to the program itself (`cargo run -p day19_authorization`), with the tokens it prints
/// at the start: bob may read ada's published post but not edit it, and her draft does not
/// exist for him.
#[test]
fn another_author_gets_403_for_a_published_post_and_404_for_a_draft() {
    let server = backlings_support::Server::start(server_binary!());
    let (ada, bob) = (printed_token(&server, "ada"), printed_token(&server, "bob"));
    let create = |title: &str, published: bool| {
        let body = json!({ "title": title, "body": "text", "published": published });
        let created = server.send(Request::post("/posts").bearer(&ada).json(&body));
        created.expect_status(201).json()["id"].clone()
    };
    let (public, draft) = (create("public", true), create("draft", false));
    let edit = json!({ "title": "Edited", "body": "new text", "published": true });

    server
        .send(Request::get(&format!("/posts/{public}")).bearer(&bob))
        .expect_status(200);
    server
        .send(
            Request::put(&format!("/posts/{public}"))
                .bearer(&bob)
                .json(&edit),
        )
        .because("bob may see ada's published post but not edit it")
        .expect_status(403);
    for request in [
        Request::get(&format!("/posts/{draft}")),
        Request::put(&format!("/posts/{draft}")).json(&edit),
        Request::delete(&format!("/posts/{draft}")),
    ] {
        server
            .send(request.bearer(&bob))
            .because("ada's draft as bob: 404, the draft must not be confirmed to exist")
            .expect_status(404);
    }
    server.get(&format!("/posts/{draft}")).expect_status(404);
    server
        .send(
            Request::put(&format!("/posts/{draft}"))
                .bearer(&ada)
                .json(&edit),
        )
        .because("the owner edits their draft")
        .expect_status(200);
}

/// The token the program printed for `name` (`token for ada (author): ...`).
fn printed_token(server: &backlings_support::Server, name: &str) -> String {
    let prefix = format!("token for {name} (");
    let line = server.expect_output(&format!("`{prefix}...): <token>`"), |line| {
        line.starts_with(&prefix)
    });
    line.rsplit(' ').next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_admin_deletes_anyones_post_but_cannot_edit_it() {
    let blog = start().await;
    let id = blog.create(&blog.ada, "spam?", true).await;
    use reqwest::Method;
    let admin = Some(blog.admin.as_str());
    assert_eq!(
        blog.status(Method::PUT, &format!("/posts/{id}"), admin)
            .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        blog.status(Method::DELETE, &format!("/posts/{id}"), admin)
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        blog.status(Method::GET, &format!("/posts/{id}"), None)
            .await,
        StatusCode::NOT_FOUND,
        "a deleted post is gone"
    );
    assert_eq!(
        blog.status(Method::DELETE, &format!("/posts/{id}"), admin)
            .await,
        StatusCode::NOT_FOUND,
        "deleting it again: 404"
    );
}
