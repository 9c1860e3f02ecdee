//! Data-driven tests of the engine: the default pack, every plan, listing and state rule (pass and
//! fail), unknown kinds, suppressions, and the icon fixtures corpus.

mod engine;
mod fixtures;

use crate::model::*;
use crate::review::VersionStatus;

use super::*;

fn plan(kind: PlanType, name: &str, price: i64, min: u32, max: u32) -> SubscriptionPlan {
    SubscriptionPlan {
        kind,
        license_type: LicenseType::Individual,
        name: name.to_owned(),
        price,
        currency: "USD".to_owned(),
        description: String::new(),
        listing_summary: String::new(),
        min_licenses: min,
        max_licenses: max,
        trial_days: (kind == PlanType::Trial).then_some(30),
    }
}

/// A version that passes every rule of the default pack.
pub fn valid_content() -> VersionContent {
    let url = |kind, url: &str| TypedUrl {
        kind,
        url: url.to_owned(),
    };
    VersionContent {
        general: General {
            display_name: "Acme Call Notes".into(),
            slug: "acme-call-notes".into(),
            notes: String::new(),
            emails: vec![NotificationEmail {
                kind: "technical".into(),
                email: "dev@acme.io".into(),
            }],
        },
        technical: Technical {
            scopes: vec!["contacts:read".into(), "calls:write".into()],
            scopes_reason: "We attach call notes to the call record.".into(),
            urls: vec![
                url(UrlType::RedirectUri, "https://app.acme.io/oauth/callback"),
                url(UrlType::InstallationSubscription, "https://app.acme.io/events"),
                url(UrlType::LaunchUrl, "https://app.acme.io/launch"),
            ],
            manually_provisioned: false,
        },
        marketplace: Marketplace {
            listing_summary: "Take notes during calls, with the Starter plan at $12 per seat.".into(),
            description: "Acme Call Notes keeps notes beside every call. The Team plan costs $29 per seat per month, and a 30-day trial is included.".into(),
            categories: vec!["Productivity".into()],
            assets: vec![Asset {
                kind: AssetType::Screenshot,
                description: "The notes panel".into(),
                url: "https://cdn.acme.io/shot1.png".into(),
            }],
            urls: vec![
                url(UrlType::PrivacyPolicy, "https://acme.io/privacy"),
                url(UrlType::TermsOfService, "https://acme.io/terms"),
            ],
            support: SupportContact {
                email: "support@acme.io".into(),
                phone: String::new(),
                url: String::new(),
            },
        },
        subscription_types: vec![
            plan(PlanType::Trial, "Trial", 0, 1, 10),
            plan(PlanType::Paid, "Starter", 1200, 1, 50),
            plan(PlanType::Paid, "Team", 2900, 10, 500),
        ],
    }
}

#[allow(dead_code)] // used by the table tests
/// The ids of `rule_prefix`'s rules that fire on `content` (no icon, no edit), with the fields.
pub fn fired(content: &VersionContent, rule_prefix: &str) -> Vec<(String, String)> {
    let input = ValidationInput::new(content, VersionStatus::NEW);
    validate(&input, &RulesPack::default_pack(), &[])
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.starts_with(rule_prefix))
        .map(|d| (d.rule, d.field))
        .collect()
}
