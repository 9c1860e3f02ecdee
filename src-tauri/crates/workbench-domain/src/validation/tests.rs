//! Data-driven tests of the engine: the default pack, every plan, listing and state rule (pass and
//! fail), unknown kinds, suppressions, submissions per review track, and the icon fixtures corpus.

mod engine;
mod fixtures;
mod fuzz;
mod listing;
mod plans;
mod sources;
mod state;
mod tracks;

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

/// The fields `rule` reports on `content` (no icon, no edit), in order.
pub fn fired(content: &VersionContent, rule: &str) -> Vec<String> {
    let input = ValidationInput::new(content, VersionStatus::NEW);
    validate(&input, &RulesPack::default_pack(), &[])
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.field)
        .collect()
}

/// One row of a rule table: a name, a change to the valid version, the rule, and the fields it
/// must report (empty: the rule passes).
pub type Case = (
    &'static str,
    fn(&mut VersionContent),
    &'static str,
    &'static [&'static str],
);

/// Runs a rule table; every row is checked and all failures are reported together.
pub fn run_table(cases: &[Case]) {
    let mut failures = Vec::new();
    for (name, change, rule, expected) in cases {
        let mut content = valid_content();
        change(&mut content);
        let got = fired(&content, rule);
        if got != *expected {
            failures.push(format!(
                "{name}: {rule} reported {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
