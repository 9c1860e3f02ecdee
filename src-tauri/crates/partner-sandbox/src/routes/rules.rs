//! `GET /rules`: the rules pack in force, with an ETag so a client refreshes it cheaply; and
//! `PUT /_sandbox/rules` (loopback only), which replaces it, so tests can change limits or add a
//! rule of a kind the engine does not know. The pack itself lives in `crate::rules`.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use partner_api::rules::RulesPack;
use partner_api::{ChangeKind, ResourceType};

use super::body::{self, JSON_LIMIT, Reply};
use super::{AppState, not_modified};
use crate::error::HttpError;
use crate::rules::{Rules, check_pack};
use crate::store::{self, NewChange};

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let served = state.rules.current();
    if let Some(not_modified) = not_modified(&headers, &served.etag) {
        return not_modified;
    }
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ETAG, served.etag.as_str()),
        ],
        served.bytes.clone(),
    )
        .into_response()
}

/// `PUT /_sandbox/rules`: a whole pack, checked ([`check_pack`]), stored, then in force for
/// every later upload, submission and review. The feed records a `rules_updated` change (resource
/// `rules`, id = the pack's version) in the same transaction, so clients learn to fetch
/// `GET /rules` again. A body that is not a usable pack is 400 and the pack in force stays.
pub async fn put(
    State(state): State<AppState>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let pack: RulesPack = body::json(&headers, &raw, None)?;
    check_pack(&pack)?;
    let served = body::write(&state, move |conn| {
        let served = Rules::store(conn, &pack)?;
        store::record(
            conn,
            NewChange::other(
                ChangeKind::RulesUpdated,
                ResourceType::Rules,
                &pack.version,
                None,
                Some(served.etag.clone()),
            ),
        )?;
        Ok(served)
    })
    .await?;
    let served = state.rules.install(served);
    tracing::info!(version = %served.pack.version, "rules pack replaced");
    Ok(Reply {
        status: StatusCode::OK,
        headers: vec![
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::ETAG, served.etag.clone()),
        ],
        body: served.bytes.clone(),
    })
}
