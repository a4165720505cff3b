//! The user authentication system, graded from outside: each test starts your binary, talks to
//! it over HTTP as a client would, and checks one rule of README.md. A failure prints the
//! exchange as `curl` commands, the responses, and your server's last lines of output.

use std::time::{Duration, Instant};

use backlings_support::{Launch, Reply, Request, Server, server_binary};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "staple in the meadow";

/// The server as the spec's "Configuration" lets tests start it: argon2id at a tiny cost, so
/// that hashing takes milliseconds instead of a large part of a second.
fn launch() -> Launch {
    Server::launch(server_binary!())
        .env("ARGON2_MEMORY_KIB", "1024")
        .env("ARGON2_ITERATIONS", "1")
}

fn start() -> Server {
    launch().start()
}

fn credentials(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

fn signup(server: &Server, email: &str, password: &str) -> Reply {
    server.send(Request::post("/signup").json(&credentials(email, password)))
}

fn login(server: &Server, email: &str, password: &str) -> Reply {
    server.send(Request::post("/login").json(&credentials(email, password)))
}

/// What a client sends back: `__Host-session=<token>` from the reply's `Set-Cookie`.
fn session_of(reply: &Reply) -> String {
    let set_cookie = reply
        .header_all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("__Host-session="));
    match set_cookie {
        Some(c) => c.split(';').next().unwrap_or_default().trim().to_string(),
        None => reply.fail("expected a `Set-Cookie: __Host-session=...` header"),
    }
}

/// The token alone, from `__Host-session=<token>`.
fn token_in(cookie: &str) -> String {
    cookie.trim_start_matches("__Host-session=").to_string()
}

/// Signs `email` up with `PASSWORD` and returns the account's id.
fn new_account(server: &Server, email: &str) -> i64 {
    let reply = signup(server, email, PASSWORD);
    reply.expect_status(201);
    match reply.json()["id"].as_i64() {
        Some(id) => id,
        None => reply.fail("expected the account's `id` to be an integer"),
    }
}

/// Logs `email` in with `password` and returns the cookie to send back.
fn session(server: &Server, email: &str, password: &str) -> String {
    let reply = login(server, email, password);
    reply.expect_status(200);
    session_of(&reply)
}

/// `request` sent with the session `cookie`, as a browser would.
fn with(cookie: &str, request: Request) -> Request {
    request.header("Cookie", cookie)
}

/// The spec's error body: `{"error": code, "message": "..."}`.
fn expect_error(reply: &Reply, code: &str) {
    let body = reply.json();
    reply.ensure(
        body["error"] == code && body["message"].is_string(),
        format!("expected the error body {{\"error\": \"{code}\", \"message\": \"...\"}}"),
    );
}

fn account(id: i64, email: &str, role: &str) -> Value {
    json!({ "id": id, "email": email, "role": role })
}

#[test]
fn signup_creates_one_account_per_address_whatever_its_spelling() {
    let server = start();
    let reply = signup(&server, "  Ada@Example.COM ", PASSWORD);
    let id = reply.expect_status(201).json()["id"].as_i64().unwrap_or(-1);
    reply.expect_json(account(id, "ada@example.com", "user"));
    let again = signup(&server, "ada@EXAMPLE.com", "another password entirely")
        .because("`ADA@example.com` and `ada@example.com` are the same inbox");
    again.expect_status(409);
    expect_error(&again, "email_taken");
    login(&server, "ADA@example.com", PASSWORD)
        .because("a login normalizes the address exactly as the signup did")
        .expect_status(200)
        .expect_json(account(id, "ada@example.com", "user"));
}

