//! Day 26: real-time blog updates with server-sent events.
//!
//! `POST /posts` stores a post and broadcasts it; every client connected to `GET /posts/events`
//! receives it at once as an SSE event. A client that reconnects with `Last-Event-ID` first gets
//! the posts it missed, and a client too slow to keep up is told how many events it lost.
//! Read `README.md` first.

// The state's fields are unused until you write the bodies that use them; delete this line then.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAliveStream, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
// You will want these too: `std::collections::VecDeque`, `axum::response::sse::KeepAlive`,
// `futures_util::StreamExt` (for `.boxed()`), `futures_util::stream` (for `stream::unfold`)
// and `tokio::sync::broadcast::error::RecvError`.

/// A published blog post.
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

/// Everything the handlers share: the posts and the channel that fans new ones out.
pub struct AppState {
    posts: Mutex<Vec<Post>>,
    events: broadcast::Sender<Post>,
    keep_alive: Duration,
}

impl AppState {
    /// `capacity`: how many posts a subscriber may fall behind before it lags.
    /// `keep_alive`: how long a stream may stay silent before it gets a comment line.
    pub fn new(capacity: usize, keep_alive: Duration) -> Arc<AppState> {
        let (events, _) = broadcast::channel(capacity);
        Arc::new(AppState {
            posts: Mutex::new(Vec::new()),
            events,
            keep_alive,
        })
    }

    /// Stores a new post (ids count up from 1) and sends it to every subscriber.
    pub fn publish(&self, title: &str, body: &str) -> Post {
        // TODO: lock `posts`, build the post with the next id, push a clone, and `send` it on
        // `events` while you still hold the lock (so that posts go out in id order). `send`
        // fails when nobody is subscribed: ignore that.
        let _ = (title, body);
        todo!("store and broadcast a post")
    }

    /// The stored posts whose id is greater than `id`, oldest first.
    pub fn posts_after(&self, id: u64) -> Vec<Post> {
        // TODO: filter the stored posts.
        let _ = id;
        todo!("list the posts after an id")
    }
}

/// A post as an SSE event: `event: post`, `id: <id>`, `data: <the post as JSON>`.
pub fn post_event(post: &Post) -> Event {
    // TODO: `Event::default().event(..).id(..).data(..)`, with `serde_json::to_string(post)`.
    let _ = post;
    todo!("turn a post into an event")
}

/// Tells a slow subscriber it lost `missed` posts: `event: lagged`, `data: {"missed":N}`.
pub fn lagged_event(missed: u64) -> Event {
    // TODO: like `post_event`, without an id.
    let _ = missed;
    todo!("build the lagged event")
}

/// `POST /posts`: stores and broadcasts the post; 201 with the stored post.
async fn create_post(
    State(state): State<Arc<AppState>>,
    Json(new_post): Json<NewPost>,
) -> (StatusCode, Json<Post>) {
    // TODO: `state.publish(..)`, then answer `(StatusCode::CREATED, Json(post))`.
    let _ = (state, new_post);
    todo!("create a post")
}

/// The stream type the handler returns: boxed, so that its type has a name.
pub type EventStream = BoxStream<'static, Result<Event, Infallible>>;

/// The events for one subscriber: the stored posts after `last_seen` (if the client sent
/// `Last-Event-ID`), then every new post as it is published, with a `lagged` event in place of
/// posts it was too slow to receive.
pub fn event_stream(state: &AppState, last_seen: Option<u64>) -> EventStream {
    // TODO:
    // 1. `state.events.subscribe()` FIRST, then read the backlog (`posts_after(last_seen)`, or
    //    nothing without `last_seen`). In the other order, a post published in between is lost.
    // 2. `stream::unfold(your_state, |mut s| async move { ... })`, where your state holds the
    //    backlog (a `VecDeque<Post>`), the receiver, and the highest id replayed. Each call
    //    returns `Some((Ok(event), s))` for the next event, or `None` to end the stream:
    //    - a backlog post first (`pop_front`);
    //    - otherwise loop on `receiver.recv().await`:
    //      `Ok(post)` already replayed (id <= highest replayed): skip it;
    //      `Ok(post)`: a post event; `Err(RecvError::Lagged(n))`: `lagged_event(n)`;
    //      `Err(RecvError::Closed)`: `None`.
    // 3. `.boxed()` the stream.
    let _ = (state, last_seen);
    todo!("build the event stream")
}

/// `GET /posts/events`: the SSE stream, resumed after `Last-Event-ID` if the client sent one.
async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Sse<KeepAliveStream<EventStream>> {
    // TODO: parse the `last-event-id` header as a u64 (missing or invalid: None), call
    // `event_stream` right here (before the response goes out), and wrap it:
    // `Sse::new(stream).keep_alive(KeepAlive::new().interval(state.keep_alive))`.
    let _ = (state, headers);
    todo!("serve the event stream")
}

/// The app: `POST /posts` and `GET /posts/events`.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/posts", post(create_post))
        .route("/posts/events", get(events))
        .with_state(state)
}
