//! The form's round trip, its number fields, and how the engine's report is handed to the window.

use workbench_domain::review::VersionStatus;
use workbench_domain::validation::{self, RulesPack, ValidationInput};
use workbench_domain::*;

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

/// Content that passes every rule of the default pack, with every kind of field filled in.
fn content() -> VersionContent {
    let url = |kind, url: &str| TypedUrl {
        kind,
        url: url.to_owned(),
    };
    VersionContent {
        general: General {
            display_name: "Acme Call Notes".into(),
            slug: "acme-call-notes".into(),
            notes: "Internal: ships with the spring release.".into(),
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
                url(UrlType::AppSource, "https://acme.io/source"),
            ],
            support: SupportContact {
                email: "support@acme.io".into(),
                phone: "+1 555 0100".into(),
                url: "https://acme.io/help".into(),
            },
        },
        subscription_types: vec![
            plan(PlanType::Trial, "Trial", 0, 1, 10),
            plan(PlanType::Paid, "Starter", 1200, 1, 50),
            SubscriptionPlan {
                license_type: LicenseType::Universal,
                ..plan(PlanType::Paid, "Team", 2900, 10, 500)
            },
        ],
    }
}

fn engine_report(content: &VersionContent) -> Report {
    let input = ValidationInput::new(content, VersionStatus::NEW);
    validation::validate(&input, &RulesPack::default_pack(), &[])
}

#[test]
fn content_survives_the_trip_through_the_form() {
    let mut original = content();
    // Not the default, to see it kept (the rules warn about it: FAQ §16).
    original.technical.manually_provisioned = true;
    let form = VersionForm::from(original.clone());
    assert_eq!(form.subscription_types[0].trial_days, "30");
    assert_eq!(
        form.subscription_types[1].trial_days, "",
        "no trial length: empty text"
    );
    assert_eq!(form.subscription_types[2].price, "2900");
    let (back, problems) = form.into_content(None);
    assert_eq!(problems, []);
    assert_eq!(back, original);
}

#[test]
fn the_form_serializes_with_the_domain_field_names() {
    let json = serde_json::to_value(VersionForm::from(content())).unwrap();
    assert_eq!(json["subscription_types"][2]["type"], "paid");
    assert_eq!(json["subscription_types"][2]["license_type"], "universal");
    assert_eq!(json["technical"]["urls"][0]["type"], "redirect_uri");
    assert_eq!(json["marketplace"]["assets"][0]["type"], "screenshot");
    assert_eq!(json["general"]["emails"][0]["type"], "technical");
    let back: VersionForm = serde_json::from_value(json).unwrap();
    assert_eq!(back, VersionForm::from(content()));
}

#[test]
fn number_fields_that_are_not_whole_numbers_are_form_problems() {
    let mut form = VersionForm::from(content());
    form.subscription_types[1].price = " 12.5 ".into();
    form.subscription_types[1].min_licenses = String::new();
    form.subscription_types[2].max_licenses = "-3".into();
    form.subscription_types[0].trial_days = "thirty".into();
    form.subscription_types[2].price = " -100 ".into();
    let (back, problems) = form.into_content(None);

    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "subscription_types[0].trial_days",
            "subscription_types[1].price",
            "subscription_types[1].min_licenses",
            "subscription_types[2].max_licenses",
        ]
    );
    assert!(
        problems[1].message.contains("\u{201c}12.5\u{201d}"),
        "{}",
        problems[1].message
    );
    assert!(
        problems[2].message.contains("is empty"),
        "{}",
        problems[2].message
    );
    assert_eq!(
        back.subscription_types[1].price, 0,
        "with no cached version, 0 stands in for the unreadable price"
    );
    assert_eq!(back.subscription_types[0].trial_days, Some(0));
    assert_eq!(
        back.subscription_types[2].price, -100,
        "a negative price is a number: the engine's plans.price judges it"
    );
}

