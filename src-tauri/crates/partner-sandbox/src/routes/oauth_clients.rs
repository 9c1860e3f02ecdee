//! The partner's OAuth API clients: list, get, create (the secret is in the creating reply and
//! nowhere else: the database keeps its SHA-256), delete.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use partner_api::Page;
use partner_api::oauth_clients::{self, CreatedOAuthClient, NewOAuthClient, OAuthClient};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::body::Reply;
use super::{AppState, Paging, body, path};
use crate::db::{Created, delete_oauth_client};
use crate::error::{HttpError, field};

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// The longest `Idempotency-Key`, in bytes.
const IDEMPOTENCY_KEY_MAX: usize = 255;

pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<Page<OAuthClient>>, HttpError> {
    let paging = Paging::parse(&uri, state.page_size)?;
    let (clients, total) = state
        .query(move |db| db.list_oauth_clients(paging.offset(), paging.per_page))
        .await?;
    Ok(Json(paging.page(
        oauth_clients::COLLECTION,
        oauth_clients::PATH,
        clients,
        total,
    )))
}

pub async fn get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<OAuthClient>, HttpError> {
    let id = path(id)?;
    let wanted = id.clone();
    let found = state.query(move |db| db.get_oauth_client(&wanted)).await?;
    found.map(Json).ok_or_else(|| not_found(&id))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, HttpError> {
    let key = idempotency_key(&headers)?;
    let object = body::json_object(&headers, bytes)?;
    let new = parse_new(&object)?;
    let secret = format!("pwbs_{}", random_hex(32)?);
    let grant_types = new.grant_types_or_default();
    let client = OAuthClient {
        id: format!("oc-{}", random_hex(8)?),
        name: new.name.trim().to_owned(),
        scopes: new.scopes,
        redirect_uris: new.redirect_uris,
        grant_types,
        created_at: now_rfc3339(),
    };
    let secret_sha256 = hex::encode(Sha256::digest(secret.as_bytes()));
    let created = state
        .query(move |db| db.create_oauth_client(&client, &secret_sha256, key.as_deref()))
        .await?;
    Ok(match created {
        Created::New(client) => {
            let reply = CreatedOAuthClient {
                client,
                client_secret: Some(secret),
            };
            (StatusCode::CREATED, Json(reply)).into_response()
        }
        Created::Replayed(client) => {
            let reply = CreatedOAuthClient {
                client,
                client_secret: None,
            };
            let replayed = [(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"))];
            (StatusCode::CREATED, replayed, Json(reply)).into_response()
        }
    })
}

/// Deletes a client, under an optional `Idempotency-Key`: a retry after a lost reply gets
/// the first 204 instead of a 404.
pub async fn delete(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Reply, HttpError> {
    let id = path(id)?;
    let key = body::idempotency_key(&headers)?;
    let fingerprint = body::fingerprint("DELETE", &oauth_clients::client_path(&id), b"");
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            if delete_oauth_client(conn, &id)? {
                Ok(Reply::no_content())
            } else {
                Err(not_found(&id))
            }
        })
    })
    .await
}

/// The request's `Idempotency-Key`, if any. Kept in one place (and stored beside the client it
/// created) so a generic idempotency store can replace it.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, HttpError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= IDEMPOTENCY_KEY_MAX => Ok(Some(key.to_owned())),
        _ => Err(HttpError::invalid_request(
            "the Idempotency-Key header is invalid",
            vec![field(
                "Idempotency-Key",
                format!("must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"),
            )],
        )),
    }
}

/// Reads `{"name": "...", "scopes": ["users:read", ...], "redirect_uris": [...],
/// "grant_types": [...]}`: first the shape of each member, then the contract's own checks
/// ([`NewOAuthClient::problems`]: scopes from the catalogue of Talkdesk API scopes, redirect URIs
/// https or http on loopback). Every problem is a field error naming the member (`redirect_uris[0]`).
fn parse_new(object: &serde_json::Map<String, Value>) -> Result<NewOAuthClient, HttpError> {
    let mut fields = Vec::new();
    let name = match object.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => {
            fields.push(field("name", "must be a string"));
            String::new()
        }
    };
    let mut strings = |member: &str, required: bool| -> Vec<String> {
        match object.get(member) {
            None if !required => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Value::String(s) => Some(s.clone()),
                    _ => {
                        fields.push(field(&format!("{member}[{i}]"), "must be a string"));
                        None
                    }
                })
                .collect(),
            _ => {
                fields.push(field(member, "must be an array of strings"));
                Vec::new()
            }
        }
    };
    let scopes = strings("scopes", true);
    let redirect_uris = strings("redirect_uris", false);
    let grant_types = strings("grant_types", false);
    if matches!(object.get("grant_types"), Some(Value::Array(items)) if items.is_empty()) {
        fields.push(field(
            "grant_types",
            "must list at least one grant type, or be left out for client_credentials",
        ));
    }
    let new = NewOAuthClient {
        name,
        scopes,
        redirect_uris,
        grant_types,
    };
    // The contract's checks, but not twice for a member whose shape is already wrong.
    let base = |name: &str| name.split('[').next().unwrap_or_default().to_owned();
    let wrong: Vec<String> = fields.iter().map(|f| base(&f.name)).collect();
    fields.extend(
        new.problems()
            .into_iter()
            .filter(|problem| !wrong.contains(&base(&problem.name))),
    );
    if fields.is_empty() {
        Ok(new)
    } else {
        Err(HttpError::invalid_request(
            "the OAuth client is invalid",
            fields,
        ))
    }
}

fn random_hex(bytes: usize) -> Result<String, HttpError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| {
        tracing::error!(%error, "no randomness from the operating system");
        HttpError::internal()
    })?;
    Ok(hex::encode(buffer))
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn not_found(id: &str) -> HttpError {
    HttpError::not_found(format!("no OAuth client {id}"))
}
