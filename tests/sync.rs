//! Two-way sync against the real sandbox over HTTP and a real cache: offline edits pushed with
//! `If-Match`, portal edits merged field by field, conflicts the partner settles, plans merged by
//! name, queued submissions sent once when the server is back, convergence under injected
//! faults, and a sync with nothing to do costing one request.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use partner_api::{ChangeKind, VersionResource};
use serde_json::{Value, json};
use time::OffsetDateTime;
use workbench::{Edit, ErrorCode, PullReport, ReviewAction, WorkbenchError};
use workbench_domain::merge::field_value;
use workbench_domain::{ReviewStatus, SubscriptionPlan, Track};
use workbench_remote::{PartnerClient, RetryPolicy};

use crate::support::{Cache, CountingProxy, Served, Server, T1, T2, T3};

/// The demo versions the tests edit, by app display name and version number, with what their
/// review tracks leave editable.
/// Delta Surveys 1.0.0: Draft on both tracks, everything editable (no icon).
const DELTA: (&str, &str) = ("Delta Surveys", "1.0.0");
/// Acme 1.2.0: technical In Review, marketplace Draft: the marketplace section is editable.
const ACME: (&str, &str) = ("Acme CRM Connector", "1.2.0");
/// Cobalt 0.9.0: technical Approved, marketplace Rejected: marketplace and plans are editable.
const COBALT: (&str, &str) = ("Cobalt Scheduler", "0.9.0");
/// Beacon 1.1.0: technical Rejected, marketplace In Review: the technical section is editable.
const BEACON: (&str, &str) = ("Beacon Analytics", "1.1.0");

/// (app id, version id) of a demo version.
fn find(served: &Served, (app_name, number): (&str, &str)) -> (String, String) {
    let app = served
        .apps
        .iter()
        .find(|a| a.display_name == app_name)
        .unwrap_or_else(|| panic!("the demo has the app {app_name}"));
    let version = served.versions[&app.id]
        .iter()
        .find(|v| v.version.version_number == number)
        .unwrap_or_else(|| panic!("the demo has {app_name} {number}"));
    (app.id.clone(), version.version.id.clone())
}

/// A manual-review demo sandbox and a cache filled from it at T1.
async fn scene() -> (Server, Cache, Served) {
    let server = Server::demo_with_manual_reviews().await;
    let cache = Cache::new();
    cache
        .pull(&server.client(), T1)
        .await
        .expect("the first pull fills the cache");
    let served = server.served().await;
    (server, cache, served)
}

fn set(cache: &Cache, version_id: &str, field: &str, value: Value, at: OffsetDateTime) {
    let outcome = cache
        .workbench
        .edit(
            version_id,
            Edit::Set {
                field: field.to_owned(),
                value,
            },
            at,
        )
        .unwrap_or_else(|e| panic!("the edit of {field} on {version_id} is taken: {e}"));
    assert!(outcome.changed, "{field} on {version_id} changed");
}

fn value_of(resource: &VersionResource, field: &str) -> Value {
    field_value(&resource.version.content, field)
        .unwrap_or_else(|e| panic!("{field} is a field of a version: {e}"))
}

fn plan_names(plans: &[SubscriptionPlan]) -> Vec<&str> {
    plans.iter().map(|p| p.name.as_str()).collect()
}

/// The version's whole `section` as the server has it, with `field` (a key of it) set to `value`:
/// the body of a portal edit.
async fn section_with(
    server: &Server,
    (app_id, version_id): (&str, &str),
    section: &str,
    field: &str,
    value: Value,
) -> Value {
    let resource = server.version(app_id, version_id).await;
    let mut whole = serde_json::to_value(&resource.version.content).unwrap()[section].clone();
    whole[field] = value;
    json!({ section: whole })
}

