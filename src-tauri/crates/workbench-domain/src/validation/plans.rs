//! Subscription plan rules (`subscription_types[]`).
//!
//! License types need no rule: `license_type` is the [`LicenseType`](crate::model::LicenseType)
//! enum, so a plan with an unknown license type cannot be built, nor deserialized (serde refuses
//! it before validation runs). Prices are integers for the same reason (`i64` minor units); only
//! their sign is checked here.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Finding, Outcome, Rule, missing_param};
use crate::model::{PlanType, SubscriptionPlan};

/// The active ISO 4217 currency codes (funds and precious-metal codes left out: a plan is priced in
/// money). Withdrawn codes (BGN since the euro, ANG replaced by XCG, SLL, CUC, HRK) are refused.
pub const ISO_4217_ACTIVE: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN",
    "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD",
    "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES",
    "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
    "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
    "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
    "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

fn plans<'c>(context: &'c Context<'_>) -> &'c [SubscriptionPlan] {
    &context.input.content.subscription_types
}

fn at(i: usize, field: &str) -> String {
    format!("subscription_types[{i}].{field}")
}

/// `plans_exactly_one_trial`: one trial plan, no more, no fewer.
pub fn exactly_one_trial(context: &Context<'_>, rule: &Rule) -> Outcome {
    let trials = plans(context)
        .iter()
        .filter(|p| p.kind == PlanType::Trial)
        .count();
    Ok(if trials == 1 {
        vec![]
    } else {
        vec![Finding::new(rule.field.clone()).with("count", trials)]
    })
}

/// `plans_trial_days`: a trial plan lasts `days`. A trial plan without `trial_days` gets the
/// marketplace's standard length, which is what the rule asks for, so it passes.
pub fn trial_days(context: &Context<'_>, rule: &Rule) -> Outcome {
    let days = rule
        .param_u64("days")
        .ok_or_else(|| missing_param(rule, "days"))?;
    Ok(plans(context)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PlanType::Trial)
        .filter_map(|(i, p)| {
            let actual = p.trial_days?;
            (u64::from(actual) != days)
                .then(|| Finding::new(at(i, "trial_days")).with("actual", actual))
        })
        .collect())
}

/// `plans_trial_free`: a trial plan costs nothing.
pub fn trial_free(context: &Context<'_>, _rule: &Rule) -> Outcome {
    Ok(plans(context)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PlanType::Trial && p.price != 0)
        .map(|(i, p)| Finding::new(at(i, "price")).with("plan", p.name.as_str()))
        .collect())
}

/// `plans_at_least_one_paid`.
pub fn at_least_one_paid(context: &Context<'_>, rule: &Rule) -> Outcome {
    Ok(if plans(context).iter().any(|p| p.kind == PlanType::Paid) {
        vec![]
    } else {
        vec![Finding::new(rule.field.clone())]
    })
}

/// `plans_pay_as_you_go`: a paid plan that a customer can start with a single license
/// (`min_licenses` equal to the `min_licenses` parameter, 1 by default). Pay-as-you-go means
/// paying for what is used, month by month, with no up-front bundle: a plan whose minimum is one
/// seat (or one account, for universal licenses) is the only shape of plan that offers that, since
/// every plan bills monthly per seat or per account.
pub fn pay_as_you_go(context: &Context<'_>, rule: &Rule) -> Outcome {
    let min = rule.param_u64("min_licenses").unwrap_or(1);
    let offered = plans(context)
        .iter()
        .any(|p| p.kind == PlanType::Paid && u64::from(p.min_licenses) == min);
    Ok(if offered {
        vec![]
    } else {
        vec![Finding::new(rule.field.clone())]
    })
}

/// `plans_price_non_negative`.
pub fn price_non_negative(context: &Context<'_>, _rule: &Rule) -> Outcome {
    Ok(plans(context)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.price < 0)
        .map(|(i, p)| Finding::new(at(i, "price")).with("price", p.price))
        .collect())
}

/// `plans_currency_iso4217`: an active ISO 4217 code, in capitals ([`ISO_4217_ACTIVE`]).
pub fn currency_iso4217(context: &Context<'_>, _rule: &Rule) -> Outcome {
    Ok(plans(context)
        .iter()
        .enumerate()
        .filter(|(_, p)| !ISO_4217_ACTIVE.contains(&p.currency.as_str()))
        .map(|(i, p)| Finding::new(at(i, "currency")).with("currency", p.currency.as_str()))
        .collect())
}

/// `plans_min_le_max_licenses`.
pub fn min_le_max_licenses(context: &Context<'_>, _rule: &Rule) -> Outcome {
    Ok(plans(context)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.min_licenses > p.max_licenses)
        .map(|(i, p)| {
            Finding::new(at(i, "max_licenses"))
                .with("min_licenses", p.min_licenses)
                .with("max_licenses", p.max_licenses)
        })
        .collect())
}

