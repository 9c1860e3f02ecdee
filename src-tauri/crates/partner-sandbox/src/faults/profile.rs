//! The fault profile: faults applied to every non-admin request, at rates, reproducibly.
//!
//! `PUT /_sandbox/faults` with
//! `{"latency_ms": {"min": 10, "max": 50}, "error_rate": 0.1, "unavailable_rate": 0.3,
//! "rate_limit": {"every_nth": 5, "rate": 0.1}, "retry_after_s": 1, "drop_rate": 0.05,
//! "truncate_rate": 0.05, "seed": 42}` (every field optional; rates from 0 to 1,
//! `error_rate + unavailable_rate` at most 1). Each request draws the same six numbers from a
//! SplitMix64 generator seeded with `seed`, whatever happens to it, so the same seed and the
//! same sequence of requests give the same faults. Checked in this order: drop (the connection
//! closes without a response), 429 (`every_nth` request, or at `rate`), error (at
//! `error_rate`: 500, or 503 with `Retry-After`, half each; then at `unavailable_rate`: 503 with
//! `Retry-After` only, so "30% 503" is `unavailable_rate: 0.3`), truncate (half the body, then
//! the connection is aborted). The latency applies to every request, faulted or not.

use std::time::Duration;

use partner_api::FieldError;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::field;

/// The longest latency a profile may ask for, so a typo cannot hang every client for hours.
pub const LATENCY_MAX_MS: u64 = 60_000;
/// The longest `Retry-After` a profile may ask for.
pub const RETRY_AFTER_MAX_S: u32 = 3_600;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultProfile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<LatencyMs>,
    pub error_rate: f64,
    /// The share of requests answering 503 with `Retry-After` (on top of `error_rate`'s).
    pub unavailable_rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The `Retry-After` of 429 and 503 answers, in seconds.
    pub retry_after_s: u32,
    pub drop_rate: f64,
    pub truncate_rate: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LatencyMs {
    pub min: u64,
    pub max: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateLimit {
    /// Every Nth request (counting from the profile being set) answers 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_nth: Option<u64>,
    /// The share of requests answering 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

const FIELDS: [&str; 8] = [
    "latency_ms",
    "error_rate",
    "unavailable_rate",
    "rate_limit",
    "retry_after_s",
    "drop_rate",
    "truncate_rate",
    "seed",
];

impl FaultProfile {
    /// Reads a profile field by field, reporting each mistake against its field (unknown
    /// fields too: in a fault profile they are typos that would silently do nothing).
    pub fn from_json(value: &Value) -> Result<FaultProfile, Vec<FieldError>> {
        let Some(object) = value.as_object() else {
            return Err(vec![field("profile", "must be a JSON object")]);
        };
        let mut fields = Vec::new();
        for name in object.keys() {
            if !FIELDS.contains(&name.as_str()) {
                fields.push(field(
                    name,
                    format!("is not a profile field; use {}", FIELDS.join(", ")),
                ));
            }
        }
        let latency_ms = match object.get("latency_ms") {
            None | Some(Value::Null) => None,
            Some(Value::Object(range)) => {
                let min = range.get("min").and_then(Value::as_u64);
                let max = range.get("max").and_then(Value::as_u64);
                match (min, max) {
                    (Some(min), Some(max)) if min <= max && max <= LATENCY_MAX_MS => {
                        Some(LatencyMs { min, max })
                    }
                    _ => {
                        fields.push(field(
                            "latency_ms",
                            format!(
                                "must be {{\"min\": A, \"max\": B}} with whole numbers \
                                 0 <= A <= B <= {LATENCY_MAX_MS}"
                            ),
                        ));
                        None
                    }
                }
            }
            Some(_) => {
                fields.push(field("latency_ms", "must be {\"min\": A, \"max\": B}"));
                None
            }
        };
        let error_rate = rate(object, "error_rate", &mut fields);
        let unavailable_rate = rate(object, "unavailable_rate", &mut fields);
        // A hair of slack for decimal shares such as 0.7 + 0.3.
        if error_rate + unavailable_rate > 1.0 + 1e-9 {
            fields.push(field(
                "unavailable_rate",
                "error_rate + unavailable_rate must be at most 1",
            ));
        }
        let rate_limit = match object.get("rate_limit") {
            None | Some(Value::Null) => None,
            Some(Value::Object(limit)) => {
                let every_nth = match limit.get("every_nth") {
                    None | Some(Value::Null) => None,
                    Some(n) => match n.as_u64().filter(|&n| n >= 1) {
                        Some(n) => Some(n),
                        None => {
                            fields.push(field(
                                "rate_limit.every_nth",
                                "must be a whole number of 1 or more",
                            ));
                            None
                        }
                    },
                };
                let rate = match limit.get("rate") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(rate(limit, "rate", &mut fields)),
                };
                if limit.keys().any(|k| k != "every_nth" && k != "rate") {
                    fields.push(field("rate_limit", "takes only every_nth and rate"));
                }
                Some(RateLimit { every_nth, rate })
            }
            Some(_) => {
                fields.push(field(
                    "rate_limit",
                    "must be {\"every_nth\": N} and/or {\"rate\": R}",
                ));
                None
            }
        };
        let retry_after_s = match object.get("retry_after_s") {
            None | Some(Value::Null) => 1,
            Some(v) => match v.as_u64().and_then(|s| u32::try_from(s).ok()) {
                Some(s) if s <= RETRY_AFTER_MAX_S => s,
                _ => {
                    fields.push(field(
                        "retry_after_s",
                        format!("must be a whole number of seconds up to {RETRY_AFTER_MAX_S}"),
                    ));
                    1
                }
            },
        };
        let drop_rate = rate(object, "drop_rate", &mut fields);
        let truncate_rate = rate(object, "truncate_rate", &mut fields);
        let seed = match object.get("seed") {
            None | Some(Value::Null) => 0,
            Some(v) => v.as_u64().unwrap_or_else(|| {
                fields.push(field("seed", "must be a whole number from 0 to 2^64-1"));
                0
            }),
        };
        if fields.is_empty() {
            Ok(FaultProfile {
                latency_ms,
                error_rate,
                unavailable_rate,
                rate_limit,
                retry_after_s,
                drop_rate,
                truncate_rate,
                seed,
            })
        } else {
            Err(fields)
        }
    }
}

fn rate(object: &Map<String, Value>, name: &str, fields: &mut Vec<FieldError>) -> f64 {
    match object.get(name) {
        None | Some(Value::Null) => 0.0,
        Some(v) => match v.as_f64().filter(|r| (0.0..=1.0).contains(r)) {
            Some(r) => r,
            None => {
                fields.push(field(name, "must be a number from 0 to 1"));
                0.0
            }
        },
    }
}

/// What the profile does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    pub latency: Duration,
    pub action: Option<Action>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Drop,
    RateLimited { retry_after_s: u32 },
    ServerError,
    Unavailable { retry_after_s: u32 },
    Truncate,
}

