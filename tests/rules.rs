//! The rules pack and suppressions through the facade: a pull caches the pack the server serves,
//! byte for byte; a pack that cannot be read fails the pull and keeps the cache, previous pack
//! included; validation uses the cached pack and the suppressions recorded on the version.

use workbench::{ErrorCode, PackSource, WorkbenchError};
use workbench_domain::validation::{RulesPack, Suppression};
use workbench_store::CachedPack;

use crate::support::{Cache, Server, T1, T2, T3, rfc3339};

fn server_source(server: &Server, at: time::OffsetDateTime) -> PackSource {
    PackSource::Server {
        server: server.base_url().to_owned(),
        fetched_at: rfc3339(at),
    }
}

#[tokio::test]
async fn a_pull_caches_the_servers_rules_pack_as_served_and_validation_uses_it() {
    let server = Server::demo().await;
    let served_json = server.get("/rules").await.text().await.unwrap();
    let served: RulesPack = serde_json::from_str(&served_json).unwrap();
    let cache = Cache::new();
    let shipped = cache.workbench.active_rules_pack().unwrap();
    assert_eq!(shipped.info.source, PackSource::Shipped, "before any pull");
    assert_eq!(shipped.pack, RulesPack::default_pack());

    let report = cache.pull(&server.client(), T1).await.unwrap();

    assert_eq!(report.rules_version, served.version);
    assert_eq!(
        cache.store().rules_pack().unwrap(),
        Some(CachedPack {
            version: served.version.clone(),
            json: served_json.clone(),
            server: server.base_url().to_owned(),
            fetched_at: rfc3339(T1),
        }),
        "the pack is cached exactly as served, with where and when"
    );
    let active = cache.workbench.active_rules_pack().unwrap();
    assert_eq!(active.pack, served);
    assert_eq!(active.info.version, served.version);
    assert_eq!(active.info.source, server_source(&server, T1));
    let version = &cache.list_apps()[0].versions[0].id;
    assert_eq!(
        cache
            .workbench
            .validate_version(version, None)
            .unwrap()
            .pack_version,
        served.version
    );

    // A later pull reads the change feed: with no new pack announced, it asks for none.
    server.add_fault("/rules", "server_error", 1).await;
    cache.pull(&server.client(), T2).await.unwrap();
    assert_eq!(
        server.armed_faults().await.len(),
        1,
        "no rules_updated in the feed: GET /rules is not asked again"
    );
    server.clear_faults().await;
    assert_eq!(
        cache.workbench.active_rules_pack().unwrap().info.source,
        server_source(&server, T1),
        "the pack fetched at T1 stays in force"
    );

    // Talkdesk publishes a new pack: the feed says so, and the next pull caches it as served.
    let newer = newer_pack(&served_json);
    server.put_rules(&newer).await;
    let newer_json = server.get("/rules").await.text().await.unwrap();
    let newer: RulesPack = serde_json::from_str(&newer_json).unwrap();
    assert_ne!(newer.version, served.version);

    let report = cache.pull(&server.client(), T3).await.unwrap();

    assert_eq!(report.rules_version, newer.version);
    assert_eq!(
        cache.store().rules_pack().unwrap(),
        Some(CachedPack {
            version: newer.version.clone(),
            json: newer_json,
            server: server.base_url().to_owned(),
            fetched_at: rfc3339(T3),
        }),
        "the new pack is cached exactly as served"
    );
    assert_eq!(cache.workbench.active_rules_pack().unwrap().pack, newer);
    assert_eq!(
        cache
            .workbench
            .validate_version(version, None)
            .unwrap()
            .pack_version,
        newer.version,
        "validation uses the new pack"
    );
}

/// The served pack with another version: what Talkdesk publishing new rules looks like.
fn newer_pack(served_json: &str) -> serde_json::Value {
    let mut pack: serde_json::Value = serde_json::from_str(served_json).unwrap();
    let version = pack["version"].as_str().unwrap().to_owned();
    pack["version"] = serde_json::Value::String(format!("{version}-next"));
    pack
}

#[tokio::test]
async fn a_rules_pack_that_cannot_be_read_fails_the_pull_and_keeps_the_previous_one() {
    let server = Server::demo().await;
    let cache = Cache::new();
    cache.pull(&server.client(), T1).await.unwrap();
    // A new pack is announced in the feed, so the next pull must fetch `GET /rules`.
    let served_json = server.get("/rules").await.text().await.unwrap();
    server.put_rules(&newer_pack(&served_json)).await;
    let before = cache.image();

    for (kind, code) in [
        ("malformed_json", ErrorCode::MalformedReply),
        ("truncate", ErrorCode::MalformedReply),
        ("server_error", ErrorCode::ServerError),
    ] {
        server.add_fault("/rules", kind, 1).await;

        let error = cache.pull(&server.client(), T2).await.expect_err(kind);

        assert_eq!(error.code(), code, "{kind}: {error}");
        assert!(
            error.to_string().contains("/rules"),
            "{kind}: the message says which reply: {error}"
        );
        assert!(
            server.armed_faults().await.is_empty(),
            "{kind}: the failure came from the fault"
        );
        cache
            .image()
            .assert_unchanged_since(&before, &format!("{kind} on /rules"));
        assert_eq!(
            cache.workbench.active_rules_pack().unwrap().info.source,
            server_source(&server, T1),
            "{kind}: the previous pack is still in force"
        );
    }

    cache.pull(&server.client(), T3).await.unwrap();
    let active = cache.workbench.active_rules_pack().unwrap();
    assert_eq!(active.info.source, server_source(&server, T3));
    assert_eq!(
        serde_json::to_value(&active.pack).unwrap()["version"],
        newer_pack(&served_json)["version"],
        "once /rules answers, the announced pack arrives"
    );
}

