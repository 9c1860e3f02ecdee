//! Fault injection, so clients can be tested against a misbehaving server: a registered fault
//! fires on the next `times` requests whose path starts with its prefix, then is gone.
//!
//! Admin: `POST /_sandbox/faults` `{"path_prefix": "/apps", "kind": "truncate", "times": 1}`
//! registers one (201, echoing it); `GET /_sandbox/faults` lists those still armed;
//! `DELETE /_sandbox/faults` clears them all (204). Admin paths themselves never fault, so a
//! fault can always be cleared.
//!
//! At most [`MAX_ARMED_FAULTS`] are armed at once; the admin guard of `trust.rs` takes only
//! JSON bodies, so a web page cannot arm one with a cross-site `text/plain` POST.
//!
//! `PUT /_sandbox/faults` sets a [`FaultProfile`] (see `profile.rs`) applied to every non-admin
//! request before the registered faults; `DELETE` clears it too, and `GET` shows it.

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::{HttpError, field};
use crate::routes::{ADMIN_PREFIX, AppState};

mod profile;

pub use profile::FaultProfile;
use profile::{Action, Active};

/// The most faults armed at once. Each registration is kept in memory until it has fired
/// `times` times, and every request scans the list; a test arms a few, so a script that keeps
/// arming without firing or clearing is stopped here (409) instead of growing the sandbox
/// without end.
pub const MAX_ARMED_FAULTS: usize = 100;

/// The longest `path_prefix` of a fault, in bytes: longer than any path the API serves, short
/// enough that the armed list stays small (with [`MAX_ARMED_FAULTS`], 100 KiB at most).
pub const MAX_PATH_PREFIX_LEN: usize = 1024;

/// How long a truncated body waits after its half before failing (see [`truncate`]).
const TRUNCATE_FLUSH_DELAY: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The right status and a `Content-Length` of the whole body, but only half the bytes,
    /// then the connection is aborted.
    Truncate,
    /// 500 with an error body.
    ServerError,
    /// 200 `application/json` that is not JSON.
    MalformedJson,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub path_prefix: String,
    pub kind: FaultKind,
    /// How many more requests it fires on.
    pub times: u32,
}

#[derive(Default, Debug)]
pub struct Faults {
    armed: Mutex<Vec<Fault>>,
    profile: Mutex<Option<Active>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        // The list is valid after any panic (each change is one push, retain or decrement).
        self.armed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn profile(&self) -> std::sync::MutexGuard<'_, Option<Active>> {
        // Valid after any panic: each change replaces the whole value or advances a counter.
        self.profile
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets (or with `None` clears) the profile applied to every non-admin request.
    pub fn set_profile(&self, profile: Option<FaultProfile>) {
        *self.profile() = profile.map(Active::new);
    }

    /// Fires the first armed fault matching `path`, if any, using up one of its times.
    fn fire(&self, path: &str) -> Option<FaultKind> {
        let mut armed = self.lock();
        let index = armed
            .iter()
            .position(|f| path.starts_with(&f.path_prefix))?;
        let kind = armed[index].kind;
        armed[index].times -= 1;
        if armed[index].times == 0 {
            armed.remove(index);
        }
        Some(kind)
    }
}

