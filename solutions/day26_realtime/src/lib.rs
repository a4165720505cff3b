//! Day 26: real-time blog updates with server-sent events (solution).
//!
//! `POST /posts` stores a post and broadcasts it; every client connected to `GET /posts/events`
//! receives it at once as an SSE event. A client that reconnects with `Last-Event-ID` first gets
//! the posts it missed, and a client too slow to keep up is told how many events it lost.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, KeepAliveStream, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::{self, error::RecvError};

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
        let mut posts = self.posts.lock().unwrap();
        let post = Post {
            id: posts.len() as u64 + 1,
            title: title.to_string(),
            body: body.to_string(),
        };
        posts.push(post.clone());
        // Sending while the lock is held keeps the channel in id order even when two requests
        // publish at once. `send` fails only when nobody is listening, which is fine.
        let _ = self.events.send(post.clone());
        post
    }

    /// The stored posts whose id is greater than `id`, oldest first.
    pub fn posts_after(&self, id: u64) -> Vec<Post> {
        let posts = self.posts.lock().unwrap();
        posts.iter().filter(|post| post.id > id).cloned().collect()
    }
}

/// A post as an SSE event: `event: post`, `id: <id>`, `data: <the post as JSON>`.
pub fn post_event(post: &Post) -> Event {
    let json = serde_json::to_string(post).expect("a Post always serializes");
    Event::default()
        .event("post")
        .id(post.id.to_string())
        .data(json)
}

/// Tells a slow subscriber it lost `missed` posts: `event: lagged`, `data: {"missed":N}`.
pub fn lagged_event(missed: u64) -> Event {
    Event::default()
        .event("lagged")
        .data(format!("{{\"missed\":{missed}}}"))
}

/// `POST /posts`: stores and broadcasts the post; 201 with the stored post.
async fn create_post(
    State(state): State<Arc<AppState>>,
    Json(new_post): Json<NewPost>,
) -> (StatusCode, Json<Post>) {
    let post = state.publish(&new_post.title, &new_post.body);
    (StatusCode::CREATED, Json(post))
}

/// What the event stream remembers between two events.
struct Cursor {
    /// Posts to replay before going live.
    backlog: VecDeque<Post>,
    live: broadcast::Receiver<Post>,
    /// Live posts up to this id were already replayed: skip them.
    replayed_up_to: u64,
}

/// The stream type the handler returns: boxed, so that its type has a name.
pub type EventStream = BoxStream<'static, Result<Event, Infallible>>;

/// The events for one subscriber: the stored posts after `last_seen` (if the client sent
/// `Last-Event-ID`), then every new post as it is published, with a `lagged` event in place of
/// posts it was too slow to receive.
pub fn event_stream(state: &AppState, last_seen: Option<u64>) -> EventStream {
    // Subscribe *before* reading the backlog: a post published in between is then in the
    // channel (and maybe in the backlog too, which `replayed_up_to` takes care of) instead of
    // in neither.
    let live = state.events.subscribe();
    let backlog: VecDeque<Post> = match last_seen {
        Some(id) => state.posts_after(id).into(),
        None => VecDeque::new(),
    };
    let cursor = Cursor {
        replayed_up_to: backlog.back().map_or(0, |post| post.id),
        backlog,
        live,
    };

    // `unfold` turns "given my state, produce the next item and the new state" into a Stream.
    stream::unfold(cursor, |mut cursor| async move {
        if let Some(post) = cursor.backlog.pop_front() {
            return Some((Ok(post_event(&post)), cursor));
        }
        loop {
            match cursor.live.recv().await {
                Ok(post) if post.id <= cursor.replayed_up_to => continue,
                Ok(post) => return Some((Ok(post_event(&post)), cursor)),
                // The channel overwrote posts this subscriber had not read yet. Say so and
                // carry on from the oldest post still there; the client can reconnect with
                // Last-Event-ID to fetch the gap.
                Err(RecvError::Lagged(missed)) => {
                    return Some((Ok(lagged_event(missed)), cursor));
                }
                // The sender is gone: the server is shutting down. End the stream.
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

/// `GET /posts/events`: the SSE stream, resumed after `Last-Event-ID` if the client sent one.
async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Sse<KeepAliveStream<EventStream>> {
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    // Build the stream (and so subscribe) here, before the response goes out: once the client
    // has the response head, it is guaranteed to see every later post.
    let stream = event_stream(&state, last_seen);
    // Comment lines on a silent stream keep proxies and load balancers from closing it.
    Sse::new(stream).keep_alive(KeepAlive::new().interval(state.keep_alive))
}

/// The app: `POST /posts` and `GET /posts/events`.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/posts", post(create_post))
        .route("/posts/events", get(events))
        .with_state(state)
}
