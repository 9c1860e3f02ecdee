//! Pulls that succeed: the cache ends up holding exactly what the server serves.

use std::sync::Mutex;

use workbench::{PullProgress, SyncPhase, SyncStage};

use crate::support::{Cache, Served, Server, T1, T2, T3, rfc3339, sha256_hex};

#[tokio::test]
async fn a_pull_fills_the_cache_with_every_app_and_version_across_pages() {
    let server = Server::demo().await;
    let served = server.served().await;
    assert!(
        served.apps.len() >= 4 && served.version_count() >= 7,
        "the demo seed has four apps and seven versions; this test needs them"
    );
    assert!(
        served.app_pages > 1 && served.version_pages.values().any(|&pages| pages > 1),
        "with page size 2 the apps and the longest version list span pages, so the pull must follow `_links.next`"
    );
    let cache = Cache::new();
    let progress = Mutex::new(Vec::new());

    let report = cache
        .workbench
        .pull(&server.client(), T1, |p| progress.lock().unwrap().push(p))
        .await
        .expect("a pull from a healthy server succeeds");

    assert_eq!(
        report.apps,
        served.apps.len(),
        "the report counts every app"
    );
    assert_eq!(
        report.versions,
        served.version_count(),
        "the report counts every version"
    );
    assert_eq!(
        report.icons_downloaded,
        served.icon_count(),
        "a first pull downloads every icon"
    );
    assert_eq!(
        report.synced_at,
        rfc3339(T1),
        "the sync time is the start time given"
    );
    let progress = progress.into_inner().unwrap();
    let total = served.apps.len();
    assert_eq!(
        progress.first(),
        Some(&PullProgress {
            stage: SyncStage::Receiving,
            done: 0,
            total
        }),
        "progress starts at nothing done"
    );
    assert_eq!(
        progress.last(),
        Some(&PullProgress {
            stage: SyncStage::Receiving,
            done: total,
            total
        }),
        "progress ends with every app done"
    );
    assert_cache_matches_server(&cache, &server, &served).await;
    let state = cache.workbench.sync_state().unwrap();
    assert_eq!(
        state.server.as_deref(),
        Some(server.base_url()),
        "the cache remembers where it was filled from"
    );
    assert_eq!(
        state.last_synced_at,
        Some(rfc3339(T1)),
        "the cache remembers when"
    );
}

#[tokio::test]
async fn a_second_pull_with_unchanged_icons_downloads_no_icon() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.expect("the first pull");
    let served = server.served().await;
    // A request for any icon would now fail the pull: a fault still armed afterwards was never hit.
    for (app, version) in served.all_versions().filter(|(_, v)| v.icon.is_some()) {
        let path = partner_api::paths::icon(app, &version.version.id);
        server.add_fault(&path, "server_error", 1).await;
    }

    let report = cache
        .pull(&client, T2)
        .await
        .expect("a pull that needs no icon never meets the icon faults");

    assert_eq!(
        report.icons_downloaded, 0,
        "icons whose checksum did not change are reused from the cache"
    );
    assert_eq!(
        server.armed_faults().await.len(),
        served.icon_count(),
        "no icon was requested at all"
    );
    server.clear_faults().await;
    assert_cache_matches_server(&cache, &server, &served).await;
    assert_eq!(
        cache.workbench.sync_state().unwrap().last_synced_at,
        Some(rfc3339(T2)),
        "the second pull is recorded"
    );
}

#[tokio::test]
async fn a_pull_downloads_only_the_icon_that_changed() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.expect("the first pull");
    let before = server.served().await;
    let ((app, target), (other_app, other)) = before.two_different_icons();
    let new_icon = server
        .get(&partner_api::paths::icon(other_app, &other.version.id))
        .await
        .bytes()
        .await
        .unwrap();
    server.replace_icon(&target.version.id, &new_icon).await;
    let served = server.served().await;
    let changed = &served.versions[app]
        .iter()
        .find(|v| v.version.id == target.version.id)
        .unwrap();
    assert_ne!(
        changed.etag, target.etag,
        "a new icon gives the version a new ETag"
    );

    let report = cache.pull(&client, T2).await.expect("the second pull");

    assert_eq!(
        report.icons_downloaded, 1,
        "only the icon whose checksum changed is fetched"
    );
    let icon = cache
        .workbench
        .icon(&target.version.id)
        .unwrap()
        .expect("the version still has an icon");
    assert_eq!(icon.bytes, new_icon, "the cache holds the new icon");
    assert_cache_matches_server(&cache, &server, &served).await;
}

