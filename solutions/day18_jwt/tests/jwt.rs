//! What "done" means for day 18: tokens that verify, forgeries that do not, and a real server.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use backlings_support::{Request, server_binary};
use day18_jwt::{
    AUDIENCE, AppState, Claims, ISSUER, ManualClock, TOKEN_TTL_SECS, TokenError, TokenService, app,
};

const SECRET: &[u8] = b"a test secret that is long enough for HS256!";
const NOW: u64 = 1_700_000_000;

fn service() -> (TokenService, ManualClock) {
    let clock = ManualClock::at(NOW);
    let service = TokenService::new(SECRET, Arc::new(clock.clone())).expect("a 44-byte secret");
    (service, clock)
}

/// Decodes one base64url part of a token as JSON.
fn part(token: &str, index: usize) -> Value {
    let text = token.split('.').nth(index).expect("a JWT has three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).expect("base64url")).expect("JSON")
}

/// Signs arbitrary claims with `key` and `alg`, like an attacker (or a sloppy issuer) would.
fn forge(claims: &Value, alg: Algorithm, key: &[u8]) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

fn good_claims() -> Value {
    json!({ "sub": "ada", "role": "user", "iss": ISSUER, "aud": AUDIENCE,
            "iat": NOW, "exp": NOW + TOKEN_TTL_SECS })
}

#[test]
fn refuses_a_secret_shorter_than_32_bytes() {
    let clock = Arc::new(ManualClock::at(NOW));
    assert!(
        matches!(
            TokenService::new(b"hunter2", clock),
            Err(TokenError::WeakSecret)
        ),
        "a 7-byte secret can be brute-forced from any token: refuse it with WeakSecret"
    );
}

#[test]
fn issues_an_hs256_token_whose_claims_verify() {
    let (service, _) = service();
    let token = service.issue("ada", "user").unwrap();
    assert_eq!(
        part(&token, 0)["alg"],
        "HS256",
        "the header should say alg HS256"
    );
    let claims = service
        .verify(&token)
        .expect("our own fresh token verifies");
    assert_eq!(
        claims,
        Claims {
            sub: "ada".into(),
            role: "user".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: NOW,
            exp: NOW + TOKEN_TTL_SECS,
        },
        "iat is the clock's now, exp is now + TOKEN_TTL_SECS"
    );
}

#[test]
fn rejects_a_token_whose_payload_was_changed() {
    let (service, _) = service();
    let token = service.issue("ada", "user").unwrap();
    let mut claims = part(&token, 1);
    claims["role"] = json!("admin");
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_eq!(
        service.verify(&tampered),
        Err(TokenError::BadSignature),
        "promoting yourself to admin in the payload must break the signature"
    );
}

#[test]
fn rejects_a_token_signed_with_another_secret() {
    let (service, _) = service();
    let token = forge(
        &good_claims(),
        Algorithm::HS256,
        b"someone else's secret, also long enough",
    );
    assert_eq!(service.verify(&token), Err(TokenError::BadSignature));
}

#[test]
fn rejects_an_unsigned_alg_none_token() {
    let (service, _) = service();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(good_claims().to_string());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        let verdict = service.verify(&token);
        assert!(
            verdict.is_err(),
            "an unsigned token (alg none) must never verify, got {verdict:?}"
        );
    }
}

#[test]
fn rejects_a_token_signed_with_another_algorithm() {
    let (service, _) = service();
    let token = forge(&good_claims(), Algorithm::HS512, SECRET);
    assert_eq!(
        service.verify(&token),
        Err(TokenError::WrongAlgorithm),
        "only HS256 is accepted, even with the right secret: pin the algorithm"
    );
}

