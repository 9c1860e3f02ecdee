//! Review outcomes: what the change feed said about each version in review (its timeline), the
//! outcomes a sync brought, review decisions and publications on AppConnect (for notifications
//! and `pwb status --watch`), the text of a
//! notification (one function, so the desktop and the CLI say the same), and which kinds of
//! outcome the partner wants to hear about.

use serde::Serialize;
use workbench_domain::Track;
use workbench_domain::installation::Waiting;
use workbench_store::{TimelineEvent, TimelineKind};

pub use workbench_store::{Announcer, FeedbackEntry, NotificationKind, Verdict};

use crate::{Workbench, WorkbenchError};

/// A review decision that arrived in a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewOutcome {
    pub app_id: String,
    /// The app's display name (its id when the cache does not hold the app).
    pub app_name: String,
    pub version_id: String,
    /// The version's number (its id when the cache does not hold the version).
    pub version_number: String,
    pub track: Track,
    pub decision: Verdict,
    pub feedback: Vec<FeedbackEntry>,
    /// RFC 3339, when the server decided.
    pub at: Option<String>,
    /// Talkdesk published the version on AppConnect (FAQ §15), after its marketplace review was
    /// approved: `track` is the marketplace, `decision` Approved, so the partner's switch for
    /// approvals covers it.
    pub published: bool,
}

/// What a notification of an outcome says: a one-line summary and a body listing the feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationText {
    pub summary: String,
    pub body: String,
}

impl ReviewOutcome {
    /// "Acme CRM 1.3: technical review rejected, 2 issues", with a body of one line per feedback
    /// entry ("field: message"). Partner- and reviewer-written text is passed through as text;
    /// whoever shows it must not interpret it as markup.
    pub fn notification(&self) -> NotificationText {
        if self.published {
            return NotificationText {
                summary: format!(
                    "{} {}: published on AppConnect",
                    self.app_name, self.version_number
                ),
                body: String::new(),
            };
        }
        let summary = format!(
            "{} {}: {} {}",
            self.app_name,
            self.version_number,
            self.track.as_str(),
            review_words(self.decision, self.feedback.len())
        );
        let body = self
            .feedback
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("\n");
        NotificationText { summary, body }
    }
}

/// "review rejected, 2 issues", "review rejected, 1 issue", "review approved": how a review's
/// verdict and the number of feedback entries read, in a notification and in `pwb timeline`.
pub fn review_words(decision: Verdict, issues: usize) -> String {
    match issues {
        0 => format!("review {}", decision.as_str()),
        1 => format!("review {}, 1 issue", decision.as_str()),
        n => format!("review {}, {n} issues", decision.as_str()),
    }
}

/// A version's review timeline and when the feed was last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub version_id: String,
    pub events: Vec<TimelineEntry>,
    /// RFC 3339, when the server was last checked successfully (the last complete sync).
    pub last_checked_at: Option<String>,
}

/// One event of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub kind: TimelineKind,
    pub at: Option<String>,
    pub track: Option<Track>,
    pub decision: Option<Verdict>,
    pub feedback: Vec<FeedbackEntry>,
}

impl From<TimelineEvent> for TimelineEntry {
    fn from(event: TimelineEvent) -> Self {
        let TimelineEvent {
            cursor: _,
            version_id: _,
            app_id: _,
            kind,
            at,
            track,
            decision,
            feedback,
        } = event;
        TimelineEntry {
            kind,
            at,
            track,
            decision,
            feedback,
        }
    }
}

/// A customer's installation or update that waits for the partner (FAQ §16), named from the
/// cache, as the change feed announced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestNotice {
    pub app_id: String,
    /// The app's display name (its id when the cache does not hold the app).
    pub app_name: String,
    pub installation_id: String,
    pub version_id: String,
    /// The version's number (its id when the cache does not hold the version).
    pub version_number: String,
    pub account_name: String,
    pub waiting: Waiting,
    /// RFC 3339, when the customer asked.
    pub at: Option<String>,
}

impl RequestNotice {
    /// "Globex Corp is waiting for you to confirm Acme CRM Connector 2.0.0", or "... to accept
    /// or reject an update of ...". The account name is the customer's text: whoever shows it
    /// must not interpret it as markup.
    pub fn notification(&self) -> NotificationText {
        let what = match self.waiting {
            Waiting::Installation => "confirm",
            Waiting::Update => "accept or reject an update of",
        };
        NotificationText {
            summary: format!(
                "{} is waiting for you to {what} {} {}",
                self.account_name, self.app_name, self.version_number
            ),
            body: match self.waiting {
                Waiting::Installation => "A new installation waits for your confirmation.",
                Waiting::Update => "A change to the installation waits for your answer.",
            }
            .to_owned(),
        }
    }
}

