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
    // TODO: `TooShort` or `TooLong` outside the limits, else `Ok(())`.
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
        // TODO: the hasher described above, or `InvalidCost` with argon2's reason.
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
        // TODO: the policy first, then the PHC string of a fresh hash.
        let _ = password;
        todo!("check the policy, then hash")
    }

    /// Hashes with a fresh random salt, without the strength check (used for passwords that are
    /// already in use, which may predate today's policy).
    fn hash_unchecked(&self, password: &str) -> Result<String, PasswordError> {
        // TODO: the PHC string of `password`, salted with fresh bytes from the operating
        // system's secure random generator.
        let _ = (password, &self.argon2);
        todo!("hash the password with a random salt")
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// `Ok(false)` for a wrong password, `Err(MalformedHash)` when `phc` cannot be parsed. The
    /// cost and salt come from the stored string, not from `self`: old hashes keep working.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        // TODO: the rules above: true for the right password, false for a wrong one,
        // `MalformedHash` for a string that cannot be checked.
        let _ = (password, phc);
        todo!("verify the password against the stored hash")
    }

    /// Whether a stored hash was made with something other than argon2id v0x13 at the current
    /// cost, so it should be replaced at the next successful login. `Err(MalformedHash)` when
    /// `phc` cannot be parsed.
    pub fn needs_rehash(&self, phc: &str) -> Result<bool, PasswordError> {
        // TODO: true when the stored algorithm, version or cost differs from this hasher's.
        let _ = phc;
        todo!("compare the stored algorithm and cost with the current ones")
    }

    /// Verifies a login and, when the password is right but the hash is outdated, hashes it
    /// again with the current cost. A wrong password never produces a new hash.
    pub fn verify_and_upgrade(&self, password: &str, phc: &str) -> Result<Verdict, PasswordError> {
        // TODO: the `Verdict` for this login, as described above.
        let _ = (password, phc, Self::hash_unchecked);
        todo!("verify, then upgrade an outdated hash")
    }
}
