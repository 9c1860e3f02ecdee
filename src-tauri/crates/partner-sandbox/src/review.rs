//! Reviews of submitted tracks: the review mode, the automatic reviewer (a scheduler over
//! due times persisted in `pending_reviews`, so a restart still decides them) and the one
//! function that applies a decision, shared with the admin route.
//!
//! Publishing on AppConnect is Talkdesk's step too (FAQ §15: "once your marketing content has
//! been approved by Talkdesk, it is published"): a version whose marketplace review is approved
//! and whose technical track is Available is published ([`publish`]: its marketplace track
//! becomes Advertised) after the review delay in auto mode (`pending_publications`), or by
//! `POST /_sandbox/versions/{version_id}/advertisement` in manual mode.
//!
//! The automatic reviewer judges with the rules engine ([`automatic_feedback`]): the pack in
//! force when it decides, the submitted track, the suppressions recorded with the submission.
//! Every error or warning left is one feedback entry naming its rule; none means approved.

use std::sync::Arc;
use std::time::Duration;

use partner_api::{ChangeKind, ReviewDecision, ReviewFeedback, ReviewOutcome, VersionResource};
use rusqlite::{Connection, params};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use workbench_domain::validation::{NotChecked, RulesPack};
use workbench_domain::{Action, ReviewStatus, Track, transition};

use crate::db::Db;
use crate::error::HttpError;
use crate::rules::Rules;
use crate::store::{self, NewChange};

/// How submitted tracks are decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewMode {
    /// After the review delay: approve when the rules engine finds no error or warning left
    /// after the submission's suppressions, else reject with feedback naming each rule and field.
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

    /// Schedules the publication of `version_id` on AppConnect when the mode is Auto and the
    /// version can be published (marketplace Approved, technical Available); call inside the
    /// transaction that made it so, then [`Reviews::wake`] after it commits.
    pub fn schedule_publication(
        &self,
        conn: &Connection,
        version_id: &str,
    ) -> Result<(), HttpError> {
        if self.mode != ReviewMode::Auto {
            return Ok(());
        }
        let Some((_, version)) = store::load_version_by_id(conn, version_id)? else {
            return Ok(());
        };
        if transition(
            version.version.status,
            Track::Marketplace,
            Action::Advertise,
        )
        .is_err()
        {
            return Ok(());
        }
        let due =
            store::now_ms().saturating_add(self.delay.as_millis().min(i64::MAX as u128) as i64);
        conn.execute(
            "INSERT OR REPLACE INTO pending_publications (version_id, due_ms) VALUES (?1, ?2)",
            params![version_id, due],
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

/// What the automatic reviewer holds against `track` of a stored version: the rules engine's
/// errors and warnings for the track with `pack`, after the suppressions recorded with the
/// submission, each naming its rule (none: the track passes); and the rules it could not check.
pub fn automatic_feedback(
    conn: &Connection,
    version_id: &str,
    track: Track,
    pack: &RulesPack,
) -> Result<(Vec<ReviewFeedback>, Vec<NotChecked>), HttpError> {
    let (seq, version) = store::load_version_by_id(conn, version_id)?
        .ok_or_else(|| HttpError::not_found(format!("no version {version_id}")))?;
    let suppressions = crate::rules::recorded_suppressions(conn, version_id, track)?;
    let report = crate::rules::validate_stored(conn, seq, &version, &suppressions, track, pack)?;
    let feedback = report
        .review_findings()
        .map(|d| ReviewFeedback {
            field: d.field.clone(),
            message: d.message.clone(),
            rule: Some(d.rule.clone()),
        })
        .collect();
    Ok((feedback, report.not_checked))
}

/// Applies a reviewer's decision to `track` of `version_id` and records it in the feed; an
/// approved marketplace review of a version whose technical track is Available schedules its
/// publication (auto mode). Refused (409) unless the track is In Review.
pub fn decide(
    conn: &Connection,
    reviews: &Reviews,
    version_id: &str,
    track: Track,
    decision: ReviewDecision,
    feedback: Vec<ReviewFeedback>,
    not_checked: Vec<NotChecked>,
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
        not_checked,
    });
    store::record(conn, change)?;
    if track == Track::Marketplace && decision == ReviewDecision::Approve {
        reviews.schedule_publication(conn, version_id)?;
    }
    Ok(version)
}

