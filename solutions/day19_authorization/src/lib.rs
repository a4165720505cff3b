//! Day 19: authorization (solution).
//!
//! The blog API with rules: anyone reads published posts, authors write and manage their own,
//! admins moderate. Every refusal is the right one of 401, 403 and 404.

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
        match self {
            // A 401 must tell the client how to authenticate.
            Denied::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                [(WWW_AUTHENTICATE, "Bearer")],
                Json(json!({ "error": "log in first" })),
            )
                .into_response(),
            Denied::Forbidden => (
                StatusCode::FORBIDDEN,
                Json(json!({ "error": "you may not do that" })),
            )
                .into_response(),
            Denied::NotFound => (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "no such post" })),
            )
                .into_response(),
        }
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
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(MaybeUser(None));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(Denied::Unauthenticated)?;
        let user = state.users.by_token(token).ok_or(Denied::Unauthenticated)?;
        Ok(MaybeUser(Some(user)))
    }
}

/// `GET/POST /posts`, `GET/PUT/DELETE /posts/{id}`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(get_post).put(update_post).delete(delete_post),
        )
        .with_state(state)
}

/// `GET /posts`: the posts the caller may see. Filtering a list is authorization too: a list
/// that showed other people's drafts would undo every 404 below.
async fn list_posts(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Json<Vec<Post>> {
    let visible = state
        .posts
        .all()
        .into_iter()
        .filter(|post| can_see(user.as_ref(), post))
        .collect();
    Json(visible)
}

/// `GET /posts/{id}`.
async fn get_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<Json<Post>, Denied> {
    let post = state.posts.get(id);
    authorize(user.as_ref(), Action::Read, post.as_ref())?;
    // `authorize` only allows reading a post that exists.
    post.map(Json).ok_or(Denied::NotFound)
}

/// `POST /posts`: 201 with the new post, owned by the caller.
async fn create_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Json(input): Json<PostInput>,
) -> Result<(StatusCode, Json<Post>), Denied> {
    authorize(user.as_ref(), Action::Create, None)?;
    let user = user.ok_or(Denied::Unauthenticated)?;
    // The owner comes from the token, never from the request body.
    let post = state.posts.create(user.id, input);
    Ok((StatusCode::CREATED, Json(post)))
}

/// `PUT /posts/{id}`: the owner replaces the post.
async fn update_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
    Json(input): Json<PostInput>,
) -> Result<Json<Post>, Denied> {
    // Load first, decide, then act: the decision needs the post's owner.
    let post = state.posts.get(id);
    authorize(user.as_ref(), Action::Update, post.as_ref())?;
    state
        .posts
        .update(id, input)
        .map(Json)
        .ok_or(Denied::NotFound)
}

/// `DELETE /posts/{id}`: the owner or an admin; 204.
async fn delete_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<StatusCode, Denied> {
    let post = state.posts.get(id);
    authorize(user.as_ref(), Action::Delete, post.as_ref())?;
    state.posts.delete(id);
    Ok(StatusCode::NO_CONTENT)
}
