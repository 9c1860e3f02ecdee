//! Signing one profile in and out, and the access token its requests carry (SPEC §4 "Auth",
//! §6 "Secrets").
//!
//! What is known about the signed-in account and is not secret (the server, the scopes, where
//! the tokens are kept) is `account.json` in the profile's data folder; the tokens themselves
//! are only in the [`TokenStore`] it names. Signing out, or a refresh the server refuses, removes
//! both and leaves the cache (drafts, outbox) as it is, so signing in again resumes.
//!
//! Several programs share one sign-in: the desktop app and `pwb`, or two `pwb` runs in a script.
//! The server rotates refresh tokens and takes a second use of a spent one as theft, ending the
//! whole sign-in; so load → refresh → save, signing in and signing out all run under the
//! profile's account lock (`account.lock`, an OS file lock), and a program that waited for it
//! reads the tokens again and uses the ones the other program just saved. A new sign-in saves its
//! tokens and account before the old tokens are deleted.

use std::fs;
use std::future::Future;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use partner_api::oauth::scopes;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use workbench_remote::SecretToken;
use workbench_remote::auth::{AuthError, AuthServer, DeviceAuthorization, TokenSet};

use crate::loopback;
use crate::secrets::{TokenStore, Vault};
use crate::{Workbench, WorkbenchError};

/// A token this close to its expiry (seconds) is refreshed before it is used.
pub const REFRESH_MARGIN: i64 = 60;

/// How long a program waits for another program's refresh of the same account (the desktop app
/// and `pwb`, or two `pwb` runs) before giving up without signing out. A refresh is one request,
/// bounded by the client's timeouts; this only has to outlast the slowest of those.
const ACCOUNT_LOCK_WAIT: Duration = Duration::from_secs(90);

/// How often a waiting program tries the account lock again.
const ACCOUNT_LOCK_POLL: Duration = Duration::from_millis(25);

/// The lock file, beside `account.json`, that serialises load → refresh → save across processes.
const ACCOUNT_LOCK_FILE: &str = "account.lock";

/// The account signed in to a profile, as `account.json` keeps it. No secret in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The key of the tokens in the vault.
    pub key: String,
    /// The server signed in to: its [`ServerChoice::identity`](crate::server::ServerChoice::identity).
    /// Its tokens are only ever sent there.
    pub server: String,
    pub vault: Vault,
    pub scopes: Vec<String>,
    /// Unix seconds.
    pub signed_in_at: i64,
}

/// A device-flow sign-in waiting for the person to approve it.
#[derive(Debug)]
pub struct PendingSignIn {
    server: AuthServer,
    pub device: DeviceAuthorization,
    identity: String,
}

