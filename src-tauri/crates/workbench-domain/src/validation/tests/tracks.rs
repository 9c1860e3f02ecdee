//! Submissions per review track: which rules run and which fields count, as the pack says.

use std::collections::BTreeSet;

use serde_json::json;

use super::super::*;
use super::valid_content;
use crate::model::{PlanType, UrlType};
use crate::review::{Track, VersionStatus};

fn rules(report: &Report) -> Vec<(String, String)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.field.clone()))
        .collect()
}

fn submit(content: &VersionContent, track: Track, pack: &RulesPack) -> Report {
    let input = ValidationInput::new(content, VersionStatus::NEW);
    validate_submission(&input, pack, &[], track)
}

/// A version with a problem in each section: general, technical, marketplace, plans.
fn broken() -> VersionContent {
    let mut content = valid_content();
    content.general.slug = "Not A Slug".into();
    content.technical.urls[1].url = "http://app.acme.io/events".into();
    content.marketplace.description.clear();
    content.marketplace.categories = vec!["Gardening".into()];
    content
        .subscription_types
        .retain(|p| p.kind != PlanType::Trial);
    content
}

#[test]
fn the_default_pack_scopes_the_technical_track_to_general_and_technical_fields() {
    let pack = RulesPack::default_pack();
    let content = broken();
    let technical = submit(&content, Track::Technical, &pack);
    assert_eq!(
        rules(&technical),
        [
            ("listing.slug".to_owned(), "general.slug".to_owned()),
            (
                "listing.https".to_owned(),
                "technical.urls[1].url".to_owned()
            ),
        ]
    );
    let marketplace = submit(&content, Track::Marketplace, &pack);
    let ids: BTreeSet<&str> = marketplace
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    for id in [
        "listing.slug",
        "listing.https",
        "listing.required",
        "listing.categories",
        "plans.one_trial",
    ] {
        assert!(
            ids.contains(id),
            "the marketplace track checks {id}: {ids:?}"
        );
    }
    // The marketplace track checks everything: exactly what a whole-version check finds.
    let whole = validate(
        &ValidationInput::new(&content, VersionStatus::NEW),
        &pack,
        &[],
    );
    assert_eq!(marketplace, whole);
}

#[test]
fn a_rule_for_another_track_does_not_run_and_is_not_reported_as_not_checked() {
    let pack = RulesPack::default_pack();
    let content = valid_content();
    let technical = submit(&content, Track::Technical, &pack);
    assert!(
        technical.diagnostics.is_empty(),
        "{:?}",
        technical.diagnostics
    );
    let not_checked: BTreeSet<&str> = technical
        .not_checked
        .iter()
        .map(|n| n.rule.as_str())
        .collect();
    // No icon was given, but the technical track does not look at icons at all.
    assert!(!not_checked.contains("icon.square"), "{not_checked:?}");
    // The marketplace track does, and says it could not.
    let marketplace = submit(&content, Track::Marketplace, &pack);
    assert!(
        marketplace
            .not_checked
            .iter()
            .any(|n| n.rule == "icon.square")
    );
}

#[test]
fn the_tracks_are_data_a_pack_without_them_checks_everything_on_both() {
    let mut pack = RulesPack::default_pack();
    pack.track_sections.clear();
    for rule in &mut pack.rules {
        rule.tracks.clear();
    }
    let content = broken();
    let whole = validate(
        &ValidationInput::new(&content, VersionStatus::NEW),
        &pack,
        &[],
    );
    for track in Track::ALL {
        assert_eq!(submit(&content, track, &pack), whole, "{track}");
    }
    // And a pack can move a rule to the technical track only.
    let rule = pack
        .rules
        .iter_mut()
        .find(|r| r.id == "listing.categories")
        .unwrap();
    rule.tracks = vec!["technical".into()];
    pack.track_sections
        .insert("marketplace".into(), vec!["general".into()]);
    let marketplace = submit(&content, Track::Marketplace, &pack);
    assert_eq!(
        rules(&marketplace),
        [("listing.slug".to_owned(), "general.slug".to_owned())]
    );
    assert!(
        submit(&content, Track::Technical, &pack)
            .diagnostics
            .iter()
            .any(|d| d.rule == "listing.categories")
    );
}

