//! The partner's live data through the facade: installations with the badges their customers
//! see (the facts from the cache, the clock as an argument), decisions, OAuth clients whose
//! secret is written nowhere, the account, and offline said as such.

use partner_api::installations::Waiting;
use partner_api::oauth_clients::NewOAuthClient;
use time::macros::datetime;
use workbench::{ErrorCode, InstallationDecision, WorkbenchError};
use workbench_domain::badges::Badge;

use crate::support::{Cache, Server, T1};

#[tokio::test]
async fn installations_come_with_their_badges_as_of_the_given_time() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache
        .pull(&client, T1)
        .await
        .expect("a pull fills the cache");

    // Before the March 2026 trials end.
    let early = cache
        .workbench
        .installations(&client, "app-acme-crm", datetime!(2026-03-15 00:00 UTC))
        .await
        .unwrap();
    let find = |list: &[workbench::InstallationView], account: &str| {
        list.iter()
            .find(|i| i.installation.account_name == account)
            .unwrap_or_else(|| panic!("{account}"))
            .clone()
    };
    assert_eq!(
        find(&early, "Globex Support").badges.shown,
        Some(Badge::Installing)
    );
    // After the trial's end: an installation waiting for confirmation is not in the customer's account yet, so
    // an ended trial does not apply to it; it stays Installing.
    let late = cache
        .workbench
        .installations(&client, "app-acme-crm", datetime!(2026-04-02 00:00 UTC))
        .await
        .unwrap();
    let globex = find(&late, "Globex Support");
    assert_eq!(globex.badges.shown, Some(Badge::Installing));
    assert!(globex.badges.covered.is_empty());
    assert_eq!(find(&late, "Massive Dynamic").badges.label, "Failed Update");
    assert_eq!(find(&late, "Pied Piper Desk").badges.label, "Updating");
    // A completed installation on an older version whose trial ended: the upgrade outranks
    // the ended trial, which it covers.
    let oceanic = find(&late, "Oceanic Air");
    assert_eq!(oceanic.version_number.as_deref(), Some("1.0.0"));
    assert_eq!(oceanic.badges.shown, Some(Badge::UpgradeAvailable));
    assert_eq!(oceanic.badges.covered, [Badge::TrialExpired]);
    assert_eq!(oceanic.badges.label, "Upgrade Available");
    // A revoked one on an older version is offered no upgrade: it reads as revoked.
    let stark = find(&late, "Stark Logistics");
    assert_eq!(stark.version_number.as_deref(), Some("1.0.0"));
    assert_eq!(stark.badges.shown, None);
    assert_eq!(stark.badges.label, "Revoked");

    let beacon = cache
        .workbench
        .installations(
            &client,
            "app-beacon-analytics",
            datetime!(2026-04-02 00:00 UTC),
        )
        .await
        .unwrap();
    let wayne = find(&beacon, "Wayne Services");
    assert_eq!(wayne.badges.shown, Some(Badge::ManuallyProvisioned));
    assert_eq!(wayne.badges.label, "Active");

    // With an empty cache the badges still come, without the facts only versions give.
    let empty = Cache::new();
    let bare = empty
        .workbench
        .installations(
            &client,
            "app-beacon-analytics",
            datetime!(2026-04-02 00:00 UTC),
        )
        .await
        .unwrap();
    assert_eq!(find(&bare, "Wayne Services").badges.shown, None);
    assert_eq!(find(&bare, "Wayne Services").version_number, None);
}

