//! The rules pack: validation rules as data (SPEC §5).
//!
//! A pack is versioned and ships with the app (`rules/default.json`); `GET /rules` refreshes it.
//! Marketplace limits live in rule parameters, so a new limit is a data update, not a release.
//! Readers ignore unknown fields, so an older client reads a newer pack; a rule whose `kind` the
//! engine does not know is reported as not checked, never as passed.
//!
//! **Which rules a submission runs** is data too. A submission is per review track
//! ([`crate::review::Track`]), and [`super::validate_submission`] keeps two things from the pack:
//!
//! - a rule's optional `tracks` list names the tracks whose submissions run it; absent or empty
//!   means both. The default pack gives the icon, screenshot, plan and category rules
//!   `["marketplace"]`: they judge the listing, which only the marketplace review looks at.
//! - the pack's optional `track_sections` map gives, per track, the sections of the version
//!   (the first part of a diagnostic's field path: `general`, `technical`, `marketplace`,
//!   `subscription_types`, `icon`) whose diagnostics count for that track. A track it does not
//!   list counts every section. The default pack has `technical: [general, technical]`, so a rule
//!   that spans sections (required fields, lengths, HTTPS URLs, placeholder and secret text)
//!   judges a technical submission on its general and technical fields only, and a marketplace
//!   submission on everything.
//!
//! Track names are strings, so a pack naming a track this engine does not know still parses
//! (readers ignore what they do not know); such a name matches no submission.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::review::Track;

/// A versioned set of validation rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesPack {
    /// The pack's version, shown in the UI and the CLI, for example `2026.11.1`.
    pub version: String,
    /// The rules, in the order their diagnostics are reported.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The marketplace categories a listing may use.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Per review track (`technical`, `marketplace`), the sections of a version whose
    /// diagnostics count for a submission of that track; a track not listed counts every section.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub track_sections: BTreeMap<String, Vec<String>>,
}

/// One rule of a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    /// Stable identifier, for example `icon.square`. Suppressions and the server's refusals name it.
    pub id: String,
    /// The check the engine runs, for example `icon_square`. Several rules may share a kind with
    /// different parameters.
    pub kind: String,
    pub severity: Severity,
    /// The field the rule points at, for example `icon` or `marketplace.listing_summary`. A
    /// diagnostic may point at a more precise field, such as `subscription_types[1].price`.
    pub field: String,
    /// The message, with `{param}` placeholders filled from the diagnostic's and the rule's parameters.
    pub message: String,
    /// The rule's parameters (limits, lists, switches).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The review tracks whose submissions run this rule (`technical`, `marketplace`); absent or
    /// empty: both. A local check of a whole version runs every rule whatever this says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<String>,
}

/// How serious a diagnostic is. Only warnings and info can be suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The default pack's JSON, as shipped with the app.
pub const DEFAULT_PACK_JSON: &str = include_str!("../../rules/default.json");

impl RulesPack {
    /// The pack that ships with the app. A test checks it parses, so this cannot fail at run time.
    pub fn default_pack() -> RulesPack {
        serde_json::from_str(DEFAULT_PACK_JSON).expect("rules/default.json is a valid rules pack")
    }

    /// The first rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// The first rule of this kind.
    pub fn rule_of_kind(&self, kind: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.kind == kind)
    }

    /// Whether a diagnostic at `field` counts for a submission of `track`: its section (the
    /// field path up to the first `.` or `[`) is one `track_sections` lists for the track, or
    /// the pack lists no sections for it.
    pub fn counts_for(&self, track: Track, field: &str) -> bool {
        let section = field.split(['.', '[']).next().unwrap_or(field);
        self.track_sections
            .get(track.as_str())
            .is_none_or(|sections| sections.iter().any(|s| s == section))
    }
}

impl Rule {
    /// Whether a submission of `track` runs this rule: `tracks` is empty or names it.
    pub fn applies_to(&self, track: Track) -> bool {
        self.tracks.is_empty() || self.tracks.iter().any(|t| t == track.as_str())
    }

    pub fn param_u64(&self, name: &str) -> Option<u64> {
        self.params.get(name).and_then(serde_json::Value::as_u64)
    }

    pub fn param_f64(&self, name: &str) -> Option<f64> {
        self.params.get(name).and_then(serde_json::Value::as_f64)
    }

    pub fn param_bool(&self, name: &str) -> Option<bool> {
        self.params.get(name).and_then(serde_json::Value::as_bool)
    }

    pub fn param_str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(serde_json::Value::as_str)
    }

    /// A list of strings; `None` if absent or not a list of strings.
    pub fn param_strings(&self, name: &str) -> Option<Vec<&str>> {
        self.params
            .get(name)?
            .as_array()?
            .iter()
            .map(serde_json::Value::as_str)
            .collect()
    }
}
