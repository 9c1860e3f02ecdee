use serde_json::json;
use workbench::{Operation, OutboxEntry, ReviewAction, StoredConflict};
use workbench_domain::Track as CoreTrack;
use workbench_domain::merge::FieldConflict;

use super::*;

fn conflict(base: Value, mine: Value, theirs: Value) -> FieldConflict {
    FieldConflict {
        field: "general.display_name".into(),
        base,
        mine,
        theirs,
    }
}

#[test]
fn a_text_conflict_is_shown_and_settled_as_the_text_itself() {
    let c = conflict(json!("Acme"), json!("Acme CRM"), json!("Acme Connector"));
    let view = ConflictView::from(StoredConflict {
        version_id: "v".into(),
        conflict: c.clone(),
        detected_at: "2026-03-01T12:00:00Z".into(),
    });
    assert_eq!(view.form, ValueForm::Text);
    assert_eq!(
        (view.base.as_str(), view.mine.as_str(), view.theirs.as_str()),
        ("Acme", "Acme CRM", "Acme Connector")
    );
    assert_eq!(
        ConflictChoice::Value {
            text: "{\"not\": \"json\"}".into()
        }
        .value(c.clone())
        .unwrap(),
        json!("{\"not\": \"json\"}"),
        "a text field takes what was typed, even when it looks like JSON"
    );
    assert_eq!(
        ConflictChoice::TakeTheirs.value(c.clone()).unwrap(),
        json!("Acme Connector")
    );
    assert_eq!(
        ConflictChoice::KeepMine.value(c).unwrap(),
        json!("Acme CRM")
    );
}

#[test]
fn other_conflicts_travel_as_json_text_so_no_number_is_rounded() {
    let big = 9_007_199_254_740_993_i64; // 2^53 + 1: a JavaScript number cannot hold it
    let c = FieldConflict {
        field: "subscription_types[Pro].price".into(),
        base: json!(100),
        mine: json!(big),
        theirs: Value::Null,
    };
    let view = ConflictView::from(StoredConflict {
        version_id: "v".into(),
        conflict: c.clone(),
        detected_at: String::new(),
    });
    assert_eq!(view.form, ValueForm::Json);
    assert_eq!(view.mine, big.to_string());
    assert_eq!(view.theirs, "null", "absent on the server's side");
    let typed = ConflictChoice::Value {
        text: "1500".into(),
    };
    assert_eq!(typed.value(c.clone()).unwrap(), json!(1500));
    let error = ConflictChoice::Value {
        text: "fifteen".into(),
    }
    .value(c)
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("subscription_types[Pro].price"));
}

#[test]
fn a_queued_change_has_its_id_as_text_and_its_track_and_summary() {
    let entry = |operation, payload| OutboxEntry {
        id: 9_007_199_254_740_993,
        version_id: "v".into(),
        operation,
        payload,
        idempotency_key: "pwb-secret-ish".into(),
        created_at: "2026-03-01T12:00:00Z".into(),
        attempts: 2,
        last_error: Some("the technical review is In Review".into()),
        held: true,
    };
    let submit = QueuedChange::of(
        entry(
            Operation::Submit,
            json!({"track": "marketplace", "suppressions": []}),
        ),
        &[],
    );
    assert_eq!(submit.id, "9007199254740993");
    assert_eq!(submit.kind, ChangeKind::Submit);
    assert_eq!(submit.track, Some(Track::Marketplace));
    assert!(submit.held);
    assert!(submit.waits_on.is_empty());
    let edit = QueuedChange::of(
        entry(
            Operation::Edit,
            json!({"summary": "set general.slug", "fields": ["general.slug"]}),
        ),
        &[],
    );
    assert_eq!(edit.summary.as_deref(), Some("set general.slug"));
    assert_eq!(edit.track, None);
}

#[test]
fn a_queued_change_says_which_conflict_it_waits_on() {
    let entry = |operation, fields: Value| OutboxEntry {
        id: 1,
        version_id: "v".into(),
        operation,
        payload: json!({"summary": "edit", "fields": fields}),
        idempotency_key: "k".into(),
        created_at: "2026-03-01T12:00:00Z".into(),
        attempts: 0,
        last_error: None,
        held: false,
    };
    let conflict = |version_id: &str, field: &str| StoredConflict {
        version_id: version_id.into(),
        conflict: FieldConflict {
            field: field.into(),
            base: json!("b"),
            mine: json!("m"),
            theirs: json!("t"),
        },
        detected_at: "2026-03-01T12:00:00Z".into(),
    };
    let conflicts = [
        conflict("v", "marketplace.listing_summary"),
        conflict("other", "general.notes"),
    ];
    let waits = |operation, fields| QueuedChange::of(entry(operation, fields), &conflicts).waits_on;
    assert_eq!(
        waits(Operation::Edit, json!(["marketplace.description"])),
        ["marketplace.listing_summary"],
        "an edit in the conflicted section waits"
    );
    assert!(
        waits(Operation::Edit, json!(["general.notes"])).is_empty(),
        "an edit of another section goes (the other version's conflict is not this one's)"
    );
    assert!(
        waits(Operation::Icon, json!(null)).is_empty(),
        "the icon goes"
    );
    assert_eq!(
        waits(Operation::MakeAvailable, json!(null)),
        ["marketplace.listing_summary"],
        "an action waits on every conflict of its version"
    );
}

#[test]
fn actions_map_to_the_facade_and_make_available_keeps_to_its_track() {
    assert_eq!(
        review_action(ActionKind::Submit, Track::Marketplace).unwrap(),
        ReviewAction::Submit(CoreTrack::Marketplace)
    );
    assert_eq!(
        review_action(ActionKind::MakeAvailable, Track::Technical).unwrap(),
        ReviewAction::MakeAvailable
    );
    assert_eq!(
        review_action(ActionKind::MakeAvailable, Track::Marketplace)
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    let views = ReviewActionView::list(vec![
        (ReviewAction::MakeAvailable, Err("not yet".into())),
        (ReviewAction::Withdraw(CoreTrack::Technical), Ok(())),
    ]);
    assert_eq!(views[0].track, Track::Technical);
    assert_eq!(views[0].refused_because.as_deref(), Some("not yet"));
    assert_eq!(views[1].action, ActionKind::Withdraw);
    assert_eq!(views[1].refused_because, None);
}

#[test]
fn the_choice_reads_as_the_window_sends_it() {
    let mine: ConflictChoice = serde_json::from_value(json!({"kind": "keep_mine"})).unwrap();
    assert_eq!(mine, ConflictChoice::KeepMine);
    let value: ConflictChoice =
        serde_json::from_value(json!({"kind": "value", "text": "x"})).unwrap();
    assert_eq!(value, ConflictChoice::Value { text: "x".into() });
}
