//! What only admins may do.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::ApiError;
use crate::session::Session;
use crate::store::Role;

/// `GET /admin/users`: every account, without any secret. 403 for everyone but admins: they
/// are logged in, and logging in again would not help.
pub async fn users(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Value>, ApiError> {
    if session.user.role != Role::Admin {
        return Err(ApiError::Forbidden);
    }
    let users = state.store.users()?;
    Ok(Json(json!({ "users": users })))
}
