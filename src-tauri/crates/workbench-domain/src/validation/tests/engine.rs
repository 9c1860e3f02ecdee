use std::collections::BTreeSet;

use serde_json::json;

use super::super::*;
use super::valid_content;
use crate::review::VersionStatus;

#[test]
fn the_default_pack_parses_with_unique_well_formed_ids_and_known_kinds() {
    let pack = RulesPack::default_pack();
    assert!(!pack.version.is_empty());
    assert!(!pack.categories.is_empty());
    let id_pattern = regex::Regex::new(r"^[a-z]+(\.[a-z_0-9]+)+$").unwrap();
    let mut seen = BTreeSet::new();
    for rule in &pack.rules {
        assert!(
            id_pattern.is_match(&rule.id),
            "{} is not a well-formed id",
            rule.id
        );
        assert!(seen.insert(rule.id.as_str()), "{} appears twice", rule.id);
        assert!(
            check_for(&rule.kind).is_some(),
            "{}: unknown kind {}",
            rule.id,
            rule.kind
        );
    }
    // Every kind the engine knows is used by the default pack.
    for (kind, _) in KINDS {
        assert!(
            pack.rules.iter().any(|r| r.kind == *kind),
            "{kind} is not in the default pack"
        );
    }
}

#[test]
fn a_valid_version_passes_every_rule_that_can_run() {
    let content = valid_content();
    let input = ValidationInput::new(&content, VersionStatus::NEW);
    let report = validate(&input, &RulesPack::default_pack(), &[]);
    assert_eq!(
        report.diagnostics,
        vec![],
        "a valid version has no diagnostics"
    );
    assert_eq!(report.pack_version, RulesPack::default_pack().version);
    // Without an icon, asset sizes or an edit, those rules say so rather than pass.
    let not_checked: BTreeSet<&str> = report.not_checked.iter().map(|n| n.rule.as_str()).collect();
    assert!(not_checked.contains("icon.square"));
    assert!(not_checked.contains("screenshots.file_size"));
    assert!(not_checked.contains("state.track_editable"));
    assert!(!not_checked.contains("plans.one_trial"));
}

#[test]
fn readers_ignore_unknown_fields_of_a_pack() {
    let pack: RulesPack = serde_json::from_value(json!({
        "version": "2027.1.0", "published_by": "talkdesk",
        "rules": [{"id": "x.y", "kind": "plans_unique_names", "severity": "info", "field": "f",
                   "message": "m", "future": true}],
        "categories": []
    }))
    .unwrap();
    assert_eq!(pack.rules[0].severity, Severity::Info);
    assert!(pack.rules[0].params.is_empty());
}

#[test]
fn an_unknown_rule_kind_is_not_checked_never_passed() {
    let mut pack = RulesPack::default_pack();
    pack.rules.push(Rule {
        id: "listing.video_length".into(),
        kind: "video_max_seconds".into(),
        severity: Severity::Error,
        field: "marketplace.assets".into(),
        message: "too long".into(),
        params: serde_json::Map::new(),
        tracks: vec![],
        source: None,
    });
    let content = valid_content();
    let report = validate(
        &ValidationInput::new(&content, VersionStatus::NEW),
        &pack,
        &[],
    );
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.rule != "listing.video_length")
    );
    assert!(report.not_checked.contains(&NotChecked {
        rule: "listing.video_length".into(),
        reason: "unknown rule kind video_max_seconds; update Partner Workbench".into(),
    }));
}

#[test]
fn a_rule_with_missing_parameters_is_not_checked() {
    let mut pack = RulesPack::default_pack();
    let rule = pack
        .rules
        .iter_mut()
        .find(|r| r.id == "plans.trial_days")
        .unwrap();
    rule.params.clear();
    let content = valid_content();
    let report = validate(
        &ValidationInput::new(&content, VersionStatus::NEW),
        &pack,
        &[],
    );
    let entry = report
        .not_checked
        .iter()
        .find(|n| n.rule == "plans.trial_days")
        .unwrap();
    assert!(entry.reason.contains("days"), "{}", entry.reason);
}

