//! Signing in to a Partner Project server (SPEC §4 "Auth") with the `oauth2` crate: endpoints
//! discovered from the RFC 8414 metadata of the server, or of the authorization server a profile
//! names ([`SignInSettings::issuer`], with OpenID Connect discovery as the fallback), the device authorization grant (RFC 8628),
//! refresh with rotation, revocation (RFC 7009), and authorization code with PKCE (RFC 7636) as
//! the second way in when the server has no device endpoint.
//!
//! Nothing here stores a token or reads a clock: callers pass the time in and keep the
//! [`TokenSet`] in the OS keyring. Every token travels as a [`SecretToken`], whose `Debug` is
//! redacted.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AsyncHttpClient, AuthUrl, AuthorizationCode, ClientId, CsrfToken, DeviceAuthorizationUrl,
    DeviceCodeErrorResponse, DeviceCodeErrorResponseType, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardDeviceAuthorizationResponse, StandardRevocableToken,
    TokenResponse as _, TokenUrl,
};
use partner_api::oauth::{
    AuthorizationServerMetadata, OAuthError, PUBLIC_CLIENT_ID, RevocationRequest, paths,
};
use url::Url;

use crate::bounds::MAX_OAUTH_BYTES;
use crate::{PartnerClient, RemoteError, SecretToken};

/// The longest a device code is waited for, whatever the server says.
const MAX_DEVICE_WAIT: Duration = Duration::from_secs(60 * 60);

/// Why signing in (or refreshing, or signing out) failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// The person chose Deny on the verification page.
    #[error("sign-in was denied on the verification page; start again to get a new code")]
    Denied,
    /// The code expired before anyone approved it.
    #[error("the sign-in code expired before it was approved; start again to get a new code")]
    Expired,
    /// The server refused the refresh token (spent, revoked or expired): sign in again.
    #[error("the server no longer accepts this sign-in ({reason}); sign in again")]
    SessionEnded { reason: String },
    /// Any other OAuth error reply.
    #[error("the server refused to sign in: {error}{}", described(.description))]
    Refused { error: String, description: String },
    /// The server offers neither the device flow nor the authorization code flow we can use.
    #[error("{server} offers no sign-in method Partner Workbench supports: {reason}")]
    Unsupported { server: String, reason: String },
}

fn described(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(" ({description})")
    }
}

/// The tokens of one signed-in account. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: SecretToken,
    pub refresh_token: Option<SecretToken>,
    /// Unix seconds when the access token expires, as the caller's clock saw the reply.
    pub expires_at: Option<i64>,
    /// The granted scopes.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl TokenSet {
    fn from_reply(reply: &BasicTokenResponse, now: i64) -> TokenSet {
        TokenSet {
            access_token: SecretToken::new(reply.access_token().secret().clone()),
            refresh_token: reply
                .refresh_token()
                .map(|token| SecretToken::new(token.secret().clone())),
            expires_at: reply
                .expires_in()
                .map(|ttl| now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX))),
            scopes: reply
                .scopes()
                .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        }
    }

    /// Whether the access token expires within `margin` seconds of `now` (refresh ahead of
    /// expiry). A token without an expiry never needs it.
    pub fn expires_within(&self, now: i64, margin: i64) -> bool {
        self.expires_at
            .is_some_and(|at| at.saturating_sub(margin) <= now)
    }
}

/// A device code waiting for approval: what to show the person, and what to poll with.
#[derive(Debug)]
pub struct DeviceAuthorization {
    reply: StandardDeviceAuthorizationResponse,
    /// Unix seconds when the code expires, from the caller's clock.
    pub expires_at: i64,
}

impl DeviceAuthorization {
    /// The code the person types, like `WDJB-MJHT`.
    pub fn user_code(&self) -> &str {
        self.reply.user_code().secret()
    }

    pub fn verification_uri(&self) -> &str {
        self.reply.verification_uri().as_str()
    }

    /// The verification page with the code filled in, for a QR code or a link.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.reply
            .verification_uri_complete()
            .map(|uri| uri.secret().as_str())
    }

    /// The least time between two polls, as the server first asked.
    pub fn interval(&self) -> Duration {
        self.reply.interval()
    }
}