#[test]
fn rejects_a_token_for_another_audience_or_from_another_issuer() {
    let (service, _) = service();
    let mut claims = good_claims();
    claims["aud"] = json!("billing-api");
    assert_eq!(
        service.verify(&forge(&claims, Algorithm::HS256, SECRET)),
        Err(TokenError::WrongAudience),
        "a token for another service must not work here"
    );
    let mut claims = good_claims();
    claims["iss"] = json!("https://evil.example");
    assert_eq!(
        service.verify(&forge(&claims, Algorithm::HS256, SECRET)),
        Err(TokenError::WrongIssuer)
    );
    let mut claims = good_claims();
    claims.as_object_mut().unwrap().remove("exp");
    assert_eq!(
        service.verify(&forge(&claims, Algorithm::HS256, SECRET)),
        Err(TokenError::Malformed),
        "a token without exp would never expire: refuse it as Malformed"
    );
}

#[test]
fn rejects_a_token_once_it_has_expired() {
    let (service, clock) = service();
    let token = service.issue("ada", "user").unwrap();
    clock.advance(TOKEN_TTL_SECS - 1);
    assert!(
        service.verify(&token).is_ok(),
        "one second before exp the token is valid"
    );
    clock.advance(1);
    assert_eq!(
        service.verify(&token),
        Err(TokenError::Expired),
        "at exp the token is expired; use the injected clock, not the system time"
    );
}

struct Server {
    base: String,
    tokens: Arc<TokenService>,
    client: reqwest::Client,
}

async fn start() -> Server {
    let (service, _) = service();
    let tokens = Arc::new(service);
    let router = app(AppState {
        tokens: Arc::clone(&tokens),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Server {
        base: format!("http://{addr}"),
        tokens,
        client,
    }
}

impl Server {
    async fn get(&self, path: &str, authorization: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }
}

#[tokio::test]
async fn me_answers_the_claims_of_a_valid_bearer_token() {
    let server = start().await;
    let token = server.tokens.issue("ada", "user").unwrap();
    for scheme in ["Bearer", "bearer"] {
        let response = server.get("/me", Some(&format!("{scheme} {token}"))).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "scheme {scheme:?} should work"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["sub"], "ada");
        assert_eq!(body["role"], "user");
    }
}

#[tokio::test]
async fn a_missing_or_invalid_token_gets_401_with_a_bearer_challenge() {
    let server = start().await;
    let response = server.get("/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no token: 401");
    assert_eq!(
        response
            .headers()
            .get(WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap()),
        Some("Bearer"),
        "a 401 must say how to authenticate: WWW-Authenticate: Bearer"
    );

    let forged = forge(
        &good_claims(),
        Algorithm::HS256,
        b"someone else's secret, also long enough",
    );
    for authorization in [
        format!("Bearer {forged}"),
        "Bearer not.a.jwt".to_string(),
        "Basic YWRhOnB3".to_string(),
    ] {
        let response = server.get("/me", Some(&authorization)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{authorization:?}: 401"
        );
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            challenge.starts_with("Bearer"),
            "{authorization:?}: expected a Bearer challenge, got {challenge:?}"
        );
    }
}

/// Told to the program itself (`cargo run -p day18_jwt`), started with `JWT_SECRET`: tokens
/// signed with that secret open `/admin` for the admin role only.
#[test]
fn admin_needs_the_admin_role_403_otherwise() {
    let server = backlings_support::Server::launch(server_binary!())
        .env("JWT_SECRET", std::str::from_utf8(SECRET).unwrap())
        .start();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = |sub: &str, role: &str| {
        let claims = json!({ "sub": sub, "role": role, "iss": ISSUER, "aud": AUDIENCE,
                             "iat": now, "exp": now + TOKEN_TTL_SECS });
        forge(&claims, Algorithm::HS256, SECRET)
    };
    server
        .send(Request::get("/admin").bearer(&token("ada", "user")))
        .because(
            "a valid token without the admin role: 403 (we know who you are; the answer is no)",
        )
        .expect_status(403);
    server
        .send(Request::get("/admin").bearer(&token("grace", "admin")))
        .expect_status(200);
    server
        .get("/admin")
        .because("no token at all: 401, not 403")
        .expect_status(401);
}
