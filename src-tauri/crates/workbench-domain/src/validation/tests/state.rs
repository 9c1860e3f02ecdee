//! The state rules: edits only where the track allows, and the icon and plan freeze from the pack.

use super::super::*;
use super::valid_content;
use crate::review::{ContentPart, ReviewStatus, VersionStatus};

use ContentPart::*;
use ReviewStatus::*;

fn status(technical: ReviewStatus, marketplace: ReviewStatus) -> VersionStatus {
    VersionStatus {
        technical,
        marketplace,
    }
}

/// (rule, field) of the state diagnostics.
fn state_diagnostics(
    at: VersionStatus,
    parts: &[ContentPart],
    follows: bool,
    pack: &RulesPack,
) -> Vec<(String, String)> {
    let content = valid_content();
    let input = ValidationInput::new(&content, at)
        .following_published(follows)
        .editing(parts);
    validate(&input, pack, &[])
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.starts_with("state.") || d.rule.starts_with("policy."))
        .map(|d| (d.rule, d.field))
        .collect()
}

const TRACK: &str = "state.track_editable";
const FREEZE: &str = "policy.freeze_icon_and_plans_after_publish";

#[test]
fn state_rules() {
    let pack = RulesPack::default_pack();
    let mut disabled = pack.clone();
    disabled
        .rules
        .iter_mut()
        .find(|r| r.id == FREEZE)
        .unwrap()
        .params
        .insert("enabled".into(), false.into());
    #[allow(clippy::type_complexity)]
    let cases: &[(
        &str,
        VersionStatus,
        &[ContentPart],
        bool,
        &RulesPack,
        &[(&str, &str)],
    )] = &[
        (
            "draft marketplace",
            status(Draft, Draft),
            &[Marketplace],
            false,
            &pack,
            &[],
        ),
        (
            "rejected marketplace",
            status(Draft, Rejected),
            &[Marketplace, SubscriptionPlans],
            false,
            &pack,
            &[],
        ),
        (
            "marketplace in review",
            status(Draft, InReview),
            &[Marketplace],
            false,
            &pack,
            &[(TRACK, "marketplace")],
        ),
        (
            "technical approved",
            status(Approved, Draft),
            &[Technical, Marketplace],
            false,
            &pack,
            &[(TRACK, "technical")],
        ),
        (
            "general needs both tracks",
            status(Draft, InReview),
            &[General],
            false,
            &pack,
            &[(TRACK, "general")],
        ),
        (
            "published version",
            status(Available, Advertised),
            &[Icon],
            false,
            &pack,
            &[(TRACK, "icon")],
        ),
        (
            "icon and plans after a publish",
            status(Draft, Draft),
            &[Icon, SubscriptionPlans, Marketplace],
            true,
            &pack,
            &[(FREEZE, "icon"), (FREEZE, "subscription_types")],
        ),
        (
            "freeze disabled in the pack",
            status(Draft, Draft),
            &[Icon, SubscriptionPlans],
            true,
            &disabled,
            &[],
        ),
        (
            "first version: nothing frozen",
            status(Draft, Draft),
            &[Icon, SubscriptionPlans],
            false,
            &pack,
            &[],
        ),
        (
            "frozen and locked",
            status(Draft, InReview),
            &[Icon],
            true,
            &pack,
            &[(TRACK, "icon"), (FREEZE, "icon")],
        ),
    ];
    let mut failures = Vec::new();
    for (name, at, parts, follows, pack, expected) in cases {
        let got = state_diagnostics(*at, parts, *follows, pack);
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(r, f)| ((*r).to_owned(), (*f).to_owned()))
            .collect();
        if got != expected {
            failures.push(format!("{name}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn without_an_edit_the_state_rules_are_not_checked() {
    let content = valid_content();
    let input = ValidationInput::new(&content, status(Available, Advertised));
    let report = validate(&input, &RulesPack::default_pack(), &[]);
    for rule in [TRACK, FREEZE] {
        assert!(report.not_checked.iter().any(|n| n.rule == rule), "{rule}");
    }
}

#[test]
fn the_edit_context_takes_the_freeze_from_the_pack() {
    let pack = RulesPack::default_pack();
    assert!(state::edit_context(&pack, true).freeze_icon_and_plans_after_publish);
    let mut without = pack.clone();
    without.rules.retain(|r| r.kind != state::FREEZE_KIND);
    assert!(!state::edit_context(&without, true).freeze_icon_and_plans_after_publish);
}