#[test]
fn signup_refuses_a_malformed_address_and_a_password_of_the_wrong_length() {
    let server = start();
    let eleven = "é".repeat(11);
    let reply = signup(&server, "ada@example.com", &eleven)
        .because("a password needs 12 characters; 11 `é` are 22 bytes but 11 characters");
    reply.expect_status(422);
    expect_error(&reply, "weak_password");
    let reply = signup(&server, "ada@example.com", &"a".repeat(129));
    reply.expect_status(422);
    expect_error(&reply, "weak_password");
    let reply = signup(&server, "ada.example.com", PASSWORD);
    reply.expect_status(422);
    expect_error(&reply, "invalid_email");
    signup(&server, "ada@example.com", &"é".repeat(12)).expect_status(201);
    signup(&server, "bob@example.com", &"b".repeat(128)).expect_status(201);
}

#[test]
fn login_sets_a_host_only_httponly_secure_samesite_session_cookie() {
    let server = start();
    let id = new_account(&server, "ada@example.com");
    let reply = login(&server, "ada@example.com", PASSWORD);
    reply
        .expect_status(200)
        .expect_header("cache-control", "no-store")
        .expect_header("x-content-type-options", "nosniff")
        .expect_json(account(id, "ada@example.com", "user"));
    let set_cookie = reply
        .header_all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("__Host-session="))
        .unwrap_or_else(|| reply.fail("expected a `Set-Cookie: __Host-session=...` header"))
        .to_string();
    let mut parts = set_cookie.split(';').map(str::trim);
    let token = parts.next().unwrap_or_default()["__Host-session=".len()..].to_string();
    reply.ensure(
        token.len() >= 22
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "the token has at least 22 characters, all letters, digits, `-` or `_`",
    );
    let attributes: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    for wanted in ["httponly", "secure", "path=/", "max-age=86400"] {
        reply.ensure(
            attributes.iter().any(|a| a == wanted),
            format!("the session cookie needs the attribute `{wanted}` (any case)"),
        );
    }
    reply.ensure(
        attributes
            .iter()
            .any(|a| a == "samesite=lax" || a == "samesite=strict"),
        "the session cookie needs `SameSite=Lax` or `SameSite=Strict`",
    );
    reply.ensure(
        !attributes.iter().any(|a| a.starts_with("domain")),
        "a `__Host-` cookie has no `Domain` attribute",
    );
    let second = session(&server, "ada@example.com", PASSWORD);
    reply.ensure(
        second != format!("__Host-session={token}"),
        "every login starts a new session with a new token",
    );
}

#[test]
fn login_answers_an_unknown_address_exactly_like_a_wrong_password() {
    let server = start();
    new_account(&server, "ada@example.com");
    let wrong_password = login(&server, "ada@example.com", "not the password at all");
    let unknown = login(&server, "nobody@example.com", "not the password at all");
    wrong_password
        .expect_status(401)
        .expect_no_header("set-cookie");
    expect_error(&wrong_password, "invalid_credentials");
    unknown
        .because("a different answer tells anyone which addresses have accounts")
        .expect_status(401)
        .expect_no_header("set-cookie")
        .expect_text(&wrong_password.text());
}

#[test]
fn me_answers_401_without_a_live_session_and_the_account_with_one() {
    let server = start();
    let id = new_account(&server, "ada@example.com");
    let reply = server.get("/me");
    reply.expect_status(401);
    expect_error(&reply, "unauthenticated");
    let forged = "__Host-session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    server
        .send(with(forged, Request::get("/me")))
        .because("a token the server never issued is no session")
        .expect_status(401);
    let cookie = session(&server, "ada@example.com", PASSWORD);
    server
        .send(with(&cookie, Request::get("/me")))
        .expect_status(200)
        .expect_header("cache-control", "no-store")
        .expect_header("x-content-type-options", "nosniff")
        .expect_json(account(id, "ada@example.com", "user"));
}

