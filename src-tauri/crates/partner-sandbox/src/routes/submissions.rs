//! Moving a version's review tracks: submit, withdraw, make available (publishing on AppConnect
//! is Talkdesk's step: `review::publish`). Each needs `If-Match` with the version's ETag; a
//! refused transition is 409 with the domain's message.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use partner_api::{ChangeKind, Submission, paths};
use rusqlite::Connection;
use workbench_domain::validation::Suppression;
use workbench_domain::{Action, Track, transition};

use super::body::{self, JSON_LIMIT, Reply, refused};
use super::{AppState, path, version_not_found};
use crate::error::{HttpError, field};
use crate::review;
use crate::store::{self, NewChange};

/// `POST .../submissions`: the rules engine judges the stored content and icon for the track
/// with the pack in force (`validate_submission`); any error is 422 `validation_failed` and
/// nothing changes. Otherwise the track goes In Review, and the suppressions are recorded for
/// the reviewer.
pub async fn submit(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let Submission {
        track,
        suppressions,
    } = body::json(&headers, &raw, None)?;
    check_suppressions(&suppressions)?;
    let key = body::idempotency_key(&headers)?;
    let wanted = body::if_match(&headers)?;
    let fingerprint = body::fingerprint(
        "POST",
        &format!("{}/submissions", paths::version(&app_id, &version_id)),
        &raw,
    );
    let reviews = state.reviews.clone();
    let rules = state.rules.current();
    let reply = body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let (seq, version) = store::load_version(conn, &app_id, &version_id)?
                .ok_or_else(|| version_not_found(&app_id, &version_id))?;
            body::check_etag(&wanted, &version.etag)?;
            // A track that cannot be submitted now is a 409 whatever its content.
            transition(version.version.status, track, Action::Submit).map_err(refused)?;
            let report = crate::rules::validate_stored(
                conn,
                seq,
                &version,
                &suppressions,
                track,
                &rules.pack,
            )?;
            if report.has_errors() {
                return Err(crate::rules::refusal(
                    &format!("the {track} submission"),
                    &report,
                ));
            }
            let reply = apply(conn, &app_id, &version_id, &wanted, track, Action::Submit)?;
            crate::rules::record_suppressions(conn, &version_id, track, &suppressions)?;
            reviews.schedule(conn, &version_id, track)?;
            Ok(reply)
        })
    })
    .await?;
    state.reviews.wake();
    Ok(reply)
}

/// Each suppression names a rule and gives a reason (SPEC §5: "with a recorded reason").
fn check_suppressions(suppressions: &[Suppression]) -> Result<(), HttpError> {
    let mut fields = Vec::new();
    for (i, s) in suppressions.iter().enumerate() {
        if s.rule.trim().is_empty() {
            fields.push(field(
                &format!("suppressions[{i}].rule"),
                "name the rule to suppress",
            ));
        }
        if s.reason.trim().is_empty() {
            fields.push(field(
                &format!("suppressions[{i}].reason"),
                "say why the warning does not apply; a suppression needs a recorded reason",
            ));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(HttpError::invalid_request("invalid suppressions", fields))
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ids: Result<Path<(String, String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Reply, HttpError> {
    let (app_id, version_id, track) = path(ids)?;
    let track = parse_track(&track)?;
    let wanted = body::if_match(&headers)?;
    let key = body::idempotency_key(&headers)?;
    let fingerprint = body::fingerprint(
        "DELETE",
        &format!(
            "{}/submissions/{}",
            paths::version(&app_id, &version_id),
            track.as_str()
        ),
        b"",
    );
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let reply = apply(conn, &app_id, &version_id, &wanted, track, Action::Withdraw)?;
            review::unschedule(conn, &version_id, track)?;
            crate::rules::forget_suppressions(conn, &version_id, track)?;
            Ok(reply)
        })
    })
    .await
}

/// Makes a technically approved version Available (the partner's self-service step, FAQ §15);
/// one whose marketplace review is approved too is then due for publication on AppConnect,
/// which is Talkdesk's step (`review::publish`). No body (any is ignored): only the version's
/// ETag in `If-Match`, and an optional `Idempotency-Key`, so a replay gets the first reply.
pub async fn make_available(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Reply, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let wanted = body::if_match(&headers)?;
    let key = body::idempotency_key(&headers)?;
    let fingerprint = body::fingerprint(
        "POST",
        &format!("{}/availability", paths::version(&app_id, &version_id)),
        b"",
    );
    let reviews = state.reviews.clone();
    let reply = body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let reply = apply(
                conn,
                &app_id,
                &version_id,
                &wanted,
                Track::Technical,
                Action::MakeAvailable,
            )?;
            reviews.schedule_publication(conn, &version_id)?;
            Ok(reply)
        })
    })
    .await;
    state.reviews.wake();
    reply
}

/// Checks `If-Match`, applies `action` to `track`, saves and records it.
fn apply(
    conn: &Connection,
    app_id: &str,
    version_id: &str,
    wanted: &[String],
    track: Track,
    action: Action,
) -> Result<Reply, HttpError> {
    let (_, mut version) = store::load_version(conn, app_id, version_id)?
        .ok_or_else(|| version_not_found(app_id, version_id))?;
    body::check_etag(wanted, &version.etag)?;
    version.version.status = transition(version.version.status, track, action).map_err(refused)?;
    store::save_version(conn, &version)?;
    let (_, saved) =
        store::load_version(conn, app_id, version_id)?.ok_or_else(HttpError::internal)?;
    let kind = match action {
        Action::Submit => ChangeKind::Submitted,
        Action::Withdraw => ChangeKind::Withdrawn,
        Action::MakeAvailable => ChangeKind::MadeAvailable,
        _ => ChangeKind::VersionUpdated,
    };
    store::record(
        conn,
        NewChange::version(kind, app_id, version_id, Some(saved.etag.clone())).track(track),
    )?;
    Ok(Reply::json(StatusCode::OK, &saved, Some(&saved.etag), None))
}

pub fn parse_track(text: &str) -> Result<Track, HttpError> {
    match text {
        "technical" => Ok(Track::Technical),
        "marketplace" => Ok(Track::Marketplace),
        _ => Err(HttpError::invalid_request(
            format!("unknown track {text:?}"),
            vec![field("track", "must be technical or marketplace")],
        )),
    }
}
