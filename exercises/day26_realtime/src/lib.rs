//! Day 26: real-time blog updates with server-sent events.
//!
//! `POST /posts` stores a post and broadcasts it; every client connected to `GET /posts/events`
//! receives it at once as an SSE event. A client that reconnects with `Last-Event-ID` first gets
//! the posts it missed, and a client too slow to keep up is told how many events it lost.
//! Read `README.md` first: the contracts below and the tests are your spec; the design is yours.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde::{Deserialize, Serialize};

/// A published blog post, and the JSON of `POST /posts` answers and of `post` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: u64,
    pub title: String,
    pub body: String,
}

/// The body of `POST /posts`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewPost {
    pub title: String,
    pub body: String,
}

/// Everything the handlers share: the posts, and whatever fans new ones out to subscribers.
pub struct AppState {
    // Your fields here.
}

impl AppState {
    /// `capacity`: how many posts a subscriber may fall behind before it lags.
    /// `keep_alive`: how long a stream may stay silent before it gets a comment line.
    pub fn new(capacity: usize, keep_alive: Duration) -> Arc<AppState> {
        let _ = (capacity, keep_alive);
        todo!()
    }

    /// Stores a new post (ids count up from 1) and sends it to every current subscriber, in id
    /// order even when two posts are published at once.
    pub fn publish(&self, title: &str, body: &str) -> Post {
        let _ = (title, body);
        todo!()
    }
}

/// The app.
///
/// - `POST /posts` with a `NewPost`: publishes it; 201 with the stored `Post`.
/// - `GET /posts/events`: a `text/event-stream` that is never cached. Each post published
///   while the client is connected arrives, in order, as `event: post`, `id: <id>`,
///   `data: <the post as JSON>`. A request with `Last-Event-ID: <n>` first gets every stored
///   post after `n`, then goes live, with no post lost or repeated in between. A subscriber
///   that falls more than `capacity` posts behind gets `event: lagged` with
///   `data: {"missed":<how many>}` in their place, then the stream carries on. A stream silent
///   for `keep_alive` gets a comment line.
pub fn router(state: Arc<AppState>) -> Router {
    let _ = state;
    todo!()
}
