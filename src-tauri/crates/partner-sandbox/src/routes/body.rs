//! Reading a JSON request body: a stated size limit, a JSON content type, a JSON object. Each
//! handler then reads its fields one by one, so every mistake is reported against its field.

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use crate::error::HttpError;

/// The largest request body the JSON routes accept.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The layer that refuses larger bodies before they are buffered.
pub fn limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

pub fn json_object(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Map<String, Value>, HttpError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            HttpError::invalid_request("the body could not be read", vec![])
                .with_description(rejection.body_text())
        }
    })?;
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON, sent as Content-Type: application/json",
        ));
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(HttpError::invalid_request(
            "the body must be a JSON object",
            vec![],
        )),
        Err(e) => Err(HttpError::invalid_request("the body is not JSON", vec![])
            .with_description(e.to_string())),
    }
}

fn too_large() -> HttpError {
    HttpError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
    )
}
