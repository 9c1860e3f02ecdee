//! Every rule says where it comes from: the FAQ, a public Talkdesk page, or `house` with a reason;
//! and a house rule blocks a submission only when its reason is safety.

use super::super::*;

#[test]
fn every_rule_of_the_shipped_pack_has_a_non_empty_source() {
    let pack = RulesPack::default_pack();
    for rule in &pack.rules {
        let source = rule
            .source
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no source", rule.id));
        let parts: Vec<&str> = match source {
            RuleSource::Faq { section, quote } => vec![section, quote],
            RuleSource::Page { url, quote } => {
                assert!(url.starts_with("https://"), "{}: {url}", rule.id);
                vec![url, quote]
            }
            RuleSource::House { reason, .. } => vec![reason],
        }
        .into_iter()
        .map(String::as_str)
        .collect();
        for part in parts {
            assert!(
                !part.trim().is_empty(),
                "{}: blank source {source:?}",
                rule.id
            );
        }
    }
    assert_eq!(pack.problems(), Vec::<(String, String)>::new());
}

#[test]
fn a_house_rule_that_is_an_error_carries_a_safety_reason() {
    let pack = RulesPack::default_pack();
    let house_errors: Vec<&Rule> = pack
        .rules
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .filter(|r| matches!(r.source, Some(RuleSource::House { .. })))
        .collect();
    assert!(
        !house_errors.is_empty(),
        "the safety rules are house errors"
    );
    for rule in house_errors {
        assert!(
            matches!(rule.source, Some(RuleSource::House { safety: true, .. })),
            "{} is a house error without a safety reason",
            rule.id
        );
    }
    // The safety rules are the decoding limits and the secrets, and nothing else.
    let mut safety: Vec<&str> = pack
        .rules
        .iter()
        .filter(|r| matches!(r.source, Some(RuleSource::House { safety: true, .. })))
        .map(|r| r.id.as_str())
        .collect();
    safety.sort_unstable();
    assert_eq!(
        safety,
        [
            "icon.decode_limits",
            "icon.decodes",
            "listing.https",
            "listing.secret"
        ]
    );
}

#[test]
fn the_faq_quotes_are_the_faqs_words() {
    // Talkdesk's Partner Project FAQ as published, kept beside the pack so every quote is checked.
    let faq = include_str!("../../../rules/sources/partner-project-faq.txt");
    let pack = RulesPack::default_pack();
    for rule in &pack.rules {
        if let Some(RuleSource::Faq { section, quote }) = &rule.source {
            assert!(
                faq.contains(&format!("{section} - ")),
                "{}: no FAQ section {section}",
                rule.id
            );
            for piece in quote.split(" [...] ") {
                let piece = piece.replace("In Review: ", "In Review");
                assert!(
                    faq.contains(&piece),
                    "{}: not the FAQ's words: {piece}",
                    rule.id
                );
            }
        }
    }
}

#[test]
fn a_pack_is_refused_for_a_missing_or_blank_source_or_a_house_error_without_safety() {
    let mut pack = RulesPack::default_pack();
    let at = |id: &str, pack: &RulesPack| pack.rules.iter().position(|r| r.id == id).unwrap();
    let square = at("icon.square", &pack);
    pack.rules[square].severity = Severity::Error;
    let slug = at("listing.slug", &pack);
    pack.rules[slug].source = None;
    let trial = at("plans.trial_days", &pack);
    pack.rules[trial].source = Some(RuleSource::Faq {
        section: "11".into(),
        quote: "  ".into(),
    });
    let problems = pack.problems();
    let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
    let mut expected = [square, trial, slug].map(|i| format!("rules[{i}].source"));
    expected.sort_by_key(|f| pack_index(f));
    assert_eq!(
        fields,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(
        problems
            .iter()
            .any(|(_, p)| p.contains("icon.square is a house rule and an error"))
    );
    assert!(
        problems
            .iter()
            .any(|(_, p)| p.contains("listing.slug says nowhere"))
    );
    assert!(
        problems
            .iter()
            .any(|(_, p)| p.contains("plans.trial_days: an FAQ source needs"))
    );
}

fn pack_index(field: &str) -> usize {
    field
        .trim_start_matches("rules[")
        .split(']')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

#[test]
fn a_source_round_trips_and_a_diagnostic_carries_its_rules_source() {
    let json = serde_json::json!({"kind": "house", "reason": "r"});
    let source: RuleSource = serde_json::from_value(json).unwrap();
    assert_eq!(
        source,
        RuleSource::House {
            reason: "r".into(),
            safety: false
        }
    );
    assert_eq!(source.summary(), "house: r");
    let content = super::valid_content();
    let mut broken = content.clone();
    broken
        .subscription_types
        .retain(|p| p.kind != crate::model::PlanType::Trial);
    let pack = RulesPack::default_pack();
    let report = validate(
        &ValidationInput::new(&broken, crate::review::VersionStatus::NEW),
        &pack,
        &[],
    );
    let trial = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "plans.one_trial")
        .expect("no trial plan is a finding");
    assert_eq!(trial.source, pack.rule("plans.one_trial").unwrap().source);
    assert!(matches!(trial.source, Some(RuleSource::Page { .. })));
}
