//! Reviews of submitted tracks: the review mode, the automatic reviewer (a scheduler over
//! due times persisted in `pending_reviews`, so a restart still decides them) and the one
//! function that applies a decision, shared with the admin route.
//!
//! [`placeholder_rules`] is a stand-in for the shared rules engine of the validation issue:
//! it checks only that the required fields are there, and is to be replaced by that engine.

use std::sync::Arc;
use std::time::Duration;

use partner_api::{ChangeKind, ReviewDecision, ReviewFeedback, ReviewOutcome, VersionResource};
use rusqlite::{Connection, params};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use workbench_domain::{
    Action, PlanType, ReviewStatus, Track, UrlType, VersionContent, transition,
};

use crate::db::Db;
use crate::error::HttpError;
use crate::store::{self, NewChange};

/// How submitted tracks are decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewMode {
    /// After the review delay: approve when the version passes the rules, else reject with
    /// feedback naming the failing fields.
    #[default]
    Auto,
    /// Wait for `POST /_sandbox/versions/{version_id}/review`.
    Manual,
}

/// The default delay of an automatic review.
pub const DEFAULT_REVIEW_DELAY: Duration = Duration::from_secs(2);

/// The review settings and the scheduler's wake-up call, shared by the routes.
pub struct Reviews {
    pub mode: ReviewMode,
    pub delay: Duration,
    wake: Notify,
}

impl Reviews {
    pub fn new(mode: ReviewMode, delay: Duration) -> Reviews {
        Reviews {
            mode,
            delay,
            wake: Notify::new(),
        }
    }

    /// Schedules an automatic review of `track` when the mode is Auto; call inside the
    /// submission's transaction, then [`Reviews::wake`] after it commits.
    pub fn schedule(
        &self,
        conn: &Connection,
        version_id: &str,
        track: Track,
    ) -> rusqlite::Result<()> {
        if self.mode != ReviewMode::Auto {
            return Ok(());
        }
        let due =
            store::now_ms().saturating_add(self.delay.as_millis().min(i64::MAX as u128) as i64);
        conn.execute(
            "INSERT OR REPLACE INTO pending_reviews (version_id, track, due_ms) VALUES (?1, ?2, ?3)",
            params![version_id, track.as_str(), due],
        )?;
        Ok(())
    }

    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

impl Default for Reviews {
    fn default() -> Self {
        Reviews::new(ReviewMode::Auto, DEFAULT_REVIEW_DELAY)
    }
}

/// Forgets a scheduled review (the submission was withdrawn or decided by hand).
pub fn unschedule(conn: &Connection, version_id: &str, track: Track) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM pending_reviews WHERE version_id = ?1 AND track = ?2",
        params![version_id, track.as_str()],
    )?;
    Ok(())
}

/// PLACEHOLDER for the shared rules engine (validation issue): the required fields of `track`.
/// Returns one feedback entry per failing field; empty means the track passes.
pub fn placeholder_rules(content: &VersionContent, track: Track) -> Vec<ReviewFeedback> {
    let mut feedback = Vec::new();
    let mut fail = |field: &str, message: &str| {
        feedback.push(ReviewFeedback {
            field: field.to_owned(),
            message: message.to_owned(),
        })
    };
    if content.general.display_name.trim().is_empty() {
        fail("general.display_name", "a display name is required");
    }
    if content.general.slug.trim().is_empty() {
        fail("general.slug", "a slug is required");
    }
    if track == Track::Marketplace {
        let m = &content.marketplace;
        if m.listing_summary.trim().is_empty() {
            fail(
                "marketplace.listing_summary",
                "a listing summary is required",
            );
        }
        if m.description.trim().is_empty() {
            fail("marketplace.description", "a description is required");
        }
        if m.categories.is_empty() {
            fail(
                "marketplace.categories",
                "at least one category is required",
            );
        }
        let privacy_ok = m
            .urls
            .iter()
            .any(|u| u.kind == UrlType::PrivacyPolicy && u.url.starts_with("https://"));
        if !privacy_ok {
            fail(
                "marketplace.urls",
                "a privacy_policy URL using https is required",
            );
        }
        let trials = content
            .subscription_types
            .iter()
            .filter(|p| p.kind == PlanType::Trial)
            .count();
        if trials != 1 {
            fail(
                "subscription_types",
                &format!("exactly one trial plan is required, found {trials}"),
            );
        }
    }
    feedback
}

