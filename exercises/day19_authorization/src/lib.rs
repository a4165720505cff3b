//! Day 19: authorization.
//!
//! The blog API with rules: anyone reads published posts, authors write and manage their own,
//! admins moderate. Every refusal is the right one of 401, 403 and 404. Read `README.md` first.

mod directory;
mod policy;
mod posts;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub use directory::{Directory, Role, User};
pub use policy::{Action, Denied, authorize, can_see};
pub use posts::{Post, PostInput, PostStore};

/// What the handlers share.
#[derive(Clone, Default)]
pub struct AppState {
    pub users: Directory,
    pub posts: PostStore,
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        // TODO: `Unauthenticated` -> 401 with a `WWW-Authenticate: Bearer` header,
        // `Forbidden` -> 403, `NotFound` -> 404, each with a `{"error": "..."}` JSON body, e.g.
        // `(StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")], Json(json!({..}))).into_response()`.
        let _ = (WWW_AUTHENTICATE, json!({}));
        todo!("turn the refusal into a response")
    }
}

/// The user behind the request's bearer token, or `None` for a request without one.
///
/// A token that is present but unknown is refused with 401 even where anonymous access is
/// allowed: silently treating it as anonymous would hide the client's bug.
pub struct MaybeUser(pub Option<User>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Denied;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        // TODO: no `Authorization` header -> `Ok(MaybeUser(None))`. Otherwise it must be
        // `Bearer <token>` (scheme in any case) with a token `state.users.by_token` knows;
        // anything else -> `Err(Denied::Unauthenticated)`.
        let _ = (parts, state, AUTHORIZATION);
        todo!("find the user behind the token")
    }
}

/// `GET/POST /posts`, `GET/PUT/DELETE /posts/{id}`.
pub fn app(state: AppState) -> Router {
    // TODO: `/posts` gets `get(list_posts).post(create_post)`; `/posts/{id}` gets
    // `get(get_post).put(update_post).delete(delete_post)`; then `.with_state(state)`.
    let _ = (state, get(list_posts).post(create_post));
    let _ = get(get_post).put(update_post).delete(delete_post);
    todo!("wire the routes")
}

/// `GET /posts`: the posts the caller may see. Filtering a list is authorization too: a list
/// that showed other people's drafts would undo every 404 below.
async fn list_posts(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Json<Vec<Post>> {
    // TODO: `state.posts.all()`, keeping only the posts `can_see` allows.
    let _ = (state, user);
    todo!("list what the caller may see")
}

/// `GET /posts/{id}`.
async fn get_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<Json<Post>, Denied> {
    // TODO: load the post, `authorize(user.as_ref(), Action::Read, post.as_ref())?`, answer it.
    let _ = (state, user, id, Action::Read);
    todo!("read one post")
}

/// `POST /posts`: 201 with the new post, owned by the caller.
async fn create_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Json(input): Json<PostInput>,
) -> Result<(StatusCode, Json<Post>), Denied> {
    // TODO: authorize `Action::Create`, then `state.posts.create(user.id, input)` and 201. The
    // owner is the authenticated user, never something from the body.
    let _ = (state, user, input, authorize);
    todo!("create a post")
}

/// `PUT /posts/{id}`: the owner replaces the post.
async fn update_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
    Json(input): Json<PostInput>,
) -> Result<Json<Post>, Denied> {
    // TODO: load the post, authorize `Action::Update` (the decision needs its owner), then
    // `state.posts.update(id, input)`.
    let _ = (state, user, id, input);
    todo!("update a post")
}

/// `DELETE /posts/{id}`: the owner or an admin; 204.
async fn delete_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<StatusCode, Denied> {
    // TODO: load, authorize `Action::Delete`, `state.posts.delete(id)`, 204 No Content.
    let _ = (state, user, id);
    todo!("delete a post")
}
