//! The cache's side of sync against a real SQLite file: edits are durable with their outbox
//! entry, a server copy merges into a version with local changes instead of replacing it,
//! conflicts survive until resolved, and a full pull keeps what the partner wrote.

use serde_json::json;
use tempfile::TempDir;
use workbench_domain::{AppVersion, IconFile, VersionContent};

use crate::{Operation, Settled, Store, StoreError, fixtures};

const AT: &str = "2026-11-27T10:00:00Z";

fn store_with(apps: usize, versions: usize) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("cache.sqlite3")).unwrap();
    store
        .replace_with_snapshot(&fixtures::snapshot(apps, versions), "http://s", AT)
        .unwrap();
    (dir, store)
}

/// The first fixture version is Available/Advertised; the third (v2) has a Rejected technical
/// track and an Approved marketplace one; v1 is In Review. For edits the test does not care.
const ID: &str = "app-00000-v0";

fn content(store: &Store, id: &str) -> VersionContent {
    store.version(id).unwrap().unwrap().version.content
}

fn with_name(mut c: VersionContent, name: &str) -> VersionContent {
    c.general.display_name = name.into();
    c
}

fn server_copy(store: &Store, id: &str, edit: impl FnOnce(&mut VersionContent)) -> AppVersion {
    let mut theirs = store.version(id).unwrap().unwrap().base.unwrap();
    edit(&mut theirs.content);
    theirs
}

#[test]
fn an_edit_lands_with_its_outbox_entry_and_undo_history_or_not_at_all() {
    let (_dir, mut store) = store_with(1, 1);
    let after = with_name(content(&store, ID), "Renamed");
    assert!(store.edit(ID, &after, "set name", "k1", AT).unwrap());
    assert_eq!(content(&store, ID), after);
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].operation, Operation::Edit);
    assert_eq!(outbox[0].idempotency_key, "k1");
    assert!(store.is_dirty(ID).unwrap());
    // The same content again changes nothing and queues nothing.
    assert!(!store.edit(ID, &after, "again", "k2", AT).unwrap());
    assert_eq!(store.outbox().unwrap().len(), 1);
    // An edit of a version the cache does not have is refused and queues nothing.
    assert!(store.edit("nope", &after, "x", "k3", AT).is_err());
    assert_eq!(store.outbox().unwrap().len(), 1);
    // Undo puts the old content back as a new queued edit.
    let original = store.version(ID).unwrap().unwrap().base.unwrap().content;
    assert_eq!(
        store.undo(ID, "k4", AT).unwrap().as_deref(),
        Some("set name")
    );
    assert_eq!(content(&store, ID), original);
    assert_eq!(store.outbox().unwrap().len(), 2);
    assert_eq!(
        store.undo(ID, "k5", AT).unwrap(),
        None,
        "nothing more to undo"
    );
}

#[test]
fn a_server_copy_replaces_a_clean_version_and_merges_into_an_edited_one() {
    let (_dir, mut store) = store_with(1, 2);
    let clean = "app-00000-v1";
    let theirs = server_copy(&store, clean, |c| c.general.notes = "portal".into());
    store.receive(&theirs, "\"e2\"", None, AT).unwrap();
    assert_eq!(content(&store, clean).general.notes, "portal");

    // Mine changes the name, theirs the notes: both survive, no conflict.
    let mine = with_name(content(&store, ID), "Mine");
    store.edit(ID, &mine, "set name", "k1", AT).unwrap();
    let theirs = server_copy(&store, ID, |c| c.general.notes = "from the portal".into());
    let received = store.receive(&theirs, "\"e3\"", None, AT).unwrap();
    assert!(received.merged);
    assert_eq!(received.conflicts, 0);
    let cached = store.version(ID).unwrap().unwrap();
    assert_eq!(cached.version.content.general.display_name, "Mine");
    assert_eq!(cached.version.content.general.notes, "from the portal");
    assert_eq!(cached.etag.as_deref(), Some("\"e3\""));
    assert_eq!(
        cached.base.unwrap().content,
        theirs.content,
        "the base is the server's copy"
    );
    assert_eq!(
        store.outbox().unwrap().len(),
        1,
        "the edit still waits to be sent"
    );
}