/// Whether each kind of notification is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NotificationPrefs {
    pub approved: bool,
    pub rejected: bool,
    /// Customers' installations and updates waiting for the partner.
    pub requests: bool,
}

impl NotificationPrefs {
    /// Every kind on: what the desktop falls back to when the settings cannot be read.
    pub const ALL_ON: NotificationPrefs = NotificationPrefs {
        approved: true,
        rejected: true,
        requests: true,
    };

    pub fn wants(&self, kind: NotificationKind) -> bool {
        match kind {
            NotificationKind::Approved => self.approved,
            NotificationKind::Rejected => self.rejected,
            NotificationKind::Requests => self.requests,
        }
    }
}

/// Reads a notification kind as the partner types it (`approved`, `rejected`, `requests`).
pub fn parse_notification_kind(text: &str) -> Result<NotificationKind, WorkbenchError> {
    NotificationKind::parse(text.trim()).ok_or_else(|| {
        WorkbenchError::InvalidInput(format!(
            "no notification kind {text:?}: the kinds are approved, rejected and requests"
        ))
    })
}

impl Workbench {
    /// The cached version's review timeline, oldest first, with when the server was last checked.
    /// `UnknownVersion` when the cache has no such version.
    pub fn timeline(&self, version_id: &str) -> Result<Timeline, WorkbenchError> {
        let store = self.store();
        if store.version(version_id)?.is_none() {
            return Err(WorkbenchError::UnknownVersion(version_id.to_owned()));
        }
        let events = store.timeline(version_id)?;
        Ok(Timeline {
            version_id: version_id.to_owned(),
            events: events.into_iter().map(TimelineEntry::from).collect(),
            last_checked_at: store.sync_state()?.last_synced_at,
        })
    }

    pub fn notification_prefs(&self) -> Result<NotificationPrefs, WorkbenchError> {
        let store = self.store();
        Ok(NotificationPrefs {
            approved: store.notifies(NotificationKind::Approved)?,
            rejected: store.notifies(NotificationKind::Rejected)?,
            requests: store.notifies(NotificationKind::Requests)?,
        })
    }

    /// Turns notifications of `kind` on or off; answers the preferences now in force.
    pub fn set_notification(
        &self,
        kind: NotificationKind,
        on: bool,
    ) -> Result<NotificationPrefs, WorkbenchError> {
        self.store().set_notifies(kind, on)?;
        self.notification_prefs()
    }

    /// The review outcomes `announcer` has not announced yet, oldest first, whichever process's
    /// sync recorded them (the desktop app's, a `pwb sync`, another `pwb status --watch`),
    /// named from the cache. They are marked announced as they are taken: the caller announces
    /// each once (the desktop takes those of a kind turned off too, so turning it back on does
    /// not replay them).
    pub fn take_outcomes(
        &self,
        announcer: Announcer,
        now: time::OffsetDateTime,
    ) -> Result<Vec<ReviewOutcome>, WorkbenchError> {
        let events = self
            .store()
            .take_unannounced(announcer, &crate::pull::rfc3339(now))?;
        self.outcomes_of(&events)
    }

    /// The customers' requests `announcer` has not announced yet, oldest first, whichever
    /// process's sync recorded them, named from the cache; marked announced as they are taken
    /// (as [`Workbench::take_outcomes`]).
    pub fn take_requests(
        &self,
        announcer: Announcer,
        now: time::OffsetDateTime,
    ) -> Result<Vec<RequestNotice>, WorkbenchError> {
        let requests = self
            .store()
            .take_unannounced_requests(announcer, &crate::pull::rfc3339(now))?;
        let listing = self.store().list_apps()?;
        let mut notices = Vec::with_capacity(requests.len());
        for request in requests {
            let app = listing.iter().find(|l| l.app.id == request.app_id);
            let version_number = app
                .and_then(|a| a.versions.iter().find(|v| v.id == request.version_id))
                .map(|v| v.version_number.clone())
                .unwrap_or_else(|| request.version_id.clone());
            notices.push(RequestNotice {
                app_name: app
                    .map(|a| a.app.display_name.clone())
                    .unwrap_or_else(|| request.app_id.clone()),
                app_id: request.app_id,
                installation_id: request.installation_id,
                version_id: request.version_id,
                version_number,
                account_name: request.account_name,
                waiting: request.waiting,
                at: request.at,
            });
        }
        Ok(notices)
    }

