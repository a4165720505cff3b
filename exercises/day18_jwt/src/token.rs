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
        // TODO: `WeakSecret` for a short secret; otherwise a service that signs and verifies
        // with it.
        let _ = (secret, clock);
        todo!("check the secret and build the keys")
    }

    /// A signed token for `sub` with `role`, valid for `TOKEN_TTL_SECS` from now.
    pub fn issue(&self, sub: &str, role: &str) -> Result<String, TokenError> {
        // TODO: an HS256 token whose claims name `ISSUER` and `AUDIENCE`, were issued at the
        // clock's `now` and expire `TOKEN_TTL_SECS` later.
        let _ = (sub, role, &self.encoding);
        todo!("sign the claims")
    }

    /// The claims of a valid token: signed by us with HS256, for our audience, from our issuer,
    /// not expired at the clock's `now`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // TODO: the claims, or the `TokenError` that says why not: a signature that does not
        // match, any algorithm but HS256 (`none` included), another issuer or audience, or an
        // `exp` the injected clock has reached. A token that cannot be read, or lacks `exp`,
        // `iss`, `aud` or `sub`, is `Malformed`.
        let _ = (token, &self.decoding, &self.clock);
        todo!("verify the token")
    }
}