/// A profile in force: its generator and how many requests it has seen.
#[derive(Debug)]
pub struct Active {
    pub profile: FaultProfile,
    rng: SplitMix64,
    requests: u64,
}

impl Active {
    pub fn new(profile: FaultProfile) -> Active {
        Active {
            rng: SplitMix64(profile.seed),
            profile,
            requests: 0,
        }
    }

    /// Plans the next request. Always draws six numbers, so one request's outcome never
    /// shifts the next one's.
    pub fn next(&mut self) -> Planned {
        self.requests += 1;
        let p = &self.profile;
        let [latency, drop, limit, error, which, truncate] = [(); 6].map(|()| self.rng.next());
        let latency = p
            .latency_ms
            .map_or(0, |range| range.min + latency % (range.max - range.min + 1));
        let hit = |draw: u64, rate: f64| unit(draw) < rate;
        let limited = p.rate_limit.is_some_and(|rule| {
            rule.every_nth
                .is_some_and(|n| self.requests.is_multiple_of(n))
                || rule.rate.is_some_and(|rate| hit(limit, rate))
        });
        let action = if hit(drop, p.drop_rate) {
            Some(Action::Drop)
        } else if limited {
            Some(Action::RateLimited {
                retry_after_s: p.retry_after_s,
            })
        } else if hit(error, p.error_rate) {
            Some(if which % 2 == 0 {
                Action::ServerError
            } else {
                Action::Unavailable {
                    retry_after_s: p.retry_after_s,
                }
            })
        } else if hit(error, p.error_rate + p.unavailable_rate) {
            // The same draw past `error_rate`: the two shares never overlap, and a profile
            // without `unavailable_rate` plans exactly what it planned before it existed.
            Some(Action::Unavailable {
                retry_after_s: p.retry_after_s,
            })
        } else if hit(truncate, p.truncate_rate) {
            Some(Action::Truncate)
        } else {
            None
        };
        Planned {
            latency: Duration::from_millis(latency),
            action,
        }
    }
}

