//! Installations of the partner's apps: list, get, and the partner's decision on what waits for
//! them (`workbench_domain::installation::waiting`); and the admin routes through which a test
//! plays a customer asking for an installation or an update.
//!
//! Confirming an `installing` installation makes it `completed`: in the FAQ (§16) Installing is
//! "a pending installation waiting for partner confirmation", so the partner's approval is that
//! confirmation, and the sandbox has no provisioning of its own to wait for. Rejecting makes it
//! `rejected` and keeps the reason. Accepting or rejecting an update ends it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use partner_api::Page;
use partner_api::installations::{self, Decision, Installation, REASON_MAX_CHARS};
use serde_json::Value;

use super::body::Reply;
use super::{AppState, Paging, app_not_found, body, not_modified, path};
use crate::db::{
    Decided, NewRequest, Requested, decide_installation, installation_etag, request_installation,
    request_update,
};
use crate::error::{HttpError, field};

pub async fn list(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<Page<Installation>>, HttpError> {
    let app_id = path(app_id)?;
    let paging = Paging::parse(&uri, state.page_size)?;
    let id = app_id.clone();
    let found = state
        .query(move |db| db.list_installations(&id, paging.offset(), paging.per_page))
        .await?;
    let (items, total) = found.ok_or_else(|| app_not_found(&app_id))?;
    Ok(Json(paging.page(
        installations::COLLECTION,
        &installations::path(&app_id),
        items,
        total,
    )))
}

pub async fn get(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (app_id, id) = path(ids)?;
    let (a, i) = (app_id.clone(), id.clone());
    let found = state.query(move |db| db.get_installation(&a, &i)).await?;
    let installation = found.ok_or_else(|| not_found(&app_id, &id))?;
    let etag = installation_etag(&installation);
    if let Some(not_modified) = not_modified(&headers, &etag) {
        return Ok(not_modified);
    }
    Ok(([(header::ETAG, etag)], Json(installation)).into_response())
}

/// The partner's decision, with the installation's ETag in `If-Match` and an optional
/// `Idempotency-Key`: a retry after a lost reply gets the first reply instead of a 409.
pub async fn set_state(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let (app_id, id) = path(ids)?;
    // The body is checked before `If-Match`, as on every write route.
    let object = body::json_object(&headers, bytes)?;
    let (decision, reason) = parse_change(&object)?;
    let if_match = body::if_match(&headers)?;
    let key = body::idempotency_key(&headers)?;
    // The parsed change, not the raw bytes: the same decision spelt with other whitespace is
    // the same request.
    let change = serde_json::json!({ "state": decision, "reason": reason }).to_string();
    let fingerprint = body::fingerprint(
        "POST",
        &installations::state_path(&app_id, &id),
        change.as_bytes(),
    );
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let decided =
                decide_installation(conn, &app_id, &id, decision, reason.as_deref(), &if_match)?;
            match decided {
                Decided::NoSuchInstallation => Err(not_found(&app_id, &id)),
                Decided::NothingWaiting(current) => Err(HttpError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    format!(
                        "installation {id} is {}{} and waits for nothing from you: only an \
                         installing installation can be confirmed or rejected, and only an \
                         update under way accepted or rejected",
                        current.state.as_str(),
                        current
                            .update
                            .map(|u| format!(" (update {})", u.as_str()))
                            .unwrap_or_default()
                    ),
                )),
                Decided::Stale(current) => Err(body::stale(&current)),
                Decided::Done(installation) => {
                    let etag = installation_etag(&installation);
                    Ok(Reply::json(
                        StatusCode::OK,
                        &installation,
                        Some(&etag),
                        None,
                    ))
                }
            }
        })
    })
    .await
}