    /// The outcomes among newly recorded timeline events, named from the cache.
    pub(crate) fn outcomes_of(
        &self,
        events: &[TimelineEvent],
    ) -> Result<Vec<ReviewOutcome>, WorkbenchError> {
        let mut outcomes = Vec::new();
        let listing = self.store().list_apps()?;
        for event in events {
            let (track, decision, published) = match (event.kind, event.track, event.decision) {
                (TimelineKind::Reviewed, Some(track), Some(decision)) => (track, decision, false),
                (TimelineKind::Advertised, _, _) => (Track::Marketplace, Verdict::Approved, true),
                _ => continue,
            };
            let app = listing.iter().find(|l| l.app.id == event.app_id);
            let version_number = self
                .store()
                .version(&event.version_id)?
                .map(|c| c.version.version_number)
                .unwrap_or_else(|| event.version_id.clone());
            outcomes.push(ReviewOutcome {
                app_id: event.app_id.clone(),
                app_name: app
                    .map(|a| a.app.display_name.clone())
                    .unwrap_or_else(|| event.app_id.clone()),
                version_id: event.version_id.clone(),
                version_number,
                track,
                decision,
                feedback: event.feedback.clone(),
                at: event.at.clone(),
                published,
            });
        }
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(decision: Verdict, feedback: usize) -> ReviewOutcome {
        ReviewOutcome {
            app_id: "a".into(),
            app_name: "Acme CRM".into(),
            version_id: "v".into(),
            version_number: "1.3".into(),
            track: Track::Technical,
            decision,
            feedback: (0..feedback)
                .map(|i| FeedbackEntry {
                    field: format!("general.field_{i}"),
                    message: format!("problem {i}"),
                    rule: None,
                })
                .collect(),
            at: None,
            published: false,
        }
    }

    #[test]
    fn a_publication_on_appconnect_is_announced_as_such() {
        let published = ReviewOutcome {
            track: Track::Marketplace,
            published: true,
            ..outcome(Verdict::Approved, 0)
        };
        let text = published.notification();
        assert_eq!(text.summary, "Acme CRM 1.3: published on AppConnect");
        assert_eq!(text.body, "");
    }

    #[test]
    fn the_notification_names_the_app_version_track_decision_and_issues() {
        let text = outcome(Verdict::Rejected, 2).notification();
        assert_eq!(
            text.summary,
            "Acme CRM 1.3: technical review rejected, 2 issues"
        );
        assert_eq!(
            text.body,
            "general.field_0: problem 0\ngeneral.field_1: problem 1"
        );
        assert_eq!(
            outcome(Verdict::Rejected, 1).notification().summary,
            "Acme CRM 1.3: technical review rejected, 1 issue"
        );
        let approved = outcome(Verdict::Approved, 0).notification();
        assert_eq!(approved.summary, "Acme CRM 1.3: technical review approved");
        assert_eq!(approved.body, "");
    }

    #[test]
    fn review_words_count_the_issues() {
        assert_eq!(review_words(Verdict::Approved, 0), "review approved");
        assert_eq!(
            review_words(Verdict::Rejected, 1),
            "review rejected, 1 issue"
        );
        assert_eq!(
            review_words(Verdict::Rejected, 3),
            "review rejected, 3 issues"
        );
    }

    #[test]
    fn kinds_are_read_as_typed_and_others_refused() {
        for kind in NotificationKind::ALL {
            assert_eq!(parse_notification_kind(kind.as_str()).unwrap(), kind);
        }
        let error = parse_notification_kind("everything").unwrap_err();
        assert!(
            matches!(error, WorkbenchError::InvalidInput(_)),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("approved, rejected and requests")
        );
    }

    #[test]
    fn a_request_says_who_waits_for_what() {
        let mut notice = RequestNotice {
            app_id: "a".into(),
            app_name: "Acme CRM Connector".into(),
            installation_id: "i".into(),
            version_id: "v".into(),
            version_number: "2.0.0".into(),
            account_name: "Globex Corp".into(),
            waiting: Waiting::Installation,
            at: None,
        };
        assert_eq!(
            notice.notification().summary,
            "Globex Corp is waiting for you to confirm Acme CRM Connector 2.0.0"
        );
        notice.waiting = Waiting::Update;
        assert_eq!(
            notice.notification().summary,
            "Globex Corp is waiting for you to accept or reject an update of Acme CRM \
             Connector 2.0.0"
        );
    }
}
