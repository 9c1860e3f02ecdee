//! The sandbox's OAuth 2.0 authorization server (SPEC §4 "Auth") and the bearer-token check of
//! every API route.
//!
//! - `tokens.rs`: RFC 8414 metadata, the token endpoint (device code, refresh with rotation,
//!   authorization code), RFC 7009 revocation, and the admin `POST /_sandbox/tokens`.
//! - `device.rs`: RFC 8628 device authorization, the HTML verification page, admin approve/deny.
//! - `pkce.rs`: the authorization endpoint (HTML approve/deny page), PKCE S256, loopback redirects.
//! - `page.rs`: the plain HTML pages, every inserted text escaped.
//! - `middleware.rs`: `Authorization: Bearer` on every API route, scopes per route prefix.
//! - `store.rs`: the tables, tokens stored hashed.
//!
//! The registered client is the public client `partner-workbench` (no secret).

mod device;
pub mod middleware;
pub(crate) mod page;
mod pkce;
mod store;
mod tokens;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use partner_api::oauth::{
    OAuthError, PUBLIC_CLIENT_ID, TokenResponse, errors, paths as oauth_paths, scopes,
};
use sha2::{Digest, Sha256};

use crate::error::HttpError;
use crate::routes::AppState;
use crate::{Sandbox, SandboxError};

pub use store::Store;

/// The clock of the OAuth server: real time plus an offset that tests can move forward, so
/// expiry and polling intervals are tested without sleeping. Clones share the offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Unix time in milliseconds, as the sandbox sees it.
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4));
        real + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Lifetimes and the device flow's polling interval.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// How long an access token is valid (default one hour).
    pub access_token_ttl: Duration,
    /// How long a refresh token is valid (default 30 days).
    pub refresh_token_ttl: Duration,
    /// How long a device code can be approved and polled (default 10 minutes).
    pub device_code_ttl: Duration,
    /// The least time between two polls of one device code (default 5 s); whole seconds on the wire.
    pub device_interval: Duration,
    /// How long an authorization code can be exchanged (default one minute).
    pub authorization_code_ttl: Duration,
    /// Whether the device flow is offered (default yes). Without it the metadata names no
    /// device endpoint, so clients sign in with the authorization code and PKCE instead.
    pub device_flow: bool,
    pub clock: Clock,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            access_token_ttl: Duration::from_secs(3600),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            device_code_ttl: Duration::from_secs(600),
            device_interval: Duration::from_secs(5),
            authorization_code_ttl: Duration::from_secs(60),
            device_flow: true,
            clock: Clock::default(),
        }
    }
}

impl OAuthConfig {
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, ttl) in [
            ("access token lifetime", self.access_token_ttl),
            ("refresh token lifetime", self.refresh_token_ttl),
            ("device code lifetime", self.device_code_ttl),
            ("authorization code lifetime", self.authorization_code_ttl),
        ] {
            if ttl.as_secs() < 1 {
                return Err(format!("the {name} must be at least one second"));
            }
        }
        if self.device_interval.subsec_nanos() != 0 {
            return Err("the device polling interval must be whole seconds".into());
        }
        Ok(())
    }
}

/// The OAuth server's state, shared by the routes, the middleware and [`Sandbox::issue_token`].
pub struct OAuth {
    store: Arc<Store>,
    config: OAuthConfig,
    /// The server's base URL (`http://127.0.0.1:PORT`): the issuer and the endpoints' prefix.
    issuer: String,
}

impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("issuer", &self.issuer)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OAuth {
    pub fn new(store: Store, config: OAuthConfig, issuer: String) -> OAuth {
        OAuth {
            store: Arc::new(store),
            config,
            issuer,
        }
    }

    /// `path` on the sandbox's own address (its issuer).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// Runs store work on a blocking thread, so SQLite never stalls the async workers.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store, &OAuthConfig) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let store = self.store.clone();
        let config = self.config.clone();
        match tokio::task::spawn_blocking(move || f(&store, &config)).await {
            Ok(result) => result,
            Err(error) => Err(Failure::Internal(error.to_string())),
        }
    }
}

impl Sandbox {
    /// A token for `scopes` (every scope when empty) without a browser: for tests and for the
    /// embedded sandbox, which trusts its own process. The access token lives as configured.
    pub fn issue_token(&self, scopes: &[&str]) -> Result<TokenResponse, SandboxError> {
        self.issue_token_for(scopes, self.oauth.config.access_token_ttl)
    }

    /// Like [`Sandbox::issue_token`], with an access token that lives `lifetime`.
    pub fn issue_token_for(
        &self,
        scopes: &[&str],
        lifetime: Duration,
    ) -> Result<TokenResponse, SandboxError> {
        let scope = parse_scope(Some(&scopes.join(" ")))
            .map_err(|e| SandboxError::Token(e.description))?
            .join(" ");
        self.oauth
            .store
            .issue(&self.oauth.config, PUBLIC_CLIENT_ID, &scope, lifetime)
            .map_err(|e| SandboxError::Token(e.to_string()))
    }

