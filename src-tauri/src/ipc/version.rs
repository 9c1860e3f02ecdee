//! The version editor's types: the version as a form ([`VersionView`], [`VersionForm`]) and the
//! validation report of a draft ([`ValidationReport`]).
//!
//! The form carries the content with the domain's field names (so a diagnostic's field path, like
//! `subscription_types[1].price`, names a form field too), except that the numbers a partner types
//! (price, licenses, trial days) travel as text: the window never holds a 64-bit integer, and a
//! half-typed number is still a draft to check. [`VersionForm::into_content`] reads them back and
//! reports what is not a whole number as a `form.whole_number` problem, which
//! [`ValidationReport::new`] puts before the engine's diagnostics. An unreadable number is checked
//! as the cached version's value at the same place (0 when it has none), so one half-typed cell
//! does not set off other rules (a quoted price that no longer matches, a license range).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench::VersionDetail;
use workbench_domain::validation::{
    AppliedSuppression, Diagnostic as CoreDiagnostic, NotChecked as CoreNotChecked,
    RefusedSuppression, Report, RuleSource as CoreRuleSource, Severity as CoreSeverity,
    Suppression,
};
use workbench_domain::{
    App, AppVersion, Asset, AssetType, General, LicenseType, Marketplace, NotificationEmail,
    PlanType, SubscriptionPlan, SupportContact, Technical, TypedUrl, UrlType, VersionContent,
};

use super::{PartLock, ReviewActionView, ReviewStatus};

/// A version opened in the editor: who it belongs to, where its reviews stand, its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VersionView {
    pub app_id: String,
    /// The app's display name.
    pub app_name: String,
    pub version_id: String,
    pub version_number: String,
    pub technical: ReviewStatus,
    pub marketplace: ReviewStatus,
    pub has_icon: bool,
    pub content: VersionForm,
    /// The marketplace categories of the rules pack in force, for the category picker.
    pub known_categories: Vec<String>,
    /// Every part of the content with why it cannot be edited now, if it cannot.
    pub locks: Vec<PartLock>,
    /// The partner's review actions with why each is refused now, if it is.
    pub actions: Vec<ReviewActionView>,
}

impl VersionView {
    pub fn new(
        detail: VersionDetail,
        known_categories: Vec<String>,
        locks: Vec<PartLock>,
        actions: Vec<ReviewActionView>,
    ) -> VersionView {
        let VersionDetail {
            app,
            version,
            has_icon,
        } = detail;
        // Only the name is shown; the rest of the app is in the list.
        let App {
            id: _,
            name: _,
            slug: _,
            display_name,
            created_type: _,
            app_type: _,
            render: _,
            sandbox: _,
        } = app;
        let AppVersion {
            id,
            app_id,
            version_number,
            status,
            content,
        } = version;
        VersionView {
            app_id,
            app_name: display_name,
            version_id: id,
            version_number,
            technical: status.technical,
            marketplace: status.marketplace,
            has_icon,
            content: content.into(),
            known_categories,
            locks,
            actions,
        }
    }
}

