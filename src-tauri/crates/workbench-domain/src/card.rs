//! The marketplace card's stated rules: the listing summary cut to the card's size, the price
//! line of the cheapest paid plan, the free-trial mark. The window's TypeScript tells the same
//! rules (`ui/src/features/preview/`); both pass every case of
//! `tests/fixtures/preview/cases.json`, so the card drawn in the window and the one `pwb preview`
//! exports say the same.

use crate::{LicenseType, PlanType, SubscriptionPlan};

/// Code points of the listing summary on the small card.
pub const SMALL_SUMMARY: usize = 60;
/// Code points of the listing summary on the large card.
pub const LARGE_SUMMARY: usize = 120;

/// The two card sizes, with how much of the listing summary each shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardSize {
    Small,
    Large,
}

impl CardSize {
    pub fn summary_limit(self) -> usize {
        match self {
            CardSize::Small => SMALL_SUMMARY,
            CardSize::Large => LARGE_SUMMARY,
        }
    }
}

/// What is stripped from the end of a cut text before the ellipsis.
const TRAILING: &[char] = &[' ', '.', ',', ';', ':', '!', '?', '-', '–', '—'];

/// Unicode's White_Space property (`char::is_whitespace`), as the window's `\p{White_Space}`, so
/// the two collapse the same runs.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `text` as the card shows it within `limit` code points: every whitespace run collapsed to one
/// space and trimmed; when still longer than `limit`, the first `limit - 1` code points, cut at
/// their last space when that space is at index `limit / 2` or later, with trailing
/// `" .,;:!?-–—"` stripped, and "…" appended.
pub fn truncate(text: &str, limit: usize) -> String {
    let collapsed: Vec<char> = {
        let mut out = Vec::with_capacity(text.len());
        let mut in_space = false;
        for c in text.chars() {
            if is_space(c) {
                in_space = true;
            } else {
                if in_space && !out.is_empty() {
                    out.push(' ');
                }
                in_space = false;
                out.push(c);
            }
        }
        out
    };
    if collapsed.len() <= limit {
        return collapsed.into_iter().collect();
    }
    let mut kept = &collapsed[..limit.saturating_sub(1)];
    if let Some(space) = kept.iter().rposition(|&c| c == ' ')
        && space >= limit / 2
    {
        kept = &kept[..space];
    }
    while let Some((last, rest)) = kept.split_last()
        && TRAILING.contains(last)
    {
        kept = rest;
    }
    let mut out: String = kept.iter().collect();
    out.push('…');
    out
}

/// Currencies whose amounts have no minor digits.
const NO_DECIMALS: &[&str] = &["JPY", "KRW", "CLP", "ISK", "VND"];

/// The number of digits after the decimal point of `currency`'s amounts.
pub fn minor_digits(currency: &str) -> u32 {
    if NO_DECIMALS.contains(&currency) {
        0
    } else {
        2
    }
}

/// What goes before an amount of `currency`: its symbol, or the code and a space.
pub fn currency_prefix(currency: &str) -> String {
    match currency {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "CAD" => "CA$".into(),
        "AUD" => "A$".into(),
        "JPY" => "¥".into(),
        "BRL" => "R$".into(),
        other => format!("{other} "),
    }
}

/// `amount` (minor units of `currency`) as a number with all of the currency's minor digits,
/// thousands grouped with ",", a leading "-" when negative: "1,250.00", "-0.05", "1,234,567"
/// (JPY). The card's prices and the account's credit balance are both written with it.
pub fn format_amount(amount: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    let scale = 10u64.pow(digits);
    let magnitude = amount.unsigned_abs();
    let (whole, minor) = (magnitude / scale, magnitude % scale);
    let sign = if amount < 0 { "-" } else { "" };
    let mut out = format!("{sign}{}", group_thousands(whole));
    if digits > 0 {
        out.push_str(&format!(".{minor:0width$}", width = digits as usize));
    }
    out
}

/// `price` (minor units of `currency`) as the card prints it: whole amounts without decimals,
/// others with exactly two, thousands grouped with ",", after the currency's prefix.
pub fn format_price(price: i64, currency: &str) -> String {
    let mut amount = format_amount(price, currency);
    let digits = minor_digits(currency);
    if digits > 0 && price.unsigned_abs().is_multiple_of(10u64.pow(digits)) {
        amount.truncate(amount.len() - digits as usize - 1);
    }
    format!("{}{amount}", currency_prefix(currency))
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What one license of a plan is: a seat (`individual`) or the account (`universal`).
pub fn per(license: LicenseType) -> &'static str {
    match license {
        LicenseType::Individual => "seat",
        LicenseType::Universal => "account",
    }
}

/// "from $9 / seat / month": the cheapest paid plan by price (the first on ties); `None` when
/// no plan is paid.
pub fn price_line(plans: &[SubscriptionPlan]) -> Option<String> {
    let cheapest = plans
        .iter()
        .filter(|plan| plan.kind == PlanType::Paid)
        .reduce(|best, plan| if plan.price < best.price { plan } else { best })?;
    Some(format!(
        "from {} / {} / month",
        format_price(cheapest.price, &cheapest.currency),
        per(cheapest.license_type)
    ))
}

/// The trial days of a trial plan that does not say (or says 0).
pub const DEFAULT_TRIAL_DAYS: u32 = 30;

