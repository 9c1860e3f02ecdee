//! Two-way sync against a real sandbox over loopback, each figure beside a baseline measured in
//! the same run (issue 6):
//!
//! - a sync with nothing to do, with 50 ms of latency injected on every request by the sandbox's
//!   fault profile, against one bare `GET /changes` round trip through the same latency: the
//!   budget is 1.5× that round trip, and the benchmark asserts the sync sends one request;
//! - a push of 100 edited versions (two edits each, in one section), against 100 bare `PATCH`
//!   requests of the same bodies: the benchmark asserts the push makes at most 100 writes.
//!
//! Run with `cargo bench -p workbench-tests --bench sync`.

use std::net::{Ipv4Addr, SocketAddr};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
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
    let bare = || {
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

criterion_group!(benches, nothing_to_do, push_100);
criterion_main!(benches);
