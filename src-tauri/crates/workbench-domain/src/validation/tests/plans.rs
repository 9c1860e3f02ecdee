//! Every plan rule, pass and fail. Plans of the valid version: [0] Trial, [1] Starter $12 from 1
//! seat, [2] Team $29 from 10 seats, all USD.

use super::{Case, plan, run_table};
use crate::model::{LicenseType, PlanType};

const P: &str = "subscription_types";

#[test]
fn plan_rules() {
    let cases: &[Case] = &[
        ("valid plans", |_| {}, "plans.one_trial", &[]),
        (
            "two trials",
            |c| {
                c.subscription_types
                    .push(plan(PlanType::Trial, "Trial 2", 0, 1, 5))
            },
            "plans.one_trial",
            &[P],
        ),
        (
            "no trial",
            |c| {
                c.subscription_types.remove(0);
            },
            "plans.one_trial",
            &[P],
        ),
        ("30-day trial", |_| {}, "plans.trial_days", &[]),
        (
            "14-day trial",
            |c| c.subscription_types[0].trial_days = Some(14),
            "plans.trial_days",
            &["subscription_types[0].trial_days"],
        ),
        (
            "trial length unset: the standard 30 days",
            |c| c.subscription_types[0].trial_days = None,
            "plans.trial_days",
            &[],
        ),
        ("a free trial", |_| {}, "plans.trial_free", &[]),
        (
            "a trial with a price",
            |c| c.subscription_types[0].price = 500,
            "plans.trial_free",
            &["subscription_types[0].price"],
        ),
        (
            "a paid plan with a price is not a trial",
            |c| c.subscription_types[1].price = 1,
            "plans.trial_free",
            &[],
        ),
        ("paid plans", |_| {}, "plans.paid_plan", &[]),
        (
            "only a trial",
            |c| c.subscription_types.truncate(1),
            "plans.paid_plan",
            &[P],
        ),
        ("Starter from one seat", |_| {}, "plans.pay_as_you_go", &[]),
        (
            "every paid plan needs a bundle",
            |c| c.subscription_types[1].min_licenses = 5,
            "plans.pay_as_you_go",
            &[P],
        ),
        (
            "per-account plan from one account",
            |c| {
                c.subscription_types[1].min_licenses = 5;
                c.subscription_types[2].license_type = LicenseType::Universal;
                c.subscription_types[2].min_licenses = 1;
            },
            "plans.pay_as_you_go",
            &[],
        ),
        (
            "a price of zero",
            |c| c.subscription_types[1].price = 0,
            "plans.price",
            &[],
        ),
        (
            "a negative price",
            |c| c.subscription_types[1].price = -1,
            "plans.price",
            &["subscription_types[1].price"],
        ),
        (
            "EUR",
            |c| c.subscription_types[1].currency = "EUR".into(),
            "plans.currency",
            &[],
        ),
        (
            "lower-case code",
            |c| c.subscription_types[1].currency = "usd".into(),
            "plans.currency",
            &["subscription_types[1].currency"],
        ),
        (
            "made-up code",
            |c| c.subscription_types[2].currency = "XYZ".into(),
            "plans.currency",
            &["subscription_types[2].currency"],
        ),
        (
            "withdrawn code",
            |c| c.subscription_types[2].currency = "BGN".into(),
            "plans.currency",
            &["subscription_types[2].currency"],
        ),
        (
            "min equals max",
            |c| c.subscription_types[1].max_licenses = 1,
            "plans.licenses_range",
            &[],
        ),
        (
            "min above max",
            |c| c.subscription_types[1].min_licenses = 60,
            "plans.licenses_range",
            &["subscription_types[1].max_licenses"],
        ),
        ("distinct names", |_| {}, "plans.unique_names", &[]),
        (
            "same name, other case and spaces",
            |c| c.subscription_types[2].name = " starter".into(),
            "plans.unique_names",
            &["subscription_types[2].name"],
        ),
        (
            "no add-ons",
            |c| c.subscription_types[2].description = "Additional seats at a lower price".into(),
            "plans.no_addons",
            &[],
        ),
        (
            "add-on in a name",
            |c| c.subscription_types[1].name = "Recording Add-on".into(),
            "plans.no_addons",
            &["subscription_types[1].name"],
        ),
        (
            "addon in a description",
            |c| c.subscription_types[2].description = "An addon pack".into(),
            "plans.no_addons",
            &["subscription_types[2].description"],
        ),
        (
            "free on the trial",
            |c| c.subscription_types[0].description = "Free for 30 days".into(),
            "plans.free_wording",
            &[],
        ),
        (
            "hands-free is not free",
            |c| c.subscription_types[1].description = "Hands-free dialing".into(),
            "plans.free_wording",
            &[],
        ),
        (
            "free on a paid plan",
            |c| c.subscription_types[1].description = "Free updates forever".into(),
            "plans.free_wording",
            &["subscription_types[1].description"],
        ),
        (
            "FREE in a paid plan's summary",
            |c| c.subscription_types[2].listing_summary = "First month FREE".into(),
            "plans.free_wording",
            &["subscription_types[2].listing_summary"],
        ),
        ("quoted names match", |_| {}, "plans.quoted_names", &[]),
        (
            "a Pro plan that does not exist",
            |c| c.marketplace.description = "Upgrade to the Pro plan at $29.".into(),
            "plans.quoted_names",
            &["marketplace.description"],
        ),
        (
            "an Enterprise tier in the summary",
            |c| c.marketplace.listing_summary = "Ask about our Enterprise tier".into(),
            "plans.quoted_names",
            &["marketplace.listing_summary"],
        ),
        (
            "common words before plan",
            |c| {
                c.marketplace.description =
                    "Our plan is simple. The Trial plan lasts 30 days. Every plan bills monthly."
                        .into()
            },
            "plans.quoted_names",
            &[],
        ),
        ("quoted prices match", |_| {}, "plans.quoted_prices", &[]),
        (
            "a price no plan has",
            |c| c.marketplace.description = "Pro plan at $49".into(),
            "plans.quoted_prices",
            &["marketplace.description"],
        ),
        (
            "code and cents",
            |c| c.marketplace.description = "From USD 12.00 per seat".into(),
            "plans.quoted_prices",
            &[],
        ),
        (
            "right amount, wrong currency",
            |c| c.marketplace.description = "From EUR 12 per seat".into(),
            "plans.quoted_prices",
            &["marketplace.description"],
        ),
        (
            "euro symbol with a comma",
            |c| c.marketplace.listing_summary = "Only €9,50".into(),
            "plans.quoted_prices",
            &["marketplace.listing_summary"],
        ),
    ];
    run_table(cases);
}
