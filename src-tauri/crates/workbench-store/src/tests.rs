use tempfile::TempDir;
use workbench_domain::ReviewStatus;

use super::*;

fn temp_store() -> (TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

#[test]
fn a_new_cache_is_empty_and_never_synced() {
    let (_dir, _path, store) = temp_store();
    assert!(store.list_apps().unwrap().is_empty());
    assert_eq!(store.sync_state().unwrap(), SyncState::default());
    assert_eq!(store.pending_edits().unwrap(), 0);
}

#[test]
fn pragmas_are_set_on_open() {
    let (_dir, _path, store) = temp_store();
    let journal: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let foreign_keys: bool = store
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let busy: i64 = store
        .conn
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    assert!(
        foreign_keys,
        "foreign keys keep versions from outliving their app"
    );
    assert_eq!(busy, BUSY_TIMEOUT.as_millis() as i64);
    let synchronous: i64 = store
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        synchronous, 2,
        "FULL: a commit that returned (an edit the window called saved) survives a power cut"
    );
    assert!(store.commits_are_durable().unwrap());
}

#[test]
fn a_snapshot_round_trips_with_plans_icons_and_base_copies() {
    let (_dir, path, mut store) = temp_store();
    let snapshot = fixtures::snapshot(3, 4);
    store
        .replace_with_snapshot(&snapshot, "http://127.0.0.1:1", "2026-11-27T10:00:00Z")
        .unwrap();
    drop(store);

    let store = Store::open(&path).unwrap();
    for entry in &snapshot.apps {
        for sv in &entry.versions {
            let cached = store
                .version(&sv.version.id)
                .unwrap()
                .expect("every version is cached");
            assert_eq!(
                cached.version, sv.version,
                "the working copy is what the server sent"
            );
            assert_eq!(
                cached.base.as_ref(),
                Some(&sv.version),
                "the base copy is untouched"
            );
            assert_eq!(cached.etag.as_deref(), Some(sv.etag.as_str()));
            assert_eq!(store.icon(&sv.version.id).unwrap(), sv.icon);
        }
    }
    let state = store.sync_state().unwrap();
    assert_eq!(state.server.as_deref(), Some("http://127.0.0.1:1"));
    assert_eq!(
        state.last_synced_at.as_deref(),
        Some("2026-11-27T10:00:00Z")
    );
}

#[test]
fn the_list_orders_apps_by_name_and_versions_newest_first() {
    let (_dir, _path, mut store) = temp_store();
    let mut snapshot = fixtures::snapshot(2, 0);
    snapshot.apps[0].app.display_name = "zeta".into();
    snapshot.apps[1].app.display_name = "Alpha".into();
    let mut versions = fixtures::snapshot(1, 12).apps.remove(0).versions;
    for v in &mut versions {
        v.version.app_id = snapshot.apps[0].app.id.clone();
    }
    snapshot.apps[0].versions = versions;
    store.replace_with_snapshot(&snapshot, "s", "t").unwrap();

    let list = store.list_apps().unwrap();
    let names: Vec<&str> = list.iter().map(|l| l.app.display_name.as_str()).collect();
    assert_eq!(names, ["Alpha", "zeta"], "case-insensitive order");
    assert!(
        list[0].versions.is_empty(),
        "an app without versions is still listed"
    );
    let numbers: Vec<&str> = list[1]
        .versions
        .iter()
        .map(|v| v.version_number.as_str())
        .collect();
    assert_eq!(
        numbers.first(),
        Some(&"1.11.0"),
        "1.11.0 is newer than 1.9.0"
    );
    assert_eq!(numbers.last(), Some(&"1.0.0"));
    assert_eq!(list[1].versions.iter().filter(|v| v.has_icon).count(), 6);
}

