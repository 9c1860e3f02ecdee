//! A full pull of 1,000 apps × 5 versions (with their icons) from a real sandbox over loopback
//! into an empty cache, against a bare HTTP loop that fetches the same pages and icons in the
//! same run: the baseline shows what the client's checks and the cache's one-transaction swap
//! cost on top of the network. Run with `cargo bench -p workbench-tests --bench pull`.

use std::net::{Ipv4Addr, SocketAddr};

use criterion::{Criterion, criterion_group, criterion_main};
use partner_sandbox::{Config, Sandbox, Seed};
use serde_json::Value;
use time::OffsetDateTime;
use workbench::Workbench;
use workbench_remote::{PartnerClient, SecretToken};

/// The same requests the client makes, with nothing but the JSON needed to find the next ones.
async fn bare_loop(http: &reqwest::Client, base: &str, token: &str) -> (usize, usize) {
    let get = |path: String| async move {
        let response = http
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap()
    };
    let mut app_ids = Vec::new();
    let mut next = Some("/apps".to_owned());
    while let Some(path) = next.take() {
        let page: Value = serde_json::from_slice(&get(path).await).unwrap();
        app_ids.extend(
            page["_embedded"]["apps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
    }
    let mut versions = 0;
    for app_id in &app_ids {
        let mut next = Some(format!("/apps/{app_id}/versions"));
        while let Some(path) = next.take() {
            let page: Value = serde_json::from_slice(&get(path).await).unwrap();
            for version in page["_embedded"]["versions"].as_array().unwrap() {
                versions += 1;
                if version.get("icon").is_some() {
                    let id = version["id"].as_str().unwrap();
                    get(format!("/apps/{app_id}/versions/{id}/icon")).await;
                }
            }
            next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
        }
    }
    (app_ids.len(), versions)
}

fn pull(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("sandbox"));
    config.seed = Seed::Scale;
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

    let (apps, versions) = runtime.block_on(bare_loop(&http, &base, &token));
    assert_eq!(
        (apps, versions),
        (1_000, 5_000),
        "the bare loop walks the whole catalogue"
    );

    let mut group = c.benchmark_group("full pull of 1000 apps x 5 versions");
    group.sample_size(10);
    group.bench_function("workbench pull into an empty cache", |b| {
        b.iter_batched(
            || {
                let cache = tempfile::tempdir().unwrap();
                let workbench = Workbench::open(cache.path()).unwrap();
                (cache, workbench)
            },
            |(_cache, workbench)| {
                let report = runtime
                    .block_on(workbench.pull(&client, OffsetDateTime::now_utc(), |_| {}))
                    .unwrap();
                assert_eq!(report.versions, 5_000, "the pull brings every version");
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("bare HTTP loop of the same requests (baseline)", |b| {
        b.iter(|| runtime.block_on(bare_loop(&http, &base, &token)))
    });
    group.finish();
    runtime.block_on(sandbox.stop());
}

criterion_group!(benches, pull);
criterion_main!(benches);
