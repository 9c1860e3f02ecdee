//! What every write route shares: reading a bounded JSON body into the error body's shape,
//! `If-Match` and `Idempotency-Key`, the write transaction and the reply type.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use workbench_domain::{EditLock, TransitionError};

use super::AppState;
use crate::error::{HttpError, field};
use crate::store::{self, StoredReply};

/// The largest JSON request body: 256 KiB. Larger ones get 413.
pub const JSON_LIMIT: usize = 256 * 1024;
/// The largest icon: 1 MiB. Larger ones get 413.
pub const ICON_LIMIT: usize = 1024 * 1024;
/// The longest `Idempotency-Key`.
const MAX_KEY_LEN: usize = 255;

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The largest body of the account-level JSON routes (installation decisions, OAuth clients):
/// 64 KiB, refused before it is buffered by [`limit`].
pub const SMALL_JSON_LIMIT: usize = 64 * 1024;

/// The layer that refuses bodies over [`SMALL_JSON_LIMIT`] before they are buffered.
pub fn limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(SMALL_JSON_LIMIT)
}

/// A JSON object body of at most [`SMALL_JSON_LIMIT`] bytes, for handlers that read their
/// fields one by one so each mistake is reported against its field.
pub fn json_object(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<serde_json::Map<String, serde_json::Value>, HttpError> {
    let raw = bytes(body, SMALL_JSON_LIMIT)?;
    if raw.len() > SMALL_JSON_LIMIT {
        return Err(HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the limit of {SMALL_JSON_LIMIT} bytes"),
        ));
    }
    json(headers, &raw, None)
}

/// The body's bytes, or the error body when it could not be read (413 past the limit).
pub fn bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, HttpError> {
    body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            HttpError::new(
                status,
                "payload_too_large",
                format!("the request body is larger than the limit of {limit} bytes"),
            )
        } else {
            HttpError::for_status(status).with_description(rejection.body_text())
        }
    })
}

/// Parses a JSON body. `empty` is used for an empty body when given (routes whose body is
/// optional); otherwise an empty body is refused. Any problem is a 400 with the error body
/// naming the field where it can.
pub fn json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    empty: Option<T>,
) -> Result<T, HttpError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return empty
            .ok_or_else(|| HttpError::invalid_request("the request needs a JSON body", vec![]));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
    if !is_json {
        return Err(HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as Content-Type: application/json",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        HttpError::invalid_request("the body is not valid JSON", vec![])
            .with_description(e.to_string())
    })?;
    if !value.is_object() {
        return Err(HttpError::invalid_request(
            "the body must be a JSON object",
            vec![],
        ));
    }
    typed(value)
}

/// Converts a parsed JSON value into `T`; a mismatch is a 400 naming the field.
pub fn typed<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, HttpError> {
    integral_floats_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let name = if path == "." { "body".to_owned() } else { path };
        HttpError::invalid_request(format!("invalid field {name}"), vec![field(&name, inner)])
    })
}

/// JSON has one number type and JSON Schema counts `3.0` as the integer 3, so a whole-number
/// float is read as that integer wherever the body holds it (serde would refuse it for an
/// integer field). Floats with a fraction, or beyond 64 bits, stay as they are.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            if float.fract() == 0.0 {
                if float >= 0.0 && float < u64::MAX as f64 {
                    *value = serde_json::Value::from(float as u64);
                } else if float < 0.0 && float >= i64::MIN as f64 {
                    *value = serde_json::Value::from(float as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// The ETags an `If-Match` header names; 428 when it is missing.
pub fn if_match(headers: &HeaderMap) -> Result<Vec<String>, HttpError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(HttpError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "this write needs an If-Match header with the resource's current ETag",
        )
        .with_description("GET the resource and send its ETag header back as If-Match"));
    };
    let text = value.to_str().map_err(|_| {
        HttpError::invalid_request("the If-Match header is not readable text", vec![])
    })?;
    Ok(text
        .split(',')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect())
}

