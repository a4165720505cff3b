//! Blog posts in memory (given, complete). The store checks nothing: deciding who may do what
//! is the handlers' job, with `authorize`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// A stored post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: u64,
    /// The user who wrote it: its owner.
    pub author_id: u64,
    pub title: String,
    pub body: String,
    /// Drafts (`false`) are private to their author (and admins).
    pub published: bool,
}

/// What a client sends to create or replace a post.
#[derive(Debug, Clone, Deserialize)]
pub struct PostInput {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub published: bool,
}

/// Posts by id. Cloning shares the same posts.
#[derive(Clone, Default)]
pub struct PostStore {
    posts: Arc<Mutex<BTreeMap<u64, Post>>>,
}

impl PostStore {
    /// Stores a new post owned by `author_id`.
    pub fn create(&self, author_id: u64, input: PostInput) -> Post {
        let mut posts = self.posts.lock().unwrap();
        let id = posts.keys().next_back().map_or(1, |last| last + 1);
        let post = Post {
            id,
            author_id,
            title: input.title,
            body: input.body,
            published: input.published,
        };
        posts.insert(id, post.clone());
        post
    }

    pub fn get(&self, id: u64) -> Option<Post> {
        self.posts.lock().unwrap().get(&id).cloned()
    }

    /// Every post, by id.
    pub fn all(&self) -> Vec<Post> {
        self.posts.lock().unwrap().values().cloned().collect()
    }

    /// Replaces title, body and published flag; the owner never changes.
    pub fn update(&self, id: u64, input: PostInput) -> Option<Post> {
        let mut posts = self.posts.lock().unwrap();
        let post = posts.get_mut(&id)?;
        post.title = input.title;
        post.body = input.body;
        post.published = input.published;
        Some(post.clone())
    }

    /// Whether there was a post to delete.
    pub fn delete(&self, id: u64) -> bool {
        self.posts.lock().unwrap().remove(&id).is_some()
    }
}
