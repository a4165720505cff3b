//! Password hashing, as built on day 15 (given, complete).

use std::sync::atomic::{AtomicU64, Ordering};

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Passwords shorter than this (in characters) are refused.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Passwords longer than this (in characters) are refused.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// argon2id's cost: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Cost {
    /// OWASP's recommended minimum for argon2id.
    pub const RECOMMENDED: Cost = Cost {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };
}

/// Hashes and verifies passwords with argon2id.
pub struct Passwords {
    argon2: Argon2<'static>,
    dummy_hash: String,
    verifications: AtomicU64,
}

impl Passwords {
    /// A hasher at `cost`. Panics if argon2 refuses the cost (a configuration bug).
    pub fn new(cost: Cost) -> Self {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .expect("a valid argon2 cost");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        // A hash of a random password nobody knows, at the current cost.
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let dummy_hash = argon2
            .hash_password(salt.as_str().as_bytes(), &salt)
            .expect("hashing works")
            .to_string();
        Passwords {
            argon2,
            dummy_hash,
            verifications: AtomicU64::new(0),
        }
    }

    /// Checks a new password's length in characters; the error is a message for the user.
    pub fn check_strength(password: &str) -> Result<(), String> {
        let chars = password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            Err(format!(
                "password needs at least {MIN_PASSWORD_CHARS} characters"
            ))
        } else if chars > MAX_PASSWORD_CHARS {
            Err(format!(
                "password may have at most {MAX_PASSWORD_CHARS} characters"
            ))
        } else {
            Ok(())
        }
    }

    /// Hashes a password with a fresh random salt into a PHC string. Slow on purpose: call it
    /// from `tokio::task::spawn_blocking`.
    pub fn hash(&self, password: &str) -> String {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .expect("hashing works")
            .to_string()
    }

    /// Whether `password` matches the PHC string `phc` (a malformed string never matches).
    /// Slow on purpose: call it from `tokio::task::spawn_blocking`.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        match PasswordHash::new(phc) {
            Ok(parsed) => self
                .argon2
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// A valid hash at the current cost that no password matches. Verify against it when a
    /// login names an unknown user, so that answer takes as long as a wrong password does.
    pub fn dummy_hash(&self) -> &str {
        &self.dummy_hash
    }

    /// How many times `verify` ran (for metrics, and for the tests to see the work done).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}
