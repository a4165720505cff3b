//! What "done" means for day 16: a real server on a free port, real HTTP requests.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use backlings_support::{Request, server_binary};
use day16_signup_login::{
    ALREADY_REGISTERED_SUBJECT, AppState, BAD_CREDENTIALS, CHECK_INBOX, Cost, InvalidEmail,
    StoreError, UserStore, WELCOME_SUBJECT, app, normalize_email,
};

/// Cheap enough for tests: 1 MiB, 1 pass, 1 lane.
const FAST: Cost = Cost {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

struct Server {
    base: String,
    state: AppState,
    client: reqwest::Client,
}

/// Starts the app on a free port and returns its address and state.
async fn start() -> Server {
    let state = AppState::new(FAST);
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
        client,
    }
}

impl Server {
    /// POSTs JSON; returns the status and the body as text.
    async fn post(&self, path: &str, body: Value) -> (StatusCode, String) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path} failed: {e}"));
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    async fn signup(&self, email: &str, password: &str) -> (StatusCode, String) {
        self.post("/signup", json!({ "email": email, "password": password }))
            .await
    }

    async fn login(&self, email: &str, password: &str) -> (StatusCode, String) {
        self.post("/login", json!({ "email": email, "password": password }))
            .await
    }
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("expected a JSON body, got {body:?}"))
}

#[test]
fn normalizes_an_email_by_trimming_and_lowercasing() {
    assert_eq!(
        normalize_email("  Ada.Lovelace@Example.COM \n"),
        Ok("ada.lovelace@example.com".to_string())
    );
    assert_eq!(
        normalize_email("grace+test@sub.example.org"),
        Ok("grace+test@sub.example.org".to_string()),
        "plus addressing is a valid email: keep it"
    );
}

#[test]
fn refuses_malformed_emails() {
    for raw in [
        "",
        "   ",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "a@b@example.com",
        "ada lovelace@example.com",
        "ada@.example.com",
        "ada@example.com.",
    ] {
        assert_eq!(
            normalize_email(raw),
            Err(InvalidEmail),
            "{raw:?} is not a usable email address"
        );
    }
}

#[test]
fn store_refuses_a_second_user_with_the_same_email() {
    let store = UserStore::open_in_memory().unwrap();
    let id = store.insert("ada@example.com", "$argon2id$first").unwrap();
    assert!(
        matches!(
            store.insert("ada@example.com", "$argon2id$second"),
            Err(StoreError::EmailTaken)
        ),
        "the second insert of the same email should fail with EmailTaken"
    );
    let user = store.find_by_email("ada@example.com").unwrap().unwrap();
    assert_eq!(user.id, id);
    assert_eq!(
        user.password_hash, "$argon2id$first",
        "the first user is untouched"
    );
    assert!(store.find_by_email("grace@example.com").unwrap().is_none());
}

#[tokio::test]
async fn signup_then_login_with_the_same_credentials_succeeds() {
    let server = start().await;
    let (status, body) = server.signup("ada@example.com", "correct horse").await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "signup answers 202, got body {body}"
    );
    assert_eq!(json_of(&body)["message"], CHECK_INBOX);

    let (status, body) = server.login("ada@example.com", "correct horse").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "login with the right password: 200, got {body}"
    );
    let body = json_of(&body);
    assert_eq!(body["email"], "ada@example.com");
    assert!(
        body["user_id"].is_i64(),
        "login answers the user's id, got {body}"
    );

    let sent = server.state.outbox.sent();
    assert_eq!(sent.len(), 1, "one welcome mail, got {sent:?}");
    assert_eq!(sent[0].to, "ada@example.com");
    assert_eq!(sent[0].subject, WELCOME_SUBJECT);
}

#[tokio::test]
async fn login_accepts_the_email_in_another_case_and_with_spaces() {
    let server = start().await;
    server.signup("Ada@Example.com", "correct horse").await;
    let (status, body) = server.login("  ada@EXAMPLE.com ", "correct horse").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the same address spelled differently is the same user: normalize on signup and login"
    );
    assert_eq!(json_of(&body)["email"], "ada@example.com");
}

#[tokio::test]
async fn stores_an_argon2id_hash_and_never_the_password() {
    let server = start().await;
    server.signup("ada@example.com", "correct horse").await;
    let user = server
        .state
        .users
        .find_by_email("ada@example.com")
        .unwrap()
        .expect("signup should have stored the user");
    assert!(
        user.password_hash.starts_with("$argon2id$"),
        "store an argon2id PHC string, got {:?}",
        user.password_hash
    );
    assert!(!user.password_hash.contains("correct horse"));
}

/// Told to the program itself (`cargo run -p day16_signup_login`), which prints the mail it
/// would send: a second signup for a taken address looks exactly like the first one.
#[test]
fn signup_with_a_taken_email_answers_exactly_like_a_new_signup() {
    let server = backlings_support::Server::start(server_binary!());
    let send = |path: &str, email: &str, password: &str| {
        server.send(Request::post(path).json(&json!({ "email": email, "password": password })))
    };
    let first = send("/signup", "ada@example.com", "correct horse");
    first.expect_status(202);
    let second = send("/signup", "ADA@example.com", "attacker pass");
    second.ensure(
        (second.status, &second.body) == (first.status, &first.body),
        "a taken email must get the same status and body as a free one, or signup tells \
         anyone which emails are registered",
    );
    send("/login", "ada@example.com", "correct horse").expect_status(200);
    send("/login", "ada@example.com", "attacker pass")
        .because("the second signup must not replace the first user's password")
        .expect_status(401);

    for subject in [WELCOME_SUBJECT, ALREADY_REGISTERED_SUBJECT] {
        let line = format!("mail to ada@example.com: {subject}");
        server.expect_output(
            &format!("`{line}` (the owner of the address hears of both)"),
            |l| l == line,
        );
    }
}

#[tokio::test]
async fn login_failures_look_the_same_for_an_unknown_email_and_a_wrong_password() {
    let server = start().await;
    server.signup("ada@example.com", "correct horse").await;

    let before = server.state.passwords.verifications();
    let wrong_password = server.login("ada@example.com", "wrong horse").await;
    let after_wrong = server.state.passwords.verifications();
    let unknown_email = server.login("nobody@example.com", "wrong horse").await;
    let after_unknown = server.state.passwords.verifications();

    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(json_of(&wrong_password.1)["error"], BAD_CREDENTIALS);
    assert_eq!(
        unknown_email, wrong_password,
        "an unknown email and a wrong password must get the same status and body"
    );
    assert_eq!(after_wrong - before, 1);
    assert_eq!(
        after_unknown - after_wrong,
        1,
        "an unknown email must still cost one password verification (against the dummy \
         hash), or its faster answer gives it away"
    );
}

#[tokio::test]
async fn signup_rejects_a_malformed_email_or_a_weak_password_with_422() {
    let server = start().await;
    let (status, body) = server.signup("not-an-email", "correct horse").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "malformed email: 422"
    );
    assert!(
        json_of(&body)["error"].is_string(),
        "errors are {{\"error\": ...}}, got {body}"
    );

    let (status, body) = server.signup("ada@example.com", "short").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a 5-character password: 422"
    );
    assert!(
        json_of(&body)["error"].is_string(),
        "errors are {{\"error\": ...}}, got {body}"
    );

    assert!(
        server
            .state
            .users
            .find_by_email("ada@example.com")
            .unwrap()
            .is_none(),
        "a rejected signup stores nothing"
    );
    assert!(
        server.state.outbox.sent().is_empty(),
        "a rejected signup sends no mail"
    );
}