/// A version's content as the editor holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionForm {
    pub general: GeneralForm,
    pub technical: TechnicalForm,
    pub marketplace: MarketplaceForm,
    pub subscription_types: Vec<PlanForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GeneralForm {
    pub display_name: String,
    pub slug: String,
    pub notes: String,
    pub emails: Vec<EmailForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EmailForm {
    /// What the address is notified about, for example `technical` or `billing`.
    #[serde(rename = "type")]
    pub kind: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TechnicalForm {
    pub scopes: Vec<String>,
    pub scopes_reason: String,
    pub urls: Vec<UrlForm>,
    pub manually_provisioned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MarketplaceForm {
    pub listing_summary: String,
    pub description: String,
    pub categories: Vec<String>,
    pub assets: Vec<AssetForm>,
    pub urls: Vec<UrlForm>,
    pub support: SupportForm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SupportForm {
    pub email: String,
    pub phone: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UrlKind {
    RedirectUri,
    InstallationSubscription,
    LaunchUrl,
    PrivacyPolicy,
    TermsOfService,
    AppSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UrlForm {
    #[serde(rename = "type")]
    pub kind: UrlKind,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Icon,
    Screenshot,
    Video,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetForm {
    #[serde(rename = "type")]
    pub kind: AssetKind,
    pub description: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Trial,
    Paid,
}

/// `individual` is priced per seat, `universal` per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LicenseKind {
    Individual,
    Universal,
}

/// A subscription plan; the numbers are the text in their inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanForm {
    #[serde(rename = "type")]
    pub kind: PlanKind,
    pub license_type: LicenseKind,
    pub name: String,
    /// Minor units (cents) per seat or per account per month, as typed.
    pub price: String,
    /// ISO 4217 code.
    pub currency: String,
    pub description: String,
    pub listing_summary: String,
    pub min_licenses: String,
    pub max_licenses: String,
    /// Empty: no trial length given.
    pub trial_days: String,
}

macro_rules! twin_enum {
    ($core:ident <=> $ipc:ident { $($variant:ident),* $(,)? }) => {
        impl From<$core> for $ipc {
            fn from(value: $core) -> $ipc {
                match value { $($core::$variant => $ipc::$variant),* }
            }
        }
        impl From<$ipc> for $core {
            fn from(value: $ipc) -> $core {
                match value { $($ipc::$variant => $core::$variant),* }
            }
        }
    };
}

twin_enum!(UrlType <=> UrlKind {
    RedirectUri,
    InstallationSubscription,
    LaunchUrl,
    PrivacyPolicy,
    TermsOfService,
    AppSource,
});
twin_enum!(AssetType <=> AssetKind { Icon, Screenshot, Video });
twin_enum!(PlanType <=> PlanKind { Trial, Paid });
twin_enum!(LicenseType <=> LicenseKind { Individual, Universal });

impl From<TypedUrl> for UrlForm {
    fn from(url: TypedUrl) -> UrlForm {
        let TypedUrl { kind, url } = url;
        UrlForm {
            kind: kind.into(),
            url,
        }
    }
}

impl From<UrlForm> for TypedUrl {
    fn from(url: UrlForm) -> TypedUrl {
        let UrlForm { kind, url } = url;
        TypedUrl {
            kind: kind.into(),
            url,
        }
    }
}

impl From<VersionContent> for VersionForm {
    fn from(content: VersionContent) -> VersionForm {
        let VersionContent {
            general,
            technical,
            marketplace,
            subscription_types,
        } = content;
        let General {
            display_name,
            slug,
            notes,
            emails,
        } = general;
        let Technical {
            scopes,
            scopes_reason,
            urls: technical_urls,
            manually_provisioned,
        } = technical;
        let Marketplace {
            listing_summary,
            description,
            categories,
            assets,
            urls: marketplace_urls,
            support,
        } = marketplace;
        let SupportContact {
            email: support_email,
            phone,
            url: support_url,
        } = support;
        VersionForm {
            general: GeneralForm {
                display_name,
                slug,
                notes,
                emails: emails
                    .into_iter()
                    .map(|NotificationEmail { kind, email }| EmailForm { kind, email })
                    .collect(),
            },
            technical: TechnicalForm {
                scopes,
                scopes_reason,
                urls: technical_urls.into_iter().map(UrlForm::from).collect(),
                manually_provisioned,
            },
            marketplace: MarketplaceForm {
                listing_summary,
                description,
                categories,
                assets: assets
                    .into_iter()
                    .map(
                        |Asset {
                             kind,
                             description,
                             url,
                         }| AssetForm {
                            kind: kind.into(),
                            description,
                            url,
                        },
                    )
                    .collect(),
                urls: marketplace_urls.into_iter().map(UrlForm::from).collect(),
                support: SupportForm {
                    email: support_email,
                    phone,
                    url: support_url,
                },
            },
            subscription_types: subscription_types.into_iter().map(PlanForm::from).collect(),
        }
    }
}

impl From<SubscriptionPlan> for PlanForm {
    fn from(plan: SubscriptionPlan) -> PlanForm {
        let SubscriptionPlan {
            kind,
            license_type,
            name,
            price,
            currency,
            description,
            listing_summary,
            min_licenses,
            max_licenses,
            trial_days,
        } = plan;
        PlanForm {
            kind: kind.into(),
            license_type: license_type.into(),
            name,
            price: price.to_string(),
            currency,
            description,
            listing_summary,
            min_licenses: min_licenses.to_string(),
            max_licenses: max_licenses.to_string(),
            trial_days: trial_days.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// The rule id of the form's own check: a number field whose text is not a whole number.
pub const WHOLE_NUMBER_RULE: &str = "form.whole_number";

/// A form field whose text could not be read as the number it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    pub field: String,
    pub message: String,
}

/// Reads a number field; on failure records why and answers `fallback`, so the rest of the draft
/// can still be checked.
fn whole<T: std::str::FromStr + Copy>(
    text: &str,
    field: String,
    label: &str,
    range: &str,
    fallback: T,
    problems: &mut Vec<FormProblem>,
) -> T {
    let trimmed = text.trim();
    match trimmed.parse::<T>() {
        Ok(n) => n,
        Err(_) => {
            let message = if trimmed.is_empty() {
                format!("{label} is empty; enter {range}.")
            } else {
                format!("{label} \u{201c}{trimmed}\u{201d} is not {range}.")
            };
            problems.push(FormProblem { field, message });
            fallback
        }
    }
}

impl VersionForm {
    /// The domain content the form stands for, and the number fields that could not be read.
    /// Those take the value of `cached` (the version as cached) at the same place, or 0, for the
    /// engine's run; their own diagnostics are dropped by [`ValidationReport::new`], since they
    /// would be about that stand-in.
    pub fn into_content(
        self,
        cached: Option<&VersionContent>,
    ) -> (VersionContent, Vec<FormProblem>) {
        let VersionForm {
            general,
            technical,
            marketplace,
            subscription_types,
        } = self;
        let GeneralForm {
            display_name,
            slug,
            notes,
            emails,
        } = general;
        let TechnicalForm {
            scopes,
            scopes_reason,
            urls: technical_urls,
            manually_provisioned,
        } = technical;
        let MarketplaceForm {
            listing_summary,
            description,
            categories,
            assets,
            urls: marketplace_urls,
            support,
        } = marketplace;
        let SupportForm {
            email: support_email,
            phone,
            url: support_url,
        } = support;
        let mut problems = Vec::new();
        let plans = subscription_types
            .into_iter()
            .enumerate()
            .map(|(i, plan)| {
                let stand_in = cached.and_then(|c| c.subscription_types.get(i));
                plan.into_plan(i, stand_in, &mut problems)
            })
            .collect();
        let content = VersionContent {
            general: General {
                display_name,
                slug,
                notes,
                emails: emails
                    .into_iter()
                    .map(|EmailForm { kind, email }| NotificationEmail { kind, email })
                    .collect(),
            },
            technical: Technical {
                scopes,
                scopes_reason,
                urls: technical_urls.into_iter().map(TypedUrl::from).collect(),
                manually_provisioned,
            },
            marketplace: Marketplace {
                listing_summary,
                description,
                categories,
                assets: assets
                    .into_iter()
                    .map(
                        |AssetForm {
                             kind,
                             description,
                             url,
                         }| Asset {
                            kind: kind.into(),
                            description,
                            url,
                        },
                    )
                    .collect(),
                urls: marketplace_urls.into_iter().map(TypedUrl::from).collect(),
                support: SupportContact {
                    email: support_email,
                    phone,
                    url: support_url,
                },
            },
            subscription_types: plans,
        };
        (content, problems)
    }
}

impl PlanForm {
    fn into_plan(
        self,
        index: usize,
        stand_in: Option<&SubscriptionPlan>,
        problems: &mut Vec<FormProblem>,
    ) -> SubscriptionPlan {
        let PlanForm {
            kind,
            license_type,
            name,
            price,
            currency,
            description,
            listing_summary,
            min_licenses,
            max_licenses,
            trial_days,
        } = self;
        let at = |field: &str| format!("subscription_types[{index}].{field}");
        let licenses = "a whole number from 0 to 4294967295";
        let price = whole::<i64>(
            &price,
            at("price"),
            "The price",
            "a whole number of minor units (4900 for 49.00)",
            stand_in.map_or(0, |p| p.price),
            problems,
        );
        let min_licenses = whole::<u32>(
            &min_licenses,
            at("min_licenses"),
            "The minimum licenses",
            licenses,
            stand_in.map_or(0, |p| p.min_licenses),
            problems,
        );
        let max_licenses = whole::<u32>(
            &max_licenses,
            at("max_licenses"),
            "The maximum licenses",
            licenses,
            stand_in.map_or(0, |p| p.max_licenses),
            problems,
        );
        let trial_days = if trial_days.trim().is_empty() {
            None
        } else {
            Some(whole::<u32>(
                &trial_days,
                at("trial_days"),
                "The trial length",
                "a whole number of days (or empty)",
                stand_in.and_then(|p| p.trial_days).unwrap_or(0),
                problems,
            ))
        };
        SubscriptionPlan {
            kind: kind.into(),
            license_type: license_type.into(),
            name,
            price,
            currency,
            description,
            listing_summary,
            min_licenses,
            max_licenses,
            trial_days,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl From<CoreSeverity> for Severity {
    fn from(severity: CoreSeverity) -> Severity {
        match severity {
            CoreSeverity::Error => Severity::Error,
            CoreSeverity::Warning => Severity::Warning,
            CoreSeverity::Info => Severity::Info,
        }
    }
}

/// One problem found in the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Diagnostic {
    /// The rule's id, for example `listing.required`; `form.whole_number` for the form's own check.
    pub rule: String,
    pub severity: Severity,
    /// The field it points at, for example `general.display_name` or `subscription_types[1].price`.
    pub field: String,
    pub message: String,
    /// Where the rule comes from ("why this rule"); `null` for the form's own check.
    pub source: Option<RuleSource>,
}

/// Where a rule comes from: a section of Talkdesk's Partner Project FAQ, a public Talkdesk page,
/// or a limit this tool chose (`house`), which is a warning unless its reason is safety.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleSource {
    Faq { section: String, quote: String },
    Page { url: String, quote: String },
    House { reason: String, safety: bool },
}

impl From<CoreRuleSource> for RuleSource {
    fn from(source: CoreRuleSource) -> RuleSource {
        match source {
            CoreRuleSource::Faq { section, quote } => RuleSource::Faq { section, quote },
            CoreRuleSource::Page { url, quote } => RuleSource::Page { url, quote },
            CoreRuleSource::House { reason, safety } => RuleSource::House { reason, safety },
        }
    }
}

impl From<CoreDiagnostic> for Diagnostic {
    fn from(diagnostic: CoreDiagnostic) -> Diagnostic {
        // The parameters are in the message already.
        let CoreDiagnostic {
            rule,
            severity,
            field,
            message,
            params: _,
            source,
        } = diagnostic;
        Diagnostic {
            rule,
            severity: severity.into(),
            field,
            message,
            source: source.map(RuleSource::from),
        }
    }
}

/// A rule that was not checked, and why: never a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NotChecked {
    pub rule: String,
    pub reason: String,
}

/// A warning silenced by a suppression, with the partner's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Suppressed {
    pub rule: String,
    pub field: String,
    pub reason: String,
}

/// A suppression that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NotApplied {
    pub rule: String,
    pub field: Option<String>,
    pub why: String,
}

/// What the rules pack says about a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ValidationReport {
    /// The version of the rules pack the draft was checked against.
    pub pack_version: String,
    /// The form's own problems first, then the engine's, in the pack's rule order.
    pub diagnostics: Vec<Diagnostic>,
    pub not_checked: Vec<NotChecked>,
    pub suppressed: Vec<Suppressed>,
    pub not_applied: Vec<NotApplied>,
}

impl ValidationReport {
    /// The engine's report with the form's problems in front. An engine diagnostic on a field the
    /// form could not read is dropped: it would be about the stand-in value, not the partner's text.
    pub fn new(report: Report, problems: Vec<FormProblem>) -> ValidationReport {
        let Report {
            pack_version,
            diagnostics,
            not_checked,
            suppressed,
            not_applied,
        } = report;
        let unreadable = |field: &str| problems.iter().any(|p| p.field == field);
        let engine: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| !unreadable(&d.field))
            .map(Diagnostic::from)
            .collect();
        let form = problems.iter().map(|p| Diagnostic {
            rule: WHOLE_NUMBER_RULE.to_owned(),
            severity: Severity::Error,
            field: p.field.clone(),
            message: p.message.clone(),
            source: None,
        });
        ValidationReport {
            pack_version,
            diagnostics: form.chain(engine).collect(),
            not_checked: not_checked
                .into_iter()
                .map(|CoreNotChecked { rule, reason }| NotChecked { rule, reason })
                .collect(),
            suppressed: suppressed
                .into_iter()
                .map(
                    |AppliedSuppression {
                         rule,
                         field,
                         reason,
                     }| Suppressed {
                        rule,
                        field,
                        reason,
                    },
                )
                .collect(),
            not_applied: not_applied
                .into_iter()
                .map(
                    |RefusedSuppression {
                         suppression:
                             Suppression {
                                 rule,
                                 field,
                                 reason: _,
                             },
                         why,
                     }| NotApplied { rule, field, why },
                )
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
