//! The partner's own OAuth API clients (SPEC §3), not the desktop app's sign-in. The secret is
//! returned once, by the creating request, and never again.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PATH: &str = "/oauth-clients";
/// The name under `_embedded` of the OAuth clients collection.
pub const COLLECTION: &str = "oauth_clients";
/// The scopes a client may be given (SPEC §4).
pub const SCOPES: [&str; 4] = [
    "apps:read",
    "apps:write",
    "oauth-clients:write",
    "account:read",
];
/// The longest client name, in characters.
pub const NAME_MAX_CHARS: usize = 100;

pub fn client_path(id: &str) -> String {
    format!("/oauth-clients/{id}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthClient {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// The body of `POST /oauth-clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewOAuthClient {
    /// Not blank, at most 100 characters, no control characters.
    #[schema(
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    /// At least one scope, each at most once (`uniqueItems`, set by the document).
    #[schema(value_type = Vec<Scope>, min_items = 1)]
    pub scopes: Vec<String>,
}

/// A scope a client may be given: one of [`SCOPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Scope {
    #[serde(rename = "apps:read")]
    AppsRead,
    #[serde(rename = "apps:write")]
    AppsWrite,
    #[serde(rename = "oauth-clients:write")]
    OAuthClientsWrite,
    #[serde(rename = "account:read")]
    AccountRead,
}

/// The reply to `POST /oauth-clients`: the client and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedOAuthClient {
    #[serde(flatten)]
    pub client: OAuthClient,
    /// Present only in the reply that created the client; a replay of the same
    /// `Idempotency-Key` returns the client without it (the server keeps only a hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}
