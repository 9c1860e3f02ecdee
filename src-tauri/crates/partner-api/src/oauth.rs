//! The OAuth 2.0 part of the contract (SPEC §4 "Auth"): the authorization server's metadata
//! (RFC 8414), the device authorization grant (RFC 8628), the token endpoint's replies
//! (RFC 6749 §5), authorization code with PKCE (RFC 7636) and revocation (RFC 7009).
//!
//! Requests to the OAuth endpoints are `application/x-www-form-urlencoded`; replies are JSON.
//! Errors are [`OAuthError`] (`{error, error_description}`), not the API's `ApiError`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The public client of the desktop app and `pwb`: no secret, loopback redirects only.
pub const PUBLIC_CLIENT_ID: &str = "partner-workbench";

/// Paths of the OAuth endpoints, relative to the server's base URL.
pub mod paths {
    /// RFC 8414 authorization server metadata.
    pub const METADATA: &str = "/.well-known/oauth-authorization-server";
    /// RFC 8628 §3.1 device authorization endpoint.
    pub const DEVICE_AUTHORIZATION: &str = "/oauth/device_authorization";
    /// RFC 6749 §3.2 token endpoint.
    pub const TOKEN: &str = "/oauth/token";
    /// RFC 6749 §3.1 authorization endpoint (an HTML page).
    pub const AUTHORIZE: &str = "/oauth/authorize";
    /// RFC 7009 revocation endpoint.
    pub const REVOKE: &str = "/oauth/revoke";
    /// The device flow's verification page (an HTML form).
    pub const DEVICE_VERIFICATION: &str = "/device";
}

/// The scopes of the Partner Project API. A route's scope is checked per request; a token
/// without it gets 403 `insufficient_scope`.
pub mod scopes {
    /// Read apps, versions, icons, installations, the change feed and the rules pack.
    pub const APPS_READ: &str = "apps:read";
    /// Create and change apps, versions, icons, submissions and installations.
    pub const APPS_WRITE: &str = "apps:write";
    /// List, create and delete OAuth clients.
    pub const OAUTH_CLIENTS_WRITE: &str = "oauth-clients:write";
    /// Read the account: licenses and credits.
    pub const ACCOUNT_READ: &str = "account:read";
    /// Every scope, in a stable order.
    pub const ALL: [&str; 4] = [APPS_READ, APPS_WRITE, OAUTH_CLIENTS_WRITE, ACCOUNT_READ];
}

/// The `grant_type` values of the token endpoint.
pub mod grant_types {
    pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
    pub const REFRESH_TOKEN: &str = "refresh_token";
    pub const AUTHORIZATION_CODE: &str = "authorization_code";
}

/// The `error` values of [`OAuthError`] (RFC 6749 §5.2, RFC 8628 §3.5, RFC 7009 §2.2.1).
pub mod errors {
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const INVALID_CLIENT: &str = "invalid_client";
    pub const INVALID_GRANT: &str = "invalid_grant";
    pub const UNAUTHORIZED_CLIENT: &str = "unauthorized_client";
    pub const UNSUPPORTED_GRANT_TYPE: &str = "unsupported_grant_type";
    pub const UNSUPPORTED_RESPONSE_TYPE: &str = "unsupported_response_type";
    pub const UNSUPPORTED_TOKEN_TYPE: &str = "unsupported_token_type";
    pub const INVALID_SCOPE: &str = "invalid_scope";
    pub const ACCESS_DENIED: &str = "access_denied";
    pub const AUTHORIZATION_PENDING: &str = "authorization_pending";
    pub const SLOW_DOWN: &str = "slow_down";
    pub const EXPIRED_TOKEN: &str = "expired_token";
}

/// RFC 8414 authorization server metadata, served at [`paths::METADATA`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorizationServerMetadata {
    /// The server's base URL, which is also the prefix of every endpoint below.
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// Absent on a server without the device flow; clients then use the authorization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    /// PKCE methods (RFC 7636): only `S256`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
}

/// The form of `POST /oauth/device_authorization` (RFC 8628 §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceAuthorizationRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "partner-workbench")]
    pub client_id: Option<String>,
    /// Space-separated scopes; every scope when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The reply of the device authorization endpoint (RFC 8628 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceAuthorizationResponse {
    /// The code the client polls the token endpoint with; secret.
    pub device_code: String,
    /// The code the person types on the verification page, like `WDJB-MJHT`.
    pub user_code: String,
    pub verification_uri: String,
    /// The verification page with the user code filled in (for a QR code or a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    /// Seconds until the device code expires.
    pub expires_in: u64,
    /// The least number of seconds between two polls.
    pub interval: u64,
}

/// The form of `POST /oauth/token`: one struct for every grant, with the fields each uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[schema(example = "refresh_token")]
    pub grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "partner-workbench")]
    pub client_id: Option<String>,
    /// The device code grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_code: Option<String>,
    /// The refresh token grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The refresh token grant: a subset of the original scopes, or all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The authorization code grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
}

/// A successful token reply (RFC 6749 §5.1).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// A new refresh token; the one used to get this reply (if any) is spent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// Tokens are secrets: `Debug` never prints them.
impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

/// The form of `POST /oauth/revoke` (RFC 7009 §2.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevocationRequest {
    pub token: String,
    /// `access_token` or `refresh_token`; only a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "partner-workbench")]
    pub client_id: Option<String>,
}

/// The error body of the OAuth endpoints (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthError {
    /// One of [`errors`].
    pub error: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error_description: String,
}

/// The body of the sandbox-only `POST /_sandbox/tokens`: a token without a browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SandboxTokenRequest {
    /// Every scope when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}
