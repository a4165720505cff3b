//! The HTTP surface: routes, the shared store, and what every request goes through.

mod authors;
mod comments;
mod json;
mod posts;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::store::{Store, StoreError};

/// The largest request body the service reads.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The store every request shares. A rusqlite `Connection` may move between threads but not
/// be used by two at once, hence the `Mutex`.
type Shared = Arc<Mutex<Store>>;

/// Every route, with the store as shared state.
pub fn app(store: Store) -> Router {
    let state: Shared = Arc::new(Mutex::new(store));
    Router::new()
        .route("/authors", post(authors::create))
        .route("/authors/{id}", get(authors::read))
        .route("/posts", post(posts::create).get(posts::list))
        .route("/posts/{slug}", get(posts::read).patch(posts::edit))
        .route(
            "/posts/{slug}/comments",
            post(comments::create).get(comments::list),
        )
        .fallback(|| async { ApiError::not_found("no such resource") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "this resource does not support this method",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Runs `f` on the store in tokio's blocking pool: SQLite calls block their thread, and on an
/// async worker they would stall every request scheduled there.
async fn run_blocking<T, F>(store: &Shared, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        // A panic while holding the lock poisons it; the connection itself is still fine.
        let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut store)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)
}

/// Logs `METHOD /path -> status in N ms`; a handler that panics answers 500.
async fn log_request(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.uri());
    let started = Instant::now();
    let response = match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) => ApiError::internal(e).into_response(),
    };
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    println!("{line} -> {} in {millis:.1} ms", response.status().as_u16());
    response
}
