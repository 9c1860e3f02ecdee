//! Signing in with the device flow against a real sandbox over HTTP, tokens kept in the real
//! OS keyring: approval, `slow_down`, denial, expiry, refresh with rotation, a spent refresh
//! token, sign-out with revocation, and no token string anywhere in the data folder.
//!
//! The keyring tests need a Secret Service: `./dev test` runs them inside a private D-Bus
//! session with an unlocked GNOME Keyring, and a kernel session keyring (`keyctl session`).
//! Polling never sleeps: the tests' `sleep` moves the sandbox's clock forward instead.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use workbench::secrets::{TokenStore, Vault};
use workbench::{ErrorCode, Workbench, WorkbenchError};
use workbench_remote::SecretToken;
use workbench_remote::auth::{AuthError, AuthServer, TokenSet};

use crate::support::{Cache, Server, T1, T2};

/// The token store of these tests: the real Secret Service, never a fallback.
fn secret_service() -> TokenStore {
    let store = TokenStore::os().expect("a keyring works (./dev test starts one)");
    assert_eq!(
        store.vault(),
        Vault::SecretService,
        "the keyring tests need the Secret Service: run them through ./dev test, which starts a \
         private D-Bus session with an unlocked GNOME Keyring"
    );
    store
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// What the person does on the verification page while the app polls, at the n-th poll.
#[derive(Clone, Copy)]
enum Person {
    /// Approves before the given poll.
    ApprovesAt(usize),
    DeniesAt(usize),
}

/// The app's waits between polls, as asked; each moves the sandbox's clock by that much
/// (or, for `early`, 1 s less on that wait: a poll that comes too soon).
struct Polls {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl Polls {
    fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

async fn sign_in(
    server: &Server,
    workbench: &Workbench,
    store: &TokenStore,
    person: Person,
    early: Option<usize>,
) -> (Result<workbench::account::Account, WorkbenchError>, Polls) {
    let auth = AuthServer::discover(&server.client_without_token())
        .await
        .expect("the sandbox publishes its metadata");
    assert!(auth.has_device_flow());
    let pending = workbench
        .start_sign_in(auth, server.base_url(), now())
        .await
        .expect("a device code");
    let user_code = pending.device.user_code().to_owned();
    assert!(
        pending
            .device
            .verification_uri_complete()
            .is_some_and(|uri| uri.contains(&user_code)),
        "the complete URI carries the code, for the QR code"
    );
    let waits = Arc::new(Mutex::new(Vec::new()));
    let clock = server.clock();
    let sleep = {
        let waits = waits.clone();
        move |wait: Duration| {
            let call = {
                let mut waits = waits.lock().unwrap();
                waits.push(wait);
                waits.len()
            };
            let clock = clock.clone();
            let code = user_code.clone();
            async move {
                let step = if early == Some(call) {
                    wait - Duration::from_secs(1)
                } else {
                    wait
                };
                clock.advance(step);
                let decide = match person {
                    Person::ApprovesAt(n) if n == call => Some("approve"),
                    Person::DeniesAt(n) if n == call => Some("deny"),
                    _ => None,
                };
                if let Some(decision) = decide {
                    assert_eq!(
                        server
                            .admin_post(&format!("device-codes/{code}/{decision}"))
                            .await,
                        204,
                        "the sandbox takes the person's decision"
                    );
                }
            }
        }
    };
    let result = workbench.finish_sign_in(pending, store, sleep, now).await;
    (result, Polls { waits })
}

/// Signed in at the first poll: the account, its tokens as stored, and the server's metadata.
async fn signed_in(
    server: &Server,
    cache: &Cache,
    store: &TokenStore,
) -> (workbench::account::Account, TokenSet, AuthServer) {
    let (account, _) = sign_in(server, &cache.workbench, store, Person::ApprovesAt(1), None).await;
    let account = account.expect("signed in once approved");
    let tokens = store
        .load(&account.key)
        .unwrap()
        .expect("the tokens are in the keyring");
    let auth = AuthServer::discover(&server.client_without_token())
        .await
        .unwrap();
    (account, tokens, auth)
}

#[tokio::test]
async fn approved_device_code_keeps_the_tokens_in_the_secret_service_only() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();

    let (account, polls) = sign_in(
        &server,
        &cache.workbench,
        &store,
        Person::ApprovesAt(3),
        None,
    )
    .await;
    let account = account.expect("signed in once approved");

    assert_eq!(polls.waits().len(), 3, "pending twice, then approved");
    assert!(
        polls.waits().iter().all(|w| *w == Duration::from_secs(5)),
        "the server's interval is kept while nothing says slow down: {:?}",
        polls.waits()
    );
    assert_eq!(account.vault, Vault::SecretService);
    assert_eq!(
        cache.workbench.account().unwrap().as_ref(),
        Some(&account),
        "the account is recorded"
    );
    let tokens = store
        .load(&account.key)
        .unwrap()
        .expect("the tokens are in the keyring");
    assert!(tokens.refresh_token.is_some(), "a refresh token came too");

    // The tokens work: a pull with them fills the cache.
    let auth = AuthServer::discover(&server.client_without_token())
        .await
        .unwrap();
    let token = cache.workbench.access_token(&auth, now()).await.unwrap();
    assert_eq!(token, tokens.access_token, "a fresh token is used as it is");
    cache
        .pull(&server.client_without_token().with_token(token), T1)
        .await
        .expect("a pull with the signed-in token");
    assert!(!cache.workbench.list_apps().unwrap().is_empty());

    cache.workbench.sign_out(Some(&auth)).await.unwrap();
    assert_no_token_in_data_folder(&cache, &tokens);
}

#[tokio::test]
async fn slow_down_raises_the_polling_interval_by_five_seconds() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();

    // The second poll comes a second early: the server answers slow_down.
    let (account, polls) = sign_in(
        &server,
        &cache.workbench,
        &store,
        Person::ApprovesAt(4),
        Some(2),
    )
    .await;
    account.expect("signed in once approved, slow_down notwithstanding");

    let waits = polls.waits();
    assert_eq!(waits[0], Duration::from_secs(5));
    assert_eq!(
        waits[1],
        Duration::from_secs(5),
        "the early wait was asked as 5 s"
    );
    assert_eq!(
        waits[2],
        Duration::from_secs(10),
        "after slow_down the interval is 5 s longer: {waits:?}"
    );
    assert_eq!(
        waits[3],
        Duration::from_secs(10),
        "and stays raised: {waits:?}"
    );
    cache.workbench.sign_out(None).await.unwrap();
}

#[tokio::test]
async fn a_denied_code_ends_with_a_clear_error_and_stores_nothing() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();

    let (result, _) = sign_in(&server, &cache.workbench, &store, Person::DeniesAt(2), None).await;
    let error = result.expect_err("a denied sign-in fails");

    assert!(
        matches!(error, WorkbenchError::Auth(AuthError::Denied)),
        "{error:?}"
    );
    assert_eq!(error.code(), ErrorCode::SignIn);
    assert!(error.to_string().contains("start again"), "{error}");
    assert_eq!(
        cache.workbench.account().unwrap(),
        None,
        "no account recorded"
    );
}

