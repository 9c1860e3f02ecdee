//! The HTTP surface: the router, the read routes of apps and versions, paging, and the layers
//! that keep every reply in the contract's shape (error bodies) and enforce the trust model of
//! `trust.rs` (the `Host` check of every request, the admin area's guard).

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, body::Body};
use partner_api::{Link, Links, Page, VersionResource, collections, paths};
use workbench_domain::App;

use crate::config::MAX_PAGE_SIZE;
use crate::db::{Db, IconLookup, icon_etag};
use crate::error::{HttpError, field};
use crate::faults::{self, Faults};

mod account;
mod body;
mod install;
mod installations;
mod oauth_clients;
mod rules;

/// Where the sandbox-only admin routes live.
pub const ADMIN_PREFIX: &str = "/_sandbox";

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<Db>,
    pub faults: Arc<Faults>,
    pub page_size: u32,
    pub reviews: Arc<crate::review::Reviews>,
    pub oauth: Arc<crate::oauth::OAuth>,
    /// The rules pack in force.
    pub rules: Arc<crate::rules::Rules>,
    /// Which hosts requests may name, and whether the sandbox is public (`trust.rs`).
    pub trust: Arc<crate::trust::Trust>,
}

impl AppState {
    /// Runs a query on a blocking thread, so SQLite never stalls the async workers.
    async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, HttpError> {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || f(&db)).await {
            Ok(result) => Ok(result?),
            Err(error) => {
                tracing::error!(%error, "query task failed");
                Err(HttpError::internal())
            }
        }
    }
}

/// Every (method, path) the router serves, in the OpenAPI document's spelling. Kept by hand
/// beside [`router`]: add a route there, add it here, and a test checks that each is served
/// and described by `partner_api::openapi::document()`, and that the document has no others.
#[cfg_attr(not(test), allow(dead_code))]
pub const SERVED: &[(&str, &str)] = &[
    ("GET", "/apps"),
    ("POST", "/apps"),
    ("GET", "/apps/{app_id}"),
    ("PATCH", "/apps/{app_id}"),
    ("GET", "/apps/{app_id}/versions"),
    ("POST", "/apps/{app_id}/versions"),
    ("GET", "/apps/{app_id}/versions/{version_id}"),
    ("PATCH", "/apps/{app_id}/versions/{version_id}"),
    ("DELETE", "/apps/{app_id}/versions/{version_id}"),
    ("GET", "/apps/{app_id}/versions/{version_id}/icon"),
    ("PUT", "/apps/{app_id}/versions/{version_id}/icon"),
    ("GET", "/apps/{app_id}/versions/{version_id}/install-link"),
    ("POST", "/apps/{app_id}/versions/{version_id}/submissions"),
    (
        "DELETE",
        "/apps/{app_id}/versions/{version_id}/submissions/{track}",
    ),
    ("POST", "/apps/{app_id}/versions/{version_id}/availability"),
    ("GET", "/changes"),
    ("GET", "/rules"),
    ("GET", "/apps/{app_id}/installations"),
    ("GET", "/apps/{app_id}/installations/{id}"),
    ("POST", "/apps/{app_id}/installations/{id}/state"),
    ("GET", "/oauth-clients"),
    ("POST", "/oauth-clients"),
    ("GET", "/oauth-clients/{id}"),
    ("DELETE", "/oauth-clients/{id}"),
    ("GET", "/account"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("POST", "/oauth/device_authorization"),
    ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"),
    ("GET", "/device"),
    ("POST", "/device"),
    ("GET", "/oauth/authorize"),
    ("POST", "/oauth/authorize"),
    ("GET", "/_sandbox/faults"),
    ("POST", "/_sandbox/faults"),
    ("PUT", "/_sandbox/faults"),
    ("DELETE", "/_sandbox/faults"),
    ("POST", "/_sandbox/device-codes/{user_code}/approve"),
    ("POST", "/_sandbox/device-codes/{user_code}/deny"),
    ("POST", "/_sandbox/tokens"),
    ("PATCH", "/_sandbox/versions/{version_id}"),
    ("POST", "/_sandbox/versions/{version_id}/review"),
    ("PUT", "/_sandbox/rules"),
    ("GET", "/_sandbox/install/{app_id}/{version_id}"),
    ("POST", "/_sandbox/versions/{version_id}/advertisement"),
    ("POST", "/_sandbox/apps/{app_id}/installations"),
    ("POST", "/_sandbox/apps/{app_id}/installations/{id}/update"),
];

pub fn router(state: AppState) -> Router {
    let admin = Router::new()
        .route(
            "/faults",
            get(faults::list)
                .post(faults::register)
                .put(faults::set_profile)
                .delete(faults::clear),
        )
        .route(
            "/rules",
            axum::routing::put(rules::put)
                .layer(axum::extract::DefaultBodyLimit::max(body::JSON_LIMIT)),
        )
        .route("/install/{app_id}/{version_id}", get(install::page))
        .route(
            "/apps/{app_id}/installations",
            post(installations::admin_request_installation),
        )
        .route(
            "/apps/{app_id}/installations/{id}/update",
            post(installations::admin_request_update),
        )
        .merge(crate::oauth::admin_routes())
        // Applies to the routes above that set no limit of their own (the rules route's wins).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::trust::ADMIN_BODY_LIMIT,
        ));
    Router::new()
        .route(paths::APPS, get(list_apps))
        .route("/apps/{app_id}", get(get_app))
        .route("/apps/{app_id}/versions", get(list_versions))
        .route("/apps/{app_id}/versions/{version_id}", get(get_version))
        .route("/apps/{app_id}/versions/{version_id}/icon", get(get_icon))
        .route(
            "/apps/{app_id}/versions/{version_id}/install-link",
            get(install::link),
        )
        .merge(writes::routes())
        .merge(crate::oauth::routes())
        .route(partner_api::rules::PATH, get(rules::get))
        .route("/apps/{app_id}/installations", get(installations::list))
        .route("/apps/{app_id}/installations/{id}", get(installations::get))
        .route(
            "/apps/{app_id}/installations/{id}/state",
            post(installations::set_state).layer(body::limit()),
        )
        .route(
            partner_api::oauth_clients::PATH,
            get(oauth_clients::list)
                .post(oauth_clients::create)
                .layer(body::limit()),
        )
        .route(
            "/oauth-clients/{id}",
            get(oauth_clients::get).delete(oauth_clients::delete),
        )
        .route(partner_api::account::PATH, get(account::get))
        .nest(ADMIN_PREFIX, admin)
        .fallback(no_route)
        // Layers run outside in: the Host check first (a misdirected request has no effect at
        // all, not even a fault's), then faults (so they also hit error replies), then the
        // error-body normalizer, then the admin guard, then the bearer token check.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::oauth::middleware::authenticate,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::trust::admin_guard,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::trust::check_host,
        ))
        .with_state(state)
}

