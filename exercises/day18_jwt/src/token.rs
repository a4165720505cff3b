//! Issuing and verifying HS256 JSON Web Tokens.

use std::sync::Arc;

use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::clock::Clock;

/// Who issues the tokens (`iss`).
pub const ISSUER: &str = "https://auth.backlings.example";
/// Who the tokens are for (`aud`): this API and no other.
pub const AUDIENCE: &str = "backlings-api";
/// How long a token is valid after it was issued, in seconds.
pub const TOKEN_TTL_SECS: u64 = 900;
/// The shortest HMAC secret accepted: as many bytes as SHA-256's output.
pub const MIN_SECRET_BYTES: usize = 32;

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: the user the token is about.
    pub sub: String,
    /// The user's role, e.g. "user" or "admin".
    pub role: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expires at (seconds since the epoch): valid while `now < exp`.
    pub exp: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("the HMAC secret must have at least {MIN_SECRET_BYTES} bytes")]
    WeakSecret,
    #[error("the token is not a well-formed JWT with the required claims")]
    Malformed,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token is signed with an algorithm this service does not accept")]
    WrongAlgorithm,
    #[error("the token was issued by someone else")]
    WrongIssuer,
    #[error("the token is meant for another service")]
    WrongAudience,
    #[error("the token has expired")]
    Expired,
}

/// Issues and verifies tokens with one HMAC secret.
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    clock: Arc<dyn Clock>,
}

impl TokenService {
    /// A service signing with `secret` (at least `MIN_SECRET_BYTES` bytes) and reading the time
    /// from `clock`.
    pub fn new(secret: &[u8], clock: Arc<dyn Clock>) -> Result<Self, TokenError> {
        // TODO: refuse a secret shorter than `MIN_SECRET_BYTES` with `WeakSecret`; otherwise
        // keep `EncodingKey::from_secret(secret)`, `DecodingKey::from_secret(secret)` and the
        // clock.
        let _ = (secret, clock);
        todo!("check the secret and build the keys")
    }

    /// A signed token for `sub` with `role`, valid for `TOKEN_TTL_SECS` from now.
    pub fn issue(&self, sub: &str, role: &str) -> Result<String, TokenError> {
        // TODO: `Claims` with `ISSUER`, `AUDIENCE`, `iat = self.clock.now()` and
        // `exp = iat + TOKEN_TTL_SECS`, then `jsonwebtoken::encode(&Header::new(Algorithm::HS256),
        // &claims, &self.encoding)` (an error there can only be `Malformed`).
        let _ = (sub, role, &self.encoding);
        todo!("sign the claims")
    }

    /// The claims of a valid token: signed by us with HS256, for our audience, from our issuer,
    /// not expired at the clock's `now`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // TODO:
        // 1. `let mut validation = Validation::new(Algorithm::HS256)` (this pins the algorithm),
        //    `set_issuer(&[ISSUER])`, `set_audience(&[AUDIENCE])`,
        //    `set_required_spec_claims(&["exp", "iss", "aud", "sub"])`, and
        //    `validate_exp = false`: the library would read the system clock, not ours.
        // 2. `jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)`; map
        //    `e.kind()` (`jsonwebtoken::errors::ErrorKind`): `InvalidSignature` ->
        //    `BadSignature`, `InvalidAlgorithm` -> `WrongAlgorithm`, `InvalidIssuer`,
        //    `InvalidAudience`, and anything else -> `Malformed`.
        // 3. `Expired` when `self.clock.now() >= claims.exp`.
        let _ = (token, &self.decoding, &self.clock);
        todo!("verify the token")
    }
}
