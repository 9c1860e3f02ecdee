//! The router of the write side, merged into the main router, and the admin write routes: a
//! portal edit, a manual review decision and a publication on AppConnect.

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, patch, post, put};
use partner_api::{CHANGES_PATH, ReviewRequest, UpdateVersion};

use super::body::{self, ICON_LIMIT, JSON_LIMIT, Reply};
use super::{ADMIN_PREFIX, AppState, apps_write, changes, path, submissions, versions};
use crate::error::HttpError;
use crate::trust::ADMIN_BODY_LIMIT;
use crate::{review, store};

pub fn routes() -> Router<AppState> {
    let json = || DefaultBodyLimit::max(JSON_LIMIT);
    let version = "/apps/{app_id}/versions/{version_id}";
    Router::new()
        .route("/apps", post(apps_write::register).layer(json()))
        .route("/apps/{app_id}", patch(apps_write::update).layer(json()))
        .route(
            "/apps/{app_id}/versions",
            post(versions::create).layer(json()),
        )
        .route(
            version,
            patch(versions::update)
                .delete(versions::delete)
                .layer(json()),
        )
        .route(
            &format!("{version}/icon"),
            put(versions::put_icon).layer(DefaultBodyLimit::max(ICON_LIMIT)),
        )
        .route(
            &format!("{version}/submissions"),
            post(submissions::submit).layer(json()),
        )
        .route(
            &format!("{version}/submissions/{{track}}"),
            delete(submissions::withdraw),
        )
        .route(
            &format!("{version}/availability"),
            post(submissions::make_available).layer(json()),
        )
        .route(CHANGES_PATH, get(changes::list))
        .route(
            &format!("{ADMIN_PREFIX}/versions/{{version_id}}"),
            patch(portal_edit).layer(json()),
        )
        .route(
            &format!("{ADMIN_PREFIX}/versions/{{version_id}}/review"),
            post(admin_review).layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT)),
        )
        .route(
            &format!("{ADMIN_PREFIX}/versions/{{version_id}}/advertisement"),
            post(admin_publish),
        )
}

/// The most feedback entries one review decision may carry. A reviewer's note is a handful of
/// entries, and the change feed keeps every decision's feedback for good, sent to every client
/// on its next sync: a bound keeps one admin request from growing every sync by megabytes.
pub const MAX_REVIEW_FEEDBACK: usize = 100;

/// `PATCH /_sandbox/versions/{version_id}`: an edit made in the web portal. No `If-Match`
/// (the portal is another client); the edit-lock rule applies, the ETag changes and the feed
/// records it with `origin: portal`.
async fn portal_edit(
    State(state): State<AppState>,
    version_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let version_id = path(version_id)?;
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let request: UpdateVersion = body::json(&headers, &raw, None)?;
    let rules = state.rules.current();
    body::write(&state, move |conn| {
        let (seq, version) = store::load_version_by_id(conn, &version_id)?
            .ok_or_else(|| HttpError::not_found(format!("no version {version_id}")))?;
        let updated =
            versions::edit_content(conn, seq, version, request, Some("portal"), &rules.pack)?;
        Ok(Reply::json(
            StatusCode::OK,
            &updated,
            Some(&updated.etag),
            None,
        ))
    })
    .await
}

/// `POST /_sandbox/versions/{version_id}/review`: a reviewer's decision on a track In Review.
async fn admin_review(
    State(state): State<AppState>,
    version_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let version_id = path(version_id)?;
    let raw = body::bytes(raw, ADMIN_BODY_LIMIT)?;
    let request: ReviewRequest = body::json(&headers, &raw, None)?;
    if request.feedback.len() > MAX_REVIEW_FEEDBACK {
        return Err(HttpError::invalid_request(
            "too much feedback",
            vec![crate::error::field(
                "feedback",
                format!(
                    "at most {MAX_REVIEW_FEEDBACK} entries, not {}",
                    request.feedback.len()
                ),
            )],
        ));
    }
    let reviews = state.reviews.clone();
    let decided = body::write(&state, move |conn| {
        let decided = review::decide(
            conn,
            &reviews,
            &version_id,
            request.track,
            request.decision,
            request.feedback,
            Vec::new(),
        )?;
        Ok(Reply::json(
            StatusCode::OK,
            &decided,
            Some(&decided.etag),
            None,
        ))
    })
    .await;
    state.reviews.wake();
    decided
}

/// `POST /_sandbox/versions/{version_id}/advertisement`: Talkdesk publishes a version on
/// AppConnect now (manual mode's way; auto mode does it after the review delay).
async fn admin_publish(
    State(state): State<AppState>,
    version_id: Result<Path<String>, PathRejection>,
) -> Result<Reply, HttpError> {
    let version_id = path(version_id)?;
    body::write(&state, move |conn| {
        let published = review::publish(conn, &version_id)?;
        Ok(Reply::json(
            StatusCode::OK,
            &published,
            Some(&published.etag),
            None,
        ))
    })
    .await
}
