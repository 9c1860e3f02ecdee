//! `GET /rules`: the current rules pack, with an ETag so a client refreshes it cheaply.

use std::sync::OnceLock;

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::not_modified;

/// The served pack's bytes and ETag, made once: the sandbox serves the shipped default pack.
fn pack() -> &'static (Vec<u8>, String) {
    static PACK: OnceLock<(Vec<u8>, String)> = OnceLock::new();
    PACK.get_or_init(|| {
        let bytes = serde_json::to_vec(&partner_api::rules::default_pack()).unwrap_or_default();
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&bytes))[..32]);
        (bytes, etag)
    })
}

pub async fn get(headers: HeaderMap) -> Response {
    let (bytes, etag) = pack();
    if let Some(not_modified) = not_modified(&headers, etag) {
        return not_modified;
    }
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ETAG, etag.as_str()),
        ],
        bytes.clone(),
    )
        .into_response()
}
