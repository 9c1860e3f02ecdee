//! Which Partner Project server to talk to (a profile's, see [`crate::profiles`]). By default the
//! app runs the sandbox embedded: in-process, on a loopback port the OS picks, with its data
//! beside the cache in the `sandbox` profile's folder, so a new user sees something real at
//! first start.
//!
//! # `PWB_TOKEN`
//!
//! An access token in `PWB_TOKEN` (CI, scripts) is sent only to the server it was given for:
//! the one named with it, by URL (`--server` / `PWB_SERVER`) or by profile (`--profile` /
//! `PWB_PROFILE`). With neither named, it is sent nowhere, not to the active profile's server:
//! the active profile is a setting of the machine that `pwb profile use` or the window changes
//! at any time, and a token must not follow it to another server. [`ignored_token_note`] says
//! so, and how to name the server. The embedded sandbox never gets it (it needs none).
//!
//! Which server was named is recorded once per process: `pwb` does it with [`name_token_server`]
//! from its command line and environment; in a program that does not (the desktop app) it is
//! read at first use from `PWB_PROFILE` (the profile of that name in the default data root) or
//! `PWB_SERVER`, as [`Profiles::choose`](crate::profiles::Profiles::choose) reads them. A window
//! that switches to another profile thus leaves the token behind.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::OnceLock;

use partner_sandbox::Sandbox;
use std::time::Duration;

use partner_api::oauth::scopes;
use serde::Serialize;
use time::OffsetDateTime;
use workbench_remote::auth::{AuthServer, SignInSettings};
use workbench_remote::{PartnerClient, SecretToken};

use crate::{PullProgress, PullReport, Workbench, WorkbenchError};

/// The environment variable that points the app and `pwb` at a server by URL instead of the
/// active profile (see [`crate::profiles::Profiles::choose`]).
pub const SERVER_ENV: &str = "PWB_SERVER";
/// The environment variable holding an access token for the server named with it, by URL or
/// by profile (CI, scripts); see the module's documentation.
pub const TOKEN_ENV: &str = "PWB_TOKEN";
/// How long the embedded sandbox's token for this process lives: longer than any session.
const EMBEDDED_TOKEN_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerChoice {
    /// The sandbox, started in-process with the demo seed.
    Embedded,
    /// A server that speaks the API contract, by base URL, and where its partners sign in.
    Url(String, SignInSettings),
}

impl ServerChoice {
    /// The server at `url`, signed in to through its own metadata with this tool's client.
    pub fn url(url: impl Into<String>) -> ServerChoice {
        ServerChoice::Url(url.into(), SignInSettings::default())
    }

    /// Where and as whom this server's partners sign in.
    pub fn sign_in(&self) -> SignInSettings {
        match self {
            ServerChoice::Embedded => SignInSettings::default(),
            ServerChoice::Url(_, sign_in) => sign_in.clone(),
        }
    }

    /// How the server is named in a status: its URL, or "the embedded sandbox".
    pub fn label(&self) -> &str {
        match self {
            ServerChoice::Embedded => "the embedded sandbox",
            ServerChoice::Url(url, _) => url,
        }
    }
}

/// How a connection's requests are let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The token of the account signed in to this server, from the keyring.
    Account,
    /// `PWB_TOKEN`, for CI and scripts, on the server named with it.
    Environment,
    /// Not signed in to the embedded sandbox: it lets its own process in as the demo partner.
    Demo,
    /// No token: the server will say "not signed in".
    None,
}

