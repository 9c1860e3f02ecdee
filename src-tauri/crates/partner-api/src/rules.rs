//! The rules pack (SPEC §5): validation rules as versioned data, so a new marketplace limit is a
//! data update rather than a release. The sandbox serves it at [`PATH`]; the app ships
//! [`DEFAULT_PACK_JSON`] and refreshes it from there. The engine that runs the rules comes later;
//! this module only fixes the format.
//!
//! A rule has a stable `id` (`area.name`, like `icon.square`), a `kind` naming the check an
//! engine runs (several rules may share a kind with different params, like `listing_length`),
//! a severity, the field it points at, a message (whose `{name}` placeholders are params or
//! what the check found), and `params`: the limits, as a JSON object. A kind an engine does
//! not know must be reported as *not checked*, never as passed, so `kind` is an open string.

use serde::{Deserialize, Serialize};

/// Where the sandbox serves the current pack.
pub const PATH: &str = "/rules";

/// The pack that ships with the app and that the sandbox serves.
pub const DEFAULT_PACK_JSON: &str = include_str!("../rules/default.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesPack {
    /// `YEAR.MONTH.N`, for example `2026.11.1`; shown in the UI and the CLI.
    pub version: String,
    pub rules: Vec<Rule>,
    /// The marketplace's categories; `listing.categories` refers to this list.
    #[serde(default)]
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub kind: String,
    pub severity: Severity,
    pub field: String,
    pub message: String,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl RulesPack {
    /// Parses a pack from its JSON (unknown fields are ignored, as readers do everywhere).
    pub fn parse(json: &str) -> Result<RulesPack, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

/// The shipped pack. It is checked by this crate's tests, so parsing cannot fail at run time.
pub fn default_pack() -> RulesPack {
    RulesPack::parse(DEFAULT_PACK_JSON).expect("the shipped rules pack parses (tested)")
}

/// Whether `id` has the shape `^[a-z]+(\.[a-z_]+)+$`.
pub fn is_valid_rule_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_default_pack_parses_with_unique_well_formed_ids() {
        let pack = default_pack();
        assert_eq!(pack.version, "2026.11.1");
        let mut seen = HashSet::new();
        for rule in &pack.rules {
            assert!(is_valid_rule_id(&rule.id), "bad rule id {:?}", rule.id);
            assert!(
                seen.insert(rule.id.as_str()),
                "duplicate rule id {}",
                rule.id
            );
            assert!(!rule.kind.is_empty() && !rule.message.is_empty() && !rule.field.is_empty());
        }
    }

    #[test]
    fn every_rule_area_of_the_spec_has_a_rule() {
        let pack = default_pack();
        for area in ["icon.", "plans.", "listing.", "state.", "policy."] {
            assert!(
                pack.rules.iter().any(|r| r.id.starts_with(area)),
                "no rule for {area}"
            );
        }
        // The limits the brief names, with their values.
        let param = |id: &str, name: &str| pack.rule(id).unwrap().params[name].clone();
        assert_eq!(param("icon.bytes_max", "max"), 1_048_576);
        assert_eq!(param("icon.pixels", "min"), 256);
        assert_eq!(param("icon.pixels", "max"), 1024);
        assert_eq!(param("plans.trial_days", "days"), 30);
        assert_eq!(param("listing.summary_length", "max"), 140);
        assert_eq!(
            param("listing.slug_pattern", "pattern"),
            "^[a-z0-9]+(-[a-z0-9]+)*$"
        );
        assert_eq!(param("listing.categories", "list"), "categories");
        assert_eq!(
            param("policy.freeze_icon_and_plans_after_publish", "enabled"),
            true
        );
        for id in ["icon.square", "listing.secrets", "state.track_edit_lock"] {
            assert!(pack.rule(id).is_some(), "{id}");
        }
        assert!(pack.categories.iter().any(|c| c == "CRM"));
    }

    #[test]
    fn rule_ids_are_checked_against_the_pattern() {
        for good in [
            "icon.square",
            "a.b",
            "policy.freeze_icon_and_plans_after_publish",
            "a.b.c_d",
        ] {
            assert!(is_valid_rule_id(good), "{good}");
        }
        for bad in [
            "",
            "icon",
            "Icon.square",
            "icon.",
            ".square",
            "icon.square2",
            "icon..x",
            "icon-x.y",
        ] {
            assert!(!is_valid_rule_id(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_are_ignored_and_unknown_severities_refused() {
        let pack = RulesPack::parse(
            r#"{"version": "1", "extra": 1, "rules": [{"id": "a.b", "kind": "new_kind",
                "severity": "info", "field": "f", "message": "m", "future": true}]}"#,
        )
        .unwrap();
        assert_eq!(pack.rules[0].kind, "new_kind");
        assert!(pack.rules[0].params.is_empty() && pack.categories.is_empty());
        assert!(
            RulesPack::parse(
                r#"{"version": "1", "rules": [{"id": "a.b", "kind": "k",
            "severity": "fatal", "field": "f", "message": "m"}]}"#
            )
            .is_err()
        );
    }
}
