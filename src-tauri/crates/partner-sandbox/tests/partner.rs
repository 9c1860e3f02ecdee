//! The partner resources over real HTTP: the rules pack, installations, OAuth clients and the
//! account, with the bad input each must refuse.

mod common;

use std::collections::HashSet;

use common::{Api, error, field_names};
use partner_api::Page;
use partner_api::account::Account;
use partner_api::installations::{Installation, InstallationState, UpdateState};
use partner_api::oauth_clients::{CreatedOAuthClient, OAuthClient};
use partner_api::rules::RulesPack;
use partner_sandbox::Seed;
use reqwest::{Method, StatusCode, header};
use serde_json::json;
use sha2::{Digest, Sha256};

const ACME_INSTALLATIONS: &str = "/apps/app-acme-crm/installations";

#[tokio::test]
async fn rules_pack_is_served_with_an_etag_and_parses() {
    let api = Api::start().await;
    let response = api.get("/rules").await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let text = response.text().await.unwrap();
    let pack: RulesPack = serde_json::from_str(&text).unwrap();
    assert_eq!(pack, partner_api::rules::default_pack());
    assert_eq!(pack.version, "2026.12.1");
    let ids: HashSet<_> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), pack.rules.len(), "rule ids are unique");

    let again = api
        .request(Method::GET, "/rules")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = api
        .request(Method::GET, "/rules")
        .header(header::IF_NONE_MATCH, "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn installations_cover_every_state_and_page_through_next_links() {
    let api = Api::with(|config| config.page_size = 3).await;
    let mut all = Vec::new();
    for app in [
        "app-acme-crm",
        "app-beacon-analytics",
        "app-cobalt-scheduler",
        "app-delta-surveys",
    ] {
        let path = format!("/apps/{app}/installations");
        let first: Page<Installation> = api.json(&path).await;
        assert_eq!(first.per_page, 3);
        let items: Vec<Installation> = api.walk(&path, "installations").await;
        assert_eq!(items.len() as u64, first.total, "{app}");
        assert!(items.iter().all(|i| i.app_id == app));
        all.extend(items);
    }
    let states: HashSet<_> = all.iter().map(|i| i.state).collect();
    for state in InstallationState::ALL {
        assert!(states.contains(&state), "no demo installation is {state:?}");
    }
    let ids: HashSet<_> = all.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "installation ids are unique");
    // Installed versions exist and belong to the installation's app.
    for installation in &all {
        let version = format!(
            "/apps/{}/versions/{}",
            installation.app_id, installation.app_version_id
        );
        assert_eq!(
            api.get(&version).await.status(),
            StatusCode::OK,
            "{version}"
        );
    }

    let page: Page<Installation> = api
        .json(&format!("{ACME_INSTALLATIONS}?page=2&per_page=2"))
        .await;
    assert_eq!((page.page, page.per_page), (2, 2));
    assert_eq!(page.embedded["installations"].len(), 2);
    assert_eq!(
        page.links.next.unwrap().href,
        format!("{ACME_INSTALLATIONS}?page=3&per_page=2")
    );
}

/// The demo installations carry the facts of every FAQ §16 badge: an update under way and a
/// failed one, an ended trial, an installation on an older version than the app's latest
/// Available one, and one on a manually provisioned version.
#[tokio::test]
async fn demo_installations_carry_the_facts_of_every_badge() {
    let api = Api::start().await;
    let acme: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    let beacon: Vec<Installation> = api
        .walk("/apps/app-beacon-analytics/installations", "installations")
        .await;
    let updates: HashSet<_> = acme.iter().filter_map(|i| i.update).collect();
    assert_eq!(
        updates,
        HashSet::from([UpdateState::Updating, UpdateState::Failed])
    );
    // Fixed dates in the past of any clock that runs these tests.
    assert!(
        acme.iter()
            .any(|i| i.trial_end.as_deref() == Some("2026-04-01T09:00:00Z"))
    );
    // Acme 1.1.0 is Available, so a completed installation of 1.0.0 can upgrade.
    assert!(acme.iter().any(
        |i| i.app_version_id == "ver-acme-crm-1-0-0" && i.state == InstallationState::Completed
    ));
    let latest: serde_json::Value = api
        .json("/apps/app-acme-crm/versions/ver-acme-crm-1-1-0")
        .await;
    assert_eq!(latest["status"]["technical"], "available");
    // Beacon 1.0.0 is manually provisioned and installed.
    let manual: serde_json::Value = api
        .json("/apps/app-beacon-analytics/versions/ver-beacon-analytics-1-0-0")
        .await;
    assert_eq!(manual["technical"]["manually_provisioned"], true);
    assert!(
        beacon
            .iter()
            .any(|i| i.app_version_id == "ver-beacon-analytics-1-0-0")
    );
    // The update state is served only when there is one.
    let plain: serde_json::Value = api
        .json(&format!("{ACME_INSTALLATIONS}/inst-acme-crm-01"))
        .await;
    assert!(plain.get("update").is_none(), "{plain}");
}