/// `PWB_TOKEN`, when set and not blank.
fn environment_token() -> Option<String> {
    std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The [identity](ServerChoice::identity) of the server `PWB_TOKEN` was given for, or `None`
/// when none was named; recorded once per process (see the module's documentation).
static TOKEN_SERVER: OnceLock<Option<String>> = OnceLock::new();

/// Records, once for this process and before any connection, the server named for `PWB_TOKEN`:
/// the server of the profile named by `--profile` / `PWB_PROFILE`, or the one given by
/// `--server` / `PWB_SERVER`; `None` when neither was named, and `PWB_TOKEN` is sent nowhere.
/// A later call changes nothing.
pub fn name_token_server(server: Option<&ServerChoice>) {
    let _ = TOKEN_SERVER.set(server.map(ServerChoice::identity));
}

/// The identity of the server named for `PWB_TOKEN`: as recorded by [`name_token_server`], else
/// read from the environment.
fn token_server() -> Option<&'static str> {
    TOKEN_SERVER
        .get_or_init(|| {
            named_in(
                std::env::var(crate::profiles::PROFILE_ENV).ok().as_deref(),
                std::env::var(SERVER_ENV).ok().as_deref(),
                crate::profiles::Profiles::open_default,
            )
        })
        .as_deref()
}

/// The identity of the server that `profile` (a profile's name) or `server` (a URL) names, as
/// [`Profiles::choose`](crate::profiles::Profiles::choose) would pick it from `profiles`; `None`
/// when neither is given (blank is not given) or what is given names no server.
fn named_in(
    profile: Option<&str>,
    server: Option<&str>,
    profiles: impl FnOnce() -> Result<crate::profiles::Profiles, WorkbenchError>,
) -> Option<String> {
    let given = |value: Option<&str>| value.is_some_and(|v| !v.trim().is_empty());
    match (given(profile), given(server)) {
        (false, false) => None,
        // Both at once is refused by `choose`; a URL alone needs no data root to be named.
        (false, true) => crate::profiles::normalize_url(server?).ok(),
        (true, _) => profiles()
            .and_then(|profiles| profiles.choose(profile, server))
            .ok()
            .map(|profile| profile.server.identity()),
    }
}

/// Whether `PWB_TOKEN`, given for the server whose identity is `named`, goes to `choice`: only
/// to that server, and never to the embedded sandbox.
fn token_goes_to(choice: &ServerChoice, named: Option<&str>) -> bool {
    matches!(choice, ServerChoice::Url(..)) && named.is_some_and(|named| named == choice.identity())
}

/// What to tell the person when `PWB_TOKEN` is set but no server was named for it, so it is
/// sent nowhere; `None` otherwise.
pub fn ignored_token_note() -> Option<String> {
    (environment_token().is_some() && token_server().is_none()).then(|| {
        format!(
            "{TOKEN_ENV} is ignored: it is sent only to the server it is given for, and none is \
             named; name it with --server URL ({SERVER_ENV}) or --profile NAME ({})",
            crate::profiles::PROFILE_ENV
        )
    })
}

/// How [`Connection::open`] will let requests to `choice` in, given whether an account is signed
/// in to it: `PWB_TOKEN` when `choice` is the server named for it (see the module's
/// documentation), else the account, else the embedded sandbox's demo access, else nothing.
pub fn expected_access(choice: &ServerChoice, signed_in: bool) -> Access {
    match choice {
        _ if environment_token().is_some() && token_goes_to(choice, token_server()) => {
            Access::Environment
        }
        _ if signed_in => Access::Account,
        ServerChoice::Embedded => Access::Demo,
        ServerChoice::Url(..) => Access::None,
    }
}

impl ServerChoice {
    /// The server an account is recorded against: its base URL without a trailing slash, or
    /// `embedded-sandbox` (whose port changes from run to run).
    pub fn identity(&self) -> String {
        match self {
            ServerChoice::Embedded => "embedded-sandbox".to_owned(),
            ServerChoice::Url(url, _) => url.trim().trim_end_matches('/').to_owned(),
        }
    }
}

/// A client of the chosen server, and the embedded sandbox when that is the choice: it serves
/// as long as this value lives.
pub struct Connection {
    pub client: PartnerClient,
    pub sandbox: Option<Sandbox>,
    /// How requests are let in.
    pub access: Access,
    /// The authorization server, discovered when an account's tokens may need a refresh.
    pub auth: Option<AuthServer>,
    /// Where and as whom to sign in, from the chosen server.
    pub sign_in: SignInSettings,
}

