//! The editor's facade helpers over a real cache: saving a draft on top of what changed since it
//! was opened, the edit locks and review actions of a version, the submission preview, and
//! giving up one queued change.

use serde_json::json;
use time::OffsetDateTime;
use workbench_domain::{ContentPart, Track};
use workbench_store::{Operation, fixtures};

use super::*;

const AT: OffsetDateTime = time::macros::datetime!(2026-03-01 12:00 UTC);

fn cached_workbench(dir: &std::path::Path) -> Workbench {
    let workbench = Workbench::open(dir).unwrap();
    workbench
        .store()
        .replace_with_snapshot(
            &fixtures::snapshot(1, 3),
            "http://127.0.0.1:1",
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    workbench
}

// In the fixture, v0 is Available/Advertised, v1 In Review/Draft, v2 Rejected/Approved.
const PUBLISHED: &str = "app-00000-v0";
const IN_REVIEW: &str = "app-00000-v1";
const REJECTED: &str = "app-00000-v2";

#[test]
fn a_saved_draft_keeps_what_changed_in_the_cache_since_the_editor_opened_it() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let base = workbench.version(REJECTED).unwrap().version.content;
    // Meanwhile (a sync merged a portal edit, or another window saved), another field changed.
    workbench
        .edit(
            REJECTED,
            Edit::Set {
                field: "technical.scopes_reason".into(),
                value: json!("Reads contacts to match callers."),
            },
            AT,
        )
        .unwrap();
    let mut draft = base.clone();
    draft.technical.scopes.push("contacts:read".into());

    let (outcome, saved) = workbench.save_draft(REJECTED, &base, draft, AT).unwrap();

    assert!(outcome.changed);
    assert_eq!(outcome.fields, vec!["technical.scopes".to_owned()]);
    assert_eq!(
        saved.technical.scopes,
        vec!["apps:read".to_owned(), "contacts:read".to_owned()],
        "the draft's own change is saved"
    );
    assert_eq!(
        saved.technical.scopes_reason, "Reads contacts to match callers.",
        "a change the draft did not make must not be reverted by saving it"
    );
    assert_eq!(workbench.version(REJECTED).unwrap().version.content, saved);
}

#[test]
fn saving_an_unchanged_draft_queues_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let base = workbench.version(REJECTED).unwrap().version.content;
    let (outcome, saved) = workbench
        .save_draft(REJECTED, &base, base.clone(), AT)
        .unwrap();
    assert!(!outcome.changed);
    assert_eq!(outcome.pending, 0, "nothing may wait in the outbox");
    assert_eq!(saved, base);
}

#[test]
fn saving_a_draft_that_touches_a_locked_part_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let base = workbench.version(REJECTED).unwrap().version.content;
    let mut draft = base.clone();
    draft.marketplace.listing_summary = "New words".into();
    let error = workbench
        .save_draft(REJECTED, &base, draft, AT)
        .unwrap_err();
    assert_eq!(error.code(), crate::ErrorCode::Locked);
    assert_eq!(workbench.version(REJECTED).unwrap().version.content, base);
    assert!(workbench.local_changes(None).unwrap().entries.is_empty());
}

#[test]
fn editable_parts_say_why_each_locked_part_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let parts = workbench.editable_parts(REJECTED).unwrap();
    let why = |part: ContentPart| parts.iter().find(|(p, _)| *p == part).unwrap().1.clone();
    assert_eq!(parts.len(), ContentPart::ALL.len());
    assert_eq!(
        why(ContentPart::Technical),
        None,
        "a Rejected track is editable"
    );
    let general = why(ContentPart::General).expect("the marketplace review is Approved");
    assert!(
        general.contains("general section") && general.contains("Approved"),
        "{general}"
    );
    assert!(why(ContentPart::Marketplace).is_some());

    let in_review = workbench.editable_parts(IN_REVIEW).unwrap();
    let technical = in_review
        .iter()
        .find(|(p, _)| *p == ContentPart::Technical)
        .unwrap()
        .1
        .clone()
        .unwrap();
    assert!(
        technical.contains("withdraw"),
        "the reason says what to do: {technical}"
    );
}