/// An authorization code sign-in in progress: the URL to open, and what the callback must match.
#[derive(Debug)]
pub struct CodeAuthorization {
    pub url: Url,
    pub redirect_uri: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
}

impl CodeAuthorization {
    /// The `state` the redirect must carry back.
    pub fn state(&self) -> &str {
        self.state.secret()
    }
}

/// A Partner Project server's authorization server, as its metadata describes it.
#[derive(Debug, Clone)]
pub struct AuthServer {
    http: SignInHttp,
    metadata: AuthorizationServerMetadata,
    /// The OAuth client this app signs in as.
    client_id: String,
    /// The scopes the profile asks for, instead of the caller's.
    scopes: Option<Vec<String>>,
}

/// Where and as whom a profile signs in: the authorization server and the OAuth client. The
/// default is the API server's own metadata and this tool's public client (the sandbox's way).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInSettings {
    /// The authorization server's issuer URL, when it is not the API server itself (Talkdesk's is
    /// per account, on another origin). HTTPS unless on loopback, like the API server.
    pub issuer: Option<String>,
    /// The OAuth client id; [`PUBLIC_CLIENT_ID`] when not given.
    pub client_id: Option<String>,
    /// The scopes to ask for; the caller's default when not given.
    pub scopes: Option<Vec<String>>,
}

impl SignInSettings {
    /// The client id to sign in as.
    pub fn client_id(&self) -> &str {
        self.client_id.as_deref().unwrap_or(PUBLIC_CLIENT_ID)
    }
}

/// The HTTP client oauth2 sends the sign-in's requests with: the server's [`PartnerClient`]
/// (no token, no retry), so a token, device-code or error reply is read like every other reply,
/// through its capped reader and deadline, at most [`MAX_OAUTH_BYTES`]. (oauth2's own reqwest
/// client reads a reply whole, however large, for as long as it lasts.)
#[derive(Debug, Clone)]
struct SignInHttp {
    client: PartnerClient,
    /// Set while a device code is polled: where a reply that broke a bound is reported, since
    /// oauth2 takes every failed poll as a passing one and polls again.
    broken: Option<Arc<BrokenBound>>,
}

/// The first reply of a device-code poll that broke one of the client's bounds.
#[derive(Debug, Default)]
struct BrokenBound {
    error: Mutex<Option<RemoteError>>,
    notify: tokio::sync::Notify,
}

impl BrokenBound {
    /// Waits for a poll's reply to break a bound, and answers its error.
    async fn wait(&self) -> RemoteError {
        loop {
            self.notify.notified().await;
            if let Some(error) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
                return error;
            }
        }
    }
}

impl SignInHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, RemoteError> {
        let request =
            reqwest::Request::try_from(request).map_err(|e| RemoteError::InvalidServer {
                reason: format!("cannot send the sign-in request: {e}"),
            })?;
        let (status, headers, body) =
            match self.client.execute_capped(request, MAX_OAUTH_BYTES).await {
                Ok(reply) => reply,
                Err(RemoteError::Misbehaved { url, reason }) if self.broken.is_some() => {
                    let broken = self.broken.as_ref().expect("matched");
                    let copy = RemoteError::Misbehaved {
                        url: url.clone(),
                        reason: reason.clone(),
                    };
                    *broken.error.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(RemoteError::Misbehaved { url, reason });
                    broken.notify.notify_one();
                    return Err(copy);
                }
                Err(error) => return Err(error),
            };
        let mut reply = HttpResponse::new(body);
        *reply.status_mut() = status;
        *reply.headers_mut() = headers;
        Ok(reply)
    }
}