impl Connection {
    /// Starts the embedded sandbox (its data in `data_dir/sandbox`) or checks the server's URL,
    /// then signs the client in: `PWB_TOKEN` for the server named with it when set, else the token
    /// of the account signed in to this same server (refreshed first when about to expire), else
    /// the embedded sandbox's demo access, else nothing. An account's token is never sent to
    /// another server than the one it was signed in to.
    pub async fn open(
        choice: &ServerChoice,
        workbench: &Workbench,
        now: i64,
    ) -> Result<Connection, WorkbenchError> {
        let mut connection = Connection::start(choice, workbench.data_dir()).await?;
        connection.authorize(choice, workbench, now).await?;
        Ok(connection)
    }

    /// Decides again how this connection's requests are let in, as [`Connection::open`] does,
    /// keeping the server (and the embedded sandbox) running: after a sign-in, a sign-out, or a
    /// session the server ended. `choice` is the server this connection was started for.
    pub async fn authorize(
        &mut self,
        choice: &ServerChoice,
        workbench: &Workbench,
        now: i64,
    ) -> Result<(), WorkbenchError> {
        // A fresh client: the previous token (spent, revoked, another account's) goes. Requests
        // that meet an overloaded or flaky server (429, 5xx, a dropped connection) are retried
        // with backoff; every write carries an idempotency key, so a retry never applies twice.
        let mut client = PartnerClient::new(self.client.server())?
            .with_retry(workbench_remote::RetryPolicy::default());
        let account = workbench
            .account()?
            .filter(|account| account.server == choice.identity());
        let access = expected_access(choice, account.is_some());
        match (access, &self.sandbox) {
            (Access::Environment, _) => {
                let token = environment_token().expect("expected_access saw it");
                client = client.with_token(SecretToken::new(token));
            }
            (Access::Account, _) => {
                let server = match self.auth.take() {
                    Some(server) => server,
                    None => AuthServer::discover_with(&client, &self.sign_in).await?,
                };
                let token = workbench.access_token(&server, now).await;
                self.auth = Some(server);
                match token {
                    Ok(token) => client = client.with_token(token),
                    Err(e) => {
                        // No stale token stays behind: the connection is left without one.
                        self.client = client;
                        self.access = Access::None;
                        return Err(e);
                    }
                }
            }
            (Access::Demo, Some(sandbox)) => {
                // Not signed in to the embedded sandbox: it trusts its own process, so a new
                // user sees the demo partner's apps at once. Signing in to it works like any
                // server's.
                let token = sandbox.issue_token_for(&scopes::ALL, EMBEDDED_TOKEN_LIFETIME)?;
                client = client.with_token(SecretToken::new(token.access_token));
            }
            (Access::Demo | Access::None, _) => {}
        }
        self.client = client;
        self.access = access;
        Ok(())
    }

    /// The chosen server with no token yet (to sign in): the embedded sandbox started, or the
    /// URL checked.
    pub async fn start(
        choice: &ServerChoice,
        data_dir: &Path,
    ) -> Result<Connection, WorkbenchError> {
        let (client, sandbox) = match choice {
            ServerChoice::Url(url, _) => (PartnerClient::new(url)?, None),
            ServerChoice::Embedded => {
                let config = partner_sandbox::Config::new(data_dir.join("sandbox"));
                let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let sandbox = Sandbox::start(config, listen).await?;
                (PartnerClient::new(&sandbox.base_url())?, Some(sandbox))
            }
        };
        Ok(Connection {
            client,
            sandbox,
            access: Access::None,
            auth: None,
            sign_in: choice.sign_in(),
        })
    }

    /// The authorization server of this connection's server, discovered on first use.
    pub async fn auth_server(&mut self) -> Result<&AuthServer, WorkbenchError> {
        if self.auth.is_none() {
            self.auth = Some(AuthServer::discover_with(&self.client, &self.sign_in).await?);
        }
        Ok(self.auth.as_ref().expect("set above"))
    }

    /// Stops the embedded sandbox, if any, letting its requests finish.
    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.stop().await;
        }
    }
}