#[test]
fn review_actions_follow_the_tracks_rules() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let actions = workbench.review_actions(IN_REVIEW).unwrap();
    let allowed = |action: ReviewAction| {
        actions
            .iter()
            .find(|(a, _)| *a == action)
            .unwrap()
            .1
            .is_ok()
    };
    assert!(allowed(ReviewAction::Withdraw(Track::Technical)));
    assert!(!allowed(ReviewAction::Submit(Track::Technical)));
    assert!(allowed(ReviewAction::Submit(Track::Marketplace)));
    assert!(!allowed(ReviewAction::Withdraw(Track::Marketplace)));
    assert!(!allowed(ReviewAction::MakeAvailable));
    let (_, refused) = actions
        .iter()
        .find(|(a, _)| *a == ReviewAction::MakeAvailable)
        .unwrap();
    assert!(refused.as_ref().unwrap_err().contains("In Review"));
}

#[test]
fn the_submission_preview_is_the_working_copy_with_the_hash_of_what_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let preview = workbench
        .submission_preview(PUBLISHED, Track::Marketplace)
        .unwrap();
    let content: workbench_domain::VersionContent = serde_json::from_str(&preview.json).unwrap();
    assert_eq!(
        content,
        workbench.version(PUBLISHED).unwrap().version.content
    );
    assert!(preview.json.contains("\n  "), "pretty-printed for people");
    assert_eq!(
        preview.sha256,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            preview.json.as_bytes()
        ))
    );
    assert_eq!(preview.icon_sha256, Some(format!("{:064x}", 0)));
    assert_eq!(preview.track, Track::Marketplace);

    let without_icon = workbench
        .submission_preview(IN_REVIEW, Track::Marketplace)
        .unwrap();
    assert_eq!(without_icon.icon_sha256, None);
    assert_ne!(without_icon.sha256, preview.sha256);
    assert!(matches!(
        workbench.submission_preview("nope", Track::Technical),
        Err(WorkbenchError::UnknownVersion(_))
    ));
}

#[test]
fn discarding_a_queued_action_drops_that_entry_alone() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    workbench
        .edit(
            REJECTED,
            Edit::Set {
                field: "technical.scopes_reason".into(),
                value: json!("Why"),
            },
            AT,
        )
        .unwrap();
    workbench
        .queue_action(
            IN_REVIEW,
            ReviewAction::Withdraw(Track::Technical),
            Vec::new(),
            AT,
        )
        .unwrap();
    let entries = workbench.local_changes(None).unwrap().entries;
    let withdraw = entries
        .iter()
        .find(|e| e.operation == Operation::Withdraw)
        .unwrap();

    let wrong_version = workbench.discard_entry(REJECTED, withdraw.id).unwrap_err();
    assert_eq!(wrong_version.code(), crate::ErrorCode::InvalidInput);
    assert_eq!(workbench.local_changes(None).unwrap().entries.len(), 2);

    workbench.discard_entry(IN_REVIEW, withdraw.id).unwrap();
    let left = workbench.local_changes(None).unwrap().entries;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].operation, Operation::Edit);
}

#[test]
fn discarding_a_content_edit_returns_the_version_to_the_servers_copy() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let server = workbench.version(REJECTED).unwrap().version.content;
    workbench
        .edit(
            REJECTED,
            Edit::Set {
                field: "technical.scopes_reason".into(),
                value: json!("Why"),
            },
            AT,
        )
        .unwrap();
    let entry = workbench.local_changes(Some(REJECTED)).unwrap().entries[0].id;
    workbench.discard_entry(REJECTED, entry).unwrap();
    assert_eq!(workbench.version(REJECTED).unwrap().version.content, server);
    assert!(workbench.local_changes(None).unwrap().entries.is_empty());
}