#[tokio::test]
async fn a_first_pull_from_a_server_with_no_apps_gives_an_empty_list() {
    let server = Server::empty().await;
    let cache = Cache::new();

    let result = cache.pull(&server.client(), T1).await;

    let status = cache.workbench.status_after(server.base_url(), &result);
    let report = result.expect("a pull of nothing succeeds");
    assert_eq!(
        (report.apps, report.versions, report.icons_downloaded),
        (0, 0, 0),
        "nothing to fetch"
    );
    assert!(
        cache.list_apps().is_empty(),
        "the list is empty, not missing"
    );
    assert_eq!(
        status.phase,
        SyncPhase::Idle,
        "an empty account is no error"
    );
    assert_eq!(
        cache.workbench.sync_state().unwrap().last_synced_at,
        Some(rfc3339(T1)),
        "an empty pull still counts as a sync, so the app does not say 'never synced'"
    );
}

#[tokio::test]
async fn a_pull_after_the_server_lost_an_app_removes_it_with_its_versions_and_icons() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.expect("the first pull");
    let before = server.served().await;
    let lost = before
        .apps
        .iter()
        .find(|app| before.versions[&app.id].iter().any(|v| v.icon.is_some()))
        .expect("an app with an icon")
        .id
        .clone();
    let lost_versions: Vec<String> = before.versions[&lost]
        .iter()
        .map(|v| v.version.id.clone())
        .collect();
    server.remove_app(&lost);

    let report = cache.pull(&client, T3).await.expect("the second pull");

    assert_eq!(
        report.apps,
        before.apps.len() - 1,
        "the report counts the apps left"
    );
    assert!(
        cache
            .list_apps()
            .iter()
            .all(|listing| listing.app.id != lost),
        "an app the server no longer has leaves the list"
    );
    let store = cache.store();
    for id in &lost_versions {
        assert_eq!(
            store.version(id).unwrap(),
            None,
            "version {id} of the lost app leaves the cache"
        );
        assert_eq!(
            store.icon(id).unwrap(),
            None,
            "the icon of {id} leaves the cache"
        );
    }
    let served = server.served().await;
    assert_cache_matches_server(&cache, &server, &served).await;
}

#[tokio::test]
async fn a_removed_app_keeps_only_its_version_with_unsent_edits() {
    let server = Server::demo().await;
    let client = server.client();
    let cache = Cache::new();
    cache.pull(&client, T1).await.expect("the first pull");
    let before = server.served().await;
    // The app with the most versions; its newest one is edited locally and not yet sent.
    let app = before
        .apps
        .iter()
        .max_by_key(|a| before.versions[&a.id].len())
        .unwrap()
        .id
        .clone();
    let versions: Vec<String> = before.versions[&app]
        .iter()
        .map(|v| v.version.id.clone())
        .collect();
    assert!(versions.len() > 1, "an app with several versions");
    let edited = versions.last().unwrap().clone();
    cache
        .workbench
        .edit(
            &edited,
            workbench::Edit::Set {
                field: "marketplace.listing_summary".into(),
                value: serde_json::json!("Edited before the app was removed"),
            },
            T1,
        )
        .expect("the newest version's listing is editable");
    server.remove_app(&app);

    let report = cache.pull(&client, T2).await.expect("the pull");

    assert_eq!(
        (report.push.held, report.push.waiting_on_conflicts),
        (0, 1),
        "the push met the removal (404) and left the edit queued, not held"
    );
    let conflicts = cache.store().conflicts(None).unwrap();
    assert_eq!(
        conflicts
            .iter()
            .map(|c| (c.version_id.as_str(), c.conflict.field.as_str()))
            .collect::<Vec<_>>(),
        [(edited.as_str(), workbench_store::DELETED_FIELD)],
        "the edit cannot reach a removed version: it waits for the partner's choice"
    );
    let listing = cache
        .list_apps()
        .into_iter()
        .find(|l| l.app.id == app)
        .expect("the app stays while one of its versions has unsent edits");
    let listed: Vec<&str> = listing.versions.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(listed, [edited.as_str()], "only the edited version stays");
    let kept = cache.store().version(&edited).unwrap().unwrap();
    assert_eq!(
        kept.version.content.marketplace.listing_summary, "Edited before the app was removed",
        "nothing the partner wrote disappears"
    );
    for id in &versions[..versions.len() - 1] {
        assert_eq!(cache.store().version(id).unwrap(), None, "{id} is gone");
    }
    assert_eq!(
        cache.list_apps().len(),
        before.apps.len(),
        "the other apps are untouched"
    );
}