/// Reads `{"state": "approve"|"reject", "reason": "..."}`; a rejection needs a reason.
fn parse_change(
    object: &serde_json::Map<String, Value>,
) -> Result<(Decision, Option<String>), HttpError> {
    let mut fields = Vec::new();
    let decision = match object.get("state") {
        Some(Value::String(s)) if s == "approve" => Some(Decision::Approve),
        Some(Value::String(s)) if s == "reject" => Some(Decision::Reject),
        _ => {
            fields.push(field("state", "must be \"approve\" or \"reject\""));
            None
        }
    };
    let reason = match object.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > REASON_MAX_CHARS => {
            fields.push(field(
                "reason",
                format!("must be at most {REASON_MAX_CHARS} characters"),
            ));
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(_) => {
            fields.push(field("reason", "must be a string"));
            None
        }
    };
    if decision == Some(Decision::Reject) && reason.is_none() && fields.is_empty() {
        fields.push(field(
            "reason",
            "a rejection needs a reason the customer will see",
        ));
    }
    match decision {
        Some(decision) if fields.is_empty() => Ok((decision, reason)),
        _ => Err(HttpError::invalid_request(
            "the state change is invalid",
            fields,
        )),
    }
}

/// The longest account name a request may carry, in characters.
const ACCOUNT_NAME_MAX_CHARS: usize = 200;

/// `POST /_sandbox/apps/{app_id}/installations`, `{"account_name", "version_id", "plan"?,
/// "licenses"?}`: a customer asks to install a technically Available version; the installation
/// waits for the partner (`installing`) and the feed announces the request.
pub async fn admin_request_installation(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let app_id = path(app_id)?;
    let object = body::json_object(&headers, bytes)?;
    let new = parse_request(&object)?;
    body::write(&state, move |conn| {
        requested(
            request_installation(conn, &app_id, &new)?,
            StatusCode::CREATED,
        )
    })
    .await
}

/// `POST /_sandbox/apps/{app_id}/installations/{id}/update`: the customer changes an active
/// installation; the update waits for the partner (`update: updating`) and the feed announces it.
pub async fn admin_request_update(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Reply, HttpError> {
    let (app_id, id) = path(ids)?;
    body::write(&state, move |conn| {
        requested(request_update(conn, &app_id, &id)?, StatusCode::OK)
    })
    .await
}

fn requested(result: Requested, status: StatusCode) -> Result<Reply, HttpError> {
    match result {
        Requested::NotFound(message) => Err(HttpError::not_found(message)),
        Requested::Refused(message) => {
            Err(HttpError::new(StatusCode::CONFLICT, "conflict", message))
        }
        Requested::Done(installation) => {
            let etag = installation_etag(&installation);
            Ok(Reply::json(status, &installation, Some(&etag), None))
        }
    }
}

fn parse_request(object: &serde_json::Map<String, Value>) -> Result<NewRequest, HttpError> {
    let mut fields = Vec::new();
    let mut text = |name: &str, required: bool| match object.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            if s.chars().count() > ACCOUNT_NAME_MAX_CHARS {
                fields.push(field(
                    name,
                    format!("must be at most {ACCOUNT_NAME_MAX_CHARS} characters"),
                ));
            }
            Some(s.trim().to_owned())
        }
        None | Some(Value::Null) if !required => None,
        _ => {
            fields.push(field(name, "must be a non-blank string"));
            None
        }
    };
    let account_name = text("account_name", true);
    let version_id = text("version_id", true);
    let plan = text("plan", false);
    let licenses = match object.get("licenses") {
        None | Some(Value::Null) => Some(1),
        Some(value) => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                fields.push(field("licenses", "must be a whole number of licenses"));
                None
            }
        },
    };
    match (account_name, version_id, licenses) {
        (Some(account_name), Some(version_id), Some(licenses)) if fields.is_empty() => {
            Ok(NewRequest {
                account_name,
                version_id,
                plan,
                licenses,
            })
        }
        _ => Err(HttpError::invalid_request(
            "the installation request is invalid",
            fields,
        )),
    }
}

fn not_found(app_id: &str, id: &str) -> HttpError {
    HttpError::not_found(format!("app {app_id} has no installation {id}"))
}
