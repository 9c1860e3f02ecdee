//! Two-way sync against a real sandbox over loopback, each figure beside a baseline measured in
//! the same run (issue 6):
//!
//! - a sync with nothing to do, with 50 ms of latency injected on every request by the sandbox's
//!   fault profile, against one bare `GET /changes` round trip through the same latency: the
//!   budget is 1.5× that round trip, and the benchmark asserts the sync sends one request;
//! - a push of 100 edited versions (two edits each, in one section), against 100 bare `PATCH`
//!   requests of the same bodies: the benchmark asserts the push makes at most 100 writes;
//! - a push of 100 versions started offline (issue 16), the first version of each of 100 apps,
//!   each with one edit, against the same requests from a bare loop (a `POST .../versions`, then
//!   a `PATCH` of the edited section with the ETag it answered), and against the same requests
//!   with four in flight, as the push's fast lane keeps them: the benchmark asserts the push
//!   makes at most one create and one content write per version.
//!
//! Run with `cargo bench -p workbench-tests --bench sync`.

use std::net::{Ipv4Addr, SocketAddr};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use partner_sandbox::{Config, FaultProfile, Sandbox, Seed};
use serde_json::json;
use time::OffsetDateTime;
use workbench::{Edit, Workbench};
use workbench_remote::{PartnerClient, SecretToken};

struct Server {
    sandbox: Sandbox,
    base: String,
    token: String,
    client: PartnerClient,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn start(runtime: &tokio::runtime::Runtime, seed: Seed) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("sandbox"));
    config.seed = seed;
    let sandbox = runtime
        .block_on(Sandbox::start(
            config,
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ))
        .unwrap();
    let base = sandbox.base_url();
    let token = sandbox.issue_token(&[]).unwrap().access_token;
    let client = PartnerClient::new(&base)
        .unwrap()
        .with_token(SecretToken::new(token.clone()));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Server {
        sandbox,
        base,
        token,
        client,
        http,
        _dir: dir,
    }
}

fn nothing_to_do(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = start(&runtime, Seed::Demo);
    let cache = tempfile::tempdir().unwrap();
    let workbench = Workbench::open(cache.path()).unwrap();
    runtime
        .block_on(workbench.pull(&server.client, OffsetDateTime::now_utc(), |_| {}))
        .unwrap();
    let cursor = workbench.sync_state().unwrap().cursor.unwrap();
    let profile = FaultProfile::from_json(&json!({"latency_ms": {"min": 50, "max": 50}})).unwrap();
    server.sandbox.set_fault_profile(Some(profile));

    let sync = || {
        let report = runtime
            .block_on(workbench.pull(&server.client, OffsetDateTime::now_utc(), |_| {}))
            .unwrap();
        assert_eq!(
            report.requests, 1,
            "a sync with nothing to do is one request"
        );
        assert_eq!((report.changes, report.push.writes), (0, 0));
    };
    sync();
    let round_trip = || {
        runtime.block_on(async {
            let response = server
                .http
                .get(format!("{}/changes?cursor={cursor}", server.base))
                .bearer_auth(&server.token)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            response.bytes().await.unwrap()
        })
    };
    let mut group = c.benchmark_group("sync with nothing to do, 50 ms latency");
    group.sample_size(20);
    group.bench_function("workbench sync (push + feed pull)", |b| b.iter(sync));
    group.bench_function("one bare GET /changes round trip (baseline)", |b| {
        b.iter(round_trip)
    });
    group.finish();
    runtime.block_on(server.sandbox.stop());
}

/// How many edited versions a push sends.
const VERSIONS: usize = 100;

