//! The write routes of versions: create the next one, edit content, delete a draft, upload
//! the icon; and [`edit_content`], shared with the portal edit of the admin routes.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use partner_api::{ChangeKind, CreateVersion, UpdateVersion, VersionResource, paths};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use workbench_domain::validation::RulesPack;
use workbench_domain::validation::icon::RealFormat;
use workbench_domain::validation::state::edit_context;
use workbench_domain::{
    Action, AppVersion, ContentPart, EditContext, IconFile, ReviewStatus, VersionStatus, edit_lock,
    lifecycle, transition,
};

use super::body::{self, ICON_LIMIT, JSON_LIMIT, Reply, locked, refused};
use super::{AppState, app_not_found, path, version_not_found};
use crate::error::{HttpError, field};
use crate::store::{self, NewChange};

pub async fn create(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let app_id = path(app_id)?;
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let _: CreateVersion = body::json(&headers, &raw, Some(CreateVersion {}))?;
    let key = body::idempotency_key(&headers)?;
    let fingerprint = body::fingerprint("POST", &paths::versions(&app_id), &raw);
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let app = store::load_app(conn, &app_id)?.ok_or_else(|| app_not_found(&app_id))?;
            let latest = store::latest_version(conn, &app_id)?.map(|(_, latest)| latest.version);
            let next = lifecycle::next_version(&app, latest.as_ref(), |number| {
                number_taken(conn, &app_id, number)
            })
            .map_err(|reason| HttpError::new(StatusCode::CONFLICT, "conflict", reason))?;
            let icon = match &next.copy_of {
                Some(id) => store::load_icon(conn, id)?,
                None => None,
            };
            let (number, content) = (next.version_number, next.content);
            let version = AppVersion {
                id: store::new_id("ver"),
                app_id: app_id.clone(),
                version_number: number,
                status: VersionStatus::NEW,
                content,
            };
            crate::db::insert_version(conn, &version, icon.as_ref())?;
            let (_, created) =
                store::load_version(conn, &app_id, &version.id)?.ok_or_else(HttpError::internal)?;
            store::record(
                conn,
                NewChange::version(
                    ChangeKind::VersionCreated,
                    &app_id,
                    &version.id,
                    Some(created.etag.clone()),
                ),
            )?;
            Ok(Reply::json(
                StatusCode::CREATED,
                &created,
                Some(&created.etag),
                Some(&paths::version(&app_id, &version.id)),
            ))
        })
    })
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let request: UpdateVersion = body::json(&headers, &raw, None)?;
    let wanted = body::if_match(&headers)?;
    let key = body::idempotency_key(&headers)?;
    let fingerprint = body::fingerprint("PATCH", &paths::version(&app_id, &version_id), &raw);
    let rules = state.rules.current();
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let (seq, version) = store::load_version(conn, &app_id, &version_id)?
                .ok_or_else(|| version_not_found(&app_id, &version_id))?;
            body::check_etag(&wanted, &version.etag)?;
            let updated = edit_content(conn, seq, version, request, None, &rules.pack)?;
            Ok(Reply::json(
                StatusCode::OK,
                &updated,
                Some(&updated.etag),
                None,
            ))
        })
    })
    .await
}

/// Applies `request` to a version under the edit-lock rule, returns it edited (a Rejected
/// track it touches goes back to Draft) and records the change when anything changed. The
/// freeze of the icon and plans after a publish is the rules pack's (`pack`) policy.
pub fn edit_content(
    conn: &Connection,
    seq: i64,
    mut version: VersionResource,
    request: UpdateVersion,
    origin: Option<&str>,
    pack: &RulesPack,
) -> Result<VersionResource, HttpError> {
    let app_id = version.version.app_id.clone();
    let context = edit_context(pack, store::follows_published(conn, &app_id, seq)?);
    let mut parts = Vec::new();
    let content = &mut version.version.content;
    if let Some(general) = request.general {
        parts.push(ContentPart::General);
        content.general = general;
    }
    if let Some(technical) = request.technical {
        parts.push(ContentPart::Technical);
        content.technical = technical;
    }
    if let Some(marketplace) = request.marketplace {
        parts.push(ContentPart::Marketplace);
        content.marketplace = marketplace;
    }
    if let Some(plans) = request.subscription_types {
        parts.push(ContentPart::SubscriptionPlans);
        content.subscription_types = plans;
    }
    version.version.status = unlock(version.version.status, &parts, context)?;
    if parts.is_empty() {
        return Ok(version);
    }
    store::save_version(conn, &version)?;
    let (_, saved) =
        store::load_version(conn, &app_id, &version.version.id)?.ok_or_else(HttpError::internal)?;
    if saved.etag != version.etag {
        let mut change = NewChange::version(
            ChangeKind::VersionUpdated,
            &app_id,
            &saved.version.id,
            Some(saved.etag.clone()),
        );
        change.origin = origin.map(str::to_owned);
        store::record(conn, change)?;
    }
    Ok(saved)
}

/// Checks the edit lock of each part and returns the status after the edit: a Rejected
/// track of an edited part goes back to Draft.
fn unlock(
    mut status: VersionStatus,
    parts: &[ContentPart],
    context: EditContext,
) -> Result<VersionStatus, HttpError> {
    for &part in parts {
        edit_lock(status, part, context).map_err(locked)?;
    }
    for &part in parts {
        for &track in part.tracks() {
            if status.get(track) == ReviewStatus::Rejected {
                status = transition(status, track, Action::Edit).map_err(refused)?;
            }
        }
    }
    Ok(status)
}