/// The account signed in to the profile whose data folder is `data_dir`, if any, read without
/// opening its cache (`pwb profile list` asks this of every profile).
pub(crate) fn account_in(data_dir: &Path) -> Result<Option<Account>, WorkbenchError> {
    let path = data_dir.join("account.json");
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            WorkbenchError::Settings(format!(
                "{} cannot be read ({e}); sign in again",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(WorkbenchError::Settings(format!("{}: {e}", path.display()))),
    }
}

impl Workbench {
    fn account_path(&self) -> PathBuf {
        self.data_dir.join("account.json")
    }

    /// The account signed in to this profile, if any.
    pub fn account(&self) -> Result<Option<Account>, WorkbenchError> {
        account_in(&self.data_dir)
    }

    fn save_account(&self, account: &Account) -> Result<(), WorkbenchError> {
        let path = self.account_path();
        let settings =
            |e: std::io::Error| WorkbenchError::Settings(format!("{}: {e}", path.display()));
        let json = serde_json::to_vec_pretty(account).expect("an account serializes");
        crate::atomic::write(&path, &json, 0o644).map_err(settings)
    }

    /// Takes this profile's account lock: one program at a time loads, refreshes and saves its
    /// tokens, or signs in or out. Without it, two programs refreshing the same rotating refresh
    /// token at once look like token theft to the server, which then ends the whole sign-in.
    /// The OS's advisory file lock goes with the returned file, so a crashed holder frees it.
    async fn lock_account(&self) -> Result<fs::File, WorkbenchError> {
        let path = self.data_dir.join(ACCOUNT_LOCK_FILE);
        let settings =
            |e: std::io::Error| WorkbenchError::Settings(format!("{}: {e}", path.display()));
        fs::create_dir_all(&self.data_dir).map_err(settings)?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(settings)?;
        let deadline = tokio::time::Instant::now() + ACCOUNT_LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(ACCOUNT_LOCK_POLL).await;
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(WorkbenchError::Settings(format!(
                        "another program has been renewing this profile's sign-in for {} s ({} is locked); \
                         try again, or end that program",
                        ACCOUNT_LOCK_WAIT.as_secs(),
                        path.display()
                    )));
                }
                Err(fs::TryLockError::Error(e)) => return Err(settings(e)),
            }
        }
    }

    fn forget_account(&self, account: &Account) -> Result<(), WorkbenchError> {
        TokenStore::at(account.vault, &self.data_dir).delete(&account.key)?;
        match fs::remove_file(self.account_path()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(WorkbenchError::Settings(format!(
                "{}: {e}",
                self.account_path().display()
            ))),
        }
    }

    /// Starts a device-flow sign-in to `server` (its metadata already discovered; `identity` is
    /// its [`ServerChoice::identity`](crate::server::ServerChoice::identity)): the code to show,
    /// the page to open. Every scope of the API is asked for.
    pub async fn start_sign_in(
        &self,
        server: AuthServer,
        identity: &str,
        now: i64,
    ) -> Result<PendingSignIn, WorkbenchError> {
        let device = server.start_device_flow(&scopes::ALL, now).await?;
        Ok(PendingSignIn {
            server,
            device,
            identity: identity.to_owned(),
        })
    }

    /// Waits for the person to approve `pending`, then keeps the tokens in `store` and records
    /// the account. `sleep` waits between polls (`tokio::time::sleep` outside tests).
    pub async fn finish_sign_in<S, F>(
        &self,
        pending: PendingSignIn,
        store: &TokenStore,
        sleep: S,
        now: impl Fn() -> i64,
    ) -> Result<Account, WorkbenchError>
    where
        S: Fn(Duration) -> F,
        F: Future<Output = ()>,
    {
        let tokens = pending
            .server
            .finish_device_flow(&pending.device, sleep, &now)
            .await?;
        self.keep_sign_in(&tokens, pending.identity, store, now())
            .await
    }

    /// Signs in through the browser with the authorization code and PKCE (RFC 7636), for a
    /// server whose metadata has no device endpoint: listens on a loopback port (RFC 8252),
    /// hands the authorization page's URL to `open` (print it, or open the browser), waits for
    /// the browser to come back there, then trades the code for tokens kept in `store`. Gives up
    /// after `wait`.
    pub async fn sign_in_with_browser(
        &self,
        server: &AuthServer,
        identity: &str,
        store: &TokenStore,
        open: impl FnOnce(&str),
        wait: Duration,
        now: impl Fn() -> i64,
    ) -> Result<Account, WorkbenchError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| WorkbenchError::Settings(format!("cannot listen on loopback: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| WorkbenchError::Settings(format!("cannot listen on loopback: {e}")))?
            .port();
        let pending =
            server.start_code_flow(&format!("http://127.0.0.1:{port}/callback"), &scopes::ALL)?;
        open(pending.url.as_str());
        let callback = tokio::time::timeout(wait, loopback::receive(&listener, pending.state()))
            .await
            .map_err(|_| AuthError::Expired)??;
        let tokens = server
            .finish_code_flow(pending, &callback.code, &callback.state, now())
            .await?;
        self.keep_sign_in(&tokens, identity.to_owned(), store, now())
            .await
    }

    /// Keeps a new sign-in: the tokens in `store`, the account recorded. It replaces the
    /// previous account of this profile, whose tokens go only once the new ones are kept: a
    /// failure on the way leaves the old sign-in working, never none.
    async fn keep_sign_in(
        &self,
        tokens: &TokenSet,
        identity: String,
        store: &TokenStore,
        now: i64,
    ) -> Result<Account, WorkbenchError> {
        let _lock = self.lock_account().await?;
        let previous = self.account()?;
        let account = Account {
            key: new_key(),
            server: identity,
            vault: store.vault(),
            scopes: tokens.scopes.clone(),
            signed_in_at: now,
        };
        store.save(&account.key, tokens)?;
        self.save_account(&account)?;
        if let Some(previous) = previous {
            // The new account is recorded: an old entry that cannot be deleted is only clutter.
            let _ = TokenStore::at(previous.vault, &self.data_dir).delete(&previous.key);
        }
        Ok(account)
    }

    /// The access token for a request to `server`: refreshed first when it expires within
    /// [`REFRESH_MARGIN`], the rotated refresh token saved before the new access token is used.
    /// A refused refresh signs the profile out (the cache stays) and answers NotSignedIn.
    pub async fn access_token(
        &self,
        server: &AuthServer,
        now: i64,
    ) -> Result<SecretToken, WorkbenchError> {
        let (_, tokens) = self.signed_in()?;
        if !tokens.expires_within(now, REFRESH_MARGIN) {
            return Ok(tokens.access_token);
        }
        self.refresh_locked(server, None, now).await
    }

    /// Refreshes after the server answered 401 to `rejected`, once; when another program has
    /// already replaced that token, its replacement is used without a second refresh.
    pub async fn refresh_access_token(
        &self,
        server: &AuthServer,
        rejected: &SecretToken,
        now: i64,
    ) -> Result<SecretToken, WorkbenchError> {
        self.refresh_locked(server, Some(rejected), now).await
    }

    /// Load → refresh → save under the account lock. The tokens are read again once the lock is
    /// held: another program (the desktop app, another `pwb`) may have refreshed them while
    /// this one waited, and then its tokens are used as they are.
    async fn refresh_locked(
        &self,
        server: &AuthServer,
        rejected: Option<&SecretToken>,
        now: i64,
    ) -> Result<SecretToken, WorkbenchError> {
        let _lock = self.lock_account().await?;
        let (account, tokens) = self.signed_in()?;
        // Refreshed meanwhile by another program only counts if what it saved is still fresh: a
        // token saved a while ago by `pwb` may itself be near its end by now.
        let needed = tokens.expires_within(now, REFRESH_MARGIN)
            || rejected.is_some_and(|rejected| tokens.access_token == *rejected);
        if !needed {
            return Ok(tokens.access_token);
        }
        self.refresh(server, &account, &tokens, now).await
    }

    fn signed_in(&self) -> Result<(Account, TokenSet), WorkbenchError> {
        let account = self.account()?.ok_or(WorkbenchError::SignedOut {
            reason: "not signed in".into(),
        })?;
        let tokens = TokenStore::at(account.vault, &self.data_dir)
            .load(&account.key)?
            .ok_or_else(|| WorkbenchError::SignedOut {
                reason: format!("no tokens in {}", account.vault.describe()),
            })?;
        Ok((account, tokens))
    }

    async fn refresh(
        &self,
        server: &AuthServer,
        account: &Account,
        tokens: &TokenSet,
        now: i64,
    ) -> Result<SecretToken, WorkbenchError> {
        let Some(refresh_token) = &tokens.refresh_token else {
            self.forget_account(account)?;
            return Err(WorkbenchError::SignedOut {
                reason: "the access token expired and there is no refresh token".into(),
            });
        };
        match server.refresh(refresh_token, now).await {
            Ok(fresh) => self.keep_refreshed(account, refresh_token, fresh),
            Err(AuthError::SessionEnded { reason }) => {
                // A program that renewed the tokens without this lock (an older version, or a
                // store shared another way) leaves newer ones in the store: read them again
                // and try once with those before giving the sign-in up.
                if let Ok((_, stored)) = self.signed_in()
                    && let Some(newer) = stored
                        .refresh_token
                        .as_ref()
                        .filter(|newer| *newer != refresh_token)
                {
                    if !stored.expires_within(now, REFRESH_MARGIN) {
                        return Ok(stored.access_token);
                    }
                    if let Ok(fresh) = server.refresh(newer, now).await {
                        return self.keep_refreshed(account, newer, fresh);
                    }
                }
                self.forget_account(account)?;
                Err(WorkbenchError::SignedOut { reason })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Saves a refresh's tokens before the new access token is used.
    fn keep_refreshed(
        &self,
        account: &Account,
        used: &SecretToken,
        mut fresh: TokenSet,
    ) -> Result<SecretToken, WorkbenchError> {
        // A server that does not rotate keeps the old refresh token valid.
        if fresh.refresh_token.is_none() {
            fresh.refresh_token = Some(used.clone());
        }
        TokenStore::at(account.vault, &self.data_dir).save(&account.key, &fresh)?;
        Ok(fresh.access_token)
    }

    /// Signs out: revokes the tokens on the server, then forgets them and the account, whatever
    /// the server said: an unreachable server cannot keep anyone signed in. The cache is
    /// untouched. Signing out when signed out does nothing.
    pub async fn sign_out(&self, server: Option<&AuthServer>) -> Result<SignOut, WorkbenchError> {
        let _lock = self.lock_account().await?;
        let Some(account) = self.account()? else {
            return Ok(SignOut {
                was_signed_in: false,
                not_revoked: None,
            });
        };
        let store = TokenStore::at(account.vault, &self.data_dir);
        let not_revoked = match (server, store.load(&account.key)) {
            (None, _) => Some("the server was not reachable".to_owned()),
            (Some(_), Ok(None)) => None,
            (Some(_), Err(e)) => Some(e.to_string()),
            (Some(server), Ok(Some(tokens))) => {
                // The refresh token first: on a server that rotates, that ends the whole
                // family; then the access token, for one that does not.
                let mut revoked = Ok(());
                if let Some(refresh) = &tokens.refresh_token {
                    revoked = server.revoke(refresh, true).await;
                }
                revoked
                    .and(server.revoke(&tokens.access_token, false).await)
                    .err()
                    .map(|e| e.to_string())
            }
        };
        self.forget_account(&account)?;
        Ok(SignOut {
            was_signed_in: true,
            not_revoked,
        })
    }
}

/// What [`Workbench::sign_out`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOut {
    pub was_signed_in: bool,
    /// Why the server could not be told to revoke the tokens, if it could not. They are
    /// forgotten here all the same, and expire on their own.
    pub not_revoked: Option<String>,
}

/// A fresh random key for a vault entry: tokens of an old sign-in are never read by a new one.
fn new_key() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    format!("account-{}", hex::encode(bytes))
}
