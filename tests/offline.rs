//! A server that cannot be reached: the pull says offline, and work goes on from the cache.

use std::net::{Ipv4Addr, TcpListener};

use workbench::{ErrorCode, SyncPhase};
use workbench_remote::PartnerClient;

use crate::support::{Cache, Server, T1, T2, rfc3339};

#[tokio::test]
async fn a_pull_from_a_stopped_server_is_offline_and_keeps_the_cache_listed() {
    let mut server = Server::demo().await;
    // The same client before and after: the app keeps one while the server goes away.
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.expect("the first pull");
    let before = cache.image();
    assert!(!before.apps.is_empty(), "the cache has apps to keep");
    server.stop().await;

    let result = cache.pull(&client, T2).await;

    let status = cache.workbench.status_after(server.base_url(), &result);
    let error = result.expect_err("nobody answers on a stopped server's port");
    assert_eq!(
        error.code(),
        ErrorCode::ServerUnreachable,
        "a closed port is offline, not a server error ({error})"
    );
    assert_eq!(
        status.phase,
        SyncPhase::Offline,
        "the indicator says offline"
    );
    assert_eq!(status.error_code, Some(ErrorCode::ServerUnreachable));
    assert_eq!(
        status.last_synced_at,
        Some(rfc3339(T1)),
        "offline shows when the cache was last filled"
    );
    assert_eq!(status.server.as_deref(), Some(server.base_url()));
    cache
        .image()
        .assert_unchanged_since(&before, "going offline must not touch the cache");
    assert_eq!(
        cache.list_apps(),
        before.apps,
        "the cached list is still there to show"
    );
}

#[tokio::test]
async fn a_pull_from_a_closed_port_is_offline_and_leaves_a_new_cache_empty() {
    // A port that was free a moment ago and is closed now.
    let port = {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let client = PartnerClient::new(&url).expect("a loopback URL");
    let cache = Cache::new();
    let before = cache.image();

    let result = cache.pull(&client, T1).await;

    let status = cache.workbench.status_after(&url, &result);
    let error = result.expect_err("nothing listens on a closed port");
    assert_eq!(
        error.code(),
        ErrorCode::ServerUnreachable,
        "a refused connection is offline ({error})"
    );
    assert_eq!(status.phase, SyncPhase::Offline);
    assert_eq!(status.last_synced_at, None, "there never was a sync");
    cache
        .image()
        .assert_unchanged_since(&before, "an offline first pull must not write anything");
}