#[tokio::test]
async fn an_expired_code_ends_with_a_clear_error_and_stores_nothing() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();
    let clock = server.clock();

    // Nobody approves; the sandbox's clock passes the code's 10 minutes.
    let auth = AuthServer::discover(&server.client_without_token())
        .await
        .unwrap();
    let pending = cache
        .workbench
        .start_sign_in(auth, server.base_url(), now())
        .await
        .unwrap();
    assert!(
        pending.device.expires_at > now(),
        "the countdown is in the future"
    );
    let sleep = move |wait: Duration| {
        let clock = clock.clone();
        async move { clock.advance(wait + Duration::from_secs(11 * 60)) }
    };
    let error = cache
        .workbench
        .finish_sign_in(pending, &store, sleep, now)
        .await
        .expect_err("an expired code fails");

    assert!(
        matches!(error, WorkbenchError::Auth(AuthError::Expired)),
        "{error:?}"
    );
    assert!(error.to_string().contains("expired"), "{error}");
    assert_eq!(cache.workbench.account().unwrap(), None);
}

#[tokio::test]
async fn refresh_rotates_and_a_spent_refresh_token_signs_out_keeping_the_cache() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();
    let (account, first, auth) = signed_in(&server, &cache, &store).await;

    // Near expiry, the token is refreshed first and the rotated pair replaces the old one.
    let later = first.expires_at.expect("access tokens expire") - 30;
    let token = cache.workbench.access_token(&auth, later).await.unwrap();
    let second = store.load(&account.key).unwrap().unwrap();
    assert_ne!(token, first.access_token, "a new access token");
    assert_eq!(token, second.access_token, "the stored one is the one used");
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "the refresh token rotated"
    );
    cache
        .pull(&server.client_without_token().with_token(token.clone()), T1)
        .await
        .expect("the refreshed token works");
    let before = cache.image();

    // Someone replays the spent refresh token: the server ends the whole session, and the
    // next refresh signs this profile out, keeping every cached row.
    let replay = auth
        .refresh(first.refresh_token.as_ref().unwrap(), now())
        .await;
    assert!(
        matches!(replay, Err(AuthError::SessionEnded { .. })),
        "a spent refresh token is refused: {replay:?}"
    );
    let error = cache
        .workbench
        .refresh_access_token(&auth, &token, now())
        .await
        .expect_err("the session is over");
    assert_eq!(error.code(), ErrorCode::NotSignedIn, "{error}");
    assert!(error.to_string().contains("cached work is kept"), "{error}");
    assert_eq!(cache.workbench.account().unwrap(), None, "signed out");
    assert_eq!(
        store.load(&account.key).unwrap(),
        None,
        "the keyring entry is gone"
    );
    cache
        .image()
        .assert_unchanged_since(&before, "signing out must not touch the cache");

    // Signing in again resumes on the same cache.
    let (again, _) = sign_in(
        &server,
        &cache.workbench,
        &store,
        Person::ApprovesAt(1),
        None,
    )
    .await;
    again.expect("signed in again");
    let token = cache.workbench.access_token(&auth, now()).await.unwrap();
    cache
        .pull(&server.client_without_token().with_token(token), T2)
        .await
        .expect("a pull after signing in again");
    cache.workbench.sign_out(Some(&auth)).await.unwrap();
    assert_no_token_in_data_folder(&cache, &first);
    assert_no_token_in_data_folder(&cache, &second);
}

