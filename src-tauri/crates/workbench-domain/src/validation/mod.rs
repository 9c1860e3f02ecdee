//! Local validation of a version against a [`RulesPack`] (SPEC §5), pure: no I/O, no clock.
//!
//! [`validate`] runs every rule of the pack, in the pack's order, over a [`ValidationInput`] (the
//! version's content and status, its icon's bytes, the edit in progress) and answers a [`Report`]:
//! the diagnostics, the rules it could not check and why, and the suppressions it applied or
//! refused. [`validate_submission`] is the same check for one review track, as the server runs
//! it on a submission and again when it reviews one, so nothing the tool could have seen is ever
//! rejected. Which rules and fields count for a track is data in the pack (see [`pack`]).
//!
//! One file per rule area: [`icon`], [`assets`] (screenshots), [`plans`], [`listing`] (with [`text`] for placeholder and
//! secret detection in partner text), [`state`]. Each rule `kind` maps to one check function in
//! [`KINDS`]; a kind missing there is reported as not checked, never as passed.

pub mod assets;
pub mod icon;
pub mod listing;
pub mod pack;
pub mod plans;
pub mod state;
pub mod text;

#[cfg(test)]
mod tests;

use std::cell::OnceCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use pack::{DEFAULT_PACK_JSON, Rule, RuleSource, RulesPack, Severity};

use crate::model::VersionContent;
use crate::review::{ContentPart, Track, VersionStatus};

/// What [`validate`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct ValidationInput<'a> {
    pub content: &'a VersionContent,
    pub status: VersionStatus,
    /// The icon file, if the caller has its bytes. Without it the icon rules are not checked.
    pub icon: Option<IconInput<'a>>,
    /// Whether an earlier version of the same app has been published (the edit context).
    pub follows_published_version: bool,
    /// The parts being edited, for the state rules. `None`: no edit in question (the state rules
    /// are then reported as not checked).
    pub editing: Option<&'a [ContentPart]>,
    /// Byte sizes of the marketplace assets, by URL, when the caller has fetched them.
    /// `None` or a missing URL: the size rules for that asset are not checked.
    pub asset_sizes: Option<&'a BTreeMap<String, u64>>,
}

impl<'a> ValidationInput<'a> {
    /// A version's content and status, with no icon, no edit in question and no asset sizes.
    pub fn new(content: &'a VersionContent, status: VersionStatus) -> ValidationInput<'a> {
        ValidationInput {
            content,
            status,
            icon: None,
            follows_published_version: false,
            editing: None,
            asset_sizes: None,
        }
    }

    pub fn with_icon(mut self, bytes: &'a [u8], file_name: &'a str) -> ValidationInput<'a> {
        self.icon = Some(IconInput { bytes, file_name });
        self
    }

    pub fn following_published(mut self, follows: bool) -> ValidationInput<'a> {
        self.follows_published_version = follows;
        self
    }

    pub fn editing(mut self, parts: &'a [ContentPart]) -> ValidationInput<'a> {
        self.editing = Some(parts);
        self
    }

    pub fn with_asset_sizes(mut self, sizes: &'a BTreeMap<String, u64>) -> ValidationInput<'a> {
        self.asset_sizes = Some(sizes);
        self
    }
}

/// An icon file: its bytes and the name it was uploaded under (the extension is checked against
/// the real format).
#[derive(Debug, Clone, Copy)]
pub struct IconInput<'a> {
    pub bytes: &'a [u8],
    pub file_name: &'a str,
}

/// A partner's decision to silence a warning, with the reason recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suppression {
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub rule: String,
    /// The field it applies to; absent: every field of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why the warning does not apply; not blank.
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub reason: String,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnostic {
    /// The rule's id, for example `icon.square`.
    pub rule: String,
    pub severity: Severity,
    /// The field it points at, for example `subscription_types[1].price`.
    pub field: String,
    /// The rule's message with its placeholders filled in.
    pub message: String,
    /// The values found and the limits applied.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: Map<String, Value>,
    /// Where the rule comes from ("why this rule"), as the pack says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RuleSource>,
}

/// A rule that was not checked, and why. Never to be read as passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotChecked {
    pub rule: String,
    pub reason: String,
}

/// A diagnostic that a suppression silenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedSuppression {
    pub rule: String,
    pub field: String,
    /// The partner's recorded reason.
    pub reason: String,
}

/// A suppression that was not applied, and why (it names an error, matches nothing, or has no reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedSuppression {
    pub suppression: Suppression,
    pub why: String,
}