impl<'c> AsyncHttpClient<'c> for SignInHttp {
    type Error = RemoteError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, RemoteError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

type DeviceClient = oauth2::Client<
    BasicErrorResponse,
    BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The metadata of the authorization server `issuer` (already `client`'s base): RFC 8414's
/// well-known URL (`/.well-known/oauth-authorization-server` before the issuer's path), else
/// OpenID Connect Discovery's (`/.well-known/openid-configuration` after it). When neither
/// answers, the first one's error is the one said.
async fn issuer_metadata(
    client: &PartnerClient,
    issuer: &str,
) -> Result<AuthorizationServerMetadata, AuthError> {
    let base = Url::parse(issuer).map_err(|e| RemoteError::InvalidServer {
        reason: format!("{issuer:?} is not an issuer URL: {e}"),
    })?;
    let path = base.path().trim_end_matches('/').to_owned();
    let at = |well_known: String| {
        let mut url = base.clone();
        url.set_path(&well_known);
        url.set_query(None);
        url.set_fragment(None);
        url
    };
    let rfc8414 = at(format!("/.well-known/oauth-authorization-server{path}"));
    let openid = at(format!("{path}/.well-known/openid-configuration"));
    let metadata: AuthorizationServerMetadata =
        match client.get_json_capped(&rfc8414, MAX_OAUTH_BYTES).await {
            Ok(metadata) => metadata,
            Err(first) => client
                .get_json_capped(&openid, MAX_OAUTH_BYTES)
                .await
                .map_err(|_| first)?,
        };
    if metadata.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(AuthError::Unsupported {
            server: issuer.to_owned(),
            reason: format!(
                "its metadata names another issuer, {:?} (RFC 8414 §3.3 says they must be the same)",
                metadata.issuer
            ),
        });
    }
    Ok(metadata)
}

impl AuthServer {
    /// Reads the RFC 8414 metadata of `server`, the API server, with this tool's public client:
    /// [`AuthServer::discover_with`] and the default settings.
    pub async fn discover(server: &PartnerClient) -> Result<AuthServer, AuthError> {
        AuthServer::discover_with(server, &SignInSettings::default()).await
    }

    /// Reads the authorization server's metadata: the API server's own (RFC 8414 at
    /// [`paths::METADATA`]), or, when `settings` name an issuer, the issuer's (RFC 8414's
    /// well-known URL, else OpenID Connect's), whose `issuer` must be the one named (RFC 8414
    /// §3.3). Every endpoint must be on the origin the metadata came from, so a tampered document
    /// cannot send codes or tokens elsewhere (and so, off loopback, they use HTTPS). The sign-in's
    /// requests go to that origin without the API token, which stays with `server`.
    pub async fn discover_with(
        server: &PartnerClient,
        settings: &SignInSettings,
    ) -> Result<AuthServer, AuthError> {
        let (server, metadata) = match &settings.issuer {
            None => {
                let url = server.url(paths::METADATA)?;
                let metadata: AuthorizationServerMetadata =
                    server.get_json_capped(&url, MAX_OAUTH_BYTES).await?;
                (server.for_sign_in(), metadata)
            }
            Some(issuer) => {
                let client = PartnerClient::new(issuer)?.for_sign_in();
                let metadata = issuer_metadata(&client, issuer).await?;
                (client, metadata)
            }
        };
        for endpoint in [
            Some(&metadata.token_endpoint),
            Some(&metadata.authorization_endpoint),
            metadata.device_authorization_endpoint.as_ref(),
            metadata.revocation_endpoint.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if !server.owns(endpoint) {
                return Err(AuthError::Unsupported {
                    server: server.server().to_owned(),
                    reason: format!(
                        "its metadata names the endpoint {endpoint}, which is not on this server"
                    ),
                });
            }
        }
        Ok(AuthServer {
            http: SignInHttp {
                client: server,
                broken: None,
            },
            metadata,
            client_id: settings.client_id().to_owned(),
            scopes: settings.scopes.clone(),
        })
    }

    pub fn metadata(&self) -> &AuthorizationServerMetadata {
        &self.metadata
    }

    /// Whether the server offers the device flow; without it, sign in with
    /// [`AuthServer::start_code_flow`].
    pub fn has_device_flow(&self) -> bool {
        self.metadata.device_authorization_endpoint.is_some()
    }

    fn token_url(&self) -> Result<TokenUrl, AuthError> {
        TokenUrl::new(self.metadata.token_endpoint.clone()).map_err(|e| self.bad_metadata(e))
    }

    fn bad_metadata(&self, error: impl std::fmt::Display) -> AuthError {
        AuthError::Unsupported {
            server: self.metadata.issuer.clone(),
            reason: format!("its metadata has an unusable endpoint: {error}"),
        }
    }