#[test]
fn the_same_field_changed_on_both_sides_is_a_conflict_until_the_partner_resolves_it() {
    let (_dir, mut store) = store_with(1, 1);
    let mine = with_name(content(&store, ID), "Mine");
    store.edit(ID, &mine, "set name", "k1", AT).unwrap();
    let theirs = server_copy(&store, ID, |c| c.general.display_name = "Theirs".into());
    let received = store.receive(&theirs, "\"e2\"", None, AT).unwrap();
    assert_eq!(received.conflicts, 1);
    let conflicts = store.conflicts(Some(ID)).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0].conflict;
    assert_eq!(c.field, "general.display_name");
    assert_eq!(
        (c.mine.clone(), c.theirs.clone()),
        (json!("Mine"), json!("Theirs"))
    );
    assert_eq!(
        content(&store, ID).general.display_name,
        "Mine",
        "mine is kept meanwhile"
    );

    // A later server copy that leaves the field alone does not forget the conflict, and the
    // conflict follows the server's value when it changes again.
    let later = server_copy(&store, ID, |c| c.general.notes = "n".into());
    store.receive(&later, "\"e3\"", None, AT).unwrap();
    assert_eq!(store.conflicts(Some(ID)).unwrap().len(), 1);
    let again = server_copy(&store, ID, |c| c.general.display_name = "Theirs 2".into());
    store.receive(&again, "\"e4\"", None, AT).unwrap();
    let open = store.conflicts(Some(ID)).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].conflict.theirs, json!("Theirs 2"));

    // Resolving takes the value, closes the conflict and queues the edit, together.
    let queued = store.outbox().unwrap().len();
    store
        .resolve(ID, "general.display_name", json!("Theirs 2"), "k9", AT)
        .unwrap();
    assert!(store.conflicts(None).unwrap().is_empty());
    assert_eq!(content(&store, ID).general.display_name, "Theirs 2");
    assert_eq!(content(&store, ID).general.notes, "n");
    assert_eq!(store.outbox().unwrap().len(), queued + 1);
    // A field with no open conflict cannot be resolved.
    assert!(
        store
            .resolve(ID, "general.slug", json!("x"), "k10", AT)
            .is_err()
    );
}

#[test]
fn a_conflict_holds_back_only_the_entries_that_touch_its_section() {
    let (_dir, mut store) = store_with(1, 1);
    let icon = IconFile {
        media_type: "image/png".into(),
        bytes: vec![1; 4],
        sha256: "mine".into(),
    };
    let mut mine = content(&store, ID);
    mine.marketplace.listing_summary = "Mine".into();
    store.edit(ID, &mine, "set summary", "k1", AT).unwrap();
    let theirs = server_copy(&store, ID, |c| {
        c.marketplace.listing_summary = "Theirs".into()
    });
    store.receive(&theirs, "\"e2\"", None, AT).unwrap();
    let mut notes = content(&store, ID);
    notes.general.notes = "Notes".into();
    store.edit(ID, &notes, "set notes", "k2", AT).unwrap();
    store.set_icon(ID, &icon, "k3", AT).unwrap();
    store
        .enqueue(ID, Operation::MakeAvailable, &json!({}), "k4", AT)
        .unwrap();
    // Undoing the notes edit changes the same fields back.
    store.undo(ID, "k5", AT).unwrap();

    let conflicts = store.conflicts(Some(ID)).unwrap();
    let waits: Vec<(Operation, Vec<String>)> = store
        .outbox()
        .unwrap()
        .iter()
        .map(|e| (e.operation, e.waits_on(&conflicts)))
        .collect();
    let summary = vec!["marketplace.listing_summary".to_owned()];
    assert_eq!(
        waits,
        [
            (Operation::Edit, summary.clone()),
            (Operation::Edit, vec![]),
            (Operation::Icon, vec![]),
            (Operation::MakeAvailable, summary.clone()),
            (Operation::Edit, vec![]),
        ],
        "the summary's edit and the action wait; the notes, their undo and the icon do not"
    );
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox[1].payload["fields"], json!(["general.notes"]));
    assert_eq!(outbox[1].sections(), ["general"]);
    assert_eq!(outbox[4].payload["fields"], json!(["general.notes"]));

    // An edit queued before edits recorded their fields may touch anything: it waits.
    let old = crate::OutboxEntry {
        payload: json!({ "summary": "edit" }),
        ..outbox[1].clone()
    };
    assert_eq!(old.waits_on(&conflicts), summary);
    // Another version's conflicts hold back nothing here.
    let elsewhere = crate::OutboxEntry {
        version_id: "another".into(),
        ..outbox[0].clone()
    };
    assert!(elsewhere.waits_on(&conflicts).is_empty());
}