/// The outcome of [`validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The version of the pack the report was made with.
    pub pack_version: String,
    /// In the pack's rule order; within a rule, in the order of the content.
    pub diagnostics: Vec<Diagnostic>,
    #[serde(default)]
    pub not_checked: Vec<NotChecked>,
    #[serde(default)]
    pub suppressed: Vec<AppliedSuppression>,
    #[serde(default)]
    pub not_applied: Vec<RefusedSuppression>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// What a reviewer holds against the version: every error and warning left after the
    /// suppressions (info is advice only). The sandbox's reviewer rejects when there is any.
    pub fn review_findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
    }

    /// The ids of the rules with diagnostics, sorted and without repeats.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// What a check found wrong: the precise field and the values to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub field: String,
    pub params: Map<String, Value>,
}

impl Finding {
    pub fn new(field: impl Into<String>) -> Finding {
        Finding {
            field: field.into(),
            params: Map::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Finding {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// What one check answers: the findings (empty: passed), or why it could not run.
pub type Outcome = Result<Vec<Finding>, String>;

/// A check: the rule (for its parameters) and the context (input, pack, shared icon analysis).
pub type Check = fn(&Context<'_>, &Rule) -> Outcome;

/// Everything a check may look at. The icon is analysed once, on first use, and shared.
pub struct Context<'a> {
    pub input: &'a ValidationInput<'a>,
    pub pack: &'a RulesPack,
    icon: OnceCell<Option<icon::IconAnalysis>>,
}

impl<'a> Context<'a> {
    pub fn new(input: &'a ValidationInput<'a>, pack: &'a RulesPack) -> Context<'a> {
        Context {
            input,
            pack,
            icon: OnceCell::new(),
        }
    }

    /// The icon's analysis, or `None` when there is no icon in the input.
    pub fn icon(&self) -> Option<&icon::IconAnalysis> {
        self.icon
            .get_or_init(|| {
                self.input
                    .icon
                    .map(|file| icon::analyse(file, icon::DecodeLimits::from_pack(self.pack)))
            })
            .as_ref()
    }
}

/// Every rule kind the engine knows, and its check.
pub const KINDS: &[(&str, Check)] = &[
    ("icon_format", icon::format),
    ("icon_extension_matches", icon::extension_matches),
    ("icon_max_bytes", icon::max_bytes),
    ("icon_decode_limits", icon::decode_limits),
    ("icon_decodes", icon::decodes),
    ("icon_square", icon::square),
    ("icon_pixel_bounds", icon::pixel_bounds),
    ("icon_not_animated", icon::not_animated),
    ("icon_color_type", icon::color_type),
    ("icon_not_blank", icon::not_blank),
    ("icon_corners_clear", icon::corners_clear),
    ("screenshot_count", assets::screenshot_count),
    ("screenshot_max_bytes", assets::screenshot_max_bytes),
    ("plans_exactly_one_trial", plans::exactly_one_trial),
    ("plans_trial_days", plans::trial_days),
    ("plans_trial_free", plans::trial_free),
    ("plans_at_least_one_paid", plans::at_least_one_paid),
    ("plans_pay_as_you_go", plans::pay_as_you_go),
    ("plans_price_non_negative", plans::price_non_negative),
    ("plans_currency_iso4217", plans::currency_iso4217),
    ("plans_min_le_max_licenses", plans::min_le_max_licenses),
    ("plans_unique_names", plans::unique_names),
    ("plans_no_addons", plans::no_addons),
    ("plans_free_only_on_trial", plans::free_only_on_trial),
    ("plans_quoted_names_match", plans::quoted_names_match),
    ("plans_quoted_prices_match", plans::quoted_prices_match),
    ("listing_required", listing::required),
    ("listing_max_length", listing::max_length),
    ("listing_slug_pattern", listing::slug_pattern),
    ("listing_https_urls", listing::https_urls),
    ("listing_categories_known", listing::categories_known),
    ("listing_scopes_reason", listing::scopes_reason),
    (
        "technical_automated_provisioning",
        listing::automated_provisioning,
    ),
    ("text_no_placeholders", text::no_placeholders),
    ("text_no_secrets", text::no_secrets),
    ("state_track_editable", state::track_editable),
    ("policy_freeze_icon_and_plans", state::freeze_icon_and_plans),
];

/// The check for `kind`, if the engine knows it.
pub fn check_for(kind: &str) -> Option<Check> {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, check)| *check)
}

/// Validates `input` against every rule of `pack`, then applies `suppressions`.
pub fn validate(
    input: &ValidationInput<'_>,
    pack: &RulesPack,
    suppressions: &[Suppression],
) -> Report {
    run(input, pack, suppressions, |_| true, |_| true)
}

/// Validates `input` as a submission of `track` would be judged: only the rules that apply to
/// the track ([`Rule::applies_to`]) run, only diagnostics in the track's sections
/// ([`RulesPack::counts_for`]) are kept, then `suppressions` are applied. The sandbox refuses a
/// submission whose report has errors, and its reviewer rejects one with
/// [`Report::review_findings`]; the tool runs this same function to show what they will say.
pub fn validate_submission(
    input: &ValidationInput<'_>,
    pack: &RulesPack,
    suppressions: &[Suppression],
    track: Track,
) -> Report {
    run(
        input,
        pack,
        suppressions,
        |rule| rule.applies_to(track),
        |diagnostic| pack.counts_for(track, &diagnostic.field),
    )
}

/// Checks an icon file alone: only the pack's icon rules run (`pwb validate --icon FILE`, and
/// the sandbox on an icon upload).
pub fn validate_icon(bytes: &[u8], file_name: &str, pack: &RulesPack) -> Report {
    let content = VersionContent::default();
    let input = ValidationInput::new(&content, VersionStatus::NEW).with_icon(bytes, file_name);
    run(
        &input,
        pack,
        &[],
        |rule| rule.kind.starts_with("icon_"),
        |_| true,
    )
}

fn run(
    input: &ValidationInput<'_>,
    pack: &RulesPack,
    suppressions: &[Suppression],
    selected: impl Fn(&Rule) -> bool,
    counts: impl Fn(&Diagnostic) -> bool,
) -> Report {
    let context = Context::new(input, pack);
    let mut report = Report {
        pack_version: pack.version.clone(),
        diagnostics: Vec::new(),
        not_checked: Vec::new(),
        suppressed: Vec::new(),
        not_applied: Vec::new(),
    };
    for rule in pack.rules.iter().filter(|rule| selected(rule)) {
        let Some(check) = check_for(&rule.kind) else {
            report.not_checked.push(NotChecked {
                rule: rule.id.clone(),
                reason: format!("unknown rule kind {}; update Partner Workbench", rule.kind),
            });
            continue;
        };
        match check(&context, rule) {
            Ok(findings) => report.diagnostics.extend(
                findings
                    .into_iter()
                    .map(|finding| diagnostic(rule, finding))
                    .filter(|d| counts(d)),
            ),
            Err(reason) => report.not_checked.push(NotChecked {
                rule: rule.id.clone(),
                reason,
            }),
        }
    }
    apply_suppressions(&mut report, suppressions);
    report
}

fn diagnostic(rule: &Rule, finding: Finding) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message: render(&rule.message, &finding.params, &rule.params),
        field: finding.field,
        params: finding.params,
        source: rule.source.clone(),
    }
}

fn apply_suppressions(report: &mut Report, suppressions: &[Suppression]) {
    for suppression in suppressions {
        let matches = |d: &Diagnostic| {
            d.rule == suppression.rule
                && suppression
                    .field
                    .as_ref()
                    .is_none_or(|field| *field == d.field)
        };
        let refuse = |why: &str| RefusedSuppression {
            suppression: suppression.clone(),
            why: why.to_owned(),
        };
        if suppression.reason.trim().is_empty() {
            report
                .not_applied
                .push(refuse("a suppression needs a recorded reason"));
            continue;
        }
        if report
            .diagnostics
            .iter()
            .any(|d| matches(d) && d.severity == Severity::Error)
        {
            report.not_applied.push(refuse(
                "errors cannot be suppressed; fix the problem instead",
            ));
            continue;
        }
        let before = report.diagnostics.len();
        let mut silenced = Vec::new();
        report.diagnostics.retain(|d| {
            if matches(d) {
                silenced.push(AppliedSuppression {
                    rule: d.rule.clone(),
                    field: d.field.clone(),
                    reason: suppression.reason.clone(),
                });
                false
            } else {
                true
            }
        });
        if report.diagnostics.len() == before {
            report
                .not_applied
                .push(refuse("no diagnostic matches this suppression"));
        }
        report.suppressed.extend(silenced);
    }
}

/// Fills `{name}` placeholders from `params`, then from `rule_params`; unknown names stay as written.
pub fn render(
    template: &str,
    params: &Map<String, Value>,
    rule_params: &Map<String, Value>,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                match params.get(name).or_else(|| rule_params.get(name)) {
                    Some(value) => out.push_str(&value_text(value)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A required parameter, or the not-checked reason naming it.
pub(crate) fn missing_param(rule: &Rule, name: &str) -> String {
    format!(
        "the rules pack gives rule {} no valid parameter {name}; update the rules pack",
        rule.id
    )
}