#[test]
fn a_second_snapshot_replaces_the_first_entirely() {
    let (_dir, _path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(5, 2), "s", "t1")
        .unwrap();
    let mut smaller = fixtures::snapshot(2, 1);
    smaller.apps[0].versions[0].version.status.technical = ReviewStatus::Approved;
    store.replace_with_snapshot(&smaller, "s", "t2").unwrap();
    let list = store.list_apps().unwrap();
    assert_eq!(
        list.len(),
        2,
        "apps gone from the server are gone from the cache"
    );
    assert_eq!(list[0].versions[0].status.technical, ReviewStatus::Approved);
    let orphans: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM plans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        orphans,
        2 * 2,
        "plans of deleted versions are deleted with them"
    );
}

#[test]
fn a_snapshot_that_fails_halfway_leaves_the_cache_as_it_was() {
    let (_dir, _path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(3, 2), "s", "t1")
        .unwrap();
    let before = store.list_apps().unwrap();

    let mut bad = fixtures::snapshot(4, 2);
    // The last version claims another app: the swap fails after most rows were written.
    bad.apps[3].versions[1].version.app_id = "app-00000".into();
    let err = store.replace_with_snapshot(&bad, "s", "t2").unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");

    assert_eq!(
        store.list_apps().unwrap(),
        before,
        "the failed swap was rolled back"
    );
    assert_eq!(
        store.sync_state().unwrap().last_synced_at.as_deref(),
        Some("t1")
    );
}

#[test]
fn a_cache_written_by_a_newer_schema_is_refused_and_left_unchanged() {
    let (dir, path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(1, 1), "s", "t")
        .unwrap();
    let newer = migrations::latest_version() + 1;
    store
        .conn
        .pragma_update(None, "user_version", newer)
        .unwrap();
    // Fold the WAL into the main file so the bytes on disk are the whole database.
    store
        .conn
        .pragma_update(None, "journal_mode", "delete")
        .unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path)
        .err()
        .expect("a newer schema must be refused");
    match &err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (newer, migrations::latest_version()));
        }
        other => panic!("expected NewerSchema, got {other}"),
    }
    assert!(
        err.to_string().contains("update Partner Workbench"),
        "the message says what to do: {err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the newer database was not altered"
    );
    assert!(
        !dir.path().join("cache.sqlite3-wal").exists(),
        "not even switched to WAL"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let garbage = b"this is not sqlite, just some text that happens to be long enough".repeat(64);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).err().expect("garbage must be refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file was not touched"
    );
}

#[test]
fn reopening_an_up_to_date_cache_keeps_its_data() {
    let (_dir, path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(2, 3), "s", "t")
        .unwrap();
    let before = store.list_apps().unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list_apps().unwrap(), before);
    assert_eq!(
        migrations::schema_version(&store.conn).unwrap(),
        migrations::latest_version()
    );
}

fn pack(version: &str, fetched_at: &str) -> CachedPack {
    CachedPack {
        version: version.into(),
        json: format!(r#"{{"version": "{version}", "rules": [], "future_field": [1, 2]}}"#),
        server: "http://127.0.0.1:1".into(),
        fetched_at: fetched_at.into(),
    }
}

fn suppression(rule: &str, field: Option<&str>, reason: &str) -> Suppression {
    Suppression {
        rule: rule.into(),
        field: field.map(str::to_owned),
        reason: reason.into(),
    }
}

#[test]
fn a_pull_stores_its_rules_pack_and_a_pull_without_one_keeps_it() {
    let (_dir, path, mut store) = temp_store();
    assert_eq!(store.rules_pack().unwrap(), None, "a new cache has no pack");

    let mut snapshot = fixtures::snapshot(1, 1);
    snapshot.rules = Some(pack("2026.1.0", "t1"));
    store.replace_with_snapshot(&snapshot, "s", "t1").unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.rules_pack().unwrap(),
        Some(pack("2026.1.0", "t1")),
        "the pack's JSON is kept byte for byte, unknown fields included"
    );

    snapshot.rules = Some(pack("2026.2.0", "t2"));
    store.replace_with_snapshot(&snapshot, "s", "t2").unwrap();
    assert_eq!(store.rules_pack().unwrap(), Some(pack("2026.2.0", "t2")));

    snapshot.rules = None;
    store.replace_with_snapshot(&snapshot, "s", "t3").unwrap();
    assert_eq!(
        store.rules_pack().unwrap(),
        Some(pack("2026.2.0", "t2")),
        "a pull that brought no pack leaves the cached one"
    );
}