#[test]
fn logout_ends_the_session_on_the_server_and_clears_the_cookie() {
    let server = start();
    new_account(&server, "ada@example.com");
    let laptop = session(&server, "ada@example.com", PASSWORD);
    let phone = session(&server, "ada@example.com", PASSWORD);
    let reply = server.send(with(&laptop, Request::post("/logout")));
    reply.expect_status(204);
    let cleared = reply.header_all("set-cookie").into_iter().any(|c| {
        let c = c.to_ascii_lowercase();
        c.starts_with("__host-session=") && c.contains("max-age=0")
    });
    reply.ensure(
        cleared,
        "logout answers `Set-Cookie: __Host-session=; ...; Max-Age=0`",
    );
    server
        .send(with(&laptop, Request::get("/me")))
        .because("a copy of the cookie kept after logout must open nothing")
        .expect_status(401);
    server
        .send(with(&phone, Request::get("/me")))
        .because("logout ends only the session it was sent with")
        .expect_status(200);
}

#[test]
fn logout_everywhere_ends_every_session_of_that_user_only() {
    let server = start();
    new_account(&server, "ada@example.com");
    new_account(&server, "bob@example.com");
    let laptop = session(&server, "ada@example.com", PASSWORD);
    let phone = session(&server, "ada@example.com", PASSWORD);
    let bob = session(&server, "bob@example.com", PASSWORD);
    server.send(Request::post("/logout/all")).expect_status(401);
    server
        .send(with(&phone, Request::post("/logout/all")))
        .expect_status(204);
    for cookie in [&laptop, &phone] {
        server
            .send(with(cookie, Request::get("/me")))
            .because("logout everywhere ends each of the user's sessions")
            .expect_status(401);
    }
    server
        .send(with(&bob, Request::get("/me")))
        .because("another user's sessions are not touched")
        .expect_status(200);
}

#[test]
fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let server = start();
    new_account(&server, "ada@example.com");
    let here = session(&server, "ada@example.com", PASSWORD);
    let stolen = session(&server, "ada@example.com", PASSWORD);
    let change = |current: &str| {
        with(&here, Request::put("/me/password")).json(&json!({
            "current_password": current,
            "new_password": NEW_PASSWORD,
        }))
    };
    let reply = server.send(change("a wrong guess at it"));
    reply.expect_status(403);
    expect_error(&reply, "wrong_password");
    server.send(change(PASSWORD)).expect_status(204);
    server
        .send(with(&here, Request::get("/me")))
        .because("the session that changed the password stays logged in")
        .expect_status(200);
    server
        .send(with(&stolen, Request::get("/me")))
        .because("changing a password is what a user does when a session was stolen")
        .expect_status(401);
    login(&server, "ada@example.com", PASSWORD).expect_status(401);
    login(&server, "ada@example.com", NEW_PASSWORD).expect_status(200);
}

#[test]
fn a_note_is_invisible_to_other_users_and_to_anonymous_clients() {
    let server = start();
    let ada_id = new_account(&server, "ada@example.com");
    new_account(&server, "bob@example.com");
    let ada = session(&server, "ada@example.com", PASSWORD);
    let bob = session(&server, "bob@example.com", PASSWORD);
    let note = json!({ "title": "Diary", "body": "Dear diary" });
    let created = server.send(with(&ada, Request::post("/notes")).json(&note));
    let id = created.expect_status(201).json()["id"]
        .as_i64()
        .unwrap_or(-1);
    let path = format!("/notes/{id}");
    created.expect_header("location", &path).expect_json(
        json!({ "id": id, "owner_id": ada_id, "title": "Diary", "body": "Dear diary" }),
    );
    server.get(&path).expect_status(401);
    let missing = server.send(with(&bob, Request::get("/notes/999999")));
    missing.expect_status(404);
    expect_error(&missing, "not_found");
    server
        .send(with(&bob, Request::get(&path)))
        .because("a 403 would confirm that this id is someone's note")
        .expect_status(404)
        .expect_text(&missing.text());
    server
        .send(with(&bob, Request::delete(&path)))
        .expect_status(404);
    server
        .send(with(&bob, Request::get("/notes")))
        .expect_status(200)
        .expect_json(json!({ "notes": [] }));
    server
        .send(with(&ada, Request::get("/notes")))
        .expect_status(200)
        .expect_json(json!({ "notes": [{ "id": id, "owner_id": ada_id, "title": "Diary", "body": "Dear diary" }] }));
    server
        .send(with(&ada, Request::delete(&path)))
        .expect_status(204);
    server
        .send(with(&ada, Request::get(&path)))
        .expect_status(404);
}