#[tokio::test]
async fn sign_out_revokes_the_tokens_and_forgets_them() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();
    let (account, tokens, auth) = signed_in(&server, &cache, &store).await;

    let signed_out = cache.workbench.sign_out(Some(&auth)).await.unwrap();
    assert!(signed_out.was_signed_in);
    assert_eq!(
        signed_out.not_revoked, None,
        "the server revoked the tokens"
    );

    assert_eq!(cache.workbench.account().unwrap(), None);
    assert_eq!(store.load(&account.key).unwrap(), None);
    let refused = cache
        .pull(
            &server
                .client_without_token()
                .with_token(tokens.access_token.clone()),
            T1,
        )
        .await
        .expect_err("a revoked access token is refused");
    assert_eq!(refused.code(), ErrorCode::NotSignedIn);
    assert!(
        matches!(
            auth.refresh(tokens.refresh_token.as_ref().unwrap(), now())
                .await,
            Err(AuthError::SessionEnded { .. })
        ),
        "a revoked refresh token is refused"
    );
    // Signing out twice is harmless.
    assert!(
        !cache
            .workbench
            .sign_out(Some(&auth))
            .await
            .unwrap()
            .was_signed_in
    );
}

#[test]
fn secret_service_and_kernel_keyring_round_trip() {
    let tokens = TokenSet {
        access_token: SecretToken::new("pwb_at_round-trip-access"),
        refresh_token: Some(SecretToken::new("pwb_rt_round-trip-refresh")),
        expires_at: Some(1_900_000_000),
        scopes: vec!["apps:read".into()],
    };
    let dir = tempfile::tempdir().unwrap();
    for store in [
        secret_service(),
        TokenStore::at(Vault::KernelKeyring, dir.path()),
        TokenStore::file(dir.path()),
    ] {
        let key = format!("round-trip-{:?}-{}", store.vault(), std::process::id());
        store.save(&key, &tokens).unwrap();
        assert_eq!(
            store.load(&key).unwrap(),
            Some(tokens.clone()),
            "{:?}",
            store.vault()
        );
        store.delete(&key).unwrap();
        assert_eq!(store.load(&key).unwrap(), None, "{:?}", store.vault());
        store.delete(&key).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("tokens.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the file store is readable by its user alone"
        );
    }
    assert!(
        !format!("{tokens:?}").contains("round-trip"),
        "Debug never shows a token"
    );
}

/// Every file in the data folder (cache, account, settings, logs) is free of the tokens.
fn assert_no_token_in_data_folder(cache: &Cache, tokens: &TokenSet) {
    let mut secrets = vec![tokens.access_token.expose().to_owned()];
    secrets.extend(tokens.refresh_token.iter().map(|t| t.expose().to_owned()));
    let mut stack = vec![cache.workbench.data_dir().to_path_buf()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            for secret in &secrets {
                assert!(
                    !bytes
                        .windows(secret.len())
                        .any(|window| window == secret.as_bytes()),
                    "{} holds a token",
                    path.display()
                );
            }
        }
    }
    assert!(files > 0, "the data folder was scanned");
}

/// After a 401, a token another program saved meanwhile is used only while it is fresh: one it
/// saved a while ago and that is itself near its end is refreshed, not handed back to fail again.
#[tokio::test]
async fn after_a_401_a_newer_stored_token_is_used_only_while_it_is_fresh() {
    let server = Server::demo().await;
    let cache = Cache::new();
    let store = secret_service();
    let (account, first, auth) = signed_in(&server, &cache, &store).await;

    // Another program refreshed: the store holds `second`, this one still sends `first`.
    let soon = first.expires_at.expect("access tokens expire") - 30;
    let second = cache.workbench.access_token(&auth, soon).await.unwrap();
    assert_ne!(second, first.access_token);

    // While `second` is fresh, a 401 to `first` takes it as it is.
    let taken = cache
        .workbench
        .refresh_access_token(&auth, &first.access_token, now())
        .await
        .unwrap();
    assert_eq!(
        taken, second,
        "no second refresh while the newer token is fresh"
    );

    // Once `second` is near its end too, a 401 to `first` refreshes.
    let stored = store.load(&account.key).unwrap().unwrap();
    let later = stored.expires_at.expect("access tokens expire") - 30;
    let third = cache
        .workbench
        .refresh_access_token(&auth, &first.access_token, later)
        .await
        .unwrap();
    assert_ne!(
        third, second,
        "a stale newer token is refreshed, not reused"
    );
    assert_eq!(
        store.load(&account.key).unwrap().unwrap().access_token,
        third
    );
    cache.workbench.sign_out(Some(&auth)).await.unwrap();
}