/// Applies a reviewer's decision to `track` of `version_id` and records it in the feed.
/// Refused (409) unless the track is In Review.
pub fn decide(
    conn: &Connection,
    version_id: &str,
    track: Track,
    decision: ReviewDecision,
    feedback: Vec<ReviewFeedback>,
) -> Result<VersionResource, HttpError> {
    let (_, mut version) = store::load_version_by_id(conn, version_id)?
        .ok_or_else(|| HttpError::not_found(format!("no version {version_id}")))?;
    let action = match decision {
        ReviewDecision::Approve => Action::Approve,
        ReviewDecision::Reject => Action::Reject,
    };
    version.version.status =
        transition(version.version.status, track, action).map_err(crate::routes::refused)?;
    store::save_version(conn, &version)?;
    unschedule(conn, version_id, track)?;
    let version = store::load_version_by_id(conn, version_id)?
        .ok_or_else(HttpError::internal)?
        .1;
    let mut change = NewChange::version(
        ChangeKind::Reviewed,
        &version.version.app_id,
        version_id,
        Some(version.etag.clone()),
    )
    .track(track);
    change.review = Some(ReviewOutcome {
        track,
        decision,
        feedback,
    });
    store::record(conn, change)?;
    Ok(version)
}

/// Decides every due review; returns the due time of the next one, if any.
fn run_due(db: &Db) -> Option<i64> {
    let now = store::now_ms();
    let due = db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT version_id, track FROM pending_reviews WHERE due_ms <= ?1 ORDER BY due_ms",
        )?;
        let rows = stmt
            .query_map([now], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    });
    for (version_id, track) in due.unwrap_or_default() {
        let track = if track == "technical" {
            Track::Technical
        } else {
            Track::Marketplace
        };
        let result = db.write(|conn| {
            let Some((_, version)) = store::load_version_by_id(conn, &version_id)? else {
                unschedule(conn, &version_id, track)?;
                return Ok(());
            };
            if version.version.status.get(track) != ReviewStatus::InReview {
                unschedule(conn, &version_id, track)?;
                return Ok(());
            }
            let feedback = placeholder_rules(&version.version.content, track);
            let decision = if feedback.is_empty() {
                ReviewDecision::Approve
            } else {
                ReviewDecision::Reject
            };
            decide(conn, &version_id, track, decision, feedback).map(|_| ())
        });
        if let Err(error) = result {
            tracing::error!(?error, %version_id, %track, "automatic review failed; dropping it");
            let _ = db.write(|conn| Ok(unschedule(conn, &version_id, track)?));
        }
    }
    db.read(|conn| {
        Ok(
            conn.query_row("SELECT MIN(due_ms) FROM pending_reviews", [], |r| {
                r.get::<_, Option<i64>>(0)
            })?,
        )
    })
    .ok()
    .flatten()
}

/// Starts the automatic reviewer: decides due reviews (including ones persisted before a
/// restart), then sleeps until the next due time or a new submission.
pub fn spawn(db: Arc<Db>, reviews: Arc<Reviews>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let db2 = db.clone();
            let next = tokio::task::spawn_blocking(move || run_due(&db2))
                .await
                .ok()
                .flatten();
            match next {
                Some(due) => {
                    let wait =
                        Duration::from_millis(due.saturating_sub(store::now_ms()).max(0) as u64);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = reviews.wake.notified() => {}
                    }
                }
                None => reviews.wake.notified().await,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use workbench_domain::{PlanType, SubscriptionPlan, TypedUrl};

    use super::*;

    fn plan(kind: PlanType) -> SubscriptionPlan {
        SubscriptionPlan {
            kind,
            license_type: workbench_domain::LicenseType::Individual,
            name: "p".into(),
            price: 0,
            currency: "USD".into(),
            description: String::new(),
            listing_summary: String::new(),
            min_licenses: 1,
            max_licenses: 2,
            trial_days: None,
        }
    }

    fn complete() -> VersionContent {
        let mut c = VersionContent::default();
        c.general.display_name = "Zeta".into();
        c.general.slug = "zeta".into();
        c.marketplace.listing_summary = "s".into();
        c.marketplace.description = "d".into();
        c.marketplace.categories = vec!["crm".into()];
        c.marketplace.urls = vec![TypedUrl {
            kind: UrlType::PrivacyPolicy,
            url: "https://zeta.example/privacy".into(),
        }];
        c.subscription_types = vec![plan(PlanType::Trial), plan(PlanType::Paid)];
        c
    }

    fn fields(c: &VersionContent, track: Track) -> Vec<String> {
        placeholder_rules(c, track)
            .into_iter()
            .map(|f| f.field)
            .collect()
    }

    #[test]
    fn a_complete_version_passes_both_tracks() {
        assert!(fields(&complete(), Track::Technical).is_empty());
        assert!(fields(&complete(), Track::Marketplace).is_empty());
    }

    #[test]
    fn each_missing_field_is_named() {
        let mut c = complete();
        c.marketplace.urls[0].url = "http://zeta.example/privacy".into();
        c.subscription_types.push(plan(PlanType::Trial));
        assert_eq!(
            fields(&c, Track::Marketplace),
            ["marketplace.urls", "subscription_types"]
        );
        let mut c = complete();
        c.general.slug = " ".into();
        assert_eq!(fields(&c, Track::Technical), ["general.slug"]);
        // Marketplace fields do not decide the technical review.
        assert_eq!(
            fields(&VersionContent::default(), Track::Technical),
            ["general.display_name", "general.slug"]
        );
        assert_eq!(
            fields(&VersionContent::default(), Track::Marketplace).len(),
            7
        );
    }
}