#[test]
fn an_admin_reads_any_note_and_lists_accounts_and_a_user_may_not() {
    let server = launch().env("ADMIN_EMAIL", "root@example.com").start();
    let root_id = signup(&server, "Root@Example.com", PASSWORD)
        .expect_status(201)
        .expect_json_includes(json!({ "role": "admin" }))
        .json()["id"]
        .as_i64()
        .unwrap_or(-1);
    let ada_id = new_account(&server, "ada@example.com");
    let root = session(&server, "root@example.com", PASSWORD);
    let ada = session(&server, "ada@example.com", PASSWORD);
    let note = json!({ "title": "Diary", "body": "Dear diary" });
    let created = server.send(with(&ada, Request::post("/notes")).json(&note));
    let path = format!("/notes/{}", created.expect_status(201).json()["id"]);
    server
        .send(with(&root, Request::get(&path)))
        .because("an admin may read any note")
        .expect_status(200)
        .expect_json_includes(json!({ "owner_id": ada_id, "title": "Diary" }));
    server.get("/admin/users").expect_status(401);
    let refused = server
        .send(with(&ada, Request::get("/admin/users")))
        .because("Ada is logged in, and logging in again would not help: 403, not 401");
    refused.expect_status(403);
    expect_error(&refused, "forbidden");
    server
        .send(with(&root, Request::get("/admin/users")))
        .expect_status(200)
        .expect_json(json!({ "users": [
            account(root_id, "root@example.com", "admin"),
            account(ada_id, "ada@example.com", "user"),
        ] }));
    server
        .send(with(&root, Request::delete(&path)))
        .expect_status(204);
}

#[test]
fn too_many_logins_for_one_address_get_429_with_retry_after_even_with_the_right_password() {
    let server = launch()
        .env("LOGIN_BURST", "3")
        .env("LOGIN_REFILL_SECS", "600")
        .start();
    new_account(&server, "ada@example.com");
    new_account(&server, "bob@example.com");
    for _ in 0..3 {
        login(&server, "ada@example.com", "guess guess guess").expect_status(401);
    }
    let limited = login(&server, "Ada@Example.com", PASSWORD)
        .because("once the budget is spent, a right password must not get through either");
    limited.expect_status(429);
    expect_error(&limited, "too_many_attempts");
    let retry_after = limited
        .header("retry-after")
        .and_then(|v| v.parse::<u64>().ok());
    limited.ensure(
        retry_after.is_some_and(|secs| (540..=600).contains(&secs)),
        "expected `Retry-After` in whole seconds: about 600, when one more attempt is earned",
    );
    login(&server, "bob@example.com", PASSWORD)
        .because("the limit is per address: Bob is not Ada")
        .expect_status(200);
    for _ in 0..3 {
        login(&server, "nobody@example.com", "guess guess guess").expect_status(401);
    }
    login(&server, "nobody@example.com", "guess guess guess")
        .because("an address without an account is limited too, or the 429 would reveal accounts")
        .expect_status(429);
}