#[tokio::test]
async fn a_first_pull_with_an_unreadable_pack_leaves_the_shipped_pack_in_force() {
    let server = Server::demo().await;
    let cache = Cache::new();
    server.add_fault("/rules", "malformed_json", 1).await;

    let error = cache.pull(&server.client(), T1).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::MalformedReply, "{error}");
    assert!(cache.list_apps().is_empty(), "nothing of the pull landed");
    assert_eq!(cache.store().rules_pack().unwrap(), None);
    assert_eq!(
        cache.workbench.active_rules_pack().unwrap().info.source,
        PackSource::Shipped
    );
}

#[tokio::test]
async fn suppressions_apply_to_the_versions_report_and_survive_a_pull() {
    let server = Server::demo().await;
    let cache = Cache::new();
    cache.pull(&server.client(), T1).await.unwrap();
    let listing = &cache.list_apps()[0];
    let (app_id, version_id) = (listing.app.id.clone(), listing.versions[0].id.clone());
    let cached = cache.store().version(&version_id).unwrap().unwrap();
    // The partner's unsaved draft quotes a price no plan has: a warning.
    let mut draft = cached.version.content.clone();
    draft
        .marketplace
        .description
        .push_str(" Now only $4321.99 per seat!");
    let report = cache
        .workbench
        .validate_version(&version_id, Some(&draft))
        .unwrap();
    assert!(
        report.rule_ids().contains(&"plans.quoted_prices"),
        "{report:?}"
    );

    let recorded = cache
        .workbench
        .suppress(
            &version_id,
            Suppression {
                rule: " plans.quoted_prices ".into(),
                field: Some("".into()),
                reason: "  yearly prices  ".into(),
            },
            T1,
        )
        .unwrap();
    assert_eq!(
        recorded,
        Suppression {
            rule: "plans.quoted_prices".into(),
            field: None,
            reason: "yearly prices".into(),
        },
        "trimmed; an empty field means every field"
    );

    cache.pull(&server.client(), T2).await.unwrap();
    let report = cache
        .workbench
        .validate_version(&version_id, Some(&draft))
        .unwrap();
    assert!(
        !report.rule_ids().contains(&"plans.quoted_prices"),
        "{report:?}"
    );
    assert_eq!(report.suppressed.len(), 1, "{report:?}");
    assert_eq!(report.suppressed[0].rule, "plans.quoted_prices");
    assert_eq!(report.suppressed[0].field, "marketplace.description");
    assert_eq!(report.suppressed[0].reason, "yearly prices");
    let stored = cache.workbench.suppressions(&version_id).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].created_at, rfc3339(T1));

    // Refused: an error, no reason, a rule the pack does not have, an unknown version.
    let refused = |rule: &str, reason: &str, version: &str| {
        cache
            .workbench
            .suppress(
                version,
                Suppression {
                    rule: rule.into(),
                    field: None,
                    reason: reason.into(),
                },
                T2,
            )
            .unwrap_err()
    };
    for (error, says) in [
        (
            refused("plans.trial_days", "fine", &version_id),
            "errors cannot be suppressed",
        ),
        (
            refused("plans.quoted_names", " ", &version_id),
            "needs a reason",
        ),
        (refused("no.such_rule", "why", &version_id), "has no rule"),
    ] {
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
    let unknown = refused("plans.quoted_names", "why", "ver-nope");
    assert!(
        matches!(unknown, WorkbenchError::UnknownVersion(_)),
        "{unknown}"
    );
    assert_eq!(
        cache.workbench.suppressions(&version_id).unwrap(),
        stored,
        "refusals change nothing"
    );

    let wrong = cache
        .workbench
        .check_version_of_app("app-nope", &version_id)
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::NotFound, "{wrong}");
    assert!(wrong.to_string().contains(&app_id), "{wrong}");
    cache
        .workbench
        .check_version_of_app(&app_id, &version_id)
        .unwrap();

    let missing = cache
        .workbench
        .unsuppress(
            &version_id,
            "plans.quoted_prices",
            Some("marketplace.description"),
        )
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound, "{missing}");
    cache
        .workbench
        .unsuppress(&version_id, "plans.quoted_prices", None)
        .unwrap();
    let report = cache
        .workbench
        .validate_version(&version_id, Some(&draft))
        .unwrap();
    assert!(report.rule_ids().contains(&"plans.quoted_prices"));
    assert!(report.suppressed.is_empty());
}