/// `page` and `per_page` of a collection request.
#[derive(Debug, Clone, Copy)]
struct Paging {
    page: u32,
    per_page: u32,
}

impl Paging {
    fn parse(uri: &Uri, default_per_page: u32) -> Result<Paging, HttpError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).map_err(|e| {
            HttpError::invalid_request("the query string is malformed", vec![])
                .with_description(e.body_text())
        })?;
        let mut paging = Paging {
            page: 1,
            per_page: default_per_page,
        };
        let mut fields = Vec::new();
        for (name, value) in pairs {
            let number = value.parse::<u32>().ok().filter(|&n| n >= 1);
            match (name.as_str(), number) {
                ("page", Some(n)) => paging.page = n,
                ("per_page", Some(n)) => paging.per_page = n.min(MAX_PAGE_SIZE),
                ("page" | "per_page", None) => fields.push(field(
                    &name,
                    format!("must be a whole number of 1 or more, not {value:?}"),
                )),
                _ => {} // unknown parameters are ignored, as readers ignore unknown fields
            }
        }
        if fields.is_empty() {
            Ok(paging)
        } else {
            Err(HttpError::invalid_request(
                "invalid paging parameters",
                fields,
            ))
        }
    }

    fn offset(self) -> u64 {
        (self.page as u64 - 1) * self.per_page as u64
    }

    /// The HAL page, with `next` only when items remain after this page.
    fn page<T>(self, name: &str, base: &str, items: Vec<T>, total: u64) -> Page<T> {
        let href = |page: u32| Link {
            href: format!("{base}?page={page}&per_page={}", self.per_page),
        };
        let has_next = self.offset() + (self.per_page as u64) < total && self.page < u32::MAX;
        let links = Links {
            self_: href(self.page),
            next: has_next.then(|| href(self.page + 1)),
        };
        Page::new(name, items, total, self.page, self.per_page, links)
    }
}