#[test]
fn a_snapshot_that_fails_halfway_keeps_the_previous_rules_pack() {
    let (_dir, _path, mut store) = temp_store();
    let mut first = fixtures::snapshot(2, 2);
    first.rules = Some(pack("2026.1.0", "t1"));
    store.replace_with_snapshot(&first, "s", "t1").unwrap();

    let mut bad = fixtures::snapshot(3, 2);
    bad.rules = Some(pack("2026.9.9", "t2"));
    bad.apps[2].versions[1].version.app_id = "app-00000".into();
    store.replace_with_snapshot(&bad, "s", "t2").unwrap_err();

    assert_eq!(
        store.rules_pack().unwrap(),
        Some(pack("2026.1.0", "t1")),
        "the new pack was rolled back with the rest"
    );
}

#[test]
fn suppressions_are_kept_per_version_and_field_and_survive_a_pull() {
    let (_dir, path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(1, 2), "s", "t1")
        .unwrap();
    let (a, b) = ("app-00000-v0", "app-00000-v1");
    assert!(store.version(a).unwrap().is_some(), "fixture ids: {a}");

    let every_field = suppression("icon.corners_clear", None, "the badge area is our logo");
    let one_field = suppression(
        "plans.quoted_prices",
        Some("marketplace.description"),
        "prices are quoted per year",
    );
    store
        .put_suppression(a, &every_field, "2026-01-01T00:00:00Z")
        .unwrap();
    store
        .put_suppression(a, &one_field, "2026-01-02T00:00:00Z")
        .unwrap();
    let same_rule_other_field = suppression(
        "plans.quoted_prices",
        Some("marketplace.listing_summary"),
        "also yearly",
    );
    store
        .put_suppression(a, &same_rule_other_field, "2026-01-03T00:00:00Z")
        .unwrap();
    assert_eq!(
        store.suppressions(a).unwrap(),
        [
            every_field.clone(),
            one_field.clone(),
            same_rule_other_field.clone()
        ],
        "oldest first; the same rule on two fields is two suppressions"
    );
    assert!(store.suppressions(b).unwrap().is_empty(), "per version");

    // The same rule and field again replaces the reason and the time.
    let reworded = suppression("icon.corners_clear", None, "reworded");
    store
        .put_suppression(a, &reworded, "2026-01-04T00:00:00Z")
        .unwrap();
    let stored = store.stored_suppressions(a).unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[2].suppression, reworded);
    assert_eq!(stored[2].created_at, "2026-01-04T00:00:00Z");
    assert_eq!(stored[2].version_id, a);

    // A pull replaces every version; the partner's suppressions are theirs and stay.
    store
        .replace_with_snapshot(&fixtures::snapshot(1, 2), "s", "t2")
        .unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.suppressions(a).unwrap().len(), 3);

    assert!(
        !store
            .remove_suppression(a, "plans.quoted_prices", None)
            .unwrap(),
        "no suppression of that rule for every field"
    );
    assert!(
        store
            .remove_suppression(a, "plans.quoted_prices", Some("marketplace.description"))
            .unwrap()
    );
    assert!(
        !store
            .remove_suppression(a, "plans.quoted_prices", Some("marketplace.description"))
            .unwrap(),
        "already gone"
    );
    assert_eq!(
        store.suppressions(a).unwrap(),
        [same_rule_other_field, reworded]
    );
}