/// After a sync: nothing waits, no conflict is open, and the cache holds the server's copy of
/// the version as working copy and base, with the ETag the server serves.
async fn assert_in_step(server: &Server, cache: &Cache, app_id: &str, version_id: &str) {
    let changes = cache.workbench.local_changes(None).unwrap();
    assert!(
        changes.entries.is_empty(),
        "the outbox is empty: {:?}",
        changes.entries
    );
    assert!(changes.conflicts.is_empty(), "no conflict is open");
    let resource = server.version(app_id, version_id).await;
    let cached = cache.store().version(version_id).unwrap().unwrap();
    assert_eq!(
        cached.version, resource.version,
        "the cache's working copy of {version_id} is the server's"
    );
    assert_eq!(
        cached.base.as_ref(),
        Some(&resource.version),
        "the base is the server's"
    );
    assert_eq!(cached.etag.as_deref(), Some(resource.etag.as_str()));
}

/// How many changes of `kind` the feed holds for a version (on `track` when given).
fn count(
    feed: &[partner_api::Change],
    kind: ChangeKind,
    version_id: &str,
    track: Option<Track>,
) -> usize {
    feed.iter()
        .filter(|c| c.kind == kind && c.resource.id == version_id)
        .filter(|c| track.is_none() || c.track == track)
        .count()
}

#[tokio::test]
async fn an_offline_edit_and_a_portal_edit_of_another_field_both_survive_a_sync() {
    let (server, cache, served) = scene().await;
    let (app, version) = find(&served, DELTA);

    // Offline: the edit is saved, and a sync that cannot reach the server keeps it queued.
    set(
        &cache,
        &version,
        "general.display_name",
        json!("Delta Surveys Offline"),
        T1,
    );
    let offline = cache
        .pull(&server.client_of_a_closed_port(), T2)
        .await
        .expect_err("the server is down");
    assert_eq!(offline.code(), ErrorCode::ServerUnreachable, "{offline}");
    assert_eq!(
        cache.workbench.local_changes(None).unwrap().entries.len(),
        1
    );
    // Meanwhile, in the web portal, another field of the same version.
    let description = "Delta Surveys asks your customers how it went, right after the call, and \
                       shows the answers in Talkdesk. Edited in the portal.";
    let body = section_with(
        &server,
        (&app, &version),
        "marketplace",
        "description",
        json!(description),
    )
    .await;
    server.portal_edit(&version, body).await;

    let report = cache.pull(&server.client(), T2).await.expect("the sync");

    assert_eq!(report.push.versions_sent, 1, "{report:?}");
    assert_eq!(
        report.push.merged, 1,
        "the PATCH met a 412 and was merged: {report:?}"
    );
    assert_eq!(report.conflicts, 0);
    let resource = server.version(&app, &version).await;
    assert_eq!(
        value_of(&resource, "general.display_name"),
        json!("Delta Surveys Offline"),
        "the offline edit reached the server"
    );
    assert_eq!(
        value_of(&resource, "marketplace.description"),
        json!(description),
        "the portal's edit survived it"
    );
    assert_in_step(&server, &cache, &app, &version).await;
}

#[tokio::test]
async fn the_same_field_edited_on_both_sides_is_a_conflict_until_the_partner_keeps_theirs_or_mine()
{
    let (server, cache, served) = scene().await;
    let (app, version) = find(&served, ACME);
    let field = "marketplace.listing_summary";
    let base = value_of(&server.version(&app, &version).await, field);

    set(&cache, &version, field, json!("Mine: Acme in Talkdesk"), T1);
    let body = section_with(
        &server,
        (&app, &version),
        "marketplace",
        "listing_summary",
        json!("Theirs: Acme, from the portal"),
    )
    .await;
    server.portal_edit(&version, body).await;

    let report = cache.pull(&server.client(), T2).await.expect("the sync");

    assert_eq!(report.conflicts, 1, "{report:?}");
    assert_eq!(report.push.waiting_on_conflicts, 1, "{report:?}");
    let conflict = cache.workbench.conflict(&version, field).unwrap();
    assert_eq!(
        (conflict.base, conflict.mine, conflict.theirs),
        (
            base,
            json!("Mine: Acme in Talkdesk"),
            json!("Theirs: Acme, from the portal")
        ),
        "the conflict shows base, mine and theirs"
    );
    assert_eq!(
        value_of(&server.version(&app, &version).await, field),
        json!("Theirs: Acme, from the portal"),
        "nothing overwrote the portal's value while the conflict is open"
    );
    // Another sync changes nothing while the conflict waits.
    let again = cache.pull(&server.client(), T2).await.unwrap();
    assert_eq!(again.push.writes, 0, "a version in conflict is not sent");

    cache
        .workbench
        .resolve(&version, field, json!("Mine: Acme in Talkdesk"), T2)
        .expect("keeping mine settles it");
    let report = cache.pull(&server.client(), T3).await.expect("the sync");

    assert_eq!(report.conflicts, 0);
    assert_eq!(
        value_of(&server.version(&app, &version).await, field),
        json!("Mine: Acme in Talkdesk"),
        "the server has mine"
    );
    assert_in_step(&server, &cache, &app, &version).await;
}

