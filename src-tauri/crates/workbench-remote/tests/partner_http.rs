//! The partner's live resources over real HTTP to the real sandbox on 127.0.0.1: installations
//! walked through `_links.next`, a decision with `If-Match`, OAuth clients and the account.

use partner_api::installations::{Decision, InstallationState, UpdateState, Waiting};
use partner_api::oauth_clients::NewOAuthClient;
use partner_sandbox::{Config, Sandbox, Seed};
use workbench_remote::{PartnerClient, RemoteError, RetryPolicy, SecretToken};

struct Server {
    sandbox: Sandbox,
    token: String,
    _dir: tempfile::TempDir,
}

/// A demo sandbox of two items a page, so every collection takes several pages.
async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.seed = Seed::Demo;
    config.page_size = 2;
    let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let token = sandbox.issue_token(&[]).unwrap().access_token;
    Server {
        sandbox,
        token,
        _dir: dir,
    }
}

impl Server {
    /// Arms a sandbox fault of `kind` on the next request under `path_prefix`.
    async fn arm(&self, path_prefix: &str, kind: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/_sandbox/faults", self.sandbox.base_url()))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({"path_prefix": path_prefix, "kind": kind, "times": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }

    fn client(&self) -> PartnerClient {
        PartnerClient::new(&self.sandbox.base_url())
            .unwrap()
            .with_token(SecretToken::new(self.token.clone()))
            // Quick retries, so a reply lost to an armed fault is retried at once.
            .with_retry(RetryPolicy {
                attempts: 3,
                base: std::time::Duration::from_millis(2),
                max: std::time::Duration::from_secs(1),
            })
    }
}

#[tokio::test]
async fn installations_are_walked_across_pages_with_their_update_state() {
    let server = start().await;
    let client = server.client();
    let sent = client.requests_sent();
    let all = client.installations("app-acme-crm").await.unwrap();
    assert_eq!(all.len(), 10);
    // Two a page: five pages.
    assert_eq!(client.requests_sent() - sent, 5);
    assert!(all.iter().all(|i| i.app_id == "app-acme-crm"));
    let updates: Vec<_> = all.iter().filter_map(|i| i.update).collect();
    assert_eq!(updates, [UpdateState::Updating, UpdateState::Failed]);

    let missing = client.installations("app-nope").await.unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing}");
    // An id cannot reach another route.
    let odd = client.installations("..").await.unwrap_err();
    assert!(matches!(odd, RemoteError::InvalidServer { .. }), "{odd}");
}

#[tokio::test]
async fn an_installation_waiting_for_confirmation_is_confirmed_or_rejected_once() {
    let server = start().await;
    let client = server.client();

    // The decision's reply is lost: the client's retry carries the same Idempotency-Key and
    // gets the decision's reply, where a new request would meet a 409.
    let state = "/apps/app-acme-crm/installations/inst-acme-crm-03/state";
    server.arm(state, "truncate").await;
    let approved = client
        .decide_installation(
            "app-acme-crm",
            "inst-acme-crm-03",
            Waiting::Installation,
            Decision::Approve,
            None,
            "k-approve",
        )
        .await
        .unwrap();
    assert_eq!(approved.state, InstallationState::Completed);
    // Deciding again finds nothing waiting, and sends no decision.
    let sent = client.requests_sent();
    let again = client
        .decide_installation(
            "app-acme-crm",
            "inst-acme-crm-03",
            Waiting::Installation,
            Decision::Approve,
            None,
            "k-approve-again",
        )
        .await
        .unwrap_err();
    assert!(again.to_string().contains("waits for nothing"), "{again}");
    assert_eq!(client.requests_sent(), sent + 1, "only the read was sent");
    // An installation waiting for confirmation is not an update to accept.
    let wrong = client
        .decide_installation(
            "app-acme-crm",
            "inst-acme-crm-02",
            Waiting::Update,
            Decision::Approve,
            None,
            "k-wrong",
        )
        .await
        .unwrap_err();
    assert!(wrong.to_string().contains("not an update"), "{wrong}");
    let still: Vec<_> = client.installations("app-acme-crm").await.unwrap();
    assert!(
        still
            .iter()
            .any(|i| i.id == "inst-acme-crm-02" && i.state == InstallationState::Installing)
    );

    // A rejection without a reason is refused before anything is sent.
    let sent = client.requests_sent();
    let blank = client
        .decide_installation(
            "app-acme-crm",
            "inst-acme-crm-02",
            Waiting::Installation,
            Decision::Reject,
            Some(" "),
            "k-blank",
        )
        .await
        .unwrap_err();
    assert!(blank.to_string().contains("needs a reason"), "{blank}");
    assert!(
        matches!(blank, RemoteError::InvalidRequest { .. }),
        "{blank:?}"
    );
    assert_eq!(client.requests_sent(), sent);

    let rejected = client
        .decide_installation(
            "app-acme-crm",
            "inst-acme-crm-02",
            Waiting::Installation,
            Decision::Reject,
            Some("Not in your region yet."),
            "k-reject",
        )
        .await
        .unwrap();
    assert_eq!(rejected.state, InstallationState::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("Not in your region yet."));
    let listed = client.installations("app-acme-crm").await.unwrap();
    let served = listed.iter().find(|i| i.id == "inst-acme-crm-02").unwrap();
    assert_eq!(served.state, InstallationState::Rejected);
}