#[test]
fn the_cache_refuses_a_suppression_without_a_reason_and_keeps_the_old_one() {
    let (_dir, _path, mut store) = temp_store();
    let kept = suppression("icon.corners_clear", None, "a reason");
    store.put_suppression("v", &kept, "t1").unwrap();
    for reason in ["", "   "] {
        let err = store
            .put_suppression("v", &suppression("icon.corners_clear", None, reason), "t2")
            .unwrap_err();
        assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    }
    store
        .put_suppression("v", &suppression("icon.corners_clear", Some(""), "r"), "t2")
        .expect_err("an empty field is not a field");
    assert_eq!(
        store.suppressions("v").unwrap(),
        [kept],
        "a refused replacement rolls back its delete"
    );
}

#[test]
fn migrating_a_cache_of_schema_1_keeps_its_data_and_adds_the_new_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let snapshot = fixtures::snapshot(2, 3);
    {
        // A cache as the first release left it: only migration 0001, filled by a pull, with an
        // unsent edit in the outbox.
        let mut conn = Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::new(vec![rusqlite_migration::M::up(
            migrations::MIGRATIONS[0].1,
        )])
        .to_latest(&mut conn)
        .unwrap();
        assert_eq!(migrations::schema_version(&conn).unwrap(), 1);
        // Filled as that release's pull did: the columns of schema 1 only.
        let tx = conn.transaction().unwrap();
        for entry in &snapshot.apps {
            crate::apps::upsert(&tx, &entry.app).unwrap();
            for sv in &entry.versions {
                crate::versions::put_from_server(&tx, &sv.version, &sv.etag).unwrap();
                crate::icons::receive(&tx, &sv.version.id, sv.icon.as_ref()).unwrap();
            }
        }
        crate::sync_state::record_pull(&tx, "http://127.0.0.1:1", "t1", None).unwrap();
        tx.commit().unwrap();
        conn.execute(
            "INSERT INTO outbox (resource, operation, payload, idempotency_key, created_at)
             VALUES ('versions/app-00000-v0', 'patch', '{}', 'key-1', 't1')",
            [],
        )
        .unwrap();
    }

    let mut store = Store::open(&path).unwrap();

    assert_eq!(
        migrations::schema_version(&store.conn).unwrap(),
        migrations::latest_version()
    );
    assert_eq!(store.pending_edits().unwrap(), 1, "the unsent edit is kept");
    assert_eq!(store.list_apps().unwrap().len(), 2);
    for entry in &snapshot.apps {
        for sv in &entry.versions {
            let cached = store.version(&sv.version.id).unwrap().unwrap();
            assert_eq!(cached.version, sv.version);
            assert_eq!(store.icon(&sv.version.id).unwrap(), sv.icon);
        }
    }
    assert_eq!(
        store.sync_state().unwrap().server.as_deref(),
        Some("http://127.0.0.1:1")
    );
    assert_eq!(store.rules_pack().unwrap(), None, "no pack fetched yet");
    let kept = suppression("icon.corners_clear", None, "works after the upgrade");
    store.put_suppression("app-00000-v0", &kept, "t2").unwrap();
    assert_eq!(store.suppressions("app-00000-v0").unwrap(), [kept]);
}

#[test]
fn migrating_a_cache_of_schema_5_marks_its_outcomes_announced_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    {
        // A cache as migration 0005 left it, with an outcome its own sync announced back then.
        let mut conn = Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::new(
            migrations::MIGRATIONS[..5]
                .iter()
                .map(|(_, sql)| rusqlite_migration::M::up(sql))
                .collect(),
        )
        .to_latest(&mut conn)
        .unwrap();
        assert_eq!(migrations::schema_version(&conn).unwrap(), 5);
        conn.execute(
            "INSERT INTO timeline (cursor, version_id, app_id, kind, at, track, decision)
             VALUES ('c1', 'v', 'a', 'reviewed', 't1', 'technical', 'rejected')",
            [],
        )
        .unwrap();
    }

    let mut store = Store::open(&path).unwrap();

    assert_eq!(store.timeline("v").unwrap().len(), 1, "the history stays");
    for announcer in [crate::Announcer::Desktop, crate::Announcer::Watch] {
        assert!(
            store.take_unannounced(announcer, "t2").unwrap().is_empty(),
            "an upgrade must not replay {announcer:?}'s old outcomes"
        );
    }
}