#[test]
fn a_full_pull_keeps_local_edits_and_versions_the_server_no_longer_lists() {
    let (_dir, mut store) = store_with(2, 2);
    let mine = with_name(content(&store, ID), "Mine");
    store.edit(ID, &mine, "set name", "k1", AT).unwrap();
    let mut snapshot = fixtures::snapshot(2, 2);
    snapshot.apps[0].versions[0].version.content.general.notes = "portal".into();
    snapshot.apps[0].versions[0].etag = "\"new\"".into();
    store
        .replace_with_snapshot(&snapshot, "http://s", AT)
        .unwrap();
    let cached = store.version(ID).unwrap().unwrap();
    assert_eq!(cached.version.content.general.display_name, "Mine");
    assert_eq!(cached.version.content.general.notes, "portal");
    assert_eq!(cached.etag.as_deref(), Some("\"new\""));

    // The server drops the edited version and a clean one: only the clean one goes.
    let mut snapshot = fixtures::snapshot(2, 2);
    snapshot.apps[0].versions.clear();
    snapshot.apps[1].versions.pop();
    store
        .replace_with_snapshot(&snapshot, "http://s", AT)
        .unwrap();
    assert!(store.version(ID).unwrap().is_some(), "edited: kept");
    assert!(
        store.version("app-00000-v1").unwrap().is_none(),
        "clean: gone"
    );
    assert!(store.version("app-00001-v1").unwrap().is_none());
    assert!(store.version("app-00001-v0").unwrap().is_some());
}

#[test]
fn what_a_push_settles_leaves_the_outbox_and_later_edits_stay() {
    let (_dir, mut store) = store_with(1, 1);
    store
        .edit(ID, &with_name(content(&store, ID), "One"), "one", "k1", AT)
        .unwrap();
    let sent = store.outbox().unwrap()[0].id;
    let mut theirs = store.version(ID).unwrap().unwrap().base.unwrap();
    theirs.content = content(&store, ID);
    // An edit made while the write was in flight.
    store
        .edit(ID, &with_name(content(&store, ID), "Two"), "two", "k2", AT)
        .unwrap();
    store
        .pushed(&[Settled {
            theirs: &theirs,
            etag: "\"e2\"",
            done: &[sent],
            icon_sent: None,
        }])
        .unwrap();
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].idempotency_key, "k2");
    let cached = store.version(ID).unwrap().unwrap();
    assert_eq!(cached.version.content.general.display_name, "Two");
    assert_eq!(cached.base.unwrap().content.general.display_name, "One");
}

#[test]
fn a_new_icon_waits_to_be_uploaded_until_the_server_has_it() {
    let (_dir, mut store) = store_with(1, 1);
    assert_eq!(store.unsent_icon(ID).unwrap(), None);
    let icon = IconFile {
        media_type: "image/png".into(),
        bytes: vec![1, 2, 3],
        sha256: "abc".into(),
    };
    store.set_icon(ID, &icon, "k1", AT).unwrap();
    assert_eq!(store.unsent_icon(ID).unwrap(), Some(icon.clone()));
    // A server copy with its old icon does not replace the partner's new one.
    let theirs = store.version(ID).unwrap().unwrap().base.unwrap();
    let old = store.icon(ID).unwrap();
    store.receive(&theirs, "\"e\"", old.as_ref(), AT).unwrap();
    assert_eq!(store.icon(ID).unwrap(), Some(icon.clone()));
    let entry = store.outbox().unwrap()[0].id;
    store
        .pushed(&[Settled {
            theirs: &theirs,
            etag: "\"e2\"",
            done: &[entry],
            icon_sent: Some("abc"),
        }])
        .unwrap();
    assert_eq!(store.unsent_icon(ID).unwrap(), None);
    assert!(store.outbox().unwrap().is_empty());
}