/// `plans_unique_names`: no two plans share a name, ignoring case and surrounding spaces. The
/// later plan is the one reported.
pub fn unique_names(context: &Context<'_>, _rule: &Rule) -> Outcome {
    let all = plans(context);
    let key = |p: &SubscriptionPlan| p.name.trim().to_lowercase();
    Ok(all
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let first = all[..i].iter().position(|q| key(q) == key(p))?;
            Some(
                Finding::new(at(i, "name"))
                    .with("name", p.name.as_str())
                    .with("first", format!("subscription_types[{first}]")),
            )
        })
        .collect())
}

fn plan_texts(p: &SubscriptionPlan) -> [(&'static str, &str); 3] {
    [
        ("name", p.name.as_str()),
        ("description", p.description.as_str()),
        ("listing_summary", p.listing_summary.as_str()),
    ]
}

/// `plans_no_addons`: no plan is an add-on (any of `words` in its name, description or summary).
pub fn no_addons(context: &Context<'_>, rule: &Rule) -> Outcome {
    let words = rule
        .param_strings("words")
        .ok_or_else(|| missing_param(rule, "words"))?;
    let mut findings = Vec::new();
    for (i, p) in plans(context).iter().enumerate() {
        for (field, text) in plan_texts(p) {
            let lower = text.to_lowercase();
            if let Some(word) = words.iter().find(|w| lower.contains(&w.to_lowercase())) {
                findings.push(Finding::new(at(i, field)).with("word", *word));
            }
        }
    }
    Ok(findings)
}

static FREE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|[^\w-])free\b").expect("valid regex"));

/// `plans_free_only_on_trial`: the word "free" appears only in the trial plan ("hands-free" is
/// not the word).
pub fn free_only_on_trial(context: &Context<'_>, _rule: &Rule) -> Outcome {
    let mut findings = Vec::new();
    for (i, p) in plans(context).iter().enumerate() {
        if p.kind == PlanType::Trial {
            continue;
        }
        for (field, text) in plan_texts(p) {
            if FREE.is_match(text) {
                findings.push(Finding::new(at(i, field)).with("plan", p.name.as_str()));
            }
        }
    }
    Ok(findings)
}

fn listing_texts<'c>(context: &'c Context<'_>) -> [(&'static str, &'c str); 2] {
    let marketplace = &context.input.content.marketplace;
    [
        (
            "marketplace.listing_summary",
            marketplace.listing_summary.as_str(),
        ),
        ("marketplace.description", marketplace.description.as_str()),
    ]
}

static QUOTED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-Z][A-Za-z0-9+]*)\s+(?:[Pp]lan|[Tt]ier|[Ee]dition)\b").expect("valid regex")
});

/// `plans_quoted_names_match`: a capitalised word before "plan", "tier" or "edition" in the
/// listing text ("the Pro plan") names a plan: some plan's name contains it as a word. Words in
/// `ignore_words` ("The", "Our", "Trial", ...) are not plan names.
pub fn quoted_names_match(context: &Context<'_>, rule: &Rule) -> Outcome {
    let ignore = rule
        .param_strings("ignore_words")
        .ok_or_else(|| missing_param(rule, "ignore_words"))?;
    let plan_words: Vec<String> = plans(context)
        .iter()
        .flat_map(|p| {
            p.name
                .split(|c: char| !c.is_alphanumeric() && c != '+')
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut findings = Vec::new();
    for (field, text) in listing_texts(context) {
        for captures in QUOTED_NAME.captures_iter(text) {
            let word = &captures[1];
            if ignore.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                continue;
            }
            if !plan_words.contains(&word.to_lowercase()) {
                findings.push(Finding::new(field).with("name", word));
            }
        }
    }
    Ok(findings)
}

static QUOTED_PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[$€£]\s?|\b([A-Z]{3})\s?)(\d{1,9}(?:[.,]\d{1,2})?)\b").expect("valid regex")
});

/// `plans_quoted_prices_match`: an amount quoted in the listing text ("$49", "USD 49.99", "€9,50")
/// is some plan's price. Amounts are read with two minor digits (49 → 4900); a code before the
/// amount must be the plan's currency too; a symbol matches any currency.
pub fn quoted_prices_match(context: &Context<'_>, _rule: &Rule) -> Outcome {
    let all = plans(context);
    let mut findings = Vec::new();
    for (field, text) in listing_texts(context) {
        for captures in QUOTED_PRICE.captures_iter(text) {
            let code = captures.get(1).map(|m| m.as_str());
            if code.is_some_and(|c| !ISO_4217_ACTIVE.contains(&c)) {
                continue;
            }
            let amount = &captures[2];
            let Some(minor) = minor_units(amount) else {
                continue;
            };
            let matches = all
                .iter()
                .any(|p| p.price == minor && code.is_none_or(|c| c == p.currency));
            if !matches {
                findings.push(
                    Finding::new(field)
                        .with("amount", captures[0].trim())
                        .with("minor_units", minor),
                );
            }
        }
    }
    Ok(findings)
}

fn minor_units(amount: &str) -> Option<i64> {
    let (whole, fraction) = match amount.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (amount, ""),
    };
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}