#[tokio::test]
async fn oauth_clients_are_created_with_a_secret_listed_without_it_and_deleted() {
    let server = start().await;
    let client = server.client();
    assert!(client.oauth_clients().await.unwrap().is_empty());

    let new = |name: &str, scopes: &[&str]| NewOAuthClient {
        name: name.to_owned(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        redirect_uris: vec!["https://reports.example.com/cb".to_owned()],
        grant_types: vec![
            "client_credentials".to_owned(),
            "authorization_code".to_owned(),
        ],
    };
    let scopes = ["users:read", "account:read"];
    let made = client
        .create_oauth_client(&new("Reports", &scopes), "key-reports-1")
        .await
        .unwrap();
    let secret = made
        .secret
        .clone()
        .expect("the creating reply has the secret");
    assert!(secret.expose().starts_with("pwbs_"));
    assert_eq!(
        made.client.redirect_uris,
        ["https://reports.example.com/cb"]
    );
    assert_eq!(
        made.client.grant_types,
        ["client_credentials", "authorization_code"]
    );
    let debug = format!("{made:?}");
    assert!(!debug.contains(secret.expose()), "{debug}");
    assert!(debug.contains("<redacted>"));
    // A retry under the same key creates nothing new and has no secret.
    let replay = client
        .create_oauth_client(&new("Reports", &scopes), "key-reports-1")
        .await
        .unwrap();
    assert_eq!(replay.client.id, made.client.id);
    assert!(replay.secret.is_none());

    for i in 0..3 {
        client
            .create_oauth_client(
                &new(&format!("Extra {i}"), &scopes),
                &format!("key-extra-{i}"),
            )
            .await
            .unwrap();
    }
    let listed = client.oauth_clients().await.unwrap();
    assert_eq!(listed.len(), 4, "walked across two pages");
    assert_eq!(listed[0], made.client);

    let refused = client
        .create_oauth_client(&new("Bad", &["admin"]), "key-bad")
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");

    // A lost reply: the retry under the same key gets the 204, not a 404.
    server
        .arm(&format!("/oauth-clients/{}", made.client.id), "truncate")
        .await;
    client
        .delete_oauth_client(&made.client.id, "k-delete")
        .await
        .unwrap();
    let gone = client
        .delete_oauth_client(&made.client.id, "k-delete-again")
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));
    assert_eq!(client.oauth_clients().await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_account_is_read_and_a_stopped_server_is_offline() {
    let server = start().await;
    let client = server.client();
    let account = client.account().await.unwrap();
    assert_eq!(account.licenses.total, 3);
    assert_eq!(account.licenses.used, 1);
    assert_eq!(account.credits.balance, 2_500);
    assert_eq!(account.credits.currency, "USD");

    server.sandbox.stop().await;
    let offline = client.account().await.unwrap_err();
    assert!(offline.is_offline(), "{offline}");
    let offline = client.installations("app-acme-crm").await.unwrap_err();
    assert!(offline.is_offline(), "{offline}");
}