#[test]
fn held_entries_wait_for_the_partner_and_discard_goes_back_to_the_server_copy() {
    let (_dir, mut store) = store_with(1, 1);
    store
        .edit(ID, &with_name(content(&store, ID), "Mine"), "set", "k1", AT)
        .unwrap();
    let id = store.outbox().unwrap()[0].id;
    store
        .note_failure(&[id], "the track is In Review", true)
        .unwrap();
    let entry = &store.outbox().unwrap()[0];
    assert!(entry.held);
    assert_eq!(entry.attempts, 1);
    assert_eq!(entry.last_error.as_deref(), Some("the track is In Review"));
    assert_eq!(store.release_held(ID).unwrap(), 1);
    assert!(!store.outbox().unwrap()[0].held);
    store.discard_edits(ID).unwrap();
    assert!(store.outbox().unwrap().is_empty());
    assert!(!store.is_dirty(ID).unwrap());
    assert_eq!(
        content(&store, ID),
        store.version(ID).unwrap().unwrap().base.unwrap().content
    );
}

#[test]
fn an_icon_replaced_on_both_sides_is_a_conflict_settled_without_the_network() {
    let icon = |byte: u8, sha: &str| IconFile {
        media_type: "image/png".into(),
        bytes: vec![byte; 4],
        sha256: sha.into(),
    };
    for take_theirs in [true, false] {
        let (_dir, mut store) = store_with(1, 1);
        store.set_icon(ID, &icon(1, "mine"), "k1", AT).unwrap();
        let theirs = store.version(ID).unwrap().unwrap().base.unwrap();
        let received = store
            .receive(&theirs, "\"e2\"", Some(&icon(2, "theirs")), AT)
            .unwrap();
        assert_eq!(received.conflicts, 1);
        let conflict = store.conflicts(Some(ID)).unwrap().remove(0).conflict;
        assert_eq!(conflict.field, crate::ICON_FIELD);
        assert_eq!(
            (conflict.mine.clone(), conflict.theirs.clone()),
            (json!("mine"), json!("theirs"))
        );
        assert_eq!(
            store.icon(ID).unwrap().unwrap().sha256,
            "mine",
            "mine is kept meanwhile"
        );
        let choice = if take_theirs {
            conflict.theirs
        } else {
            conflict.mine
        };
        store.resolve(ID, "icon", choice, "k2", AT).unwrap();
        assert!(store.conflicts(None).unwrap().is_empty());
        if take_theirs {
            assert_eq!(store.icon(ID).unwrap(), Some(icon(2, "theirs")));
            assert_eq!(
                store.unsent_icon(ID).unwrap(),
                None,
                "nothing left to upload"
            );
        } else {
            assert_eq!(
                store.unsent_icon(ID).unwrap(),
                Some(icon(1, "mine")),
                "mine goes up"
            );
        }
    }
}

fn review_event(cursor: &str, decision: crate::Verdict) -> crate::TimelineEvent {
    crate::TimelineEvent {
        cursor: cursor.into(),
        version_id: ID.into(),
        app_id: "app-00000".into(),
        kind: crate::TimelineKind::Reviewed,
        at: Some("2026-11-27T11:00:00Z".into()),
        track: Some(workbench_domain::Track::Technical),
        decision: Some(decision),
        feedback: vec![crate::FeedbackEntry {
            field: "general.display_name".into(),
            message: "Too long".into(),
            rule: Some("text.display_name_length".into()),
        }],
    }
}

#[test]
fn a_timeline_event_is_recorded_once_with_its_cursor_even_when_the_page_is_read_again() {
    let (_dir, mut store) = store_with(1, 1);
    let submitted = crate::TimelineEvent {
        kind: crate::TimelineKind::Submitted,
        decision: None,
        feedback: vec![],
        ..review_event("c1", crate::Verdict::Rejected)
    };
    let batch = crate::FeedBatch {
        timeline: vec![
            submitted.clone(),
            review_event("c2", crate::Verdict::Rejected),
        ],
        cursor: "c2".into(),
        ..Default::default()
    };
    let applied = store.apply_changes(&batch, AT).unwrap();
    assert_eq!(applied.recorded.len(), 2);
    assert_eq!(store.sync_state().unwrap().cursor.as_deref(), Some("c2"));
    // The same page again (a pull that read it but failed before, say): nothing new.
    let again = store.apply_changes(&batch, AT).unwrap();
    assert!(again.recorded.is_empty());
    let events = store.timeline(ID).unwrap();
    assert_eq!(
        events,
        vec![submitted, review_event("c2", crate::Verdict::Rejected)]
    );
    assert!(store.timeline("no-such-version").unwrap().is_empty());
}