    fn device_client(&self) -> Result<DeviceClient, AuthError> {
        let endpoint = self
            .metadata
            .device_authorization_endpoint
            .clone()
            .ok_or_else(|| AuthError::Unsupported {
                server: self.metadata.issuer.clone(),
                reason: "it has no device authorization endpoint".into(),
            })?;
        Ok(BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(self.token_url()?)
            .set_device_authorization_url(
                DeviceAuthorizationUrl::new(endpoint).map_err(|e| self.bad_metadata(e))?,
            ))
    }

    /// Asks for a device code for `scopes`. `now` is the caller's Unix time in seconds.
    /// The scopes to ask for: the profile's, else `default`.
    fn scopes(&self, default: &[&str]) -> Vec<Scope> {
        match &self.scopes {
            Some(scopes) => scopes.iter().map(|s| Scope::new(s.clone())).collect(),
            None => default
                .iter()
                .map(|s| Scope::new((*s).to_owned()))
                .collect(),
        }
    }

    pub async fn start_device_flow(
        &self,
        scopes: &[&str],
        now: i64,
    ) -> Result<DeviceAuthorization, AuthError> {
        let client = self.device_client()?;
        let reply: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(self.scopes(scopes))
            .request_async(&self.http)
            .await
            .map_err(|e| self.token_error(e, false))?;
        let expires_at =
            now.saturating_add(i64::try_from(reply.expires_in().as_secs()).unwrap_or(0));
        Ok(DeviceAuthorization { reply, expires_at })
    }

    /// Polls until the code is approved, denied or expired. `sleep` waits between polls: the
    /// server's interval first, raised by 5 s on each `slow_down` (RFC 8628 §3.5); tests pass one
    /// that moves the sandbox's clock instead of sleeping. Cancel by dropping the future. A poll
    /// failing for a passing reason (no connection) is polled again, as RFC 8628 asks; a reply
    /// that breaks one of the client's bounds ([`crate::bounds`]) ends the flow with
    /// [`RemoteError::Misbehaved`] at once.
    pub async fn finish_device_flow<S, F>(
        &self,
        pending: &DeviceAuthorization,
        sleep: S,
        now: impl Fn() -> i64,
    ) -> Result<TokenSet, AuthError>
    where
        S: Fn(Duration) -> F,
        F: Future<Output = ()>,
    {
        let client = self.device_client()?;
        // The server wants `interval` between the code's issue and the first poll too; oauth2
        // polls at once, so wait first.
        sleep(pending.interval()).await;
        let broken = Arc::new(BrokenBound::default());
        let http = SignInHttp {
            broken: Some(broken.clone()),
            ..self.http.clone()
        };
        let poll = client
            .exchange_device_access_token(&pending.reply)
            .request_async(&http, &sleep, Some(MAX_DEVICE_WAIT));
        // oauth2 takes a failed poll as a passing failure and polls on until the code expires:
        // a server that broke a bound stops it here instead.
        let reply = tokio::select! {
            reply = poll => reply.map_err(|e| self.device_error(e))?,
            error = broken.wait() => return Err(AuthError::Remote(error)),
        };
        Ok(TokenSet::from_reply(&reply, now()))
    }

    /// Trades `refresh_token` for new tokens. The reply's refresh token replaces the spent one:
    /// store it before using the new access token.
    pub async fn refresh(
        &self,
        refresh_token: &SecretToken,
        now: i64,
    ) -> Result<TokenSet, AuthError> {
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(self.token_url()?);
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let reply = client
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(|e| self.token_error(e, true))?;
        Ok(TokenSet::from_reply(&reply, now))
    }

    /// Revokes `token` (RFC 7009). A server without a revocation endpoint has nothing to revoke.
    /// Sent here rather than through oauth2, whose revocation refuses plain HTTP even on
    /// loopback (the embedded sandbox).
    pub async fn revoke(&self, token: &SecretToken, is_refresh: bool) -> Result<(), AuthError> {
        let Some(endpoint) = &self.metadata.revocation_endpoint else {
            return Ok(());
        };
        let form = RevocationRequest {
            token: token.expose().to_owned(),
            token_type_hint: Some(
                if is_refresh {
                    "refresh_token"
                } else {
                    "access_token"
                }
                .into(),
            ),
            client_id: Some(self.client_id.clone()),
        };
        let client = &self.http.client;
        let request = client
            .http()
            .post(endpoint)
            .form(&form)
            .build()
            .map_err(|e| RemoteError::InvalidServer {
                reason: format!("cannot send the revocation: {e}"),
            })?;
        let (status, _, body) = client.execute_capped(request, MAX_OAUTH_BYTES).await?;
        if status.is_success() {
            return Ok(());
        }
        let status = status.as_u16();
        Err(match serde_json::from_slice::<OAuthError>(&body) {
            Ok(error) => AuthError::Refused {
                error: error.error,
                description: error.error_description,
            },
            Err(_) => AuthError::Refused {
                error: format!("HTTP {status}"),
                description: String::new(),
            },
        })
    }