#[tokio::test]
async fn a_rejection_without_a_reason_is_refused_before_sending() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    let sent = client.requests_sent();
    for reason in [None, Some("   ")] {
        let error = cache
            .workbench
            .decide_installation(
                &client,
                "app-acme-crm",
                "inst-acme-crm-02",
                Waiting::Installation,
                InstallationDecision::Reject,
                reason,
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
    }
    let long = "x".repeat(2001);
    let error = cache
        .workbench
        .decide_installation(
            &client,
            "app-acme-crm",
            "inst-acme-crm-02",
            Waiting::Installation,
            InstallationDecision::Reject,
            Some(&long),
        )
        .await
        .unwrap_err();
    assert!(error.to_string().contains("2000"), "{error}");
    assert_eq!(client.requests_sent(), sent, "nothing was sent");

    let approved = cache
        .workbench
        .decide_installation(
            &client,
            "app-acme-crm",
            "inst-acme-crm-02",
            Waiting::Installation,
            InstallationDecision::Approve,
            None,
        )
        .await
        .unwrap();
    let served: serde_json::Value = server
        .get_json("/apps/app-acme-crm/installations/inst-acme-crm-02")
        .await;
    assert_eq!(served["state"], "completed");
    assert_eq!(approved.state.as_str(), "completed");
}

/// Whether any file under `dir` holds `needle`.
fn folder_holds(dir: &std::path::Path, needle: &[u8]) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if let Some(found) = folder_holds(&path, needle) {
                return Some(found);
            }
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle)
        {
            return Some(path);
        }
    }
    None
}

#[tokio::test]
async fn a_created_clients_secret_is_returned_once_and_written_nowhere() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.unwrap();

    let new = |name: &str, scopes: &[&str], redirects: &[&str]| NewOAuthClient {
        name: name.to_owned(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        redirect_uris: redirects.iter().map(|s| (*s).to_owned()).collect(),
        grant_types: Vec::new(),
    };
    let created = cache
        .workbench
        .create_oauth_client(
            &client,
            new("  Nightly export  ", &["apps:read", "apps:read"], &[]),
        )
        .await
        .unwrap();
    assert_eq!(created.client.name, "Nightly export");
    assert_eq!(
        created.client.scopes,
        ["apps:read"],
        "a scope given twice is asked once"
    );
    let secret = created.secret.expose().to_owned();
    assert!(!format!("{created:?}").contains(&secret));
    // Another sync after it, so anything the facade might keep would be flushed to disk.
    cache.pull(&client, T1).await.unwrap();
    assert_eq!(
        folder_holds(cache.workbench.data_dir(), secret.as_bytes()),
        None,
        "the secret is in no file of the data folder"
    );
    let listed = cache.workbench.oauth_clients(&client).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0], created.client);

    for (name, scopes, redirects) in [
        ("", &["apps:read"][..], &[][..]),
        ("Fine", &[], &[]),
        ("Fine", &["admin"], &[]),
        // This tool's own scope is not a Talkdesk API scope.
        ("Fine", &["oauth-clients:write"], &[]),
        ("Fine", &["users:read"], &["http://example.com/cb"]),
        ("Bad\u{7}name", &["apps:read"], &[]),
    ] {
        let error = cache
            .workbench
            .create_oauth_client(&client, new(name, scopes, redirects))
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{name:?}: {error}");
    }
    cache
        .workbench
        .delete_oauth_client(&client, &created.client.id)
        .await
        .unwrap();
    assert!(
        cache
            .workbench
            .oauth_clients(&client)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn live_data_offline_is_an_error_that_says_so() {
    let mut server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    let account = cache.workbench.partner_account(&client).await.unwrap();
    assert_eq!(account.licenses.total, 3);
    server.stop().await;

    let errors: Vec<WorkbenchError> = vec![
        cache.workbench.partner_account(&client).await.unwrap_err(),
        cache
            .workbench
            .installations(&client, "app-acme-crm", T1)
            .await
            .unwrap_err(),
        cache.workbench.oauth_clients(&client).await.unwrap_err(),
    ];
    for error in errors {
        assert_eq!(error.code(), ErrorCode::ServerUnreachable, "{error}");
        let message = error.to_string();
        assert!(
            message.contains("not kept in the cache") && message.contains("connect and try again"),
            "{message}"
        );
    }
}
