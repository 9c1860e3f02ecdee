//! The rules pack: validation rules as data (SPEC §5).
//!
//! A pack is versioned and ships with the app (`rules/default.json`); `GET /rules` refreshes it.
//! Marketplace limits live in rule parameters, so a new limit is a data update, not a release.
//! Readers ignore unknown fields, so an older client reads a newer pack; a rule whose `kind` the
//! engine does not know is reported as not checked, never as passed.

use serde::{Deserialize, Serialize};

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
}

impl Rule {
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
