//! Pulls that fail halfway: a reply cut off, unreadable or a server error. Each fails with the
//! code the UI branches on and leaves the cache exactly as it was (SPEC §6).

use workbench::{ErrorCode, SyncPhase};

use crate::support::{Cache, Served, Server, T1, T2, rfc3339};

/// A demo server, a cache filled from it at T1, and a server that has moved on since: one app
/// lost and one icon changed, so anything a failed pull let through would show in the cache.
struct Scene {
    server: Server,
    cache: Cache,
    /// What the server serves after the changes.
    served: Served,
    /// The version whose icon changed, and the path of that icon.
    changed_icon: (String, String),
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
        let icon_path = partner_api::paths::icon(&app, &version);
        let new_icon = server
            .get(&partner_api::paths::icon(other_app, &other.version.id))
            .await
            .bytes()
            .await
            .unwrap();
        server.replace_icon(&version, &new_icon);
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
            changed_icon: (version, icon_path),
        }
    }

    /// The versions path of the last app the server lists: by the time a pull reads it, every
    /// other app, version and icon has arrived.
    fn last_versions_path(&self) -> String {
        let last = self.served.apps.last().expect("apps are left");
        partner_api::paths::versions(&last.id)
    }

    /// Arms `kind` on `path_prefix`, pulls, and checks the pull fails with `code` and changes
    /// nothing; then checks that the fault really fired.
    async fn assert_failed_pull_changes_nothing(
        &self,
        path_prefix: &str,
        kind: &str,
        code: ErrorCode,
    ) {
        let case = format!("{kind} on {path_prefix}");
        let before = self.cache.image();
        self.server.add_fault(path_prefix, kind, 1).await;

        let result = self.cache.pull(&self.server.client(), T2).await;

        let status = self
            .cache
            .workbench
            .status_after(self.server.base_url(), &result);
        let error = result
            .err()
            .unwrap_or_else(|| panic!("{case}: a pull that meets a bad reply must fail"));
        assert_eq!(
            error.code(),
            code,
            "{case}: the UI branches on the code ({error})"
        );
        assert!(
            self.server.armed_faults().await.is_empty(),
            "{case}: the fault fired, so the failure came from it"
        );
        self.cache
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
            status.last_synced_at,
            Some(rfc3339(T1)),
            "{case}: the last good sync is still the one shown"
        );
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
        let (version, _) = &self.changed_icon;
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

#[tokio::test]
async fn a_pull_cut_off_in_a_versions_page_fails_as_malformed_and_changes_nothing() {
    let scene = Scene::new().await;
    let path = scene.last_versions_path();

    scene
        .assert_failed_pull_changes_nothing(&path, "truncate", ErrorCode::MalformedReply)
        .await;

    scene.assert_clean_pull_catches_up().await;
}

#[tokio::test]
async fn a_pull_cut_off_in_a_changed_icon_fails_as_malformed_and_keeps_the_old_icon() {
    let scene = Scene::new().await;
    let (version, icon_path) = scene.changed_icon.clone();
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

#[tokio::test]
async fn malformed_json_and_server_errors_fail_with_their_code_and_change_nothing() {
    let scene = Scene::new().await;
    let versions = scene.last_versions_path();
    let (_, icon) = scene.changed_icon.clone();
    let cases = [
        // The first page of apps: nothing fetched yet.
        ("/apps", "malformed_json", ErrorCode::MalformedReply),
        ("/apps", "server_error", ErrorCode::ServerError),
        // The last app's versions: everything else fetched already.
        (
            versions.as_str(),
            "malformed_json",
            ErrorCode::MalformedReply,
        ),
        (versions.as_str(), "server_error", ErrorCode::ServerError),
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
