//! Password rules and argon2id hashing (day 15).

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::error::ApiError;

const MIN_CHARS: usize = 12;
const MAX_CHARS: usize = 128;

/// argon2id's cost: memory in KiB and passes (one lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Cost {
    /// OWASP's minimum for argon2id: 19 MiB, 2 passes.
    pub const RECOMMENDED: Cost = Cost {
        memory_kib: 19_456,
        iterations: 2,
    };
}

/// The rule for a new password; it depends only on the request, so checking it first reveals
/// nothing about accounts.
pub fn check_rules(password: &str) -> Result<(), ApiError> {
    // Characters, not bytes: "é" is one character a person typed, and two bytes.
    let chars = password.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(ApiError::WeakPassword)
    }
}

/// Hashes and verifies passwords at one cost.
pub struct Passwords {
    argon2: Argon2<'static>,
    /// A hash nobody's password matches, verified when a login names no account, so that
    /// answer costs as much time as a wrong password.
    dummy_hash: String,
}

impl Passwords {
    pub fn new(cost: Cost) -> anyhow::Result<Passwords> {
        let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
            .map_err(|e| anyhow::anyhow!("argon2 refuses the cost {cost:?}: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut passwords = Passwords {
            argon2,
            dummy_hash: String::new(),
        };
        let unguessable = SaltString::generate(&mut rand::rngs::OsRng);
        passwords.dummy_hash = passwords.hash(unguessable.as_str());
        Ok(passwords)
    }

    /// A PHC string (`$argon2id$v=19$m=...`) with a fresh salt. Slow on purpose: call it off
    /// the async runtime.
    pub fn hash(&self, password: &str) -> String {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    }

    /// Whether `password` matches `phc`; `None` verifies against the dummy hash and fails.
    pub fn verify(&self, password: &str, phc: Option<&str>) -> bool {
        let Ok(parsed) = PasswordHash::new(phc.unwrap_or(&self.dummy_hash)) else {
            return false;
        };
        // The parameters come from the stored string, so hashes made at an older cost still
        // verify after the cost changes.
        let verified = self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        verified && phc.is_some()
    }
}