fn corner_report(suppressions: &[Suppression]) -> Report {
    let bytes = std::fs::read(super::fixtures::fixtures_dir().join("corner-content.png")).unwrap();
    let mut content = valid_content();
    content.subscription_types.clear(); // errors: plans.one_trial, plans.paid_plan, ...
    let input = ValidationInput::new(&content, VersionStatus::NEW).with_icon(&bytes, "icon.png");
    validate(&input, &RulesPack::default_pack(), suppressions)
}

#[test]
fn a_warning_is_suppressed_with_its_reason() {
    let suppression = Suppression {
        rule: "icon.corners_clear".into(),
        field: Some("icon".into()),
        reason: "the badge covers a decorative dot".into(),
    };
    let before = corner_report(&[]);
    assert!(
        before
            .diagnostics
            .iter()
            .any(|d| d.rule == "icon.corners_clear")
    );
    let after = corner_report(std::slice::from_ref(&suppression));
    assert!(
        after
            .diagnostics
            .iter()
            .all(|d| d.rule != "icon.corners_clear")
    );
    assert_eq!(
        after.suppressed,
        vec![AppliedSuppression {
            rule: "icon.corners_clear".into(),
            field: "icon".into(),
            reason: "the badge covers a decorative dot".into(),
        }]
    );
    assert!(after.not_applied.is_empty());
}

#[test]
fn an_error_cannot_be_suppressed_and_the_refusal_is_reported() {
    let suppression = Suppression {
        rule: "plans.one_trial".into(),
        field: None,
        reason: "we do not want a trial".into(),
    };
    let report = corner_report(std::slice::from_ref(&suppression));
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "plans.one_trial")
    );
    assert!(report.suppressed.is_empty());
    assert_eq!(report.not_applied.len(), 1);
    assert_eq!(report.not_applied[0].suppression, suppression);
    assert!(
        report.not_applied[0]
            .why
            .contains("errors cannot be suppressed")
    );
}

#[test]
fn a_suppression_without_a_reason_or_a_match_is_not_applied() {
    let blank = Suppression {
        rule: "icon.corners_clear".into(),
        field: None,
        reason: "  ".into(),
    };
    let unmatched = Suppression {
        rule: "icon.not_blank".into(),
        field: None,
        reason: "fine".into(),
    };
    let report = corner_report(&[blank, unmatched]);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "icon.corners_clear")
    );
    let whys: Vec<&str> = report.not_applied.iter().map(|r| r.why.as_str()).collect();
    assert_eq!(
        whys,
        [
            "a suppression needs a recorded reason",
            "no diagnostic matches this suppression"
        ]
    );
}

#[test]
fn diagnostics_follow_the_pack_order_and_repeat_identically() {
    let first = corner_report(&[]);
    let second = corner_report(&[]);
    assert_eq!(first, second);
    let pack = RulesPack::default_pack();
    let positions: Vec<usize> = first
        .diagnostics
        .iter()
        .map(|d| pack.rules.iter().position(|r| r.id == d.rule).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{positions:?}");
}

#[test]
fn messages_are_rendered_from_the_diagnostic_then_the_rule_params() {
    let params = serde_json::Map::from_iter([("width".to_owned(), json!(300))]);
    let rule_params = serde_json::Map::from_iter([
        ("min".to_owned(), json!(256)),
        ("list".to_owned(), json!(["a", "b"])),
    ]);
    assert_eq!(
        render(
            "{width} ≥ {min} in {list}, {unknown} {",
            &params,
            &rule_params
        ),
        "300 ≥ 256 in a, b, {unknown} {"
    );
}

#[test]
fn validate_icon_runs_only_the_icon_rules() {
    let bytes = std::fs::read(super::fixtures::fixtures_dir().join("valid.png")).unwrap();
    let report = validate_icon(&bytes, "valid.png", &RulesPack::default_pack());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(report.not_checked.is_empty(), "{:?}", report.not_checked);
}
