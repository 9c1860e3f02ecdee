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
//!
//! **Every rule says where it comes from** ([`RuleSource`]): a section of Talkdesk's Partner
//! Project FAQ with its words, a public Talkdesk page by address with its words, or `house`, a
//! limit this tool chose, with a one-line reason. A house rule is a warning, which a partner may
//! suppress with a reason, unless its reason is safety (decoding limits, secrets in text): only
//! Talkdesk's words and safety block a submission. [`RulesPack::problems`] checks this when a pack
//! is loaded (the sandbox on `PUT /rules`, the client on a pull, a test on the shipped pack).

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
    /// Where the rule comes from ("why this rule"). Optional in the format so that a pack from
    /// before sources still reads; [`RulesPack::problems`] refuses a rule without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RuleSource>,
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleSource {
    /// A section of Talkdesk's Partner Project FAQ, with its words.
    Faq {
        /// The FAQ's section number, for example `11`.
        section: String,
        /// The FAQ's words the rule rests on.
        quote: String,
    },
    /// A public Talkdesk page (partner documentation, support article), by address.
    Page {
        /// The page's address, for example `https://docs.talkdesk.com/docs/app-requirements`.
        url: String,
        /// The page's words the rule rests on.
        quote: String,
    },
    /// A limit this tool chose, not a Talkdesk requirement.
    House {
        /// Why the tool checks it, in one line.
        reason: String,
        /// The reason is safety (decoding limits, secrets in text): the only house rules that
        /// may be errors.
        #[serde(default)]
        safety: bool,
    },
}

impl RuleSource {
    /// `faq`, `page` or `house`.
    pub fn kind(&self) -> &'static str {
        match self {
            RuleSource::Faq { .. } => "faq",
            RuleSource::Page { .. } => "page",
            RuleSource::House { .. } => "house",
        }
    }

    /// One line for people: `FAQ §11: "…"`, `https://…: "…"`, `house (safety): …`.
    pub fn summary(&self) -> String {
        match self {
            RuleSource::Faq { section, quote } => format!("FAQ §{section}: \"{quote}\""),
            RuleSource::Page { url, quote } => format!("{url}: \"{quote}\""),
            RuleSource::House {
                reason,
                safety: true,
            } => format!("house (safety): {reason}"),
            RuleSource::House { reason, .. } => format!("house: {reason}"),
        }
    }

    /// What is wrong with this source, if anything: a blank section, address, quote or reason,
    /// or an address that is not `https:`.
    fn problem(&self) -> Option<&'static str> {
        let blank = |s: &str| s.trim().is_empty();
        match self {
            RuleSource::Faq { section, quote } if blank(section) || blank(quote) => {
                Some("an FAQ source needs its section and its words")
            }
            RuleSource::Page { url, quote } if blank(url) || blank(quote) => {
                Some("a page source needs its address and its words")
            }
            RuleSource::Page { url, .. } if !url.starts_with("https://") => {
                Some("a page source's address must be https://")
            }
            RuleSource::House { reason, .. } if blank(reason) => {
                Some("a house source needs a one-line reason")
            }
            _ => None,
        }
    }
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

    /// What makes this pack unfit to load, as (field path, problem), in rule order: a rule
    /// without a source, a source with a blank part, or a house rule that is an error without a
    /// safety reason. Empty: the pack is fit.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}].source");
            match &rule.source {
                None => problems.push((
                    at,
                    format!("rule {} says nowhere where it comes from", rule.id),
                )),
                Some(source) => {
                    if let Some(problem) = source.problem() {
                        problems.push((at, format!("rule {}: {problem}", rule.id)));
                    } else if let RuleSource::House { safety: false, .. } = source
                        && rule.severity == Severity::Error
                    {
                        problems.push((
                            at,
                            format!(
                                "rule {} is a house rule and an error; a house rule is a warning unless its reason is safety",
                                rule.id
                            ),
                        ));
                    }
                }
            }
        }
        problems
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