#[test]
fn a_feed_read_that_fails_records_no_timeline_event_and_keeps_the_cursor() {
    let (_dir, mut store) = store_with(1, 1);
    let before = store.sync_state().unwrap().cursor;
    // A version of an app the cache does not have breaks the transaction after the events.
    let mut orphan = store.version(ID).unwrap().unwrap().base.unwrap();
    orphan.id = "orphan-v".into();
    orphan.app_id = "no-such-app".into();
    let batch = crate::FeedBatch {
        timeline: vec![review_event("c9", crate::Verdict::Approved)],
        versions: vec![crate::SnapshotVersion {
            version: orphan,
            etag: "\"e\"".into(),
            icon: None,
        }],
        cursor: "c9".into(),
        ..Default::default()
    };
    assert!(store.apply_changes(&batch, AT).is_err());
    assert!(store.timeline(ID).unwrap().is_empty());
    assert_eq!(store.sync_state().unwrap().cursor, before);
}

#[test]
fn notification_kinds_are_on_until_turned_off() {
    let (_dir, store) = store_with(1, 1);
    assert!(store.notifies(crate::NotificationKind::Approved).unwrap());
    assert!(store.notifies(crate::NotificationKind::Rejected).unwrap());
    store
        .set_notifies(crate::NotificationKind::Rejected, false)
        .unwrap();
    assert!(!store.notifies(crate::NotificationKind::Rejected).unwrap());
    assert!(store.notifies(crate::NotificationKind::Approved).unwrap());
    store
        .set_notifies(crate::NotificationKind::Rejected, true)
        .unwrap();
    assert!(store.notifies(crate::NotificationKind::Rejected).unwrap());
    assert!(store.notifies(crate::NotificationKind::Requests).unwrap());
    store
        .set_notifies(crate::NotificationKind::Requests, false)
        .unwrap();
    assert!(!store.notifies(crate::NotificationKind::Requests).unwrap());
    assert!(store.notifies(crate::NotificationKind::Approved).unwrap());
}

#[test]
fn a_customers_request_is_recorded_once_and_each_announcer_takes_it_once() {
    use crate::Announcer::{Desktop, Watch};
    use workbench_domain::installation::Waiting;
    let (_dir, mut store) = store_with(1, 1);
    let request = |cursor: &str, waiting| crate::InstallationRequest {
        cursor: cursor.into(),
        installation_id: format!("inst-{cursor}"),
        app_id: "app".into(),
        version_id: ID.into(),
        account_name: "Globex Corp".into(),
        waiting,
        at: Some("2026-12-07T10:00:00Z".into()),
    };
    let batch = crate::FeedBatch {
        requests: vec![
            request("c1", Waiting::Installation),
            request("c2", Waiting::Update),
        ],
        cursor: "c2".into(),
        ..Default::default()
    };
    store.apply_changes(&batch, AT).unwrap();
    // The same page read again records nothing twice.
    store.apply_changes(&batch, AT).unwrap();
    let taken = store.take_unannounced_requests(Desktop, AT).unwrap();
    assert_eq!(taken, batch.requests);
    assert!(
        store
            .take_unannounced_requests(Desktop, AT)
            .unwrap()
            .is_empty()
    );
    // The watcher has its own mark.
    assert_eq!(store.take_unannounced_requests(Watch, AT).unwrap().len(), 2);
    let later = crate::FeedBatch {
        requests: vec![request("c3", Waiting::Installation)],
        cursor: "c3".into(),
        ..Default::default()
    };
    store.apply_changes(&later, AT).unwrap();
    assert_eq!(
        store.take_unannounced_requests(Desktop, AT).unwrap(),
        later.requests
    );
}

