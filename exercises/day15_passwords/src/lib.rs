//! Day 15: storing passwords.
//!
//! A database leak must not leak your users' passwords. Today you hash them with argon2id,
//! store the result as a self-describing PHC string, verify logins against it, and upgrade old
//! hashes when you raise the cost. Read `README.md` first.

use argon2::Argon2;
use thiserror::Error;

/// Passwords shorter than this (in characters, not bytes) are refused.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Passwords longer than this (in characters) are refused: hashing megabytes is a free DoS.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// How expensive one hash is. Raising these numbers slows an attacker who stole your database
/// exactly as much as it slows your login endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Memory per hash in KiB (argon2's `m`).
    pub memory_kib: u32,
    /// Passes over that memory (argon2's `t`).
    pub iterations: u32,
    /// Lanes computed in parallel (argon2's `p`).
    pub parallelism: u32,
}

impl Cost {
    /// OWASP's recommended minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const RECOMMENDED: Cost = Cost {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };
}

/// Everything that can go wrong with a password or a stored hash.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password may have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the stored hash is not a valid PHC string")]
    MalformedHash,
    #[error("invalid argon2 cost: {0}")]
    InvalidCost(String),
}

/// The result of checking a login password against a stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Wrong password.
    Rejected,
    /// Right password, and the stored hash already uses the current cost.
    Accepted,
    /// Right password, but the stored hash was made with another cost or algorithm: here is a
    /// fresh hash with the current cost, to save in place of the old one.
    AcceptedWithNewHash(String),
}

/// Checks a *new* password against the policy: between `MIN_PASSWORD_CHARS` and
/// `MAX_PASSWORD_CHARS` characters (Unicode scalar values, not bytes).
pub fn check_strength(password: &str) -> Result<(), PasswordError> {
    // TODO: count the characters with `password.chars().count()` and return `TooShort` or
    // `TooLong` when the count is outside the limits.
    let _ = password;
    todo!("check the password's length in characters")
}

/// Hashes and verifies passwords with argon2id at one configured cost.
pub struct Passwords {
    argon2: Argon2<'static>,
    cost: Cost,
}

impl Passwords {
    /// Builds a hasher for argon2id, version 0x13, with `cost`.
    ///
    /// Fails with `InvalidCost` when argon2 refuses the numbers (for example fewer than
    /// `8 * parallelism` KiB of memory, or zero iterations).
    pub fn new(cost: Cost) -> Result<Self, PasswordError> {
        // TODO: build `argon2::Params::new(memory_kib, iterations, parallelism, None)`, mapping
        // its error to `PasswordError::InvalidCost(e.to_string())`, then
        // `Argon2::new(Algorithm::Argon2id, Version::V0x13, params)` (both from `argon2`).
        let _ = cost;
        todo!("build the argon2id hasher")
    }

    /// The cost new hashes are made with.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Hashes a new password: checks its strength, then hashes it with a fresh random salt and
    /// returns the PHC string, like `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        // TODO: `check_strength(password)?`, then `self.hash_unchecked(password)`.
        let _ = password;
        todo!("check the policy, then hash")
    }

    /// Hashes with a fresh random salt, without the strength check (used for passwords that are
    /// already in use, which may predate today's policy).
    fn hash_unchecked(&self, password: &str) -> Result<String, PasswordError> {
        // TODO: a salt from the OS's random generator:
        // `SaltString::generate(&mut rand::rngs::OsRng)` (from `argon2::password_hash`), then
        // `self.argon2.hash_password(password.as_bytes(), &salt)` (trait
        // `argon2::PasswordHasher`); its `to_string()` is the PHC string.
        let _ = (password, &self.argon2);
        todo!("hash the password with a random salt")
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// `Ok(false)` for a wrong password, `Err(MalformedHash)` when `phc` cannot be parsed. The
    /// cost and salt come from the stored string, not from `self`: old hashes keep working.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        // TODO: parse with `PasswordHash::new(phc)` (malformed -> `MalformedHash`), then
        // `self.argon2.verify_password(password.as_bytes(), &parsed)` (trait
        // `argon2::PasswordVerifier`): `Ok(())` is a match, `Err(password_hash::Error::Password)`
        // a wrong password, any other error a malformed hash.
        let _ = (password, phc);
        todo!("verify the password against the stored hash")
    }

    /// Whether a stored hash was made with something other than argon2id v0x13 at the current
    /// cost, so it should be replaced at the next successful login.
    pub fn needs_rehash(&self, phc: &str) -> Result<bool, PasswordError> {
        // TODO: parse the PHC string; compare `parsed.algorithm` with `Algorithm::Argon2id.ident()`,
        // `parsed.version` with `Some(0x13)`, and `Params::try_from(&parsed)` (m_cost, t_cost,
        // p_cost) with `self.cost`.
        let _ = phc;
        todo!("compare the stored algorithm and cost with the current ones")
    }

    /// Verifies a login and, when the password is right but the hash is outdated, hashes it
    /// again with the current cost. A wrong password never produces a new hash.
    pub fn verify_and_upgrade(&self, password: &str, phc: &str) -> Result<Verdict, PasswordError> {
        // TODO: `verify`; if wrong -> `Rejected`. If right and `needs_rehash` ->
        // `AcceptedWithNewHash(self.hash_unchecked(password)?)`, else `Accepted`.
        let _ = (password, phc, Self::hash_unchecked);
        todo!("verify, then upgrade an outdated hash")
    }
}
