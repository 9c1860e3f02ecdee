//! The partner's live resources: installations of an app and the decision on a pending one,
//! the partner's OAuth API clients, the account, and a version's private install link. None of it is cached: each call asks the
//! server. A created client's secret comes back as a [`ClientSecret`], whose `Debug` hides it.

use partner_api::account::{self, Account};
use partner_api::installations::{self, Decision, Installation, StateChange, Waiting, waiting};
use partner_api::oauth_clients::{self, CreatedOAuthClient, NewOAuthClient, OAuthClient};
use reqwest::Method;
use reqwest::header::{ETAG, IF_MATCH};

use super::{
    Call, IDEMPOTENCY_KEY, PartnerClient, header_value, idempotency_key, is_loopback, json_body,
    malformed,
};
use crate::RemoteError;
use crate::bounds::MAX_RESOURCE_BYTES;

/// An OAuth client's secret, returned once by the request that created the client. It is a
/// secret: `Debug` prints `<redacted>`, it has no `Display`, and it is not `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// The secret itself, for the one place that shows it to the partner.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// A client just created, and its secret (absent when the server answered a replay of the
/// same `Idempotency-Key`: it keeps only a hash of the secret).
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client: OAuthClient,
    pub secret: Option<ClientSecret>,
}

impl PartnerClient {
    /// Every installation of an app, across all pages.
    pub async fn installations(&self, app_id: &str) -> Result<Vec<Installation>, RemoteError> {
        let url = self.segments(&["apps", app_id, "installations"])?;
        self.collect_url(url, installations::COLLECTION).await
    }

    /// Approves or rejects a pending installation (`POST .../installations/{id}/state`), with
    /// the installation's current ETag as `If-Match` (read first) and `key` as its
    /// `Idempotency-Key`, so a retry after a lost reply gets the decision's reply rather than a
    /// 409. A rejection needs a non-blank reason, refused here before anything is sent. Answers
    /// the installation after the decision.
    pub async fn decide_installation(
        &self,
        app_id: &str,
        id: &str,
        expect: Waiting,
        decision: Decision,
        reason: Option<&str>,
        key: &str,
    ) -> Result<Installation, RemoteError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if decision == Decision::Reject && reason.is_none() {
            return Err(RemoteError::InvalidRequest {
                reason: "a rejection needs a reason the customer will see".to_owned(),
            });
        }
        let url = self.segments(&["apps", app_id, "installations", id])?;
        let current = self
            .exchange(&Call::get(url.clone()), MAX_RESOURCE_BYTES)
            .await?;
        let etag = current
            .headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| malformed(&url, "the installation came without an ETag"))?;
        let installation: Installation = serde_json::from_slice(&current.body)
            .map_err(|e| malformed(&url, &format!("the reply is not an installation: {e}")))?;
        // The decision is on what the partner saw waiting: confirming an installation must not
        // accept an update, nor the other way round. The ETag sent below pins that state.
        let waits = waiting(installation.state, installation.update);
        if waits != Some(expect) {
            return Err(RemoteError::InvalidRequest {
                reason: match waits {
                    None => format!(
                        "installation {id} is {} and waits for nothing from you",
                        installation.state.as_str()
                    ),
                    Some(Waiting::Installation) => format!(
                        "installation {id} waits for you to confirm or reject the installation, \
                         not an update"
                    ),
                    Some(Waiting::Update) => format!(
                        "installation {id} is installed; it waits for you to accept or reject \
                         an update"
                    ),
                },
            });
        }
        let state_url = self.segments(&["apps", app_id, "installations", id, "state"])?;
        let change = StateChange {
            state: decision,
            reason: reason.map(str::to_owned),
        };
        let (content_type, body) = json_body(&change)?;
        let call = Call {
            method: Method::POST,
            url: state_url.clone(),
            headers: vec![
                (IF_MATCH, header_value("the If-Match ETag", &etag)?),
                (IDEMPOTENCY_KEY, idempotency_key(key)?),
                (reqwest::header::CONTENT_TYPE, content_type),
            ],
            body: Some(body),
        };
        let reply = self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        serde_json::from_slice(&reply.body).map_err(|e| {
            malformed(
                &state_url,
                &format!("the reply is not an installation: {e}"),
            )
        })
    }

    /// Every OAuth client of the partner, across all pages.
    pub async fn oauth_clients(&self) -> Result<Vec<OAuthClient>, RemoteError> {
        self.collect(oauth_clients::PATH, oauth_clients::COLLECTION)
            .await
    }

    /// Creates an OAuth client (`POST /oauth-clients`) under `key` as its `Idempotency-Key`,
    /// so a retried request creates one client. The reply holds the secret, this once.
    pub async fn create_oauth_client(
        &self,
        new: &NewOAuthClient,
        key: &str,
    ) -> Result<NewClient, RemoteError> {
        let url = self.url(oauth_clients::PATH)?;
        let call = Call::create(url.clone(), key, new)?;
        let reply = self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        let created: CreatedOAuthClient = serde_json::from_slice(&reply.body)
            .map_err(|_| malformed(&url, "the reply is not an OAuth client"))?;
        Ok(NewClient {
            client: created.client,
            secret: created.client_secret.map(ClientSecret),
        })
    }

    /// Deletes an OAuth client (`DELETE /oauth-clients/{id}`) under `key` as its
    /// `Idempotency-Key`, so a retry after a lost reply gets the 204 rather than a 404.
    pub async fn delete_oauth_client(&self, id: &str, key: &str) -> Result<(), RemoteError> {
        let url = self.segments(&["oauth-clients", id])?;
        let call = Call {
            method: Method::DELETE,
            url,
            headers: vec![(IDEMPOTENCY_KEY, idempotency_key(key)?)],
            body: None,
        };
        self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        Ok(())
    }

    /// The partner's licenses and credit balance (`GET /account`).
    pub async fn account(&self) -> Result<Account, RemoteError> {
        let url = self.url(account::PATH)?;
        let reply = self
            .exchange(&Call::get(url.clone()), MAX_RESOURCE_BYTES)
            .await?;
        serde_json::from_slice(&reply.body)
            .map_err(|e| malformed(&url, &format!("the reply is not the account: {e}")))
    }

    /// The link that installs a version privately, to test it (`GET .../install-link`), and
    /// who can install from it. The link must be https, or http on loopback (the sandbox):
    /// anything else is the server's fault, refused rather than shown to be opened.
    pub async fn install_link(
        &self,
        app_id: &str,
        version_id: &str,
    ) -> Result<partner_api::InstallLink, RemoteError> {
        let url = self.segments(&["apps", app_id, "versions", version_id, "install-link"])?;
        let reply = self
            .exchange(&Call::get(url.clone()), MAX_RESOURCE_BYTES)
            .await?;
        let link: partner_api::InstallLink = serde_json::from_slice(&reply.body)
            .map_err(|e| malformed(&url, &format!("the reply is not an install link: {e}")))?;
        let safe = url::Url::parse(&link.url)
            .is_ok_and(|u| u.scheme() == "https" || (u.scheme() == "http" && is_loopback(&u)));
        if !safe {
            return Err(malformed(&url, "the install link is not an https address"));
        }
        Ok(link)
    }
}