#[tokio::test]
async fn plans_added_on_one_side_and_reordered_on_the_other_merge_and_a_delete_against_an_edit_conflicts()
 {
    let (server, cache, served) = scene().await;
    let (app, version) = find(&served, DELTA);
    let plans = cache
        .store()
        .version(&version)
        .unwrap()
        .unwrap()
        .version
        .content
        .subscription_types;
    let names: Vec<String> = plans.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names.len(), 3, "Delta has three plans: {names:?}");
    let (a, b, c) = (names[0].as_str(), names[1].as_str(), names[2].as_str());
    let plan = |name: &str, price: i64| SubscriptionPlan {
        name: name.to_owned(),
        price,
        ..plans[1].clone()
    };

    // Mine adds a plan at the end; the portal reverses the three.
    let mut mine = plans.clone();
    mine.push(plan("Surveys Team", 2500));
    cache
        .workbench
        .edit(&version, Edit::Plans(mine), T1)
        .unwrap();
    let reversed: Vec<_> = plans.iter().rev().cloned().collect();
    server
        .portal_edit(&version, json!({ "subscription_types": reversed }))
        .await;
    let report = cache.pull(&server.client(), T2).await.expect("the sync");
    assert_eq!(
        report.conflicts, 0,
        "an addition and a reorder do not clash"
    );
    let resource = server.version(&app, &version).await;
    assert_eq!(
        plan_names(&resource.version.content.subscription_types),
        [c, "Surveys Team", b, a],
        "the portal's order, and mine's new plan right after the plan before it on my side"
    );
    assert_in_step(&server, &cache, &app, &version).await;

    // The other way round: the portal adds, mine moves the last plan first.
    let now = resource.version.content.subscription_types.clone();
    let mut theirs = now.clone();
    theirs.push(plan("Surveys Enterprise", 9900));
    let mine: Vec<_> = [3, 0, 1, 2].iter().map(|&i| now[i].clone()).collect();
    cache
        .workbench
        .edit(&version, Edit::Plans(mine), T2)
        .unwrap();
    server
        .portal_edit(&version, json!({ "subscription_types": theirs }))
        .await;
    let report = cache.pull(&server.client(), T2).await.expect("the sync");
    assert_eq!(
        report.conflicts, 0,
        "a reorder and an addition do not clash"
    );
    let resource = server.version(&app, &version).await;
    assert_eq!(
        plan_names(&resource.version.content.subscription_types),
        [a, "Surveys Enterprise", c, "Surveys Team", b],
        "mine's order, and the portal's new plan right after the plan before it on its side"
    );
    assert_in_step(&server, &cache, &app, &version).await;

    // Mine deletes a plan the portal edits: a conflict; the server keeps the portal's plan.
    let now = resource.version.content.subscription_types.clone();
    let without_team: Vec<_> = now
        .iter()
        .filter(|p| p.name != "Surveys Team")
        .cloned()
        .collect();
    cache
        .workbench
        .edit(&version, Edit::Plans(without_team), T3)
        .unwrap();
    let theirs: Vec<_> = now
        .iter()
        .map(|p| {
            if p.name == "Surveys Team" {
                plan("Surveys Team", 2700)
            } else {
                p.clone()
            }
        })
        .collect();
    server
        .portal_edit(&version, json!({ "subscription_types": theirs }))
        .await;
    let report = cache.pull(&server.client(), T3).await.expect("the sync");
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflict = cache
        .workbench
        .conflict(&version, "subscription_types[Surveys Team]")
        .expect("the deleted and edited plan is in conflict");
    assert_eq!(conflict.mine, Value::Null, "mine deleted it");
    assert_eq!(conflict.theirs["price"], json!(2700), "theirs edited it");
    let resource = server.version(&app, &version).await;
    let team = resource
        .version
        .content
        .subscription_types
        .iter()
        .find(|p| p.name == "Surveys Team")
        .expect("the server still has the plan the portal edited");
    assert_eq!(team.price, 2700);
}