fn path<T>(extracted: Result<Path<T>, PathRejection>) -> Result<T, HttpError> {
    extracted.map(|Path(value)| value).map_err(|e| {
        HttpError::invalid_request("the path is malformed", vec![]).with_description(e.body_text())
    })
}

async fn list_apps(State(state): State<AppState>, uri: Uri) -> Result<Json<Page<App>>, HttpError> {
    let paging = Paging::parse(&uri, state.page_size)?;
    let (apps, total) = state
        .query(move |db| db.list_apps(paging.offset(), paging.per_page))
        .await?;
    Ok(Json(paging.page(
        collections::APPS,
        paths::APPS,
        apps,
        total,
    )))
}

async fn get_app(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
) -> Result<Response, HttpError> {
    let app_id = path(app_id)?;
    let id = app_id.clone();
    match state.query(move |db| db.get_app(&id)).await? {
        Some(app) => {
            Ok(([(header::ETAG, crate::store::app_etag(&app))], Json(app)).into_response())
        }
        None => Err(app_not_found(&app_id)),
    }
}

async fn list_versions(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<Page<VersionResource>>, HttpError> {
    let app_id = path(app_id)?;
    let paging = Paging::parse(&uri, state.page_size)?;
    let id = app_id.clone();
    let found = state
        .query(move |db| db.list_versions(&id, paging.offset(), paging.per_page))
        .await?;
    let (versions, total) = found.ok_or_else(|| app_not_found(&app_id))?;
    Ok(Json(paging.page(
        collections::VERSIONS,
        &paths::versions(&app_id),
        versions,
        total,
    )))
}

async fn get_version(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let (a, v) = (app_id.clone(), version_id.clone());
    let version = state.query(move |db| db.get_version(&a, &v)).await?;
    let version = version.ok_or_else(|| version_not_found(&app_id, &version_id))?;
    let etag = version.etag.clone();
    if let Some(not_modified) = not_modified(&headers, &etag) {
        return Ok(not_modified);
    }
    Ok(([(header::ETAG, etag)], Json(version)).into_response())
}

async fn get_icon(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (app_id, version_id) = path(ids)?;
    let (a, v) = (app_id.clone(), version_id.clone());
    let icon = match state.query(move |db| db.get_icon(&a, &v)).await? {
        IconLookup::Icon(icon) => icon,
        IconLookup::NoVersion => return Err(version_not_found(&app_id, &version_id)),
        IconLookup::NoIcon => {
            return Err(HttpError::not_found(format!(
                "version {version_id} has no icon"
            )));
        }
    };
    let etag = icon_etag(&icon.sha256);
    if let Some(not_modified) = not_modified(&headers, &etag) {
        return Ok(not_modified);
    }
    Ok((
        [
            (header::CONTENT_TYPE, icon.media_type),
            (header::ETAG, etag),
        ],
        icon.bytes,
    )
        .into_response())
}

/// A 304 when the client's `If-None-Match` already names the current ETag.
fn not_modified(headers: &HeaderMap, etag: &str) -> Option<Response> {
    let wanted = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let matches = wanted
        .split(',')
        .map(str::trim)
        .any(|tag| tag == etag || tag == "*");
    matches.then(|| (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.to_owned())]).into_response())
}

fn app_not_found(app_id: &str) -> HttpError {
    HttpError::not_found(format!("no app {app_id}"))
}

fn version_not_found(app_id: &str, version_id: &str) -> HttpError {
    HttpError::not_found(format!("app {app_id} has no version {version_id}"))
}

async fn no_route(uri: Uri) -> HttpError {
    HttpError::not_found(format!("no route {}", uri.path()))
}

/// Replaces any error reply without a JSON body (axum's 405s, extractor rejections) with the
/// contract's error body, keeping its status and headers such as `Allow`. HTML pages are left
/// as they are.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // JSON is already the contract's body; HTML is a page's own error (the verification and
    // authorization pages answer people, not programs), which must stay a page.
    let is_deliberate = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_deliberate {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // axum's plain-text rejections say what went wrong; keep that as the description.
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let error = HttpError::for_status(status).with_description(String::from_utf8_lossy(&text));
    let body = serde_json::to_vec(&error.body).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    Response::from_parts(parts, Body::from(body))
}

mod apps_write;
mod changes;
mod submissions;
mod versions;
mod writes;

pub(crate) use body::refused;

#[cfg(test)]
mod tests;
