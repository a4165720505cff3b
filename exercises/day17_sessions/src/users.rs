//! Registered users with argon2id password hashes, as built on days 15 and 16 (given, complete).

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

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

/// Users by (normalized) email: id and PHC hash.
pub struct Users {
    argon2: Argon2<'static>,
    dummy_hash: String,
    by_email: Mutex<HashMap<String, (i64, String)>>,
}

impl Users {
    /// An empty user list hashing at `cost`. Panics if argon2 refuses the cost.
    pub fn new(cost: Cost) -> Self {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .expect("a valid argon2 cost");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash(&argon2, "no password matches this one");
        Users {
            argon2,
            dummy_hash,
            by_email: Mutex::new(HashMap::new()),
        }
    }

    /// Registers a user and returns the new id (the email is trimmed and lowercased).
    pub fn add(&self, email: &str, password: &str) -> i64 {
        let phc = hash(&self.argon2, password);
        let mut users = self.by_email.lock().unwrap();
        let id = users.len() as i64 + 1;
        users.insert(email.trim().to_lowercase(), (id, phc));
        id
    }

    /// The user's id if the email and password match. Slow on purpose (argon2): call it from
    /// `tokio::task::spawn_blocking`. Unknown emails cost as much as wrong passwords.
    pub fn authenticate(&self, email: &str, password: &str) -> Option<i64> {
        let found = self
            .by_email
            .lock()
            .unwrap()
            .get(&email.trim().to_lowercase())
            .cloned();
        let (id, phc) = match found {
            Some((id, phc)) => (Some(id), phc),
            None => (None, self.dummy_hash.clone()),
        };
        let parsed = PasswordHash::new(&phc).ok()?;
        let matches = self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        id.filter(|_| matches)
    }

    /// The email of user `id`.
    pub fn email_of(&self, id: i64) -> Option<String> {
        let users = self.by_email.lock().unwrap();
        users
            .iter()
            .find(|(_, (user_id, _))| *user_id == id)
            .map(|(email, _)| email.clone())
    }
}

fn hash(argon2: &Argon2<'_>, password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing works")
        .to_string()
}