#[test]
fn each_announcer_takes_each_outcome_once_whoever_recorded_it() {
    use crate::Announcer::{Desktop, Watch};
    let (_dir, mut store) = store_with(1, 1);
    let submitted = crate::TimelineEvent {
        kind: crate::TimelineKind::Submitted,
        decision: None,
        track: None,
        feedback: vec![],
        ..review_event("c1", crate::Verdict::Rejected)
    };
    let batch = crate::FeedBatch {
        timeline: vec![submitted, review_event("c2", crate::Verdict::Rejected)],
        cursor: "c2".into(),
        ..Default::default()
    };
    // One process's sync records the events; both announcers still get the outcome, once.
    store.apply_changes(&batch, AT).unwrap();
    let desktop = store.take_unannounced(Desktop, AT).unwrap();
    assert_eq!(desktop, vec![review_event("c2", crate::Verdict::Rejected)]);
    assert!(store.take_unannounced(Desktop, AT).unwrap().is_empty());
    let watch = store.take_unannounced(Watch, AT).unwrap();
    assert_eq!(watch, desktop);
    assert!(store.take_unannounced(Watch, AT).unwrap().is_empty());
    // The page read again records nothing, so nothing is announced again.
    store.apply_changes(&batch, AT).unwrap();
    assert!(store.take_unannounced(Desktop, AT).unwrap().is_empty());
    // A later outcome is the only one taken next.
    let later = crate::FeedBatch {
        timeline: vec![review_event("c3", crate::Verdict::Approved)],
        cursor: "c3".into(),
        ..Default::default()
    };
    store.apply_changes(&later, AT).unwrap();
    assert_eq!(
        store.take_unannounced(Watch, AT).unwrap(),
        vec![review_event("c3", crate::Verdict::Approved)]
    );
    assert_eq!(store.take_unannounced(Desktop, AT).unwrap().len(), 1);
}