#[tokio::test]
async fn a_submission_queued_offline_is_revalidated_and_sent_once_and_one_that_now_fails_is_held() {
    let (server, cache, served) = scene().await;
    let (app, delta) = find(&served, DELTA);
    let (cobalt_app, cobalt) = find(&served, COBALT);

    cache
        .workbench
        .queue_action(&delta, ReviewAction::Submit(Track::Technical), vec![], T1)
        .expect("Delta's technical track passes its preflight");
    let offline = cache
        .pull(&server.client_of_a_closed_port(), T2)
        .await
        .expect_err("the server is down");
    assert_eq!(offline.code(), ErrorCode::ServerUnreachable, "{offline}");
    let entries = cache.workbench.local_changes(None).unwrap().entries;
    assert_eq!(entries.len(), 1, "the submission stays queued");
    assert!(!entries[0].held, "being offline is no reason to hold it");

    let report = cache.pull(&server.client(), T2).await.expect("online");
    assert_eq!(report.push.held, 0, "{report:?}");
    let resource = server.version(&app, &delta).await;
    assert_eq!(
        resource.version.status.technical,
        ReviewStatus::InReview,
        "the server took the submission"
    );
    cache.pull(&server.client(), T3).await.expect("again");
    let feed = server.feed().await;
    assert_eq!(
        count(&feed, ChangeKind::Submitted, &delta, Some(Track::Technical)),
        1,
        "the feed shows the submission exactly once"
    );
    assert_in_step(&server, &cache, &app, &delta).await;

    // Queued while valid, then an edit breaks what the marketplace track checks: held, with why.
    let status_before = server.version(&cobalt_app, &cobalt).await.version.status;
    let queued = cache.workbench.queue_action(
        &cobalt,
        ReviewAction::Submit(Track::Marketplace),
        vec![],
        T3,
    );
    if let Err(error) = &queued {
        panic!("Cobalt's marketplace track passes its preflight before the edit: {error}");
    }
    set(&cache, &cobalt, "marketplace.support.email", json!(""), T3);
    let report = cache.pull(&server.client(), T3).await.expect("the sync");
    assert_eq!(report.push.held, 1, "{report:?}");
    let entries = cache.workbench.local_changes(None).unwrap().entries;
    assert_eq!(entries.len(), 1, "only the submission is left: {entries:?}");
    let held = &entries[0];
    assert!(held.held, "it waits for the partner");
    let why = held.last_error.as_deref().unwrap_or_default();
    assert!(
        why.contains("marketplace.support.email"),
        "the reason names what fails: {why}"
    );
    let resource = server.version(&cobalt_app, &cobalt).await;
    assert!(
        resource
            .version
            .content
            .marketplace
            .support
            .email
            .is_empty(),
        "the edit itself was sent"
    );
    assert_eq!(
        resource.version.status.marketplace,
        ReviewStatus::Draft,
        "nothing was submitted: the edit took the rejected listing back to Draft"
    );
    assert_eq!(status_before.marketplace, ReviewStatus::Rejected);
    assert_eq!(
        count(&server.feed().await, ChangeKind::Submitted, &cobalt, None),
        0
    );
}

