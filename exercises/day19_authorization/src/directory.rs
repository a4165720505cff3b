//! Who is who: users, roles and their API tokens (given, complete).
//!
//! Days 16-18 built real authentication; here an opaque random token per user stands in for it,
//! so today is only about what an authenticated user may do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand::RngCore;
use serde::Serialize;

/// What a user is allowed to do in general. What they may do to one post also depends on
/// whether they wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads published posts.
    Reader,
    /// Also writes posts, and edits and deletes their own.
    Author,
    /// Moderates: sees every post and deletes any, but does not rewrite other people's words.
    Admin,
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub role: Role,
}

/// Users by API token. Cloning shares the same directory.
#[derive(Clone, Default)]
pub struct Directory {
    by_token: Arc<Mutex<HashMap<String, User>>>,
}

impl Directory {
    /// Adds a user and returns their new API token.
    pub fn add(&self, name: &str, role: Role) -> (User, String) {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let mut users = self.by_token.lock().unwrap();
        let user = User {
            id: users.len() as u64 + 1,
            name: name.to_string(),
            role,
        };
        users.insert(token.clone(), user.clone());
        (user, token)
    }

    /// The user holding `token`, if any.
    pub fn by_token(&self, token: &str) -> Option<User> {
        self.by_token.lock().unwrap().get(token).cloned()
    }
}
