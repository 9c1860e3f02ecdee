//! Review outcomes as the window sees them: a version's timeline, the outcomes a sync brought
//! (for the banner shown when desktop notifications cannot be), the version to open with the
//! fields named in the feedback, and which kinds of outcome are notified.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench::{
    FeedbackEntry, NotificationKind as CoreNotificationKind, NotificationPrefs as CorePrefs,
    RequestNotice, ReviewOutcome, Timeline, TimelineEntry, TimelineKind as CoreKind, Verdict,
};

use super::Track;

/// A review's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
}

impl From<Verdict> for Decision {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approved => Decision::Approved,
            Verdict::Rejected => Decision::Rejected,
        }
    }
}

impl From<Decision> for Verdict {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Approved => Verdict::Approved,
            Decision::Rejected => Verdict::Rejected,
        }
    }
}

/// One remark of a reviewer: the field's path (a form field's name), what is wrong, the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Feedback {
    pub field: String,
    pub message: String,
    pub rule: Option<String>,
}

impl From<FeedbackEntry> for Feedback {
    fn from(entry: FeedbackEntry) -> Self {
        let FeedbackEntry {
            field,
            message,
            rule,
        } = entry;
        Feedback {
            field,
            message,
            rule,
        }
    }
}

fn feedback(entries: Vec<FeedbackEntry>) -> Vec<Feedback> {
    entries.into_iter().map(Feedback::from).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Submitted,
    Withdrawn,
    Reviewed,
    MadeAvailable,
    Advertised,
}

impl From<CoreKind> for TimelineKind {
    fn from(kind: CoreKind) -> Self {
        match kind {
            CoreKind::Submitted => TimelineKind::Submitted,
            CoreKind::Withdrawn => TimelineKind::Withdrawn,
            CoreKind::Reviewed => TimelineKind::Reviewed,
            CoreKind::MadeAvailable => TimelineKind::MadeAvailable,
            CoreKind::Advertised => TimelineKind::Advertised,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TimelineEvent {
    pub kind: TimelineKind,
    /// RFC 3339, when the server did it.
    pub at: Option<String>,
    pub track: Option<Track>,
    pub decision: Option<Decision>,
    pub feedback: Vec<Feedback>,
}

/// A version's review timeline, oldest first, and when the server was last checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TimelineView {
    pub version_id: String,
    pub events: Vec<TimelineEvent>,
    pub last_checked_at: Option<String>,
}

impl From<Timeline> for TimelineView {
    fn from(timeline: Timeline) -> Self {
        let Timeline {
            version_id,
            events,
            last_checked_at,
        } = timeline;
        TimelineView {
            version_id,
            events: events
                .into_iter()
                .map(|event| {
                    let TimelineEntry {
                        kind,
                        at,
                        track,
                        decision,
                        feedback: entries,
                    } = event;
                    TimelineEvent {
                        kind: kind.into(),
                        at,
                        track,
                        decision: decision.map(Decision::from),
                        feedback: feedback(entries),
                    }
                })
                .collect(),
            last_checked_at,
        }
    }
}

/// A review decision a sync brought, with the notification's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OutcomeView {
    pub app_id: String,
    pub app_name: String,
    pub version_id: String,
    pub version_number: String,
    pub track: Track,
    pub decision: Decision,
    pub feedback: Vec<Feedback>,
    pub at: Option<String>,
    /// "Acme CRM 1.3: technical review rejected, 2 issues"
    pub summary: String,
    /// One line per feedback entry: "field: message".
    pub body: String,
    /// Talkdesk published the version on AppConnect (not a review decision).
    pub published: bool,
}

impl From<ReviewOutcome> for OutcomeView {
    fn from(outcome: ReviewOutcome) -> Self {
        let text = outcome.notification();
        let ReviewOutcome {
            app_id,
            app_name,
            version_id,
            version_number,
            track,
            decision,
            feedback: entries,
            at,
            published,
        } = outcome;
        OutcomeView {
            app_id,
            app_name,
            version_id,
            version_number,
            track,
            decision: decision.into(),
            feedback: feedback(entries),
            at,
            summary: text.summary,
            body: text.body,
            published,
        }
    }
}

/// The `notifications-unavailable` event: the desktop could not show these outcomes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NotificationsUnavailable {
    pub reason: String,
    pub outcomes: Vec<OutcomeView>,
}

/// The `open-outcome` event: the partner chose a notification; open this version with the
/// fields named in the feedback marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OpenOutcome {
    pub app_id: String,
    pub version_id: String,
    pub summary: String,
    pub feedback: Vec<Feedback>,
}

impl From<&OutcomeView> for OpenOutcome {
    fn from(outcome: &OutcomeView) -> Self {
        OpenOutcome {
            app_id: outcome.app_id.clone(),
            version_id: outcome.version_id.clone(),
            summary: outcome.summary.clone(),
            feedback: outcome.feedback.clone(),
        }
    }
}

/// The `open-installation` event: the partner chose the notification of a customer's request;
/// open the app's installations with this one shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OpenInstallation {
    pub app_id: String,
    pub installation_id: String,
    pub summary: String,
}

impl From<&RequestNotice> for OpenInstallation {
    fn from(notice: &RequestNotice) -> Self {
        OpenInstallation {
            app_id: notice.app_id.clone(),
            installation_id: notice.installation_id.clone(),
            summary: notice.notification().summary,
        }
    }
}

/// A kind of desktop notification, each with its switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Approved,
    Rejected,
    /// A customer's installation or update waits for the partner.
    Requests,
}

impl From<NotificationKind> for CoreNotificationKind {
    fn from(kind: NotificationKind) -> Self {
        match kind {
            NotificationKind::Approved => CoreNotificationKind::Approved,
            NotificationKind::Rejected => CoreNotificationKind::Rejected,
            NotificationKind::Requests => CoreNotificationKind::Requests,
        }
    }
}

/// Whether each kind gets a desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct NotificationPrefs {
    pub approved: bool,
    pub rejected: bool,
    pub requests: bool,
}

impl From<CorePrefs> for NotificationPrefs {
    fn from(prefs: CorePrefs) -> Self {
        let CorePrefs {
            approved,
            rejected,
            requests,
        } = prefs;
        NotificationPrefs {
            approved,
            rejected,
            requests,
        }
    }
}