#[test]
fn track_names_a_reader_does_not_know_are_kept_and_match_no_submission() {
    let pack: RulesPack = serde_json::from_value(json!({
        "version": "2027.1.0",
        "rules": [{"id": "listing.slug", "kind": "listing_slug_pattern", "severity": "error",
                   "field": "general.slug", "message": "m",
                   "params": {"pattern": "^[a-z]+$"}, "tracks": ["security"]}],
        "track_sections": {"security": ["general"]}
    }))
    .unwrap();
    assert_eq!(pack.rules[0].tracks, ["security"]);
    let mut content = valid_content();
    content.general.slug = "Bad Slug".into();
    for track in Track::ALL {
        let report = submit(&content, track, &pack);
        assert!(report.diagnostics.is_empty(), "{track}: {report:?}");
        assert!(report.not_checked.is_empty(), "{track}: {report:?}");
    }
}

#[test]
fn an_unknown_kind_is_not_checked_on_a_submission_too() {
    let mut pack = RulesPack::default_pack();
    pack.rules.push(Rule {
        id: "listing.video_length".into(),
        kind: "video_max_seconds".into(),
        severity: Severity::Error,
        field: "marketplace.assets".into(),
        message: "too long".into(),
        params: serde_json::Map::new(),
        tracks: vec!["marketplace".into()],
        source: None,
    });
    let report = submit(&valid_content(), Track::Marketplace, &pack);
    assert!(report.diagnostics.is_empty());
    assert!(
        report
            .not_checked
            .iter()
            .any(|n| n.rule == "listing.video_length" && n.reason.contains("unknown rule kind"))
    );
    assert!(
        submit(&valid_content(), Track::Technical, &pack)
            .not_checked
            .iter()
            .all(|n| n.rule != "listing.video_length")
    );
}

#[test]
fn suppressions_apply_after_the_track_filter_and_the_reviewer_sees_what_is_left() {
    let pack = RulesPack::default_pack();
    let mut content = valid_content();
    content.marketplace.description =
        "Acme Call Notes keeps notes beside every call. Only $99 per seat, billed monthly.".into();
    let quoted = submit(&content, Track::Marketplace, &pack);
    assert!(!quoted.has_errors());
    let findings: Vec<&str> = quoted.review_findings().map(|d| d.rule.as_str()).collect();
    assert_eq!(findings, ["plans.quoted_prices"]);
    // The technical track does not look at the listing text's prices.
    assert!(
        submit(&content, Track::Technical, &pack)
            .diagnostics
            .is_empty()
    );
    let suppression = Suppression {
        rule: "plans.quoted_prices".into(),
        field: None,
        reason: "the $99 is the price of the hardware bundle".into(),
    };
    let input = ValidationInput::new(&content, VersionStatus::NEW);
    let suppressed = validate_submission(
        &input,
        &pack,
        std::slice::from_ref(&suppression),
        Track::Marketplace,
    );
    assert_eq!(suppressed.review_findings().count(), 0);
    assert_eq!(suppressed.suppressed.len(), 1);
    // On the technical track the same suppression matches nothing, and says so.
    let technical = validate_submission(
        &input,
        &pack,
        std::slice::from_ref(&suppression),
        Track::Technical,
    );
    assert_eq!(technical.not_applied.len(), 1);
}

#[test]
fn info_is_advice_and_not_held_against_a_version_in_review() {
    let mut pack = RulesPack::default_pack();
    for rule in &mut pack.rules {
        if rule.id == "listing.https_links" {
            rule.severity = Severity::Info;
        }
    }
    let mut content = valid_content();
    content.marketplace.urls[0].kind = UrlType::PrivacyPolicy;
    content.marketplace.urls[0].url = "http://acme.io/privacy".into();
    let report = submit(&content, Track::Marketplace, &pack);
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.review_findings().count(), 0);
}