/// The days of a trial plan: its `trial_days`, or [`DEFAULT_TRIAL_DAYS`] when it does not say
/// (or says 0).
pub fn trial_days(plan: &SubscriptionPlan) -> u32 {
    plan.trial_days
        .filter(|&days| days > 0)
        .unwrap_or(DEFAULT_TRIAL_DAYS)
}

/// "30-day free trial", from the first trial plan; `None` when there is none.
pub fn trial_mark(plans: &[SubscriptionPlan]) -> Option<String> {
    let trial = plans.iter().find(|plan| plan.kind == PlanType::Trial)?;
    Some(format!("{}-day free trial", trial_days(trial)))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// The shared case file, the same bytes the window's Vitest reads.
    const CASES: &str = include_str!("../../../../tests/fixtures/preview/cases.json");

    #[derive(Deserialize)]
    struct Cases {
        truncate: Vec<TruncateCase>,
        price_line: Vec<PlansCase>,
        trial_mark: Vec<PlansCase>,
    }

    #[derive(Deserialize)]
    struct TruncateCase {
        text: String,
        limit: usize,
        expected: String,
    }

    #[derive(Deserialize)]
    struct PlansCase {
        plans: Vec<SubscriptionPlan>,
        expected: Option<String>,
    }

    fn cases() -> Cases {
        serde_json::from_str(CASES).expect("the shared case file parses")
    }

    #[test]
    fn amounts_keep_every_minor_digit_and_prices_drop_zero_ones() {
        assert_eq!(format_amount(125_000, "USD"), "1,250.00");
        assert_eq!(format_amount(-5, "USD"), "-0.05");
        assert_eq!(format_amount(0, "EUR"), "0.00");
        assert_eq!(format_amount(1_234_567, "JPY"), "1,234,567");
        assert_eq!(format_price(125_000, "USD"), "$1,250");
        assert_eq!(format_price(-5, "USD"), "$-0.05");
        assert_eq!(format_price(1_234_567, "JPY"), "¥1,234,567");
        assert_eq!(
            format_price(i64::MIN, "XYZ"),
            "XYZ -92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn truncate_passes_every_shared_case() {
        let cases = cases().truncate;
        assert!(cases.len() >= 10, "the case file has the truncation cases");
        for case in cases {
            assert_eq!(
                truncate(&case.text, case.limit),
                case.expected,
                "truncate({:?}, {})",
                case.text,
                case.limit
            );
        }
    }

    #[test]
    fn price_line_passes_every_shared_case() {
        let cases = cases().price_line;
        assert!(cases.len() >= 10, "the case file has the price line cases");
        for case in cases {
            assert_eq!(
                price_line(&case.plans),
                case.expected,
                "price_line of {:?}",
                case.plans
            );
        }
    }

    #[test]
    fn trial_mark_passes_every_shared_case() {
        let cases = cases().trial_mark;
        assert!(cases.len() >= 10, "the case file has the trial mark cases");
        for case in cases {
            assert_eq!(
                trial_mark(&case.plans),
                case.expected,
                "trial_mark of {:?}",
                case.plans
            );
        }
    }

    #[test]
    fn the_card_sizes_are_60_and_120_code_points() {
        assert_eq!(CardSize::Small.summary_limit(), 60);
        assert_eq!(CardSize::Large.summary_limit(), 120);
        let long = "word ".repeat(100);
        for size in [CardSize::Small, CardSize::Large] {
            let cut = truncate(&long, size.summary_limit());
            assert!(cut.chars().count() <= size.summary_limit(), "{cut:?}");
            assert!(cut.ends_with('…'));
        }
    }

    #[test]
    fn truncation_counts_code_points_and_never_splits_one() {
        // Four bytes and two UTF-16 units each: a byte or unit count would cut far earlier.
        let text = "𝒜".repeat(61);
        let cut = truncate(&text, 60);
        assert_eq!(cut.chars().count(), 60);
        assert_eq!(cut, format!("{}…", "𝒜".repeat(59)));
    }

    #[test]
    fn a_tiny_limit_and_only_punctuation_do_not_panic() {
        assert_eq!(truncate("abc", 0), "…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("!!!!!!!!", 4), "…");
        assert_eq!(truncate(" \u{2003}\u{85} ", 60), "");
    }

    #[test]
    fn prices_group_thousands_and_keep_exactly_two_decimals_or_none() {
        assert_eq!(format_price(5, "USD"), "$0.05");
        assert_eq!(format_price(100_000_000, "EUR"), "€1,000,000");
        assert_eq!(format_price(99_999, "KRW"), "KRW 99,999");
        // Validation refuses negative prices; formatting one still cannot overflow.
        assert!(format_price(i64::MIN, "USD").ends_with("92,233,720,368,547,758.08"));
    }

    #[test]
    fn a_trial_without_days_or_with_zero_is_thirty_days() {
        let plan: SubscriptionPlan = serde_json::from_value(serde_json::json!({
            "type": "trial", "license_type": "individual", "name": "T", "price": 0,
            "currency": "USD", "min_licenses": 1, "max_licenses": 1, "trial_days": 0
        }))
        .unwrap();
        assert_eq!(trial_mark(&[plan]).as_deref(), Some("30-day free trial"));
    }
}
