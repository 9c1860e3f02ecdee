//! Pulls that fail halfway: a reply cut off, unreadable or a server error. Each fails with the
//! code the UI branches on and leaves the cache exactly as it was (SPEC §6). A first pull
//! fetches everything (apps, versions pages, icons, the rules pack); a later one reads the change
//! feed and fetches only what it names (`/changes`, a changed version, its new icon): both paths
//! meet the faults here.

use workbench::{ErrorCode, SyncPhase};

use crate::support::{Cache, Served, Server, T1, T2, rfc3339};

/// A demo server, a cache filled from it at T1, and a server that has moved on since: one app
/// removed and one icon changed, both recorded in the change feed, so the next pull reads the
/// feed, and anything a failed pull let through would show in the cache.
struct Scene {
    server: Server,
    cache: Cache,
    /// What the server serves after the changes.
    served: Served,
    /// The version whose icon changed, the path of that version and the path of its icon.
    changed_icon: (String, String, String),
}

impl Scene {
    async fn new() -> Scene {
        let server = Server::demo().await;
        let cache = Cache::new();
        cache
            .pull(&server.client(), T1)
            .await
            .expect("the first pull fills the cache");
        let before = server.served().await;
        let ((app, target), (other_app, other)) = before.two_different_icons();
        let (app, version) = (app.to_owned(), target.version.id.clone());
        let version_path = partner_api::paths::version(&app, &version);
        let icon_path = partner_api::paths::icon(&app, &version);
        let new_icon = server
            .get(&partner_api::paths::icon(other_app, &other.version.id))
            .await
            .bytes()
            .await
            .unwrap();
        server.replace_icon(&version, &new_icon).await;
        let lost = before
            .apps
            .iter()
            .find(|a| a.id != app)
            .expect("a second app")
            .id
            .clone();
        server.remove_app(&lost);
        let served = server.served().await;
        Scene {
            server,
            cache,
            served,
            changed_icon: (version, version_path, icon_path),
        }
    }

    /// Arms `kind` on `path_prefix`, pulls, and checks the pull fails with `code` and changes
    /// nothing; then checks that the fault really fired.
    async fn assert_failed_pull_changes_nothing(
        &self,
        path_prefix: &str,
        kind: &str,
        code: ErrorCode,
    ) {
        assert_failed_pull_changes_nothing(
            &self.server,
            &self.cache,
            path_prefix,
            kind,
            code,
            Some(rfc3339(T1)),
        )
        .await;
    }

    /// After the faults, a clean pull still works and brings the server's changes in.
    async fn assert_clean_pull_catches_up(&self) {
        self.server.clear_faults().await;
        let report = self
            .cache
            .pull(&self.server.client(), T2)
            .await
            .expect("with the faults gone the pull succeeds");
        assert_eq!(
            report.apps,
            self.served.apps.len(),
            "the lost app is gone once a pull completes"
        );
        let (version, _, _) = &self.changed_icon;
        let icon = self.cache.workbench.icon(version).unwrap().unwrap();
        let served_sha = self
            .served
            .all_versions()
            .find(|(_, v)| &v.version.id == version)
            .and_then(|(_, v)| v.icon.as_ref())
            .map(|i| i.sha256.clone());
        assert_eq!(
            Some(icon.sha256),
            served_sha,
            "the changed icon arrives once a pull completes"
        );
    }
}

/// Arms `kind` on `path_prefix`, pulls, and checks the pull fails with `code` (shown in the
/// status, with the last good sync `last_synced_at`), that the fault fired, and that the cache
/// is exactly as it was.
async fn assert_failed_pull_changes_nothing(
    server: &Server,
    cache: &Cache,
    path_prefix: &str,
    kind: &str,
    code: ErrorCode,
    last_synced_at: Option<String>,
) {
    let case = format!("{kind} on {path_prefix}");
    let before = cache.image();
    server.add_fault(path_prefix, kind, 1).await;

    let result = cache.pull(&server.client(), T2).await;

    let status = cache.workbench.status_after(server.base_url(), &result);
    let error = result
        .err()
        .unwrap_or_else(|| panic!("{case}: a pull that meets a bad reply must fail"));
    assert_eq!(
        error.code(),
        code,
        "{case}: the UI branches on the code ({error})"
    );
    assert!(
        server.armed_faults().await.is_empty(),
        "{case}: the fault fired, so the failure came from it"
    );
    cache
        .image()
        .assert_unchanged_since(&before, &format!("{case} must leave the cache as it was"));
    assert_eq!(
        status.phase,
        SyncPhase::Error,
        "{case}: a server that answers wrongly is an error, not offline"
    );
    assert_eq!(
        status.error_code,
        Some(code),
        "{case}: the status carries the code"
    );
    assert_eq!(
        status.last_synced_at, last_synced_at,
        "{case}: the last good sync is still the one shown"
    );
}

#[tokio::test]
async fn a_pull_cut_off_in_the_feed_or_a_changed_version_fails_as_malformed_and_changes_nothing() {
    let scene = Scene::new().await;
    let (_, version_path, _) = scene.changed_icon.clone();

    for path in [partner_api::CHANGES_PATH, version_path.as_str()] {
        scene
            .assert_failed_pull_changes_nothing(path, "truncate", ErrorCode::MalformedReply)
            .await;
    }

    scene.assert_clean_pull_catches_up().await;
}