/// The cache holds exactly `served`: the same apps, every version as working copy and as base
/// with the ETag a direct GET gives, its plans, and every icon byte for byte.
async fn assert_cache_matches_server(cache: &Cache, server: &Server, served: &Served) {
    let listings = cache.list_apps();
    let mut cached_ids: Vec<&str> = listings.iter().map(|l| l.app.id.as_str()).collect();
    let mut served_ids: Vec<&str> = served.apps.iter().map(|a| a.id.as_str()).collect();
    cached_ids.sort();
    served_ids.sort();
    assert_eq!(
        cached_ids, served_ids,
        "the cache lists exactly the server's apps"
    );
    let store = cache.store();
    for listing in &listings {
        let app = &listing.app;
        let served_app = served.apps.iter().find(|a| a.id == app.id).unwrap();
        assert_eq!(app, served_app, "app {} is cached as served", app.id);
        let versions = &served.versions[&app.id];
        let newest_first: Vec<&str> = versions
            .iter()
            .rev()
            .map(|v| v.version.id.as_str())
            .collect();
        let listed: Vec<&str> = listing.versions.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(
            listed, newest_first,
            "app {} lists every version, newest first",
            app.id
        );
        for (summary, resource) in listing.versions.iter().zip(versions.iter().rev()) {
            let id = &resource.version.id;
            assert_eq!(
                summary.status, resource.version.status,
                "the list shows {id}'s review statuses"
            );
            assert_eq!(
                summary.has_icon,
                resource.icon.is_some(),
                "the list knows whether {id} has an icon"
            );
            let cached = store
                .version(id)
                .unwrap()
                .unwrap_or_else(|| panic!("version {id} is cached"));
            assert_eq!(
                cached.version, resource.version,
                "the working copy of {id}, plans included, is the server's"
            );
            assert!(
                !cached.version.content.subscription_types.is_empty(),
                "the demo's version {id} has plans, and they are cached"
            );
            assert_eq!(
                cached.base.as_ref(),
                Some(&resource.version),
                "the base copy of {id} is the server's, for later merges"
            );
            let path = partner_api::paths::version(&app.id, id);
            let response = server.get(&path).await;
            let etag = response.headers()["etag"].to_str().unwrap().to_owned();
            let direct: partner_api::VersionResource = response.json().await.unwrap();
            assert_eq!(
                cached.etag.as_deref(),
                Some(etag.as_str()),
                "the cached ETag of {id} is the one GET serves, so a later write's If-Match holds"
            );
            assert_eq!(
                direct.version, cached.version,
                "GET {path} serves what the cache holds"
            );
            let icon = store.icon(id).unwrap();
            match &resource.icon {
                None => assert_eq!(icon, None, "{id} has no icon on the server, none cached"),
                Some(info) => {
                    let icon = icon.unwrap_or_else(|| panic!("the icon of {id} is cached"));
                    let response = server.get(&partner_api::paths::icon(&app.id, id)).await;
                    let media_type = response.headers()["content-type"]
                        .to_str()
                        .unwrap()
                        .to_owned();
                    let bytes = response.bytes().await.unwrap();
                    assert!(
                        icon.bytes == bytes,
                        "the cached icon of {id} is byte for byte the one served"
                    );
                    assert_eq!(
                        sha256_hex(&icon.bytes),
                        icon.sha256,
                        "the cached checksum of {id}'s icon is its bytes' SHA-256"
                    );
                    assert_eq!(
                        icon.sha256, info.sha256,
                        "the checksum is the one the version announced"
                    );
                    assert_eq!(icon.media_type, media_type, "the media type is kept");
                }
            }
        }
    }
}