#[test]
fn migrating_a_cache_of_schema_7_drops_advertising_and_replays_no_publication() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    {
        // A cache as migration 0007 left it: the partner advertised from the tool back then.
        let mut conn = Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::new(
            migrations::MIGRATIONS[..7]
                .iter()
                .map(|(_, sql)| rusqlite_migration::M::up(sql))
                .collect(),
        )
        .to_latest(&mut conn)
        .unwrap();
        conn.execute_batch(
            "INSERT INTO outbox (resource, operation, payload, idempotency_key, created_at)
             VALUES ('v', 'advertise', '{}', 'k-old', 't0'),
                    ('v', 'submit', '{\"track\":\"technical\"}', 'k-submit', 't0');
             INSERT INTO timeline (cursor, version_id, app_id, kind, at, track)
             VALUES ('c1', 'v', 'a', 'advertised', 't1', 'marketplace');",
        )
        .unwrap();
    }

    let mut store = Store::open(&path).unwrap();

    let kept: Vec<Operation> = store
        .outbox()
        .unwrap()
        .iter()
        .map(|e| e.operation)
        .collect();
    assert_eq!(kept, [Operation::Submit], "advertising is Talkdesk's now");
    assert_eq!(store.timeline("v").unwrap().len(), 1, "the history stays");
    for announcer in [crate::Announcer::Desktop, crate::Announcer::Watch] {
        assert!(
            store.take_unannounced(announcer, "t2").unwrap().is_empty(),
            "an upgrade must not announce {announcer:?} an old publication"
        );
    }
}

#[test]
fn the_counts_and_etags_agree_with_the_list_and_the_versions() {
    let (_dir, _path, mut store) = temp_store();
    store
        .replace_with_snapshot(&fixtures::snapshot(3, 4), "http://s", "t0")
        .unwrap();
    let counted = |store: &Store| {
        let listing = store.list_apps().unwrap();
        (
            listing.len(),
            listing.iter().map(|a| a.versions.len()).sum::<usize>(),
        )
    };
    assert_eq!(store.counts().unwrap(), counted(&store));
    // A version deleted here (queued for the server) leaves the list at once: the counts follow.
    let deleted = store.list_apps().unwrap()[0].versions[0].id.clone();
    store.delete_version(&deleted, "k-delete", "t1").unwrap();
    assert_eq!(store.counts().unwrap(), counted(&store));
    assert_eq!(store.counts().unwrap(), (3, 11));
    for listing in store.list_apps().unwrap() {
        for v in listing.versions {
            let cached = store.version(&v.id).unwrap().unwrap();
            assert_eq!(store.version_etag(&v.id).unwrap(), cached.etag);
        }
    }
    assert_eq!(store.version_etag("nope").unwrap(), None);
}

#[test]
fn migrating_a_cache_of_schema_8_keeps_the_partners_notification_switches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    {
        let mut conn = Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::new(
            migrations::MIGRATIONS[..8]
                .iter()
                .map(|(_, sql)| rusqlite_migration::M::up(sql))
                .collect(),
        )
        .to_latest(&mut conn)
        .unwrap();
        conn.execute_batch("INSERT INTO notification_prefs (kind, enabled) VALUES ('rejected', 0)")
            .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert!(!store.notifies(crate::NotificationKind::Rejected).unwrap());
    assert!(store.notifies(crate::NotificationKind::Approved).unwrap());
    assert!(store.notifies(crate::NotificationKind::Requests).unwrap());
    assert!(
        store
            .take_unannounced_requests(crate::Announcer::Desktop, "t")
            .unwrap()
            .is_empty()
    );
}