fn push_100(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = start(&runtime, Seed::Scale);
    let cache = tempfile::tempdir().unwrap();
    let workbench = Workbench::open(cache.path()).unwrap();
    runtime
        .block_on(workbench.pull(&server.client, OffsetDateTime::now_utc(), |_| {}))
        .unwrap();
    // The newest version of each scale app has its marketplace track in Draft: editable.
    let targets: Vec<(String, String)> = workbench
        .list_apps()
        .unwrap()
        .into_iter()
        .take(VERSIONS)
        .map(|listing| (listing.app.id, listing.versions[0].id.clone()))
        .collect();
    assert_eq!(targets.len(), VERSIONS);

    let round = std::cell::Cell::new(0u64);
    let edit_all = || {
        round.set(round.get() + 1);
        let n = round.get();
        for (_, version_id) in &targets {
            for (field, value) in [
                (
                    "marketplace.listing_summary",
                    format!("Summary, round {n}."),
                ),
                ("marketplace.description", format!("# Round {n}\n\nEdited.")),
            ] {
                let edit = Edit::Set {
                    field: field.into(),
                    value: json!(value),
                };
                workbench
                    .edit(version_id, edit, OffsetDateTime::now_utc())
                    .unwrap();
            }
        }
    };
    let push = || {
        let report = runtime
            .block_on(workbench.pull(&server.client, OffsetDateTime::now_utc(), |_| {}))
            .unwrap();
        assert_eq!(report.push.versions_sent, VERSIONS);
        assert!(
            report.push.writes <= VERSIONS,
            "a push of {VERSIONS} edited versions makes at most {VERSIONS} writes, made {}",
            report.push.writes
        );
    };
    edit_all();
    push();

    // The baseline sends the same section bodies, one PATCH each, with `If-Match: *`.
    let bodies: Vec<(String, String, Vec<u8>)> = targets
        .iter()
        .map(|(app_id, version_id)| {
            let marketplace = workbench
                .version(version_id)
                .unwrap()
                .version
                .content
                .marketplace;
            let body = serde_json::to_vec(&json!({ "marketplace": marketplace })).unwrap();
            (app_id.clone(), version_id.clone(), body)
        })
        .collect();
    // With an idempotency key each, as the push sends them: the server records every keyed
    // write's reply, and that is part of what such a request costs.
    let bare_round = std::cell::Cell::new(0u64);
    let bare = || {
        bare_round.set(bare_round.get() + 1);
        let n = bare_round.get();
        runtime.block_on(async {
            for (app_id, version_id, body) in &bodies {
                let response = server
                    .http
                    .patch(format!(
                        "{}/apps/{app_id}/versions/{version_id}",
                        server.base
                    ))
                    .bearer_auth(&server.token)
                    .header("If-Match", "*")
                    .header("Idempotency-Key", format!("bench-patch-{n}-{version_id}"))
                    .header("Content-Type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.unwrap();
            }
        })
    };
    let mut group = c.benchmark_group("push of 100 edited versions");
    group.sample_size(10);
    group.bench_function("workbench sync (100 coalesced PATCHes + feed pull)", |b| {
        b.iter_batched(&edit_all, |()| push(), BatchSize::PerIteration)
    });
    group.bench_function("100 bare PATCH requests (baseline)", |b| b.iter(bare));
    group.finish();
    runtime.block_on(server.sandbox.stop());
}

/// Deletes every version of `apps` on the server (bare requests), so each gets a first version again.
async fn delete_versions(server: &Server, apps: &[String]) {
    for app_id in apps {
        for version in server.client.list_versions(app_id).await.unwrap() {
            let response = server
                .http
                .delete(format!(
                    "{}/apps/{app_id}/versions/{}",
                    server.base, version.version.id
                ))
                .bearer_auth(&server.token)
                .header("If-Match", "*")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 204);
        }
    }
}

/// A bare create of the first version of `app_id`, then a `PATCH` of `body` with the ETag it
/// answered, each with an idempotency key as the push sends them.
async fn create_and_patch(server: &Server, app_id: &str, key: &str, body: &[u8]) {
    let created = server
        .http
        .post(format!("{}/apps/{app_id}/versions", server.base))
        .bearer_auth(&server.token)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let version: serde_json::Value = created.json().await.unwrap();
    let version_id = version["id"].as_str().unwrap();
    let response = server
        .http
        .patch(format!(
            "{}/apps/{app_id}/versions/{version_id}",
            server.base
        ))
        .bearer_auth(&server.token)
        .header("If-Match", etag)
        .header("Idempotency-Key", format!("{key}-patch"))
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.bytes().await.unwrap();
}

