//! `/posts`: create, read (conditionally), edit under `If-Match`, and list by keyset.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::json::JsonBody;
use super::{Shared, run_blocking};
use crate::error::ApiError;
use crate::etag;
use crate::model::{ListQuery, NewPost, Page, Post, PostChanges, SlugChoice};
use crate::rules;

#[derive(Debug, Deserialize)]
pub struct NewPostBody {
    author_id: i64,
    title: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
    slug: Option<String>,
    #[serde(default)]
    published: bool,
}

/// Only the fields to change; the slug is not one of them, it never changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    title: Option<String>,
    body: Option<String>,
    tags: Option<Vec<String>>,
    published: Option<bool>,
}

/// Query values arrive as text so that a bad one is our 422 with a reason, not the
/// extractor's 400.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    limit: Option<String>,
    after: Option<String>,
    tag: Option<String>,
    author: Option<String>,
}

/// A post with its `ETag`, and `extra` headers.
fn post_response(
    status: StatusCode,
    post: Post,
    extra: &[(header::HeaderName, String)],
) -> Response {
    let mut response = (status, [(header::ETAG, post.etag())], Json(post)).into_response();
    for (name, value) in extra {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// 201 with the post, its `Location` and its `ETag`.
pub async fn create(
    State(store): State<Shared>,
    JsonBody(body): JsonBody<NewPostBody>,
) -> Result<Response, ApiError> {
    let title = rules::title(&body.title)?;
    let slug = match &body.slug {
        Some(given) => SlugChoice::Given(rules::given_slug(given)?),
        None => SlugChoice::Derived(rules::derived_slug(&title)?),
    };
    let new = NewPost {
        author_id: body.author_id,
        slug,
        title,
        body: rules::body(&body.body)?,
        tags: rules::tags(&body.tags)?,
        published: body.published,
    };
    let post = run_blocking(&store, move |s| s.create_post(&new)).await?;
    let location = format!("/posts/{}", post.slug);
    Ok(post_response(
        StatusCode::CREATED,
        post,
        &[(header::LOCATION, location)],
    ))
}

/// 200 with the post (drafts too), or 304 when `If-None-Match` names its current ETag.
pub async fn read(
    State(store): State<Shared>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wanted = slug.clone();
    let post = run_blocking(&store, move |s| s.post(&wanted))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no post has the slug {slug:?}")))?;
    let cache = (header::CACHE_CONTROL, "no-cache".to_string());
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag::matches(v, &post.etag()));
    if fresh {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, post.etag()), cache],
        )
            .into_response());
    }
    Ok(post_response(StatusCode::OK, post, &[cache]))
}

/// 200 with the edited post and its new `ETag`; 428 without `If-Match`, 412 when stale.
pub async fn edit(
    State(store): State<Shared>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PatchBody>,
) -> Result<Response, ApiError> {
    let changes = PostChanges {
        title: body.title.as_deref().map(rules::title).transpose()?,
        body: body.body.as_deref().map(rules::body).transpose()?,
        tags: body.tags.as_deref().map(rules::tags).transpose()?,
        published: body.published,
    };
    let if_match = headers
        .get(header::IF_MATCH)
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let post = run_blocking(&store, move |s| {
        s.update_post(&slug, if_match.as_deref(), &changes)
    })
    .await?;
    Ok(post_response(StatusCode::OK, post, &[]))
}

/// One page of published posts, newest first.
pub async fn list(
    State(store): State<Shared>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let query = ListQuery {
        limit: rules::limit(params.limit.as_deref())?,
        after: rules::cursor(params.after.as_deref())?,
        tag: rules::tag_filter(params.tag.as_deref()),
        author_id: rules::author_filter(params.author.as_deref())?,
    };
    let page = run_blocking(&store, move |s| s.list(&query)).await?;
    Ok(Json(page))
}