#[test]
fn changes_applied_together_land_together_or_not_at_all() {
    let (_dir, mut store) = store_with(1, 1);
    let before = content(&store, ID);
    let icon_before = store.icon(ID).unwrap().map(|icon| icon.sha256);
    let after = with_name(before.clone(), "Imported");
    let icon = IconFile {
        media_type: "image/png".into(),
        bytes: b"new icon".to_vec(),
        sha256: "ab".repeat(32),
    };
    let status = store.version(ID).unwrap().unwrap().version.status;
    let changes = crate::Changes {
        before: &before,
        icon_before: icon_before.as_deref(),
        status,
        content: Some((&after, "k-content")),
        icon: Some((&icon, "k-icon")),
        summary: "import files",
    };
    let outbox_keys = |store: &Store| -> Vec<String> {
        store
            .outbox()
            .unwrap()
            .into_iter()
            .map(|e| e.idempotency_key)
            .collect()
    };

    // A write inside the transaction fails after the content was written (the icon's outbox
    // entry reuses the content's key, which the outbox holds once): all of it is rolled back.
    let clashing = crate::Changes {
        icon: Some((&icon, "k-content")),
        ..changes
    };
    let (keys, history) = (outbox_keys(&store), store.edit_history(ID).unwrap().len());
    store.apply(ID, clashing, AT).unwrap_err();
    assert_eq!(
        content(&store, ID),
        before,
        "the working copy is rolled back"
    );
    assert_eq!(store.icon(ID).unwrap().map(|i| i.sha256), icon_before);
    assert_eq!(outbox_keys(&store), keys, "no outbox entry stays");
    assert_eq!(
        store.edit_history(ID).unwrap().len(),
        history,
        "no undo record stays"
    );

    // Checked under another review status than the cache has now (a sync came in between):
    // nothing is applied, and the error says to run it again.
    let other_status = crate::Changes {
        status: workbench_domain::VersionStatus {
            technical: workbench_domain::ReviewStatus::InReview,
            ..status
        },
        ..changes
    };
    assert_ne!(other_status.status, status, "the fixture's status differs");
    let error = store.apply(ID, other_status, AT).unwrap_err();
    assert!(
        matches!(error, StoreError::ChangedMeanwhile { .. }),
        "{error}"
    );
    assert_eq!(content(&store, ID), before);

    // Checked against a working copy that another edit has changed since: nothing is applied.
    let meanwhile = with_name(before.clone(), "Meanwhile");
    assert!(store.edit(ID, &meanwhile, "set name", "k0", AT).unwrap());
    let error = store.apply(ID, changes, AT).unwrap_err();
    assert!(
        matches!(error, StoreError::ChangedMeanwhile { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("run it again"), "{error}");
    assert_eq!(content(&store, ID), meanwhile);
    assert_eq!(store.icon(ID).unwrap().map(|i| i.sha256), icon_before);
    assert_eq!(store.outbox().unwrap().len(), 1);
    store.undo(ID, "k-undo", AT).unwrap();

    // Against the working copy they were checked against: the edit and the icon, both queued.
    let queued = store.outbox().unwrap().len();
    store.apply(ID, changes, AT).unwrap();
    assert_eq!(content(&store, ID), after);
    assert_eq!(store.icon(ID).unwrap().unwrap().bytes, b"new icon");
    let outbox = store.outbox().unwrap();
    let new: Vec<_> = outbox[queued..]
        .iter()
        .map(|e| (e.operation, e.idempotency_key.as_str()))
        .collect();
    assert_eq!(
        new,
        [(Operation::Edit, "k-content"), (Operation::Icon, "k-icon")]
    );
    assert_eq!(store.edit_history(ID).unwrap()[0].summary, "import files");
}

#[test]
fn a_version_deleted_on_the_server_with_unsent_edits_stays_in_conflict_until_the_partner_settles_it()
 {
    use crate::{DELETED_FIELD, DELETION_SIDES};
    let (_dir, mut store) = store_with(1, 3);
    let edited = with_name(content(&store, ID), "Still mine");
    store.edit(ID, &edited, "rename", "k1", AT).unwrap();
    let untouched = "app-00000-v1";
    let deleted = |ids: &[&str]| crate::FeedBatch {
        deleted_versions: ids.iter().map(|id| id.to_string()).collect(),
        cursor: "c9".into(),
        ..Default::default()
    };
    store.apply_changes(&deleted(&[ID, untouched]), AT).unwrap();

    // The version without local changes goes; the edited one stays, in conflict.
    assert!(store.version(untouched).unwrap().is_none());
    assert_eq!(content(&store, ID), edited);
    let conflicts = store.conflicts(Some(ID)).unwrap();
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0].conflict;
    assert_eq!(conflict.field, DELETED_FIELD);
    assert_eq!(conflict.mine, json!(DELETION_SIDES[1]));
    assert_eq!(conflict.theirs, json!(DELETION_SIDES[2]));
    // Everything queued for it waits on the conflict.
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox[0].waits_on(&conflicts), [DELETED_FIELD]);
    // Read again, the deletion adds nothing; a value of the partner's own is refused.
    store.apply_changes(&deleted(&[ID]), AT).unwrap();
    assert_eq!(store.conflicts(Some(ID)).unwrap().len(), 1);
    assert!(matches!(
        store.resolve(ID, DELETED_FIELD, json!("something else"), "k2", AT),
        Err(StoreError::Invalid(_))
    ));

    // Kept: a new draft to create, under the same id, with the partner's content and edits.
    store
        .resolve(ID, DELETED_FIELD, conflict.mine.clone(), "k3", AT)
        .unwrap();
    assert!(store.conflicts(Some(ID)).unwrap().is_empty());
    let kept = store.version(ID).unwrap().unwrap();
    assert_eq!(kept.version.content, edited);
    assert_eq!((kept.etag, kept.base), (None, None));
    assert_eq!(
        kept.version.status.technical,
        workbench_domain::ReviewStatus::Draft
    );
    let mut operations: Vec<Operation> = store
        .outbox()
        .unwrap()
        .iter()
        .map(|e| e.operation)
        .collect();
    operations.sort_by_key(|op| op.as_str());
    assert_eq!(
        operations,
        [Operation::CreateVersion, Operation::Edit, Operation::Icon]
    );
}

#[test]
fn a_version_deleted_on_the_server_is_let_go_with_everything_queued_for_it() {
    use crate::DELETED_FIELD;
    let (_dir, mut store) = store_with(1, 1);
    let edited = with_name(content(&store, ID), "Mine");
    store.edit(ID, &edited, "rename", "k1", AT).unwrap();
    // A full pull that no longer lists it keeps it in conflict too.
    let mut snapshot = fixtures::snapshot(1, 1);
    snapshot.apps[0].versions.clear();
    store
        .replace_with_snapshot(&snapshot, "http://s", AT)
        .unwrap();
    let conflict = store.conflicts(Some(ID)).unwrap()[0].conflict.clone();
    assert_eq!(conflict.field, DELETED_FIELD);
    store
        .resolve(ID, DELETED_FIELD, conflict.theirs, "k2", AT)
        .unwrap();
    assert!(store.version(ID).unwrap().is_none());
    assert!(store.outbox().unwrap().is_empty());
    assert!(store.conflicts(None).unwrap().is_empty());
}
