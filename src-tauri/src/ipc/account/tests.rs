//! The sign-in and account types, built from a real device-flow sign-in against the embedded
//! sandbox (over HTTP, approved through its admin route), carry what a person may see and no
//! secret: every string they hold is one of the known, shown values, and none is a token.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde_json::Value;
use workbench::Workbench;
use workbench::secrets::{SecretsError, TokenStore, Vault};
use workbench::server::{Connection, ServerChoice};

use super::*;
use crate::ipc::{CommandError, ErrorCode};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Every string anywhere in `value`, keys excluded.
fn strings(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_real_sign_in_reaches_the_window_without_a_token_or_the_device_code() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = Workbench::open(dir.path()).unwrap();
    let choice = ServerChoice::Embedded;
    let mut connection = Connection::start(&choice, workbench.data_dir())
        .await
        .unwrap();
    let auth = connection.auth_server().await.unwrap().clone();
    assert!(auth.has_device_flow(), "the sandbox offers the device flow");
    let pending = workbench
        .start_sign_in(auth.clone(), &choice.identity(), now())
        .await
        .unwrap();

    // What the sign-in screen gets: the code, the pages, the QR code of the complete page, the
    // expiry; nothing else (the device code stays in `pending`).
    let started = serde_json::to_value(SignInStarted::device(7, choice.label(), &pending)).unwrap();
    let device = &pending.device;
    let complete = device
        .verification_uri_complete()
        .expect("the sandbox gives the complete page");
    assert!(complete.contains(device.user_code()));
    assert_eq!(
        keys(&started),
        [
            "method",
            "attempt",
            "server",
            "user_code",
            "verification_uri",
            "verification_uri_complete",
            "qr_code",
            "expires_at"
        ]
        .map(String::from)
        .into(),
    );
    assert_eq!(started["method"], "device");
    assert_eq!(started["attempt"], 7);
    let qr = qr_code(complete).unwrap();
    let expected: BTreeSet<String> = [
        "device",
        choice.label(),
        device.user_code(),
        device.verification_uri(),
        complete,
        &qr,
        &rfc3339(device.expires_at),
    ]
    .map(String::from)
    .into();
    let mut sent = BTreeSet::new();
    strings(&started, &mut sent);
    assert_eq!(
        sent, expected,
        "every string sent is one the person may see"
    );
    let svg = base64::engine::general_purpose::STANDARD
        .decode(qr.strip_prefix("data:image/svg+xml;base64,").unwrap())
        .unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("<path"),
        "an SVG image"
    );
    assert!(
        !svg.contains("<script") && !svg.contains("href"),
        "an inert image"
    );
    let expires = time::OffsetDateTime::parse(
        started["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(expires.unix_timestamp() > now(), "the code expires later");

    // The person approves; the tokens go to the (file) store, where this test can read them.
    let base = connection.client.server().to_owned();
    let approve = reqwest::Client::new()
        .post(format!(
            "{base}/_sandbox/device-codes/{}/approve",
            device.user_code()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status().as_u16(), 204);
    let store = TokenStore::file(dir.path());
    let clock = connection.sandbox.as_ref().unwrap().clock().clone();
    let account = workbench
        .finish_sign_in(
            pending,
            &store,
            |wait: Duration| {
                clock.advance(wait);
                std::future::ready(())
            },
            now,
        )
        .await
        .expect("approved");
    let tokens = store.load(&account.key).unwrap().expect("tokens kept");
    let secrets = [
        tokens.access_token.expose().to_owned(),
        tokens
            .refresh_token
            .as_ref()
            .expect("a refresh token")
            .expose()
            .to_owned(),
        account.key.clone(),
    ];

    let view = AccountView::new(&choice, Some(account.clone()));
    assert_eq!(view.access, Access::Account);
    let shown = view.account.clone().expect("signed in");
    assert_eq!(shown.server, "the embedded sandbox");
    assert!(shown.current_server);
    assert_eq!(shown.vault, TokenVault::File);
    assert_eq!(shown.token_kept_in, Vault::File.describe());
    assert!(!shown.scopes.is_empty());
    let event = SignInEvent {
        attempt: 7,
        state: SignInState::SignedIn,
        message: None,
        account: Some(view.clone()),
    };
    let done = workbench.sign_out(Some(&auth)).await.unwrap();
    assert_eq!(done.not_revoked, None, "revoked on the sandbox");
    let after = SignOutResult::new(
        done,
        AccountView::new(&choice, workbench.account().unwrap()),
    );
    assert_eq!(after.account.access, Access::Demo);
    assert_eq!(after.account.account, None);

    for json in [
        serde_json::to_string(&view).unwrap(),
        serde_json::to_string(&event).unwrap(),
        serde_json::to_string(&after).unwrap(),
    ] {
        for secret in &secrets {
            assert!(!json.contains(secret.as_str()), "a secret in {json}");
        }
    }
    connection.close().await;
}

#[test]
fn an_account_of_another_server_is_named_by_its_own_server_and_not_used() {
    let account = Account {
        key: "account-0123".into(),
        server: "https://partners.example.com".into(),
        vault: Vault::SecretService,
        scopes: vec!["apps:read".into()],
        signed_in_at: 1_741_080_600,
    };
    let view = AccountView::new(&ServerChoice::Embedded, Some(account));
    assert_eq!(view.access, Access::Demo, "not signed in to the sandbox");
    let shown = view.account.unwrap();
    assert_eq!(shown.server, "https://partners.example.com");
    assert!(!shown.current_server);
    assert_eq!(shown.signed_in_at, "2025-03-04T09:30:00Z");
    assert_eq!(shown.token_kept_in, Vault::SecretService.describe());
}

#[test]
fn no_keyring_has_its_own_code_so_the_window_can_offer_the_file_store() {
    let error = CommandError::from(workbench::WorkbenchError::Secrets(
        SecretsError::NoKeyring {
            secret_service: "no D-Bus session".into(),
            kernel: "not permitted".into(),
        },
    ));
    assert_eq!(error.code, ErrorCode::NoKeyring);
    assert!(
        error.message.contains("no D-Bus session"),
        "{}",
        error.message
    );
    let failed = CommandError::from(workbench::WorkbenchError::Secrets(SecretsError::Failed {
        vault: Vault::SecretService,
        reason: "locked".into(),
    }));
    assert_eq!(failed.code, ErrorCode::Keyring);
}

#[test]
fn a_sync_refused_for_want_of_a_token_is_the_not_signed_in_state() {
    use crate::ipc::{SyncState, SyncStatus};
    let status = |phase, error_code| {
        SyncStatus::from(workbench::SyncStatus {
            phase,
            server: Some("https://partners.example.com".into()),
            last_synced_at: None,
            message: Some("not signed in".into()),
            error_code,
            pending: 0,
            held: 0,
            conflicts: 0,
        })
    };
    use workbench::{ErrorCode as Core, SyncPhase};
    assert_eq!(
        status(SyncPhase::Error, Some(Core::NotSignedIn)).state,
        SyncState::NotSignedIn
    );
    assert_eq!(
        status(SyncPhase::Error, Some(Core::ServerError)).state,
        SyncState::Error
    );
    assert_eq!(
        status(SyncPhase::Offline, Some(Core::ServerUnreachable)).state,
        SyncState::Offline
    );
}