#[tokio::test]
async fn an_installation_is_served_with_an_etag() {
    let api = Api::start().await;
    let path = format!("{ACME_INSTALLATIONS}/inst-acme-crm-02");
    let response = api.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let installation: Installation = response.json().await.unwrap();
    assert_eq!(installation.state, InstallationState::Installing);
    assert_eq!(installation.account_name, "Globex Support");
    assert_eq!(
        installation.trial_end.as_deref(),
        Some("2026-04-01T09:00:00Z")
    );
    let again = api
        .request(Method::GET, &path)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let missing = api.get(&format!("{ACME_INSTALLATIONS}/inst-nope")).await;
    error(missing, StatusCode::NOT_FOUND).await;
    // An installation of another app is not found under this one.
    let elsewhere = api
        .get(&format!("{ACME_INSTALLATIONS}/inst-beacon-analytics-01"))
        .await;
    error(elsewhere, StatusCode::NOT_FOUND).await;
    let no_app = api.get("/apps/app-nope/installations").await;
    error(no_app, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn confirming_an_installing_installation_completes_it_once() {
    let api = Api::start().await;
    let path = format!("{ACME_INSTALLATIONS}/inst-acme-crm-02");
    let state = format!("{path}/state");
    let response = api.decide(&state, &json!({"state": "approve"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key(header::ETAG));
    let approved: Installation = response.json().await.unwrap();
    assert_eq!(approved.state, InstallationState::Completed);
    assert_eq!(approved.reason, None);
    let fetched: Installation = api.json(&path).await;
    assert_eq!(fetched, approved);

    // Deciding again is a conflict: nothing of it waits for the partner any more.
    let again = api
        .decide(&state, &json!({"state": "reject", "reason": "x"}))
        .await;
    let body = error(again, StatusCode::CONFLICT).await;
    assert_eq!(body.code, "conflict");
    assert!(body.message.contains("completed"), "{}", body.message);
    let fetched: Installation = api.json(&path).await;
    assert_eq!(fetched.state, InstallationState::Completed);
}

#[tokio::test]
async fn a_decision_and_a_delete_replay_under_their_idempotency_key() {
    let api = Api::start().await;
    let path = format!("{ACME_INSTALLATIONS}/inst-acme-crm-02");
    let etag = api
        .get(&path)
        .await
        .headers()
        .get(header::ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let decide = |body: serde_json::Value| {
        api.request(Method::POST, &format!("{path}/state"))
            .header(header::IF_MATCH, &etag)
            .header("Idempotency-Key", "decide-02")
            .json(&body)
            .send()
    };
    let first = decide(json!({"state": "approve"})).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Installation = first.json().await.unwrap();
    // The retry of a decision whose reply was lost: the ETag it carries is stale now, but the
    // key answers the first reply.
    let replay = decide(json!({"state": "approve"})).await.unwrap();
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<Installation>().await.unwrap(), first);
    // The key with another decision is refused, and changes nothing.
    let reused = decide(json!({"state": "reject", "reason": "no"}))
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fetched: Installation = api.json(&path).await;
    assert_eq!(fetched.state, InstallationState::Completed);

    let created: CreatedOAuthClient = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({"name": "CI", "scopes": ["apps:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let client = format!("/oauth-clients/{}", created.client.id);
    let delete = || {
        api.request(Method::DELETE, &client)
            .header("Idempotency-Key", "delete-ci")
            .send()
    };
    assert_eq!(delete().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(delete().await.unwrap().status(), StatusCode::NO_CONTENT);
    error(api.get(&client).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_keeps_it() {
    let api = Api::start().await;
    let path = "/apps/app-beacon-analytics/installations/inst-beacon-analytics-02";
    let state = format!("{path}/state");
    for body in [
        json!({"state": "reject"}),
        json!({"state": "reject", "reason": ""}),
        json!({"state": "reject", "reason": "   "}),
        json!({"state": "reject", "reason": null}),
    ] {
        let response = api.decide(&state, &body).await;
        let error = error(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(field_names(&error), ["reason"], "{body}");
    }
    let unchanged: Installation = api.json(path).await;
    assert_eq!(unchanged.state, InstallationState::Installing);

    let reason = "Trial accounts in this region are not supported yet.";
    let response = api
        .decide(&state, &json!({"state": "reject", "reason": reason}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let rejected: Installation = api.json(path).await;
    assert_eq!(rejected.state, InstallationState::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some(reason));
}

#[tokio::test]
async fn only_what_waits_for_the_partner_can_be_decided() {
    let api = Api::start().await;
    let all: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    let beacon: Vec<Installation> = api
        .walk("/apps/app-beacon-analytics/installations", "installations")
        .await;
    for installation in all.iter().chain(&beacon) {
        if partner_api::installations::waiting(installation.state, installation.update).is_some() {
            continue;
        }
        let state = format!(
            "/apps/{}/installations/{}/state",
            installation.app_id, installation.id
        );
        for body in [
            json!({"state": "approve"}),
            json!({"state": "reject", "reason": "no"}),
        ] {
            let response = api.decide(&state, &body).await;
            error(response, StatusCode::CONFLICT).await;
        }
    }
    let response = api
        .decide(
            &format!("{ACME_INSTALLATIONS}/inst-nope/state"),
            &json!({"state": "approve"}),
        )
        .await;
    error(response, StatusCode::NOT_FOUND).await;
}

/// FAQ §16: Updating "will disappear upon completion of the process (the partner accepts or
/// rejects the update)".
#[tokio::test]
async fn an_update_waiting_is_accepted_or_rejected_with_a_reason() {
    let api = Api::start().await;
    let acme: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    let updating = acme
        .iter()
        .find(|i| i.update == Some(UpdateState::Updating))
        .expect("the demo has an update waiting");
    let path = format!("{ACME_INSTALLATIONS}/{}", updating.id);
    let accepted = api
        .decide(&format!("{path}/state"), &json!({"state": "approve"}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Installation = accepted.json().await.unwrap();
    assert_eq!(
        (accepted.state, accepted.update),
        (InstallationState::Completed, None)
    );
    let again = api
        .decide(&format!("{path}/state"), &json!({"state": "approve"}))
        .await;
    let body = error(again, StatusCode::CONFLICT).await;
    assert!(
        body.message.contains("waits for nothing"),
        "{}",
        body.message
    );

    // A customer changes an active installation: the update waits for the partner.
    let active = format!("{ACME_INSTALLATIONS}/inst-acme-crm-01");
    let response = api
        .request(Method::POST, &format!("/_sandbox{active}/update"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let waiting: Installation = api.json(&active).await;
    assert_eq!(waiting.update, Some(UpdateState::Updating));
    // A second update while one waits is refused.
    let twice = api
        .request(Method::POST, &format!("/_sandbox{active}/update"))
        .send()
        .await
        .unwrap();
    error(twice, StatusCode::CONFLICT).await;
    let state = format!("{active}/state");
    let no_reason = api.decide(&state, &json!({"state": "reject"})).await;
    assert_eq!(
        field_names(&error(no_reason, StatusCode::BAD_REQUEST).await),
        ["reason"]
    );
    let reason = "We cannot add 200 users to a Team plan; choose Enterprise.";
    let rejected = api
        .decide(&state, &json!({"state": "reject", "reason": reason}))
        .await;
    assert_eq!(rejected.status(), StatusCode::OK);
    let rejected: Installation = api.json(&active).await;
    assert_eq!(
        rejected.state,
        InstallationState::Completed,
        "still installed"
    );
    assert_eq!(rejected.update, None, "the update ended");
    assert_eq!(rejected.reason.as_deref(), Some(reason));
}

/// A customer's request reaches the partner through the change feed, saying who waits for what.
#[tokio::test]
async fn a_customers_requests_arrive_through_the_change_feed() {
    let api = Api::start().await;
    let admin = format!("/_sandbox{ACME_INSTALLATIONS}");
    let created = api
        .send_json(
            Method::POST,
            &admin,
            &json!({"account_name": "Globex Corp", "version_id": "ver-acme-crm-1-1-0",
                    "plan": "Team", "licenses": 12}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Installation = created.json().await.unwrap();
    assert_eq!(created.state, InstallationState::Installing);
    assert_eq!(
        (created.licenses, created.plan.as_deref()),
        (12, Some("Team"))
    );
    let listed: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    assert!(listed.contains(&created));
    let update = api
        .request(Method::POST, &format!("{admin}/inst-acme-crm-01/update"))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), StatusCode::OK);

    let feed: partner_api::ChangesPage = api.json("/changes").await;
    let requests: Vec<_> = feed
        .changes
        .iter()
        .filter(|c| c.kind == partner_api::ChangeKind::InstallationRequested)
        .collect();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let first = requests[0].request.as_ref().unwrap();
    assert_eq!(requests[0].resource.id, created.id);
    assert_eq!(requests[0].resource.app_id.as_deref(), Some("app-acme-crm"));
    assert_eq!(first.account_name, "Globex Corp");
    assert_eq!(first.app_version_id, "ver-acme-crm-1-1-0");
    assert_eq!(
        first.waiting,
        partner_api::installations::Waiting::Installation
    );
    let second = requests[1].request.as_ref().unwrap();
    assert_eq!(requests[1].resource.id, "inst-acme-crm-01");
    assert_eq!(second.waiting, partner_api::installations::Waiting::Update);

    // The partner confirms the new installation with its own ETag.
    let confirmed = api
        .decide(
            &format!("{ACME_INSTALLATIONS}/{}/state", created.id),
            &json!({"state": "approve"}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);

    // Bad requests are refused and add nothing.
    for (body, status) in [
        (
            json!({"version_id": "ver-acme-crm-1-1-0"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"account_name": " ", "version_id": "ver-acme-crm-1-1-0"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"account_name": "A", "version_id": "ver-acme-crm-1-1-0", "licenses": -1}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"account_name": "A", "version_id": "ver-nope"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"account_name": "A", "version_id": "ver-acme-crm-1-2-0"}),
            StatusCode::CONFLICT,
        ),
    ] {
        let response = api.send_json(Method::POST, &admin, &body).await;
        error(response, status).await;
    }
    let after: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    assert_eq!(after.len(), listed.len());
}

#[tokio::test]
async fn oauth_client_secret_is_returned_once_and_never_listed() {
    let api = Api::start().await;
    let empty: Page<OAuthClient> = api.json("/oauth-clients").await;
    assert_eq!(empty.total, 0);
    assert!(empty.embedded["oauth_clients"].is_empty());

    let response = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({"name": "CI deploys", "scopes": ["apps:read", "apps:write"]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: CreatedOAuthClient = response.json().await.unwrap();
    let secret = created.client_secret.clone().expect("the secret, once");
    assert!(secret.len() >= 32, "{secret}");
    assert_eq!(created.client.name, "CI deploys");
    assert_eq!(created.client.scopes, ["apps:read", "apps:write"]);
    time::OffsetDateTime::parse(
        &created.client.created_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();

    // Neither the list nor the client itself ever shows the secret again.
    let list = api.get("/oauth-clients").await.text().await.unwrap();
    let one = api
        .get(&format!("/oauth-clients/{}", created.client.id))
        .await
        .text()
        .await
        .unwrap();
    for text in [&list, &one] {
        assert!(
            !text.contains(&secret) && !text.contains("client_secret"),
            "{text}"
        );
        let hash = hex::encode(Sha256::digest(secret.as_bytes()));
        assert!(!text.contains(&hash), "{text}");
    }
    let listed: Vec<OAuthClient> = api.walk("/oauth-clients", "oauth_clients").await;
    assert_eq!(listed, std::slice::from_ref(&created.client));

    // A second client gets another id and another secret.
    let second: CreatedOAuthClient = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({"name": "Reports", "scopes": ["account:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(second.client.id, created.client.id);
    assert_ne!(second.client_secret, created.client_secret);

    let path = format!("/oauth-clients/{}", created.client.id);
    let deleted = api.request(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    error(api.get(&path).await, StatusCode::NOT_FOUND).await;
    let again = api.request(Method::DELETE, &path).send().await.unwrap();
    error(again, StatusCode::NOT_FOUND).await;
    let listed: Vec<OAuthClient> = api.walk("/oauth-clients", "oauth_clients").await;
    assert_eq!(listed, [second.client]);
}

#[tokio::test]
async fn an_oauth_client_for_the_talkdesk_apis_has_redirect_uris_grant_types_and_catalogue_scopes()
{
    let api = Api::start().await;
    let body = json!({
        "name": "Acme CRM sign-in",
        "scopes": ["users:read", "contacts:read", "account:read"],
        "redirect_uris": ["https://crm.example.com/talkdesk/callback", "http://127.0.0.1:8080/cb"],
        "grant_types": ["client_credentials", "authorization_code", "refresh_token"],
    });
    let response = api.send_json(Method::POST, "/oauth-clients", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: CreatedOAuthClient = response.json().await.unwrap();
    assert_eq!(
        created.client.scopes,
        ["users:read", "contacts:read", "account:read"]
    );
    assert_eq!(
        created.client.redirect_uris,
        [
            "https://crm.example.com/talkdesk/callback",
            "http://127.0.0.1:8080/cb"
        ]
    );
    assert_eq!(
        created.client.grant_types,
        ["client_credentials", "authorization_code", "refresh_token"]
    );
    let listed: Vec<OAuthClient> = api.walk("/oauth-clients", "oauth_clients").await;
    assert_eq!(listed, std::slice::from_ref(&created.client));

    // A client-credentials client needs no redirect URI: grant types default to it.
    let server_to_server: CreatedOAuthClient = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({"name": "Nightly export", "scopes": ["data-reports:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(server_to_server.client.grant_types, ["client_credentials"]);
    assert!(server_to_server.client.redirect_uris.is_empty());

    // http off loopback is refused, naming the URI's field; nothing is created.
    let refused = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({
                "name": "Plain http",
                "scopes": ["users:read"],
                "redirect_uris": ["http://example.com/cb", "https://example.com/cb"],
                "grant_types": ["authorization_code"],
            }),
        )
        .await;
    let refused = error(refused, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused.code, "invalid_request");
    assert_eq!(field_names(&refused), ["redirect_uris[0]"]);
    assert!(
        refused.fields[0].description.contains("https"),
        "{:?}",
        refused.fields
    );
    let listed: Page<OAuthClient> = api.json("/oauth-clients").await;
    assert_eq!(listed.total, 2, "the refused client was not created");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_client_without_its_secret() {
    let api = Api::start().await;
    let create = || {
        api.request(Method::POST, "/oauth-clients")
            .header("Idempotency-Key", "create-ci-client-1")
            .json(&json!({"name": "CI", "scopes": ["apps:read"]}))
            .send()
    };
    let first = create().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: CreatedOAuthClient = first.json().await.unwrap();
    assert!(first.client_secret.is_some());
    let replay = create().await.unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replay: CreatedOAuthClient = replay.json().await.unwrap();
    assert_eq!(replay.client, first.client);
    assert_eq!(replay.client_secret, None);
    let listed: Page<OAuthClient> = api.json("/oauth-clients").await;
    assert_eq!(listed.total, 1, "a replay creates nothing");
}

#[tokio::test]
async fn oauth_client_validation_names_each_field() {
    let api = Api::start().await;
    let long = "x".repeat(101);
    let cases = [
        (json!({"name": "", "scopes": ["apps:read"]}), vec!["name"]),
        (json!({"name": long, "scopes": ["apps:read"]}), vec!["name"]),
        (json!({"name": 7, "scopes": ["apps:read"]}), vec!["name"]),
        (
            json!({"name": "a\u{0007}b", "scopes": ["apps:read"]}),
            vec!["name"],
        ),
        (json!({"name": "ok", "scopes": []}), vec!["scopes"]),
        (json!({"name": "ok", "scopes": "apps:read"}), vec!["scopes"]),
        (
            json!({"name": "ok", "scopes": ["apps:admin"]}),
            vec!["scopes[0]"],
        ),
        // This tool's own scope is not a Talkdesk API scope.
        (
            json!({"name": "ok", "scopes": ["users:read", "oauth-clients:write"]}),
            vec!["scopes[1]"],
        ),
        (
            json!({"name": "ok", "scopes": ["apps:read", "apps:read"]}),
            vec!["scopes[1]"],
        ),
        (json!({"name": "ok", "scopes": [1]}), vec!["scopes[0]"]),
        (json!({}), vec!["name", "scopes"]),
        (
            json!({"name": "ok", "scopes": ["users:read"], "redirect_uris": "https://a.example/cb"}),
            vec!["redirect_uris"],
        ),
        (
            json!({"name": "ok", "scopes": ["users:read"], "grant_types": ["implicit"]}),
            vec!["grant_types[0]"],
        ),
        (
            json!({"name": "ok", "scopes": ["users:read"], "grant_types": ["authorization_code"]}),
            vec!["redirect_uris"],
        ),
        (
            json!({"name": "ok", "scopes": ["users:read"], "grant_types": []}),
            vec!["grant_types"],
        ),
    ];
    for (body, fields) in cases {
        let response = api.send_json(Method::POST, "/oauth-clients", &body).await;
        let error = error(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error.code, "invalid_request");
        assert_eq!(field_names(&error), fields, "{body}");
    }
    let listed: Page<OAuthClient> = api.json("/oauth-clients").await;
    assert_eq!(listed.total, 0, "nothing half-written");
    let response = api
        .request(Method::POST, "/oauth-clients")
        .header("Idempotency-Key", "")
        .json(&json!({"name": "ok", "scopes": ["apps:read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        field_names(&error(response, StatusCode::BAD_REQUEST).await),
        ["Idempotency-Key"]
    );
}

#[tokio::test]
async fn account_is_a_developer_account_with_three_free_licenses_and_25_dollars_of_credits() {
    // FAQ §8: "The developer account includes three free licenses and $25 worth of credits".
    let api = Api::start().await;
    let account: Account = api.json("/account").await;
    assert_eq!(account.licenses.free_developer, 3);
    assert_eq!((account.licenses.total, account.licenses.used), (3, 1));
    assert_eq!(account.credits.balance, 2_500, "$25.00 in cents");
    assert_eq!(account.credits.currency, "USD");
    let raw: serde_json::Value = api.json("/account").await;
    assert_eq!(
        raw["credits"],
        json!({"balance": 2500, "currency": "USD"}),
        "minor units as a JSON number, with the currency"
    );

    let empty = Api::with(|config| config.seed = Seed::Empty).await;
    let account: Account = empty.json("/account").await;
    assert_eq!((account.licenses.total, account.licenses.used), (3, 0));
    assert_eq!(account.licenses.free_developer, 3);
    assert_eq!(
        (account.credits.balance, account.credits.currency.as_str()),
        (2_500, "USD")
    );
    let none: Page<OAuthClient> = empty.json("/oauth-clients").await;
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_the_error_body() {
    let api = Api::start().await;
    let pending = format!("{ACME_INSTALLATIONS}/inst-acme-crm-03/state");
    let big = format!(
        "{{\"state\": \"reject\", \"reason\": \"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let cases: Vec<(Method, String, Option<&str>, String, StatusCode)> = vec![
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "{\"state\": ".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "[1, 2]".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "\"approve\"".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "{\"state\": \"maybe\"}".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "{\"state\": 1}".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "{\"state\": \"reject\", \"reason\": 5}".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            big.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("text/plain"),
            "{\"state\": \"approve\"}".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::POST,
            pending.clone(),
            None,
            "{\"state\": \"approve\"}".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::POST,
            pending.clone(),
            Some("application/json"),
            "\u{feff}{}".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PUT,
            pending.clone(),
            Some("application/json"),
            "{}".into(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::POST,
            "/oauth-clients".into(),
            Some("application/json"),
            "{\"name\": ".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/oauth-clients".into(),
            Some("application/json"),
            "null".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/oauth-clients".into(),
            Some("application/json"),
            big,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::POST,
            "/oauth-clients".into(),
            Some("application/xml"),
            "<x/>".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::PATCH,
            "/oauth-clients".into(),
            Some("application/json"),
            "{}".into(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::DELETE,
            "/oauth-clients/%00%ff".into(),
            None,
            String::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::DELETE,
            "/oauth-clients/%00".into(),
            None,
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/oauth-clients/..%2F..%2Fapps".into(),
            None,
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/apps/%27%3B%20DROP%20TABLE%20apps/installations".into(),
            None,
            String::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("{ACME_INSTALLATIONS}?page=0"),
            None,
            String::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("{ACME_INSTALLATIONS}?per_page=x"),
            None,
            String::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/oauth-clients?page=-1".into(),
            None,
            String::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/account".into(),
            Some("application/json"),
            "{}".into(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::DELETE,
            "/rules".into(),
            None,
            String::new(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (method, path, content_type, body, status) in cases {
        let mut request = api.request(method.clone(), &path).body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        let shown = &body[..body.len().min(40)];
        assert_eq!(response.status(), status, "{method} {path} {shown}");
        let error = error(response, status).await;
        assert!(!error.code.is_empty() && !error.message.is_empty());
    }
    // Nothing changed, and the server still answers.
    let installation: Installation = api
        .json(&format!("{ACME_INSTALLATIONS}/inst-acme-crm-03"))
        .await;
    assert_eq!(installation.state, InstallationState::Installing);
    let _: Account = api.json("/account").await;
}

#[tokio::test]
async fn decisions_and_clients_survive_a_restart() {
    let api = Api::start().await;
    let state = format!("{ACME_INSTALLATIONS}/inst-acme-crm-03/state");
    let response = api.decide(&state, &json!({"state": "approve"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json!({"name": "kept", "scopes": ["account:read"]});
    let created: CreatedOAuthClient = api
        .send_json(Method::POST, "/oauth-clients", &body)
        .await
        .json()
        .await
        .unwrap();

    let api = api.restart().await;
    let installation: Installation = api
        .json(&format!("{ACME_INSTALLATIONS}/inst-acme-crm-03"))
        .await;
    assert_eq!(installation.state, InstallationState::Completed);
    let listed: Vec<OAuthClient> = api.walk("/oauth-clients", "oauth_clients").await;
    assert_eq!(listed, [created.client]);
    let all: Vec<Installation> = api.walk(ACME_INSTALLATIONS, "installations").await;
    assert_eq!(all.len(), 10, "a restart does not re-seed");
}

#[tokio::test]
async fn a_decision_needs_the_installations_current_etag() {
    let api = Api::start().await;
    let path = format!("{ACME_INSTALLATIONS}/inst-acme-crm-03");
    let state = format!("{path}/state");
    let approve = json!({"state": "approve"});

    let without = api.send_json(Method::POST, &state, &approve).await;
    assert_eq!(
        error(without, StatusCode::PRECONDITION_REQUIRED).await.code,
        "precondition_required"
    );
    let stale = api
        .request(Method::POST, &state)
        .header(header::IF_MATCH, "\"not-the-etag\"")
        .json(&approve)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error(stale, StatusCode::PRECONDITION_FAILED).await.code,
        "precondition_failed"
    );
    let unchanged: Installation = api.json(&path).await;
    assert_eq!(
        unchanged.state,
        InstallationState::Installing,
        "a refused write changes nothing"
    );

    let response = api.decide(&state, &approve).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn decisions_and_client_changes_are_in_the_change_feed() {
    let api = Api::start().await;
    let state = format!("{ACME_INSTALLATIONS}/inst-acme-crm-03/state");
    assert_eq!(
        api.decide(&state, &json!({"state": "approve"}))
            .await
            .status(),
        StatusCode::OK
    );
    let created: CreatedOAuthClient = api
        .send_json(
            Method::POST,
            "/oauth-clients",
            &json!({"name": "feed", "scopes": ["apps:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created.client.id.clone();
    let deleted = api
        .request(Method::DELETE, &format!("/oauth-clients/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let feed: partner_api::ChangesPage = api.json("/changes").await;
    let seen: Vec<(String, String)> = feed
        .changes
        .iter()
        .map(|c| {
            (
                serde_json::to_value(c.kind)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
                c.resource.id.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "installation_decided".to_owned(),
                "inst-acme-crm-03".to_owned()
            ),
            ("oauth_client_created".to_owned(), id.clone()),
            ("oauth_client_deleted".to_owned(), id),
        ],
        "each mutation once, in order"
    );
}