/// The middleware that applies faults to every non-admin request.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with(ADMIN_PREFIX) {
        return next.run(request).await;
    }
    let planned = state.faults.profile().as_mut().map(Active::next);
    if let Some(planned) = planned {
        if !planned.latency.is_zero() {
            tokio::time::sleep(planned.latency).await;
        }
        if let Some(action) = planned.action {
            tracing::info!(path = request.uri().path(), ?action, "fault profile");
            return match action {
                Action::Drop => dropped(),
                Action::RateLimited { retry_after_s } => retry_later(
                    HttpError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate_limited",
                        "too many requests; retry after the Retry-After delay",
                    ),
                    retry_after_s,
                ),
                Action::ServerError => HttpError::internal()
                    .with_description("injected by the sandbox fault profile")
                    .into_response(),
                Action::Unavailable { retry_after_s } => retry_later(
                    HttpError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "the service is overloaded; retry after the Retry-After delay",
                    ),
                    retry_after_s,
                ),
                Action::Truncate => truncate(next.run(request).await).await,
            };
        }
    }
    let path = request.uri().path();
    let fault = state.faults.fire(path);
    let Some(kind) = fault else {
        return next.run(request).await;
    };
    tracing::info!(path, ?kind, "injecting fault");
    match kind {
        FaultKind::ServerError => HttpError::internal()
            .with_description("injected by a sandbox fault (server_error)")
            .into_response(),
        FaultKind::MalformedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"total": 1, "_embedded": {"apps": [{"id": "app-"#,
        )
            .into_response(),
        FaultKind::Truncate => truncate(next.run(request).await).await,
    }
}

/// An error reply with `Retry-After`, injected by the fault profile.
fn retry_later(error: HttpError, retry_after_s: u32) -> Response {
    let error = error.with_description("injected by the sandbox fault profile");
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
    response
}

/// A reply whose body fails on its first poll, before hyper has flushed the head: hyper then
/// closes the connection without writing anything, and the client sees the connection end
/// before any response (reqwest: "connection closed before message completed").
fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, _>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "sandbox fault: dropped connection",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// Sends half of `response`'s body under a `Content-Length` for all of it, then fails the body
/// stream, which makes hyper abort the connection: the client sees an incomplete body.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return HttpError::internal().into_response();
    };
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let stream = futures_util::stream::unfold(Some(half), |half| async move {
        match half {
            Some(half) => Some((Ok(half), None)),
            None => {
                // hyper flushes what it has while the body is pending; failing at once would
                // drop the head and the half with the connection, and the client would see
                // no response at all instead of a short body.
                tokio::time::sleep(TRUNCATE_FLUSH_DELAY).await;
                let error = io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "sandbox fault: truncated body",
                );
                Some((Err::<Bytes, _>(error), None))
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

#[derive(Serialize)]
pub struct FaultList {
    faults: Vec<Fault>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<FaultProfile>,
}

pub async fn list(State(state): State<AppState>) -> Json<FaultList> {
    Json(FaultList {
        faults: state.faults.lock().clone(),
        profile: state.faults.profile().as_ref().map(|a| a.profile.clone()),
    })
}

pub async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.lock().clear();
    state.faults.set_profile(None);
    StatusCode::NO_CONTENT
}

/// `PUT /_sandbox/faults`: replaces the fault profile (its generator restarts from its seed).
pub async fn set_profile(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<FaultProfile>, HttpError> {
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        HttpError::invalid_request("the body is not JSON", vec![]).with_description(e.to_string())
    })?;
    let profile = FaultProfile::from_json(&value)
        .map_err(|fields| HttpError::invalid_request("the fault profile is invalid", fields))?;
    state.faults.set_profile(Some(profile.clone()));
    Ok(Json(profile))
}

pub async fn register(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Fault>), HttpError> {
    let fault = parse(&body)?;
    let mut armed = state.faults.lock();
    if armed.len() >= MAX_ARMED_FAULTS {
        return Err(HttpError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("{MAX_ARMED_FAULTS} faults are armed already, the most the sandbox keeps"),
        )
        .with_description("clear them with DELETE /_sandbox/faults, or let them fire first"));
    }
    armed.push(fault.clone());
    drop(armed);
    Ok((StatusCode::CREATED, Json(fault)))
}

/// Parses a fault request field by field, so each mistake is reported against its field.
fn parse(body: &[u8]) -> Result<Fault, HttpError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        HttpError::invalid_request("the body is not JSON", vec![]).with_description(e.to_string())
    })?;
    let mut fields = Vec::new();
    let path_prefix = match value.get("path_prefix").and_then(|v| v.as_str()) {
        Some(p) if p.starts_with('/') && p.len() <= MAX_PATH_PREFIX_LEN => p.to_owned(),
        Some(p) if p.starts_with('/') => {
            fields.push(field(
                "path_prefix",
                format!("must be at most {MAX_PATH_PREFIX_LEN} bytes long"),
            ));
            String::new()
        }
        _ => {
            fields.push(field(
                "path_prefix",
                "must be a path starting with /, like /apps",
            ));
            String::new()
        }
    };
    let kind = value
        .get("kind")
        .cloned()
        .and_then(|k| serde_json::from_value(k).ok());
    if kind.is_none() {
        fields.push(field(
            "kind",
            "must be one of truncate, server_error, malformed_json",
        ));
    }
    let times = value
        .get("times")
        .and_then(|t| t.as_u64())
        .and_then(|t| u32::try_from(t).ok());
    let times = times.filter(|&t| t >= 1);
    if times.is_none() {
        fields.push(field("times", "must be a whole number of 1 or more"));
    }
    match (kind, times) {
        (Some(kind), Some(times)) if fields.is_empty() => Ok(Fault {
            path_prefix,
            kind,
            times,
        }),
        _ => Err(HttpError::invalid_request("the fault is invalid", fields)),
    }
}