/// A uniform number in [0, 1) from the top 53 bits of a draw.
fn unit(draw: u64) -> f64 {
    (draw >> 11) as f64 / (1u64 << 53) as f64
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // The first outputs for seed 1234567 from the reference implementation.
        let mut rng = SplitMix64(1234567);
        let first: Vec<u64> = (0..3).map(|_| rng.next()).collect();
        assert_eq!(
            first,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423
            ]
        );
    }

    #[test]
    fn the_same_seed_plans_the_same_faults() {
        let profile = FaultProfile::from_json(&json!({
            "latency_ms": {"min": 0, "max": 20}, "error_rate": 0.3, "drop_rate": 0.1,
            "rate_limit": {"rate": 0.2}, "truncate_rate": 0.1, "seed": 7
        }))
        .unwrap();
        let plan = |profile: &FaultProfile| {
            let mut active = Active::new(profile.clone());
            (0..200).map(|_| active.next()).collect::<Vec<_>>()
        };
        let first = plan(&profile);
        assert_eq!(first, plan(&profile));
        let other = FaultProfile { seed: 8, ..profile };
        assert_ne!(first, plan(&other));
        for kind in [
            Some(Action::Drop),
            Some(Action::RateLimited { retry_after_s: 1 }),
            Some(Action::ServerError),
            Some(Action::Unavailable { retry_after_s: 1 }),
            Some(Action::Truncate),
            None,
        ] {
            assert!(
                first.iter().any(|p| p.action == kind),
                "{kind:?} never planned"
            );
        }
        assert!(first.iter().all(|p| p.latency <= Duration::from_millis(20)));
    }

    #[test]
    fn unavailable_rate_is_503_with_retry_after_only_at_about_its_share() {
        let profile = FaultProfile::from_json(&json!({
            "unavailable_rate": 0.3, "retry_after_s": 2, "seed": 11
        }))
        .unwrap();
        let mut active = Active::new(profile);
        let actions: Vec<_> = (0..2000).map(|_| active.next().action).collect();
        let unavailable = actions
            .iter()
            .filter(|a| **a == Some(Action::Unavailable { retry_after_s: 2 }))
            .count();
        assert_eq!(
            unavailable,
            actions.iter().filter(|a| a.is_some()).count(),
            "nothing but 503s"
        );
        assert!(
            (500..700).contains(&unavailable),
            "about 30%: {unavailable}"
        );
        // The two error shares add up and must fit in one.
        let error = FaultProfile::from_json(&json!({"error_rate": 0.6, "unavailable_rate": 0.5}))
            .unwrap_err();
        assert_eq!(error[0].name, "unavailable_rate");
    }

    #[test]
    fn every_nth_limits_exactly_those_requests() {
        let profile = FaultProfile::from_json(&json!({"rate_limit": {"every_nth": 3}})).unwrap();
        let mut active = Active::new(profile);
        let limited: Vec<bool> = (0..9).map(|_| active.next().action.is_some()).collect();
        assert_eq!(
            limited,
            [false, false, true, false, false, true, false, false, true]
        );
    }

    #[test]
    fn bad_profiles_name_each_field() {
        let error = FaultProfile::from_json(&json!({
            "latency_ms": {"min": 9, "max": 1}, "error_rate": 1.5, "drop_rate": "x",
            "rate_limit": {"every_nth": 0}, "seed": -1, "retry_after_s": 99999, "bogus": 1
        }))
        .unwrap_err();
        let mut names: Vec<_> = error.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "bogus",
                "drop_rate",
                "error_rate",
                "latency_ms",
                "rate_limit.every_nth",
                "retry_after_s",
                "seed"
            ]
        );
        assert!(FaultProfile::from_json(&json!([])).is_err());
        assert_eq!(
            FaultProfile::from_json(&json!({})).unwrap(),
            FaultProfile {
                latency_ms: None,
                error_rate: 0.0,
                unavailable_rate: 0.0,
                rate_limit: None,
                retry_after_s: 1,
                drop_rate: 0.0,
                truncate_rate: 0.0,
                seed: 0
            }
        );
    }
}