#[tokio::test]
async fn a_pull_cut_off_in_a_changed_icon_fails_as_malformed_and_keeps_the_old_icon() {
    let scene = Scene::new().await;
    let (version, _, icon_path) = scene.changed_icon.clone();
    let old_icon = scene.cache.workbench.icon(&version).unwrap();

    scene
        .assert_failed_pull_changes_nothing(&icon_path, "truncate", ErrorCode::MalformedReply)
        .await;

    assert_eq!(
        scene.cache.workbench.icon(&version).unwrap(),
        old_icon,
        "half a new icon never replaces the old one"
    );
    scene.assert_clean_pull_catches_up().await;
}

#[tokio::test]
async fn a_first_pull_cut_off_in_an_icon_leaves_the_cache_empty() {
    let server = Server::demo().await;
    let served = server.served().await;
    let (app, version) = served
        .all_versions()
        .filter(|(_, v)| v.icon.is_some())
        .last()
        .expect("a version with an icon");
    let cache = Cache::new();
    let before = cache.image();
    server
        .add_fault(
            &partner_api::paths::icon(app, &version.version.id),
            "truncate",
            1,
        )
        .await;

    let error = cache
        .pull(&server.client(), T1)
        .await
        .expect_err("an icon cut off must fail the pull");

    assert_eq!(
        error.code(),
        ErrorCode::MalformedReply,
        "a cut-off reply is malformed ({error})"
    );
    assert!(
        server.armed_faults().await.is_empty(),
        "the fault fired: the icon had to be downloaded"
    );
    cache
        .image()
        .assert_unchanged_since(&before, "a failed first pull must leave no partial cache");
    assert!(cache.list_apps().is_empty(), "nothing was listed before");
    assert_eq!(
        cache.workbench.sync_state().unwrap().last_synced_at,
        None,
        "a failed first pull is not a sync"
    );
}

/// A first pull fetches everything: a fault on the feed's end, the first page of apps, the last
/// app's versions (everything else fetched by then) or the rules pack fails it, and the cache
/// stays empty; with the faults gone it fills.
#[tokio::test]
async fn a_first_pull_that_meets_a_bad_reply_anywhere_fails_with_its_code_and_leaves_the_cache_empty()
 {
    let server = Server::demo().await;
    let served = server.served().await;
    let last = served.apps.last().expect("the demo has apps");
    let versions = partner_api::paths::versions(&last.id);
    let cache = Cache::new();
    let cases = [
        (
            partner_api::CHANGES_PATH,
            "truncate",
            ErrorCode::MalformedReply,
        ),
        (
            partner_api::CHANGES_PATH,
            "server_error",
            ErrorCode::ServerError,
        ),
        ("/apps", "malformed_json", ErrorCode::MalformedReply),
        ("/apps", "server_error", ErrorCode::ServerError),
        (versions.as_str(), "truncate", ErrorCode::MalformedReply),
        (
            versions.as_str(),
            "malformed_json",
            ErrorCode::MalformedReply,
        ),
        (versions.as_str(), "server_error", ErrorCode::ServerError),
        ("/rules", "malformed_json", ErrorCode::MalformedReply),
    ];

    for (path, kind, code) in cases {
        assert_failed_pull_changes_nothing(&server, &cache, path, kind, code, None).await;
        assert!(
            cache.list_apps().is_empty(),
            "{kind} on {path}: nothing listed"
        );
    }

    server.clear_faults().await;
    let report = cache
        .pull(&server.client(), T2)
        .await
        .expect("with the faults gone the first pull succeeds");
    assert!(report.full, "a first pull fetches everything");
    assert_eq!(report.apps, served.apps.len());
    assert_eq!(report.versions, served.version_count());
}

/// A later pull reads the feed, then the version it names, then that version's new icon: each
/// of those replies unreadable or a server error fails the pull with its code, cache unchanged.
#[tokio::test]
async fn malformed_json_and_server_errors_fail_with_their_code_and_change_nothing() {
    let scene = Scene::new().await;
    let (_, version, icon) = scene.changed_icon.clone();
    let cases = [
        // The feed: nothing fetched yet.
        (
            partner_api::CHANGES_PATH,
            "malformed_json",
            ErrorCode::MalformedReply,
        ),
        (
            partner_api::CHANGES_PATH,
            "server_error",
            ErrorCode::ServerError,
        ),
        // The version the feed names.
        (
            version.as_str(),
            "malformed_json",
            ErrorCode::MalformedReply,
        ),
        (version.as_str(), "server_error", ErrorCode::ServerError),
        // The changed icon: JSON instead of the bytes fails the checksum.
        (icon.as_str(), "malformed_json", ErrorCode::MalformedReply),
        (icon.as_str(), "server_error", ErrorCode::ServerError),
    ];

    for (path, kind, code) in cases {
        scene
            .assert_failed_pull_changes_nothing(path, kind, code)
            .await;
    }

    scene.assert_clean_pull_catches_up().await;
}