/// A seed from the clock (or `PWB_TEST_SEED`), printed so a failing run can be replayed.
fn clock_seed() -> u64 {
    let seed = std::env::var("PWB_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
        });
    println!("fault profile seed: {seed} (PWB_TEST_SEED={seed} replays it)");
    seed
}

async fn sync_until_the_outbox_is_empty(
    cache: &Cache,
    client: &PartnerClient,
    bound: usize,
) -> Vec<Result<PullReport, WorkbenchError>> {
    let mut results = Vec::new();
    while results.len() < bound {
        let result = cache.pull(client, T3).await;
        let ok = result.is_ok();
        results.push(result);
        if ok
            && cache
                .workbench
                .local_changes(None)
                .unwrap()
                .entries
                .is_empty()
        {
            return results;
        }
    }
    panic!(
        "the outbox did not empty in {bound} syncs: {:?}; last results: {:?}",
        cache.workbench.local_changes(None).unwrap(),
        results.iter().rev().take(3).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn sync_under_injected_faults_converges_with_every_edit_on_the_server_and_each_submission_once()
 {
    let (server, cache, served) = scene().await;
    let targets = [
        (DELTA, "general.notes"),
        (DELTA, "technical.scopes_reason"),
        (ACME, "marketplace.listing_summary"),
        (COBALT, "marketplace.support.phone"),
        (BEACON, "technical.scopes_reason"),
    ];
    let targets: Vec<((String, String), &str)> = targets
        .iter()
        .map(|(which, field)| (find(&served, *which), *field))
        .collect();
    // Fewer tries than the app's connection makes (`RetryPolicy::default()` has 5), so some
    // syncs do fail halfway and the next one must pick up where it stopped.
    let client = server.client_with_retries(RetryPolicy {
        attempts: 2,
        base: Duration::from_millis(50),
        max: Duration::from_secs(2),
    });
    server
        .set_fault_profile(json!({
            "unavailable_rate": 0.3,
            "drop_rate": 0.1,
            "rate_limit": { "rate": 0.05 },
            "retry_after_s": 1,
            "truncate_rate": 0.03,
            "seed": clock_seed(),
        }))
        .await;

    // Five rounds of edits of every target (25 edits over four versions), each round followed
    // by a sync that may fail; the submission is queued with the last round.
    let mut last: BTreeMap<(String, String), Value> = BTreeMap::new();
    let mut edits = 0;
    let mut failed = 0;
    let (delta_app, delta) = find(&served, DELTA);
    for round in 0..5 {
        for ((_, version), field) in &targets {
            let value = json!(format!("round {round} of {field}"));
            set(&cache, version, field, value.clone(), T2);
            last.insert((version.clone(), field.to_string()), value);
            edits += 1;
        }
        // Last, after every edit: once In Review, the technical track locks Delta's fields.
        if round == 4 {
            cache
                .workbench
                .queue_action(&delta, ReviewAction::Submit(Track::Technical), vec![], T2)
                .expect("Delta's technical track passes its preflight");
        }
        if cache.pull(&client, T2).await.is_err() {
            failed += 1;
        }
    }
    let results = sync_until_the_outbox_is_empty(&cache, &client, 40).await;
    let failed_after = results.iter().filter(|r| r.is_err()).count();
    println!(
        "{edits} edits; {failed} of 5 syncs between rounds failed; {} more syncs to empty the \
         outbox, {failed_after} of them failed",
        results.len()
    );
    server.clear_faults().await;

    assert!(edits >= 20);
    for ((version, field), value) in &last {
        let (app, _) = targets
            .iter()
            .find(|((_, v), _)| v == version)
            .map(|(ids, _)| ids.clone())
            .unwrap();
        let resource = server.version(&app, version).await;
        assert_eq!(
            &value_of(&resource, field),
            value,
            "{field} of {version} holds its last edit on the server"
        );
    }
    let feed = server.feed().await;
    assert_eq!(
        count(&feed, ChangeKind::Submitted, &delta, Some(Track::Technical)),
        1,
        "the submission reached the server exactly once"
    );
    assert_eq!(
        server
            .version(&delta_app, &delta)
            .await
            .version
            .status
            .technical,
        ReviewStatus::InReview
    );
    // With the faults gone, one more sync brings the cache in step with everything.
    let report = cache
        .pull(&server.client(), T3)
        .await
        .expect("a clean sync");
    assert_eq!(report.conflicts, 0, "nobody else edited: no conflict");
    for ((app, version), _) in &targets {
        assert_in_step(&server, &cache, app, version).await;
    }
}

#[tokio::test]
async fn a_sync_with_nothing_to_do_sends_exactly_one_request() {
    let server = Server::demo_with_manual_reviews().await;
    let proxy = CountingProxy::start(server.base_url()).await;
    let client = PartnerClient::new(proxy.base_url())
        .expect("the proxy is on loopback")
        .with_token(workbench_remote::SecretToken::new(
            server.token().to_owned(),
        ));
    let cache = Cache::new();
    let first = cache.pull(&client, T1).await.expect("the first pull");
    assert!(first.full);
    let first_requests = proxy.take();
    assert!(
        first_requests.len() > 4,
        "the proxy sees the first pull's requests: {first_requests:?}"
    );

    for at in [T2, T3] {
        let report = cache
            .pull(&client, at)
            .await
            .expect("a sync with nothing new");
        let requests = proxy.take();
        assert!(!report.full);
        assert_eq!(
            requests.len(),
            1,
            "a sync with nothing to do is one request: {requests:?}"
        );
        assert!(
            requests[0].starts_with("GET /changes?cursor="),
            "that request reads the feed: {requests:?}"
        );
    }

    // One edit to send: the PATCH, then the feed (whose one change is the echo of the write).
    let (_, version) = find(&server.served().await, DELTA);
    proxy.take();
    set(&cache, &version, "general.notes", json!("one edit"), T3);
    let report = cache.pull(&client, T3).await.expect("the sync");
    let requests = proxy.take();
    assert_eq!(report.push.writes, 1);
    assert_eq!(
        requests.len(),
        2,
        "one write and one read of the feed: {requests:?}"
    );
    assert!(requests[0].starts_with("PATCH "), "{requests:?}");
    assert!(
        requests[1].starts_with("GET /changes?cursor="),
        "{requests:?}"
    );
}

/// A write the server applied whose reply never arrived (the connection cut, or the process
/// killed), then another edit of the same field: the next sync must not take the server's copy
/// (the first write) for someone else's edit: no conflict with yourself, and the last value wins.
#[tokio::test]
async fn a_write_whose_reply_was_lost_then_another_edit_of_the_field_syncs_without_a_conflict() {
    let (server, cache, served) = scene().await;
    let (app, version) = find(&served, DELTA);
    set(&cache, &version, "general.notes", json!("first"), T1);
    server
        .add_fault(&partner_api::paths::version(&app, &version), "truncate", 1)
        .await;

    let lost = cache
        .pull(&server.client(), T2)
        .await
        .expect_err("the reply of the PATCH is cut off");
    assert_eq!(lost.code(), ErrorCode::MalformedReply, "{lost}");
    assert!(server.armed_faults().await.is_empty(), "the fault fired");
    assert_eq!(
        value_of(&server.version(&app, &version).await, "general.notes"),
        json!("first"),
        "the server applied the write before its reply was cut"
    );

    set(&cache, &version, "general.notes", json!("second"), T2);
    let report = cache.pull(&server.client(), T3).await.expect("the sync");

    assert_eq!(
        report.conflicts, 0,
        "no conflict with my own write: {report:?}"
    );
    assert_eq!(
        value_of(&server.version(&app, &version).await, "general.notes"),
        json!("second")
    );
    assert_in_step(&server, &cache, &app, &version).await;
    let feed = server.feed().await;
    assert_eq!(
        count(&feed, ChangeKind::VersionUpdated, &version, None),
        2,
        "two writes, each applied once"
    );
}