impl Workbench {
    /// Runs `call` with `connection`'s client; when the server answers 401 to an account's
    /// token (it expired while the connection was kept), refreshes the token once, keeps the
    /// new one in `connection` and runs `call` again. A 401 means nothing was done, so the
    /// second run is no repeat. Every request of a kept connection goes through here: the sync
    /// and each live call (installations, OAuth clients, the account).
    pub async fn with_fresh_token<T, F, Fut>(
        &self,
        connection: &mut Connection,
        now: i64,
        call: F,
    ) -> Result<T, WorkbenchError>
    where
        F: Fn(PartnerClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, WorkbenchError>>,
    {
        match call(connection.client.clone()).await {
            Err(WorkbenchError::NotSignedIn(_)) if connection.access == Access::Account => {
                let rejected = connection.client.token().cloned();
                let auth = connection.auth_server().await?;
                let token = match rejected {
                    Some(rejected) => self.refresh_access_token(auth, &rejected, now).await?,
                    None => self.access_token(auth, now).await?,
                };
                connection.client = connection.client.clone().with_token(token);
                call(connection.client.clone()).await
            }
            other => other,
        }
    }

    /// [`Workbench::pull`] through `connection`; when the server answers 401 to an account's
    /// token, refreshes it once and tries again ([`Workbench::with_fresh_token`]).
    pub async fn sync(
        &self,
        connection: &mut Connection,
        started_at: OffsetDateTime,
        on_progress: impl Fn(PullProgress),
    ) -> Result<PullReport, WorkbenchError> {
        let on_progress = &on_progress;
        self.with_fresh_token(
            connection,
            started_at.unix_timestamp(),
            |client| async move { self.pull(&client, started_at, on_progress).await },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::Profiles;

    const URL: &str = "https://partner.example.com";

    fn url(text: &str) -> ServerChoice {
        ServerChoice::url(text)
    }

    #[test]
    fn the_token_goes_only_to_the_server_named_for_it() {
        assert!(token_goes_to(&url(URL), Some(URL)));
        assert!(
            token_goes_to(&url(&format!("{URL}/")), Some(URL)),
            "the same server, however its URL ends"
        );
        assert!(!token_goes_to(&url(URL), None), "none named: sent nowhere");
        assert!(!token_goes_to(
            &url("https://api.talkdeskapp.eu"),
            Some(URL)
        ));
        assert!(
            !token_goes_to(&ServerChoice::Embedded, Some("embedded-sandbox")),
            "the embedded sandbox needs none"
        );
    }

    #[test]
    fn the_server_is_named_by_url_or_by_profile_never_by_the_active_profile() {
        let root = tempfile::tempdir().unwrap();
        let profiles = || -> Result<Profiles, WorkbenchError> { Ok(Profiles::at(root.path())) };
        profiles()
            .unwrap()
            .add("local", URL, &SignInSettings::default())
            .unwrap();
        profiles().unwrap().set_active("local").unwrap();
        let no_root =
            || -> Result<Profiles, WorkbenchError> { panic!("a URL alone needs no data root") };

        assert_eq!(
            named_in(None, None, profiles),
            None,
            "the active profile is not named"
        );
        assert_eq!(
            named_in(Some(" "), Some(""), profiles),
            None,
            "blank is not named"
        );
        assert_eq!(
            named_in(None, Some(&format!("{URL}/")), no_root).as_deref(),
            Some(URL)
        );
        assert_eq!(
            named_in(Some("local"), None, profiles).as_deref(),
            Some(URL)
        );
        assert_eq!(
            named_in(Some("eu"), None, profiles).as_deref(),
            Some("https://api.talkdeskapp.eu")
        );
        assert_eq!(
            named_in(Some("sandbox"), None, profiles).as_deref(),
            Some("embedded-sandbox")
        );
        assert_eq!(
            named_in(Some("nope"), None, profiles),
            None,
            "no such profile"
        );
        assert_eq!(named_in(None, Some("not a url"), no_root), None);
        assert_eq!(
            named_in(Some("local"), Some(URL), profiles),
            None,
            "both at once is refused"
        );
    }
}