/// 412 unless one of `wanted` is `current` (or `*`).
pub fn check_etag(wanted: &[String], current: &str) -> Result<(), HttpError> {
    if wanted.iter().any(|t| t == current || t == "*") {
        Ok(())
    } else {
        Err(stale(current))
    }
}

/// The 412 of a write whose `If-Match` names none of the resource's `current` ETag.
pub fn stale(current: &str) -> HttpError {
    HttpError::new(
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
        "the resource changed since you read it (its ETag no longer matches If-Match)",
    )
    .with_description(format!(
        "the current ETag is {current}; GET it again, reapply your change and retry"
    ))
}

/// The `Idempotency-Key` of a creating request, if it has one.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, HttpError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= MAX_KEY_LEN => Ok(Some(key.to_owned())),
        _ => Err(HttpError::invalid_request(
            "invalid Idempotency-Key",
            vec![field(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            )],
        )),
    }
}

/// What identifies a creating request, to tell a replay from a reuse of its key.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// A reply made inside a transaction, storable for idempotent replay.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON reply with an optional ETag and Location.
    pub fn json<T: Serialize>(
        status: StatusCode,
        value: &T,
        etag: Option<&str>,
        location: Option<&str>,
    ) -> Reply {
        let mut headers = vec![(header::CONTENT_TYPE, "application/json".to_owned())];
        if let Some(etag) = etag {
            headers.push((header::ETAG, etag.to_owned()));
        }
        if let Some(location) = location {
            headers.push((header::LOCATION, location.to_owned()));
        }
        Reply {
            status,
            headers,
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// Runs `f` in a write transaction on a blocking thread.
pub async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Connection) -> Result<T, HttpError> + Send + 'static,
) -> Result<T, HttpError> {
    let db = state.db.clone();
    match tokio::task::spawn_blocking(move || db.write(f)).await {
        Ok(result) => result,
        Err(error) => {
            tracing::error!(%error, "write task failed");
            Err(HttpError::internal())
        }
    }
}

/// Runs a creating request's `f` once per `Idempotency-Key`: a repeat with the same
/// fingerprint gets the first reply and creates nothing; another request with the key gets 422.
/// Only successful replies are kept, so a failed request can be retried with its key.
pub fn idempotent(
    conn: &Connection,
    key: Option<&str>,
    fingerprint: &str,
    f: impl FnOnce(&Connection) -> Result<Reply, HttpError>,
) -> Result<Reply, HttpError> {
    let Some(key) = key else {
        return f(conn);
    };
    if let Some(stored) = store::find_idempotent(conn, key)? {
        if stored.fingerprint != fingerprint {
            return Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            )
            .with_description("use a new key for a new request"));
        }
        let headers = stored
            .headers
            .into_iter()
            .filter_map(|(n, v)| HeaderName::from_bytes(n.as_bytes()).ok().map(|n| (n, v)))
            .collect();
        return Ok(Reply {
            status: StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
            headers,
            body: stored.body,
        });
    }
    let reply = f(conn)?;
    store::store_idempotent(
        conn,
        key,
        &StoredReply {
            fingerprint: fingerprint.to_owned(),
            status: reply.status.as_u16(),
            headers: reply
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.clone()))
                .collect(),
            body: reply.body.clone(),
        },
    )?;
    Ok(reply)
}

/// A refused review transition: 409 with the domain's message.
pub fn refused(error: TransitionError) -> HttpError {
    HttpError::new(StatusCode::CONFLICT, "conflict", error.to_string())
}

/// A part that cannot be edited now: 409 `locked` with the reason.
pub fn locked(error: EditLock) -> HttpError {
    HttpError::new(StatusCode::CONFLICT, "locked", error.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn whole_number_floats_are_read_as_integers() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Plan {
            min: u32,
            price: i64,
            share: f64,
        }
        let plan: Plan = super::typed(json!({"min": 3.0, "price": -20.0, "share": 0.5})).unwrap();
        assert_eq!(
            plan,
            Plan {
                min: 3,
                price: -20,
                share: 0.5
            }
        );
        assert!(super::typed::<Plan>(json!({"min": 3.5, "price": 1, "share": 1})).is_err());
    }
}