fn push_100_created(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = start(&runtime, Seed::Demo);
    // 100 apps registered on the server, with no version yet.
    let apps: Vec<String> = runtime.block_on(async {
        let mut apps = Vec::new();
        for i in 0..VERSIONS {
            let registration = partner_api::RegisterApp {
                name: format!("bench-app-{i}"),
                slug: format!("bench-app-{i}"),
                display_name: format!("Bench App {i}"),
                created_type: "Bench Inc".into(),
                app_type: workbench_domain::AppType::Standalone,
                render: workbench_domain::Render::Portal,
            };
            let key = format!("bench-register-{i}");
            apps.push(
                server
                    .client
                    .register_app(&registration, &key)
                    .await
                    .unwrap()
                    .id,
            );
        }
        apps
    });
    let cache = tempfile::tempdir().unwrap();
    let workbench = Workbench::open(cache.path()).unwrap();
    let sync = || {
        runtime
            .block_on(workbench.pull(&server.client, OffsetDateTime::now_utc(), |_| {}))
            .unwrap()
    };
    sync();
    // Before each sample: the versions of the last one deleted on the server (and so from the
    // cache by a sync), then a first version started offline for each app, with one edit.
    let start_all = || {
        runtime.block_on(delete_versions(&server, &apps));
        sync();
        for app_id in &apps {
            let version = workbench
                .create_version(app_id, OffsetDateTime::now_utc())
                .unwrap();
            let edit = Edit::Set {
                field: "marketplace.listing_summary".into(),
                value: json!("Started offline."),
            };
            workbench
                .edit(&version.id, edit, OffsetDateTime::now_utc())
                .unwrap();
        }
    };
    let push = || {
        let report = sync();
        assert_eq!(report.push.created, VERSIONS, "{:?}", report.push);
        assert!(
            report.push.writes <= 2 * VERSIONS,
            "at most one create and one content write per version, made {} writes",
            report.push.writes
        );
    };
    start_all();
    push();

    // The baseline: the same requests from a bare loop, one create and one PATCH each.
    let body = serde_json::to_vec(&json!({
        "marketplace": workbench
            .version(&workbench.list_apps().unwrap().iter()
                .find(|l| l.app.id == apps[0]).unwrap().versions[0].id)
            .unwrap()
            .version
            .content
            .marketplace
    }))
    .unwrap();
    let round = std::cell::Cell::new(0u64);
    let bare = || {
        round.set(round.get() + 1);
        runtime.block_on(async {
            for (i, app_id) in apps.iter().enumerate() {
                let key = format!("bench-{}-{i}", round.get());
                create_and_patch(&server, app_id, &key, &body).await;
            }
        })
    };
    // The same requests with as many in flight as the push's fast lane keeps: what the push
    // could do at best with the same concurrency.
    let bare_in_flight = || {
        round.set(round.get() + 1);
        let (server, body, n) = (&server, &body, round.get());
        runtime.block_on(async {
            futures_util::stream::iter(apps.iter().enumerate())
                .map(|(i, app_id)| async move {
                    create_and_patch(server, app_id, &format!("bench-{n}-{i}"), body).await
                })
                .buffer_unordered(4)
                .collect::<Vec<()>>()
                .await;
        })
    };
    let clear = || runtime.block_on(delete_versions(&server, &apps));
    let mut group = c.benchmark_group("push of 100 versions started offline");
    group.sample_size(10);
    group.bench_function(
        "workbench sync (100 creates, 100 PATCHes + feed pull)",
        |b| b.iter_batched(&start_all, |()| push(), BatchSize::PerIteration),
    );
    group.bench_function("100 bare creates and PATCHes (baseline)", |b| {
        b.iter_batched(&clear, |()| bare(), BatchSize::PerIteration)
    });
    group.bench_function("100 bare creates and PATCHes, 4 in flight", |b| {
        b.iter_batched(&clear, |()| bare_in_flight(), BatchSize::PerIteration)
    });
    group.finish();
    runtime.block_on(server.sandbox.stop());
}

criterion_group!(benches, nothing_to_do, push_100, push_100_created);
criterion_main!(benches);
