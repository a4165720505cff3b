//! Day 15: storing passwords (solution).
//!
//! Passwords are hashed with argon2id and stored as self-describing PHC strings; logins are
//! verified against the cost recorded in the string, and outdated hashes are upgraded on the
//! next successful login.

use argon2::password_hash::{self, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
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
    // `len()` would count bytes: "пароль12" is 8 characters but 14 bytes.
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(PasswordError::TooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
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
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| PasswordError::InvalidCost(e.to_string()))?;
        Ok(Passwords {
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            cost,
        })
    }

    /// The cost new hashes are made with.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Hashes a new password: checks its strength, then hashes it with a fresh random salt and
    /// returns the PHC string, like `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        check_strength(password)?;
        self.hash_unchecked(password)
    }

    /// Hashes with a fresh random salt, without the strength check (used for passwords that are
    /// already in use, which may predate today's policy).
    fn hash_unchecked(&self, password: &str) -> Result<String, PasswordError> {
        // 16 random bytes from the operating system's CSPRNG. A unique salt per hash means two
        // users with the same password get different hashes, and precomputed tables are useless.
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let hash = self
            .argon2
            .hash_password(password.as_bytes(), &salt)
            // Only possible with absurd inputs (a password over 4 GiB); treat as a bad cost.
            .map_err(|e| PasswordError::InvalidCost(e.to_string()))?;
        // The PHC string carries everything needed to verify later: algorithm, version, cost,
        // salt and hash.
        Ok(hash.to_string())
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// `Ok(false)` for a wrong password, `Err(MalformedHash)` when `phc` cannot be parsed. The
    /// cost and salt come from the stored string, not from `self`: old hashes keep working.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        let parsed = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
        // `verify_password` re-hashes with the algorithm, version, params and salt found in
        // `parsed`, then compares the outputs in constant time.
        match self.argon2.verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::Password) => Ok(false),
            Err(_) => Err(PasswordError::MalformedHash),
        }
    }

    /// Whether a stored hash was made with something other than argon2id v0x13 at the current
    /// cost, so it should be replaced at the next successful login.
    pub fn needs_rehash(&self, phc: &str) -> Result<bool, PasswordError> {
        let parsed = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
        if parsed.algorithm != Algorithm::Argon2id.ident() || parsed.version != Some(0x13) {
            return Ok(true);
        }
        let params = Params::try_from(&parsed).map_err(|_| PasswordError::MalformedHash)?;
        let stored = Cost {
            memory_kib: params.m_cost(),
            iterations: params.t_cost(),
            parallelism: params.p_cost(),
        };
        Ok(stored != self.cost)
    }

    /// Verifies a login and, when the password is right but the hash is outdated, hashes it
    /// again with the current cost. A wrong password never produces a new hash.
    pub fn verify_and_upgrade(&self, password: &str, phc: &str) -> Result<Verdict, PasswordError> {
        if !self.verify(password, phc)? {
            return Ok(Verdict::Rejected);
        }
        // Only now do we know the plaintext is right, so this is the one moment we can re-hash.
        if self.needs_rehash(phc)? {
            Ok(Verdict::AcceptedWithNewHash(self.hash_unchecked(password)?))
        } else {
            Ok(Verdict::Accepted)
        }
    }
}
