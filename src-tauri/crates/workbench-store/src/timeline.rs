//! The `timeline` table (a version's review history as the change feed told it) and the
//! `notification_prefs` table (which review outcomes and requests the partner wants to hear
//! about).
//! Timeline events are written only by `sync::apply_changes`, inside the transaction that also
//! moves the feed cursor, so an event and the cursor past it land together or not at all.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use workbench_domain::Track;

use crate::StoreError;

/// What happened to a version in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Submitted,
    Withdrawn,
    Reviewed,
    MadeAvailable,
    Advertised,
}

impl TimelineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::Submitted => "submitted",
            TimelineKind::Withdrawn => "withdrawn",
            TimelineKind::Reviewed => "reviewed",
            TimelineKind::MadeAvailable => "made_available",
            TimelineKind::Advertised => "advertised",
        }
    }

    fn parse(text: &str) -> Option<TimelineKind> {
        [
            TimelineKind::Submitted,
            TimelineKind::Withdrawn,
            TimelineKind::Reviewed,
            TimelineKind::MadeAvailable,
            TimelineKind::Advertised,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A review's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    Rejected,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "approved" => Some(Verdict::Approved),
            "rejected" => Some(Verdict::Rejected),
            _ => None,
        }
    }

    pub const ALL: [Verdict; 2] = [Verdict::Approved, Verdict::Rejected];
}

/// What a desktop notification can be about, each with the partner's own switch: a review
/// approved (or a version published on AppConnect), a review rejected, a customer's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Approved,
    Rejected,
    Requests,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 3] = [
        NotificationKind::Approved,
        NotificationKind::Rejected,
        NotificationKind::Requests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Approved => "approved",
            NotificationKind::Rejected => "rejected",
            NotificationKind::Requests => "requests",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

impl From<Verdict> for NotificationKind {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approved => NotificationKind::Approved,
            Verdict::Rejected => NotificationKind::Rejected,
        }
    }
}

/// One remark of a reviewer: the field's path, what is wrong, and the rule behind it if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackEntry {
    pub field: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// One event of a version's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// The change's position in the feed: the event's identity.
    pub cursor: String,
    pub version_id: String,
    pub app_id: String,
    pub kind: TimelineKind,
    /// RFC 3339, when the server did it.
    pub at: Option<String>,
    pub track: Option<Track>,
    /// Set for `Reviewed`.
    pub decision: Option<Verdict>,
    pub feedback: Vec<FeedbackEntry>,
}

/// Records `event` unless an event with its cursor is already there; answers whether it was new.
pub(crate) fn record(tx: &Transaction<'_>, event: &TimelineEvent) -> Result<bool, StoreError> {
    let feedback =
        serde_json::to_string(&event.feedback).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let inserted = tx.execute(
        "INSERT INTO timeline (cursor, version_id, app_id, kind, at, track, decision, feedback)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (cursor) DO NOTHING",
        params![
            event.cursor,
            event.version_id,
            event.app_id,
            event.kind.as_str(),
            event.at,
            event.track.map(Track::as_str),
            event.decision.map(Verdict::as_str),
            feedback,
        ],
    )?;
    Ok(inserted == 1)
}

/// Who announces review outcomes; each has its own mark on the timeline, so every one of them
/// announces each outcome once, whichever process's sync recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Announcer {
    /// The desktop app's notifications (or its banner when none can be shown).
    Desktop,
    /// `pwb status --watch`.
    Watch,
}

impl Announcer {
    pub(crate) fn column(self) -> &'static str {
        match self {
            Announcer::Desktop => "notified_at",
            Announcer::Watch => "watched_at",
        }
    }
}

const COLUMNS: &str = "cursor, version_id, app_id, kind, at, track, decision, feedback";

/// A version's events, oldest first (in feed order).
pub(crate) fn for_version(
    conn: &Connection,
    version_id: &str,
) -> Result<Vec<TimelineEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM timeline WHERE version_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([version_id], read_row)?;
    rows.map(|row| parse_row(row?)).collect()
}

/// The review outcomes and publications on AppConnect `announcer` has not announced yet,
/// oldest first, marked as announced at
/// `at` in the same transaction: two processes of one announcer never both take an outcome.
pub(crate) fn take_unannounced(
    conn: &mut Connection,
    announcer: Announcer,
    at: &str,
) -> Result<Vec<TimelineEvent>, StoreError> {
    let column = announcer.column();
    let tx = crate::sync::immediate(conn)?;
    let events = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM timeline
             WHERE kind IN ('reviewed', 'advertised') AND {column} IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([], read_row)?;
        rows.map(|row| parse_row(row?))
            .collect::<Result<Vec<_>, _>>()?
    };
    tx.execute(
        &format!(
            "UPDATE timeline SET {column} = ?1
             WHERE kind IN ('reviewed', 'advertised') AND {column} IS NULL"
        ),
        [at],
    )?;
    tx.commit()?;
    Ok(events)
}

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
    ))
}

fn parse_row(row: Row) -> Result<TimelineEvent, StoreError> {
    let (cursor, version_id, app_id, kind, at, track, decision, feedback) = row;
    let kind = TimelineKind::parse(&kind)
        .ok_or_else(|| StoreError::corrupt(format!("unknown timeline kind {kind}")))?;
    let track = match track.as_deref() {
        None => None,
        Some("technical") => Some(Track::Technical),
        Some("marketplace") => Some(Track::Marketplace),
        Some(other) => return Err(StoreError::corrupt(format!("unknown track {other}"))),
    };
    let decision = match decision.as_deref() {
        None => None,
        Some(text) => Some(
            Verdict::parse(text)
                .ok_or_else(|| StoreError::corrupt(format!("unknown decision {text}")))?,
        ),
    };
    let feedback = serde_json::from_str(&feedback)
        .map_err(|e| StoreError::corrupt(format!("timeline feedback: {e}")))?;
    Ok(TimelineEvent {
        cursor,
        version_id,
        app_id,
        kind,
        at,
        track,
        decision,
        feedback,
    })
}

/// Whether a desktop notification is wanted for `kind` (on unless turned off).
pub(crate) fn notifies(conn: &Connection, kind: NotificationKind) -> Result<bool, StoreError> {
    let enabled: Option<i64> = conn
        .query_row(
            "SELECT enabled FROM notification_prefs WHERE kind = ?1",
            [kind.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(enabled.is_none_or(|e| e != 0))
}

pub(crate) fn set_notifies(
    conn: &Connection,
    kind: NotificationKind,
    on: bool,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO notification_prefs (kind, enabled) VALUES (?1, ?2)
         ON CONFLICT (kind) DO UPDATE SET enabled = excluded.enabled",
        params![kind.as_str(), on],
    )?;
    Ok(())
}