#[test]
fn accounts_sessions_and_notes_survive_a_restart() {
    let mut server = start();
    let id = new_account(&server, "ada@example.com");
    let cookie = session(&server, "ada@example.com", PASSWORD);
    let note = json!({ "title": "Diary", "body": "Dear diary" });
    let created = server.send(with(&cookie, Request::post("/notes")).json(&note));
    let path = format!("/notes/{}", created.expect_status(201).json()["id"]);
    server.restart();
    server
        .send(with(&cookie, Request::get("/me")))
        .because("sessions live in the database, so a deploy does not log everyone out")
        .expect_status(200)
        .expect_json(account(id, "ada@example.com", "user"));
    server
        .send(with(&cookie, Request::get(&path)))
        .expect_status(200)
        .expect_json_includes(note);
    login(&server, "ada@example.com", PASSWORD).expect_status(200);
    signup(&server, "ada@example.com", PASSWORD).expect_status(409);
}

#[test]
fn no_password_token_or_hash_is_answered_printed_or_stored_in_clear() {
    let mut server = start();
    let mut replies = vec![signup(&server, "ada@example.com", PASSWORD)];
    let first = login(&server, "ada@example.com", PASSWORD);
    let token = session_of(&first);
    replies.push(server.send(with(&token, Request::get("/me"))));
    let change = json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD });
    replies.push(server.send(with(&token, Request::put("/me/password")).json(&change)));
    replies.push(login(&server, "ada@example.com", "not the password at all"));
    let second = login(&server, "ada@example.com", NEW_PASSWORD);
    let tokens = [token_in(&token), token_in(&session_of(&second))];
    let secrets = [PASSWORD.to_string(), NEW_PASSWORD.to_string()];
    for reply in replies.iter().chain([&first, &second]) {
        let mut seen = reply.text();
        for (name, value) in &reply.headers {
            if !name.eq_ignore_ascii_case("set-cookie") {
                seen.push_str(value);
            }
        }
        reply.ensure(
            !seen.contains("$argon2") && !secrets.iter().any(|s| seen.contains(s.as_str())),
            "no response carries a password or a password hash",
        );
    }
    server.expect_output("the log line of the password change", |l| {
        l.contains("/me/password")
    });
    server.stop();
    let leaked = server.output().into_iter().find(|line| {
        line.contains("$argon2")
            || secrets
                .iter()
                .chain(&tokens)
                .any(|s| line.contains(s.as_str()))
    });
    if let Some(line) = leaked {
        server.fail(&format!(
            "the server printed a password, a hash or a session token: {line:?}"
        ));
    }
    let stored = files_under(server.data_dir());
    if !contains(&stored, "$argon2id$v=19$") {
        server.fail("expected the password hashes under DATA_DIR as argon2id PHC strings");
    }
    for secret in secrets.iter().chain(&tokens) {
        if contains(&stored, secret) {
            server.fail(&format!(
                "`{secret}` is stored as is under DATA_DIR: keep only a hash of it"
            ));
        }
    }
}

#[test]
fn a_session_ends_on_the_server_when_its_lifetime_is_over() {
    let server = launch().env("SESSION_TTL_SECS", "2").start();
    new_account(&server, "ada@example.com");
    let reply = login(&server, "ada@example.com", PASSWORD);
    let cookie = session_of(&reply);
    let max_age = reply.header_all("set-cookie").iter().any(|c| {
        c.split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("max-age=2"))
    });
    reply.ensure(max_age, "the cookie's Max-Age is SESSION_TTL_SECS");
    server
        .send(with(&cookie, Request::get("/me")))
        .expect_status(200);
    // A client that ignores Max-Age keeps sending the cookie: the server must refuse it once
    // the session's two seconds are over. Asked every 100 ms, for at most 6 s.
    let started = Instant::now();
    loop {
        let reply = server.send(with(&cookie, Request::get("/me")));
        if reply.status == 401 {
            break;
        }
        if started.elapsed() > Duration::from_secs(6) {
            reply.fail("the session was still live 6 s after its 2 s lifetime began");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The bytes of every file under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push(bytes);
        }
    }
    found
}

fn contains(files: &[Vec<u8>], text: &str) -> bool {
    let needle = text.as_bytes();
    files
        .iter()
        .any(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}
