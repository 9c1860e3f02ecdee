//! How [`crate::PartnerClient`] tries a request again after a passing failure: exponential
//! backoff with full jitter, or the server's `Retry-After` on 429 and 503.

use std::time::Duration;

/// How many times a request is tried and how long the client waits in between.
///
/// The wait before try `n + 1` (after `n` failed tries) is a uniformly random time between 0
/// and `min(max, base × 2^(n-1))` ("full jitter", so many clients that failed together do not
/// come back together), except after a 429 or 503 that says `Retry-After: S`: then exactly `S`
/// seconds, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is tried in all (1 = never again). 0 is taken as 1.
    pub attempts: u32,
    /// The ceiling of the first wait; each later wait's ceiling doubles.
    pub base: Duration,
    /// The longest wait, `Retry-After` included.
    pub max: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, waits up to 200 ms, 400 ms, 800 ms, 1.6 s (about 3 s at worst without
    /// `Retry-After`), no wait above 10 s.
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(200),
            max: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// One try, no retry.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The ceiling of the wait after `failed` tries (1 or more): `min(max, base × 2^(failed-1))`.
    pub fn ceiling(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(31);
        self.base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The wait after `failed` tries. `retry_after` is the server's `Retry-After` of a 429 or
    /// 503, if it gave one; `unit` is a random draw in `[0, 1)` (clamped into it), which picks
    /// the point between 0 and [`RetryPolicy::ceiling`].
    pub fn delay(&self, failed: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max);
        }
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.ceiling(failed).mul_f64(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_ceiling_doubles_from_base_up_to_max() {
        let policy = RetryPolicy {
            attempts: 40,
            base: ms(100),
            max: ms(1000),
        };
        let ceilings: Vec<_> = (1..=6).map(|n| policy.ceiling(n)).collect();
        assert_eq!(
            ceilings,
            [ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)]
        );
        // Far past any doubling that fits: still max, no overflow.
        assert_eq!(policy.ceiling(33), ms(1000));
        assert_eq!(policy.ceiling(u32::MAX), ms(1000));
        // 0 failed tries is read as the first.
        assert_eq!(policy.ceiling(0), ms(100));
    }

    #[test]
    fn full_jitter_spreads_the_wait_between_zero_and_the_ceiling() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(policy.delay(3, None, 0.5), ms(400));
        assert_eq!(policy.delay(3, None, 0.25), ms(200));
        // Draws outside [0, 1) cannot make a wait past the ceiling or below zero.
        assert_eq!(policy.delay(3, None, 7.0), ms(800));
        assert_eq!(policy.delay(3, None, -1.0), Duration::ZERO);
        assert_eq!(policy.delay(3, None, f64::NAN), Duration::ZERO);
        for i in 0..100 {
            let unit = i as f64 / 100.0;
            assert!(policy.delay(2, None, unit) < ms(400), "{unit}");
        }
    }

    #[test]
    fn retry_after_is_waited_exactly_but_never_past_max() {
        let policy = RetryPolicy::default();
        for unit in [0.0, 0.5, 0.99] {
            assert_eq!(
                policy.delay(1, Some(Duration::from_secs(2)), unit),
                Duration::from_secs(2)
            );
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600)), 0.1),
            policy.max
        );
        assert_eq!(policy.delay(4, Some(Duration::ZERO), 0.9), Duration::ZERO);
    }

    #[test]
    fn the_defaults_and_none() {
        let policy = RetryPolicy::default();
        assert_eq!(
            (policy.attempts, policy.base, policy.max),
            (5, ms(200), Duration::from_secs(10))
        );
        assert_eq!(RetryPolicy::none().attempts, 1);
        // The worst wait of a default policy without Retry-After: 200+400+800+1600 ms.
        let worst: Duration = (1..policy.attempts).map(|n| policy.ceiling(n)).sum();
        assert_eq!(worst, ms(3000));
    }
}
