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
        // TODO: `Unauthenticated` is 401 with a `WWW-Authenticate: Bearer` challenge,
        // `Forbidden` 403 and `NotFound` 404; each has a `{"error": "..."}` JSON body.
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
        // TODO: anonymous (`None`) without an `Authorization` header; the directory's user for a
        // `Bearer` token it knows (scheme in any case); `Unauthenticated` for anything else.
        let _ = (parts, state, AUTHORIZATION);
        todo!("find the user behind the token")
    }
}

/// `GET/POST /posts`, `GET/PUT/DELETE /posts/{id}`.
pub fn app(state: AppState) -> Router {
    // TODO: route the two paths and five methods to the handlers below.
    let _ = (
        state,
        list_posts,
        create_post,
        get_post,
        update_post,
        delete_post,
    );
    todo!("wire the routes")
}

/// `GET /posts`: the posts the caller may see. Filtering a list is authorization too: a list
/// that showed other people's drafts would undo every 404 below.
async fn list_posts(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Json<Vec<Post>> {
    // TODO: every post the caller may see, and no other.
    let _ = (state, user);
    todo!("list what the caller may see")
}

/// `GET /posts/{id}`.
async fn get_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<Json<Post>, Denied> {
    // TODO: the post, if `authorize` allows reading it; its refusal otherwise.
    let _ = (state, user, id, Action::Read);
    todo!("read one post")
}

/// `POST /posts`: 201 with the new post, owned by the caller.
async fn create_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Json(input): Json<PostInput>,
) -> Result<(StatusCode, Json<Post>), Denied> {
    // TODO: if `authorize` allows creating, 201 with the stored post. Its owner is the
    // authenticated caller, never something from the body.
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
    // TODO: the replaced post, if `authorize` allows updating the stored one; its refusal
    // otherwise.
    let _ = (state, user, id, input);
    todo!("update a post")
}

/// `DELETE /posts/{id}`: the owner or an admin; 204.
async fn delete_post(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> Result<StatusCode, Denied> {
    // TODO: 204 once the post is gone, if `authorize` allows deleting it; its refusal
    // otherwise.
    let _ = (state, user, id);
    todo!("delete a post")
}
