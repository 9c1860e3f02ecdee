//! A version's private install link (FAQ §14, "Can I test my app?"; `partner_api::InstallLink`)
//! and the page the link opens. On Talkdesk that page installs the version in the account the
//! browser is signed in to; the sandbox's names the version and who may install it, and
//! installs nothing.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use partner_api::InstallLink;
use workbench_domain::lifecycle::installable_on;

use super::{ADMIN_PREFIX, AppState, path, version_not_found};
use crate::error::HttpError;
use crate::oauth::page;

/// `GET /apps/{app_id}/versions/{version_id}/install-link`.
pub async fn link(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<InstallLink>, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let (a, v) = (app_id.clone(), version_id.clone());
    let version = state
        .query(move |db| db.get_version(&a, &v))
        .await?
        .ok_or_else(|| version_not_found(&app_id, &version_id))?;
    Ok(Json(InstallLink {
        url: state
            .oauth
            .url(&format!("{ADMIN_PREFIX}/install/{app_id}/{version_id}")),
        installable_on: installable_on(version.version.status),
        version_id,
    }))
}

/// `GET /_sandbox/install/{app_id}/{version_id}`: what the link opens.
pub async fn page(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let (a, v) = (app_id.clone(), version_id.clone());
    let version = state
        .query(move |db| db.get_version(&a, &v))
        .await?
        .ok_or_else(|| version_not_found(&app_id, &version_id))?
        .version;
    let name = &version.content.general.display_name;
    let body = format!(
        "<p>Version <code>{number}</code> of <strong>{name}</strong>: {who}.</p>\
         <p>This is the Partner Project sandbox. On Talkdesk, this link opens the installation \
         of the version in the account you are signed in to, as installing an app from \
         AppConnect does. The sandbox installs nothing.</p>",
        number = page::escape(&version.version_number),
        name = page::escape(name),
        who = installable_on(version.status).describe(),
    );
    Ok(page::render(
        StatusCode::OK,
        &format!("Install {name} {}", version.version_number),
        &body,
    ))
}
