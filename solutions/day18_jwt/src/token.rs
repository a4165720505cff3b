//! Issuing and verifying HS256 JSON Web Tokens.

use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
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
        // A short HMAC secret can be brute-forced offline from any one token the attacker has.
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::WeakSecret);
        }
        Ok(TokenService {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            clock,
        })
    }

    /// A signed token for `sub` with `role`, valid for `TOKEN_TTL_SECS` from now.
    pub fn issue(&self, sub: &str, role: &str) -> Result<String, TokenError> {
        let now = self.clock.now();
        let claims = Claims {
            sub: sub.to_string(),
            role: role.to_string(),
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            iat: now,
            exp: now + TOKEN_TTL_SECS,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Malformed)
    }

    /// The claims of a valid token: signed by us with HS256, for our audience, from our issuer,
    /// not expired at the clock's `now`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // Pin the algorithm: never let the token's own header choose how it is checked.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // The library would compare `exp` with the system clock; we check it below with ours.
        validation.validate_exp = false;

        let data =
            decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidAlgorithm => TokenError::WrongAlgorithm,
                ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Malformed,
            })?;

        if self.clock.now() >= data.claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}