pub async fn delete(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Reply, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let wanted = body::if_match(&headers)?;
    body::write(&state, move |conn| {
        let (_, version) = store::load_version(conn, &app_id, &version_id)?
            .ok_or_else(|| version_not_found(&app_id, &version_id))?;
        body::check_etag(&wanted, &version.etag)?;
        lifecycle::deletable(&version.version.version_number, version.version.status)
            .map_err(|reason| HttpError::new(StatusCode::CONFLICT, "conflict", reason))?;
        conn.execute("DELETE FROM versions WHERE id = ?1", [&version_id])?;
        conn.execute(
            "DELETE FROM pending_reviews WHERE version_id = ?1",
            [&version_id],
        )?;
        conn.execute(
            "DELETE FROM submission_suppressions WHERE version_id = ?1",
            [&version_id],
        )?;
        store::record(
            conn,
            NewChange::version(ChangeKind::VersionDeleted, &app_id, &version_id, None),
        )?;
        Ok(Reply::no_content())
    })
    .await
}

/// `PUT .../icon`: the icon rules of the pack in force run on the bytes first; any error is a
/// 422 `validation_failed` and nothing is stored. The file name the rules see is the `filename`
/// query parameter, else one made from the `Content-Type` (`icon.png`, `icon.jpg`); the stored
/// media type is the real format of the bytes.
pub async fn put_icon(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let raw = body::bytes(raw, ICON_LIMIT)?;
    let file_name = icon_name(&uri, &headers)?;
    let wanted = body::if_match(&headers)?;
    let key = body::idempotency_key(&headers)?;
    // The name the rules judged is part of the request: the same bytes under another name
    // are another request.
    let fingerprint = body::fingerprint(
        "PUT",
        &format!("{}?filename={file_name}", paths::icon(&app_id, &version_id)),
        &raw,
    );
    let rules = state.rules.current();
    let checked = raw.clone();
    let pack = rules.clone();
    tokio::task::spawn_blocking(move || {
        crate::rules::validate_icon(&checked, &file_name, &pack.pack)
    })
    .await
    .map_err(|_| HttpError::internal())??;
    let media_type = match RealFormat::sniff(&raw) {
        RealFormat::Unknown => "application/octet-stream".to_owned(),
        format => format!("image/{}", format.as_str()),
    };
    let icon = IconFile {
        sha256: hex::encode(Sha256::digest(&raw)),
        media_type,
        bytes: raw.to_vec(),
    };
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let (seq, mut version) = store::load_version(conn, &app_id, &version_id)?
                .ok_or_else(|| version_not_found(&app_id, &version_id))?;
            body::check_etag(&wanted, &version.etag)?;
            let context =
                edit_context(&rules.pack, store::follows_published(conn, &app_id, seq)?);
            version.version.status =
                unlock(version.version.status, &[ContentPart::Icon], context)?;
            store::save_version(conn, &version)?;
            conn.execute(
                "UPDATE versions SET icon_media_type = ?2, icon_bytes = ?3, icon_sha256 = ?4 WHERE id = ?1",
                params![version_id, icon.media_type, icon.bytes, icon.sha256],
            )?;
            let (_, saved) = store::load_version(conn, &app_id, &version_id)?
                .ok_or_else(HttpError::internal)?;
            store::record(
                conn,
                NewChange::version(
                    ChangeKind::IconChanged,
                    &app_id,
                    &version_id,
                    Some(saved.etag.clone()),
                ),
            )?;
            Ok(Reply::json(StatusCode::OK, &saved, Some(&saved.etag), None))
        })
    })
    .await
}

/// The longest `filename` an icon upload accepts, in characters.
const MAX_FILE_NAME: usize = 255;

/// The name the icon rules see: `?filename=`, else one that follows the `Content-Type`.
fn icon_name(uri: &Uri, headers: &HeaderMap) -> Result<String, HttpError> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).map_err(|e| {
        HttpError::invalid_request("the query string is malformed", vec![])
            .with_description(e.body_text())
    })?;
    if let Some((_, name)) = pairs.into_iter().find(|(key, _)| key == "filename") {
        // The name is only read for its extension, never used as a path.
        let fine = !name.is_empty()
            && name.chars().count() <= MAX_FILE_NAME
            && !name.contains(['/', '\\']);
        return if fine {
            Ok(name)
        } else {
            Err(HttpError::invalid_request(
                "invalid filename",
                vec![field(
                    "filename",
                    format!(
                        "a file name of 1 to {MAX_FILE_NAME} characters without slashes, like icon.png"
                    ),
                )],
            ))
        };
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    // The declared type stands for the extension: `image/jpeg` is `icon.jpg`, another `image/X`
    // is `icon.X`; any other type gives no extension, which the extension rule refuses.
    Ok(match media_type.strip_prefix("image/") {
        Some("jpeg") => "icon.jpg".to_owned(),
        Some(sub)
            if !sub.is_empty()
                && sub.len() <= 10
                && sub.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!("icon.{sub}")
        }
        _ => "icon".to_owned(),
    })
}

/// The minor bump of `number` (`1.2.3` → `1.3.0`, `2.0` → `2.1`) not yet used by the app.
/// Whether the app has a version numbered `number` (a failed read counts as taken).
fn number_taken(conn: &Connection, app_id: &str, number: &str) -> bool {
    conn.query_row(
        "SELECT 1 FROM versions WHERE app_id = ?1 AND version_number = ?2",
        params![app_id, number],
        |_| Ok(()),
    )
    .optional()
    .map_or(true, |found| found.is_some())
}