/// Talkdesk publishes `version_id` on AppConnect: its marketplace track becomes Advertised,
/// recorded in the feed. Refused (409) unless its marketplace review is approved and its
/// technical track is Available.
pub fn publish(conn: &Connection, version_id: &str) -> Result<VersionResource, HttpError> {
    let (_, mut version) = store::load_version_by_id(conn, version_id)?
        .ok_or_else(|| HttpError::not_found(format!("no version {version_id}")))?;
    version.version.status = transition(
        version.version.status,
        Track::Marketplace,
        Action::Advertise,
    )
    .map_err(crate::routes::refused)?;
    store::save_version(conn, &version)?;
    conn.execute(
        "DELETE FROM pending_publications WHERE version_id = ?1",
        [version_id],
    )?;
    let version = store::load_version_by_id(conn, version_id)?
        .ok_or_else(HttpError::internal)?
        .1;
    store::record(
        conn,
        NewChange::version(
            ChangeKind::Advertised,
            &version.version.app_id,
            version_id,
            Some(version.etag.clone()),
        )
        .track(Track::Marketplace),
    )?;
    Ok(version)
}

/// Decides every due review with the pack in force and publishes every due version; returns
/// the due time of the next one, if any.
fn run_due(db: &Db, reviews: &Reviews, rules: &Rules) -> Option<i64> {
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
            let (feedback, not_checked) =
                automatic_feedback(conn, &version_id, track, &rules.current().pack)?;
            let decision = if feedback.is_empty() {
                ReviewDecision::Approve
            } else {
                ReviewDecision::Reject
            };
            decide(
                conn,
                reviews,
                &version_id,
                track,
                decision,
                feedback,
                not_checked,
            )
            .map(|_| ())
        });
        if let Err(error) = result {
            tracing::error!(?error, %version_id, %track, "automatic review failed; dropping it");
            let _ = db.write(|conn| Ok(unschedule(conn, &version_id, track)?));
        }
    }
    let due = db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT version_id FROM pending_publications WHERE due_ms <= ?1 ORDER BY due_ms",
        )?;
        let rows = stmt
            .query_map([now], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    });
    for version_id in due.unwrap_or_default() {
        let published = db.write(|conn| publish(conn, &version_id).map(|_| ()));
        if let Err(error) = published {
            // Changed meanwhile (withdrawn, deleted): nothing to publish any more.
            tracing::info!(?error, %version_id, "publication dropped");
            let _ = db.write(|conn| {
                conn.execute(
                    "DELETE FROM pending_publications WHERE version_id = ?1",
                    [&version_id],
                )?;
                Ok(())
            });
        }
    }
    db.read(|conn| {
        Ok(conn.query_row(
            "SELECT MIN(due_ms) FROM (SELECT due_ms FROM pending_reviews
                                      UNION ALL SELECT due_ms FROM pending_publications)",
            [],
            |r| r.get::<_, Option<i64>>(0),
        )?)
    })
    .ok()
    .flatten()
}

/// Starts the automatic reviewer: decides due reviews (including ones persisted before a
/// restart), then sleeps until the next due time or a new submission.
pub fn spawn(db: Arc<Db>, reviews: Arc<Reviews>, rules: Arc<Rules>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let (db2, reviews2, rules2) = (db.clone(), reviews.clone(), rules.clone());
            let next = tokio::task::spawn_blocking(move || run_due(&db2, &reviews2, &rules2))
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