    /// The clock of the OAuth server (tests move it forward to expire tokens and codes).
    pub fn clock(&self) -> &Clock {
        &self.oauth.config.clock
    }
}

/// The public OAuth routes: metadata, endpoints and HTML pages. No token needed.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(oauth_paths::METADATA, get(tokens::metadata))
        .route(oauth_paths::TOKEN, post(tokens::token))
        .route(oauth_paths::REVOKE, post(tokens::revoke))
        .route(
            oauth_paths::DEVICE_AUTHORIZATION,
            post(device::device_authorization),
        )
        .route(
            oauth_paths::DEVICE_VERIFICATION,
            get(device::verification_page).post(device::verification_submit),
        )
        .route(
            oauth_paths::AUTHORIZE,
            get(pkce::authorize_page).post(pkce::authorize_submit),
        )
}

/// The admin routes, nested under `/_sandbox` (loopback only).
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/device-codes/{user_code}/approve",
            post(device::admin_approve),
        )
        .route("/device-codes/{user_code}/deny", post(device::admin_deny))
        .route("/tokens", post(tokens::admin_issue))
}

/// An OAuth error reply: `{error, error_description}`, 401 for `invalid_client`, else 400.
#[derive(Debug, Clone)]
pub struct OAuthFailure {
    pub error: &'static str,
    pub description: String,
}

impl OAuthFailure {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        OAuthFailure {
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthFailure {
    fn into_response(self) -> Response {
        let status = if self.error == errors::INVALID_CLIENT {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        let body = OAuthError {
            error: self.error.to_owned(),
            error_description: self.description,
        };
        let mut response = (status, no_store(), axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"partner-sandbox\""),
            );
        }
        response
    }
}

/// What the OAuth code fails with: the client's mistake, or the sandbox's own.
#[derive(Debug)]
pub enum Failure {
    OAuth(OAuthFailure),
    Internal(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::OAuth(e) => write!(f, "{}: {}", e.error, e.description),
            Failure::Internal(e) => write!(f, "internal error: {e}"),
        }
    }
}

impl From<OAuthFailure> for Failure {
    fn from(error: OAuthFailure) -> Self {
        Failure::OAuth(error)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Internal(format!("database: {error}"))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::OAuth(error) => error.into_response(),
            Failure::Internal(error) => {
                tracing::error!(%error, "oauth failure");
                HttpError::internal().into_response()
            }
        }
    }
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, as every reply holding a token needs
/// (RFC 6749 §5.1).
fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [
        (header::CACHE_CONTROL, "no-store"),
        (header::PRAGMA, "no-cache"),
    ]
}

/// The client of a request: `client_id` in the form, or the user of HTTP Basic. Only the
/// registered public client is known.
fn client_id(form: Option<&str>, headers: &HeaderMap) -> Result<String, OAuthFailure> {
    let from_basic = || {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        Some(
            decoded
                .split_once(':')
                .map_or(decoded.clone(), |(u, _)| u.to_owned()),
        )
    };
    let id = form
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .or_else(from_basic)
        .ok_or_else(|| {
            OAuthFailure::new(
                errors::INVALID_CLIENT,
                "no client_id: the request must name its client",
            )
        })?;
    if id != PUBLIC_CLIENT_ID {
        return Err(OAuthFailure::new(
            errors::INVALID_CLIENT,
            "unknown client_id: this server knows only the public client partner-workbench",
        ));
    }
    Ok(id)
}

/// Space-separated scopes, each known; every scope when absent or empty. Returned in the
/// canonical order, without repeats.
fn parse_scope(scope: Option<&str>) -> Result<Vec<&'static str>, OAuthFailure> {
    let requested: Vec<&str> = scope.unwrap_or("").split_whitespace().collect();
    if requested.is_empty() {
        return Ok(scopes::ALL.to_vec());
    }
    if let Some(unknown) = requested.iter().find(|s| !scopes::ALL.contains(s)) {
        return Err(OAuthFailure::new(
            errors::INVALID_SCOPE,
            format!(
                "unknown scope {unknown:?}; the scopes are {}",
                scopes::ALL.join(", ")
            ),
        ));
    }
    Ok(scopes::ALL
        .into_iter()
        .filter(|s| requested.contains(s))
        .collect())
}

/// SHA-256 hex of a token or code: what the store keeps instead of the secret.
fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 32 random bytes, URL-safe base64, behind a prefix that says what the secret is (which also
/// lets secret scanners recognize a leaked one).
fn random_token(prefix: &str) -> Result<String, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Failure::Internal(format!("random: {e}")))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}