    /// Starts an authorization code sign-in with PKCE (S256) for a loopback `redirect_uri`
    /// (RFC 8252): open [`CodeAuthorization::url`] in the browser, then call
    /// [`AuthServer::finish_code_flow`] with what arrives at the redirect.
    pub fn start_code_flow(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<CodeAuthorization, AuthError> {
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(
                AuthUrl::new(self.metadata.authorization_endpoint.clone())
                    .map_err(|e| self.bad_metadata(e))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| self.bad_metadata(e))?,
            );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes(scopes))
            .set_pkce_challenge(challenge)
            .url();
        Ok(CodeAuthorization {
            url,
            redirect_uri: redirect_uri.to_owned(),
            state,
            verifier,
        })
    }

    /// Trades the code that came back to the redirect for tokens, after checking its `state`.
    pub async fn finish_code_flow(
        &self,
        pending: CodeAuthorization,
        code: &str,
        state: &str,
        now: i64,
    ) -> Result<TokenSet, AuthError> {
        if state != pending.state.secret() {
            return Err(AuthError::Refused {
                error: "invalid_state".into(),
                description: "the browser came back with a different sign-in attempt; start again"
                    .into(),
            });
        }
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(self.token_url()?)
            .set_redirect_uri(
                RedirectUrl::new(pending.redirect_uri.clone()).map_err(|e| self.bad_metadata(e))?,
            );
        let reply = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| self.token_error(e, false))?;
        Ok(TokenSet::from_reply(&reply, now))
    }

    fn parse_error(&self, body: &[u8], error: impl std::fmt::Display) -> AuthError {
        AuthError::Remote(RemoteError::Malformed {
            url: self.metadata.token_endpoint.clone(),
            reason: format!("{error} ({} bytes)", body.len()),
        })
    }

    /// Maps an error of a token, device-code or revocation request. On a refresh,
    /// `invalid_grant` means the session is over.
    fn token_error<T>(
        &self,
        error: RequestTokenError<RemoteError, T>,
        refreshing: bool,
    ) -> AuthError
    where
        T: oauth2::ErrorResponse + 'static,
    {
        match error {
            RequestTokenError::ServerResponse(reply) => {
                let (code, description) = error_fields(&reply);
                if refreshing && code == "invalid_grant" {
                    AuthError::SessionEnded {
                        reason: if description.is_empty() {
                            code
                        } else {
                            description
                        },
                    }
                } else {
                    AuthError::Refused {
                        error: code,
                        description,
                    }
                }
            }
            RequestTokenError::Request(e) => AuthError::Remote(e),
            RequestTokenError::Parse(e, body) => self.parse_error(&body, e),
            RequestTokenError::Other(reason) => self.parse_error(&[], reason),
        }
    }

    fn device_error(
        &self,
        error: RequestTokenError<RemoteError, DeviceCodeErrorResponse>,
    ) -> AuthError {
        match error {
            RequestTokenError::ServerResponse(reply) => match reply.error() {
                DeviceCodeErrorResponseType::AccessDenied => AuthError::Denied,
                DeviceCodeErrorResponseType::ExpiredToken => AuthError::Expired,
                _ => {
                    let (error, description) = error_fields(&reply);
                    AuthError::Refused { error, description }
                }
            },
            other => self.token_error(other, false),
        }
    }
}

/// The `error` code and description of an OAuth error reply, via its JSON form (the one shape
/// every oauth2 error response type shares).
fn error_fields<T: oauth2::ErrorResponse>(reply: &T) -> (String, String) {
    let json = serde_json::to_value(reply).unwrap_or_default();
    let field = |name: &str| {
        json.get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (field("error"), field("error_description"))
}