#[test]
fn the_report_carries_the_engines_diagnostics_pack_version_and_not_checked_rules() {
    let mut draft = content();
    draft.general.display_name = "  ".into();
    let report = ValidationReport::new(engine_report(&draft), vec![]);
    assert_eq!(report.pack_version, RulesPack::default_pack().version);
    assert_eq!(
        report.diagnostics,
        [Diagnostic {
            rule: "listing.required".into(),
            severity: Severity::Error,
            field: "general.display_name".into(),
            message: "general.display_name is required.".into(),
            source: Some(RuleSource::Page {
                url: "https://docs.talkdesk.com/docs/guides".into(),
                quote: "After all app information fields have been filled in Partner Project, the app version is ready to be submitted for review.".into(),
            }),
        }]
    );
    assert!(
        report.not_checked.iter().any(|n| n.rule == "icon.square"),
        "without an icon the icon rules are not checked: {:?}",
        report.not_checked
    );
}

#[test]
fn form_problems_come_first_and_replace_the_engines_findings_on_the_same_field() {
    let mut form = VersionForm::from(content());
    // Read as 0 for the engine (no cached version here), so the minimum (1) exceeds it:
    // plans.licenses_range fires on exactly this field, about a number the partner never typed.
    form.subscription_types[1].max_licenses = "fifty".into();
    form.subscription_types[2].currency = "usd".into();
    let (draft, problems) = form.into_content(None);
    let engine = engine_report(&draft);
    assert!(
        engine
            .diagnostics
            .iter()
            .any(|d| d.field == "subscription_types[1].max_licenses"),
        "the stand-in value does trip the engine: {:?}",
        engine.diagnostics
    );

    let report = ValidationReport::new(engine, problems);
    let found: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.field.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (WHOLE_NUMBER_RULE, "subscription_types[1].max_licenses"),
            ("plans.currency", "subscription_types[2].currency"),
        ]
    );
    assert_eq!(report.diagnostics[0].severity, Severity::Error);
}

#[test]
fn an_unreadable_number_is_checked_as_the_cached_value_so_no_other_rule_fires() {
    let cached = content();
    let mut form = VersionForm::from(cached.clone());
    // Half-typed: the listing quotes the Starter plan's $12, which 0 would no longer match.
    form.subscription_types[1].price = "12.".into();
    form.subscription_types[0].trial_days = "3O".into();

    let (with_zero, _) = form.clone().into_content(None);
    assert!(
        engine_report(&with_zero)
            .diagnostics
            .iter()
            .any(|d| d.rule == "plans.quoted_prices"),
        "0 in place of the price would set off the quoted-price rule"
    );

    let (draft, problems) = form.into_content(Some(&cached));
    assert_eq!(
        draft, cached,
        "each unreadable number took the cached value"
    );
    let report = ValidationReport::new(engine_report(&draft), problems);
    let found: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.field.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (WHOLE_NUMBER_RULE, "subscription_types[0].trial_days"),
            (WHOLE_NUMBER_RULE, "subscription_types[1].price"),
        ]
    );
}

#[test]
fn a_plan_the_cache_does_not_have_gets_zero_for_an_unreadable_number() {
    let cached = content();
    let mut form = VersionForm::from(cached.clone());
    let mut extra = form.subscription_types[1].clone();
    extra.name = "Extra".into();
    extra.min_licenses = "one".into();
    form.subscription_types.push(extra);
    let (draft, problems) = form.into_content(Some(&cached));
    assert_eq!(draft.subscription_types[3].min_licenses, 0);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "subscription_types[3].min_licenses");
}

#[test]
fn suppressions_are_passed_on_with_their_reasons() {
    let report = Report {
        pack_version: "1".into(),
        diagnostics: vec![],
        not_checked: vec![],
        suppressed: vec![AppliedSuppression {
            rule: "icon.corners_clear".into(),
            field: "icon".into(),
            reason: "the badge covers a plain area".into(),
        }],
        not_applied: vec![RefusedSuppression {
            suppression: Suppression {
                rule: "listing.required".into(),
                field: None,
                reason: "later".into(),
            },
            why: "errors cannot be suppressed; fix the problem instead".into(),
        }],
    };
    let report = ValidationReport::new(report, vec![]);
    assert_eq!(
        report.suppressed,
        [Suppressed {
            rule: "icon.corners_clear".into(),
            field: "icon".into(),
            reason: "the badge covers a plain area".into(),
        }]
    );
    assert_eq!(
        report.not_applied,
        [NotApplied {
            rule: "listing.required".into(),
            field: None,
            why: "errors cannot be suppressed; fix the problem instead".into(),
        }]
    );
}
