//! The editor's writing side: what saving answers ([`Saved`]), which parts are locked and why
//! ([`PartLock`]), the review actions the tracks allow ([`ReviewActionView`]), a version's queued
//! changes and open conflicts ([`LocalState`]), how the partner settles a conflict
//! ([`ConflictChoice`]), and the submit panel's check ([`SubmitCheck`]).
//!
//! Conflict values travel as text, never as JSON numbers: a price is a 64-bit integer, which the
//! window's JavaScript would round. A value that is a string on both sides is shown and edited as
//! the text itself; any other value as pretty-printed JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use workbench::{
    Allowed, EditOutcome, LocalChanges, Operation, OutboxEntry, ReviewAction, StoredConflict,
};
use workbench_domain::ContentPart;
use workbench_domain::merge::FieldConflict;

use super::{CommandError, ErrorCode, VersionForm};

/// A review track: the domain's own, its TypeScript declared from it.
pub use workbench_domain::Track;

/// A part of a version's content, as far as editing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    General,
    Technical,
    Marketplace,
    SubscriptionPlans,
    Icon,
}

impl From<ContentPart> for Part {
    fn from(part: ContentPart) -> Part {
        match part {
            ContentPart::General => Part::General,
            ContentPart::Technical => Part::Technical,
            ContentPart::Marketplace => Part::Marketplace,
            ContentPart::SubscriptionPlans => Part::SubscriptionPlans,
            ContentPart::Icon => Part::Icon,
        }
    }
}

/// Whether a part can be edited now; when not, why and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PartLock {
    pub part: Part,
    /// `None`: editable.
    pub locked_because: Option<String>,
}

impl PartLock {
    pub fn list(parts: Vec<(ContentPart, Option<String>)>) -> Vec<PartLock> {
        parts
            .into_iter()
            .map(|(part, why)| PartLock {
                part: part.into(),
                locked_because: why,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Submit,
    Withdraw,
    MakeAvailable,
}

/// A review action of the partner on one track, and why the track refuses it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewActionView {
    pub action: ActionKind,
    pub track: Track,
    /// `None`: allowed now.
    pub refused_because: Option<String>,
}

impl ReviewActionView {
    pub fn list(actions: Vec<(ReviewAction, Allowed)>) -> Vec<ReviewActionView> {
        actions
            .into_iter()
            .map(|(action, allowed)| {
                let (action, track) = split_action(action);
                ReviewActionView {
                    action,
                    track,
                    refused_because: allowed.err(),
                }
            })
            .collect()
    }
}

fn split_action(action: ReviewAction) -> (ActionKind, Track) {
    match action {
        ReviewAction::Submit(track) => (ActionKind::Submit, track),
        ReviewAction::Withdraw(track) => (ActionKind::Withdraw, track),
        ReviewAction::MakeAvailable => (ActionKind::MakeAvailable, Track::Technical),
    }
}

/// The facade's action for `kind` on `track`; make available is technical only.
pub fn review_action(kind: ActionKind, track: Track) -> Result<ReviewAction, CommandError> {
    let wrong = |what: &str, only: &str| CommandError {
        code: ErrorCode::InvalidInput,
        message: format!("{what} applies to the {only} review only"),
    };
    Ok(match (kind, track) {
        (ActionKind::Submit, track) => ReviewAction::Submit(track),
        (ActionKind::Withdraw, track) => ReviewAction::Withdraw(track),
        (ActionKind::MakeAvailable, Track::Technical) => ReviewAction::MakeAvailable,
        (ActionKind::MakeAvailable, Track::Marketplace) => {
            return Err(wrong("making a version available", "technical"));
        }
    })
}

/// What saving the editor's draft did: answered only once the edit is committed to the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Saved {
    /// `false`: the cache had this content already; nothing was queued.
    pub changed: bool,
    pub fields: Vec<String>,
    /// Changes waiting to be sent, of every version.
    pub pending: u32,
    /// The version's content in the cache now: the draft, with whatever a sync merged in since
    /// the editor read it.
    pub content: VersionForm,
}

impl Saved {
    pub fn new(outcome: EditOutcome, content: VersionForm) -> Saved {
        let EditOutcome {
            changed,
            fields,
            pending,
        } = outcome;
        Saved {
            changed,
            fields,
            pending: clamp(pending),
            content,
        }
    }
}

pub fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Content edits (coalesced into one write).
    Edit,
    Icon,
    Submit,
    Withdraw,
    MakeAvailable,
    /// An app registered here, not yet on the server.
    CreateApp,
    /// A version started here, not yet on the server.
    CreateVersion,
    /// A version deleted here, not yet on the server.
    DeleteVersion,
    /// The app's own fields changed here, not yet on the server.
    EditApp,
}

impl From<Operation> for ChangeKind {
    fn from(operation: Operation) -> ChangeKind {
        match operation {
            Operation::Edit => ChangeKind::Edit,
            Operation::Icon => ChangeKind::Icon,
            Operation::Submit => ChangeKind::Submit,
            Operation::Withdraw => ChangeKind::Withdraw,
            Operation::MakeAvailable => ChangeKind::MakeAvailable,
            Operation::CreateApp => ChangeKind::CreateApp,
            Operation::CreateVersion => ChangeKind::CreateVersion,
            Operation::DeleteVersion => ChangeKind::DeleteVersion,
            Operation::EditApp => ChangeKind::EditApp,
        }
    }
}

/// One change of a version waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QueuedChange {
    /// The outbox entry's id, as text (it is a 64-bit integer).
    pub id: String,
    pub kind: ChangeKind,
    /// The track of a submission or withdrawal.
    pub track: Option<Track>,
    /// An edit's summary (`set general.display_name`, `edit`).
    pub summary: Option<String>,
    pub created_at: String,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Refused by the server for a reason a retry cannot fix: waits for Retry or Discard.
    pub held: bool,
    /// The open conflicts (their fields, like `marketplace.listing_summary`) this change waits
    /// on: it is sent once they are settled. Empty: it goes at the next sync (a conflict holds
    /// back only the changes of its section, the icon only the icon's, and review actions all).
    pub waits_on: Vec<String>,
}

impl QueuedChange {
    /// The change an outbox entry is, with what it waits on among its version's `conflicts`.
    pub fn of(entry: OutboxEntry, conflicts: &[StoredConflict]) -> QueuedChange {
        let waits_on = entry.waits_on(conflicts);
        // The idempotency key is the sync's business; the version is the caller's.
        let OutboxEntry {
            id,
            version_id: _,
            operation,
            payload,
            idempotency_key: _,
            created_at,
            attempts,
            last_error,
            held,
        } = entry;
        let track = payload
            .get("track")
            .cloned()
            .and_then(|t| serde_json::from_value::<Track>(t).ok());
        let summary = payload
            .get("summary")
            .and_then(Value::as_str)
            .map(str::to_owned);
        QueuedChange {
            id: id.to_string(),
            kind: operation.into(),
            track,
            summary,
            created_at,
            attempts,
            last_error,
            held,
            waits_on,
        }
    }
}

/// How a conflict's values are shown and edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueForm {
    /// Each value is the text itself (a string field).
    Text,
    /// Each value is pretty-printed JSON (`null`: absent on that side).
    Json,
}

/// A field both the partner and the server changed differently since the last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConflictView {
    /// The field's path, like `general.display_name` or `subscription_types[Pro].price`.
    pub field: String,
    pub form: ValueForm,
    pub base: String,
    pub mine: String,
    pub theirs: String,
    pub detected_at: String,
}

impl From<StoredConflict> for ConflictView {
    fn from(stored: StoredConflict) -> ConflictView {
        let StoredConflict {
            version_id: _,
            conflict,
            detected_at,
        } = stored;
        let FieldConflict {
            field,
            base,
            mine,
            theirs,
        } = conflict;
        let form = value_form(&[&base, &mine, &theirs]);
        ConflictView {
            field,
            form,
            base: show(&base, form),
            mine: show(&mine, form),
            theirs: show(&theirs, form),
            detected_at,
        }
    }
}

/// Text when every value present is a string (a value absent on one side is `null`).
fn value_form(values: &[&Value]) -> ValueForm {
    let strings = values.iter().filter(|v| v.is_string()).count();
    if strings > 0 && values.iter().all(|v| v.is_string() || v.is_null()) {
        ValueForm::Text
    } else {
        ValueForm::Json
    }
}

fn show(value: &Value, form: ValueForm) -> String {
    match (form, value) {
        (ValueForm::Text, Value::String(text)) => text.clone(),
        (ValueForm::Text, _) => String::new(),
        (ValueForm::Json, value) => {
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
        }
    }
}

/// A version's queued changes and open conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalState {
    pub conflicts: Vec<ConflictView>,
    pub queued: Vec<QueuedChange>,
}

impl From<LocalChanges> for LocalState {
    fn from(changes: LocalChanges) -> LocalState {
        let LocalChanges { entries, conflicts } = changes;
        LocalState {
            queued: entries
                .into_iter()
                .map(|entry| QueuedChange::of(entry, &conflicts))
                .collect(),
            conflicts: conflicts.into_iter().map(ConflictView::from).collect(),
        }
    }
}

/// How the partner settles a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictChoice {
    KeepMine,
    TakeTheirs,
    /// A value of the partner's own: text for a text field, JSON otherwise (see [`ValueForm`]).
    Value {
        text: String,
    },
}

impl ConflictChoice {
    /// The JSON value this choice settles `conflict` with.
    pub fn value(self, conflict: FieldConflict) -> Result<Value, CommandError> {
        let form = value_form(&[&conflict.base, &conflict.mine, &conflict.theirs]);
        match self {
            ConflictChoice::KeepMine => Ok(conflict.mine),
            ConflictChoice::TakeTheirs => Ok(conflict.theirs),
            ConflictChoice::Value { text } if form == ValueForm::Text => Ok(Value::String(text)),
            ConflictChoice::Value { text } => {
                serde_json::from_str(&text).map_err(|e| CommandError {
                    code: ErrorCode::InvalidInput,
                    message: format!(
                        "the value for {} is not JSON ({e}); edit the JSON shown for mine or theirs",
                        conflict.field
                    ),
                })
            }
        }
    }
}

/// Exactly what a submission sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubmissionPreview {
    /// The content as pretty-printed JSON.
    pub json: String,
    /// SHA-256 of `json`, in hex.
    pub sha256: String,
    pub icon_sha256: Option<String>,
}

/// The submit panel's check of one track: the errors that stop a submission, or what it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubmitCheck {
    pub track: Track,
    /// The rules' errors left (`field (rule): message`): none, or it cannot be submitted.
    pub problems: Vec<String>,
    /// What would be submitted; `None` while problems remain.
    pub preview: Option<SubmissionPreview>,
}

impl SubmitCheck {
    pub fn ready(preview: workbench::SubmissionPreview) -> SubmitCheck {
        let workbench::SubmissionPreview {
            version_id: _,
            track,
            json,
            sha256,
            icon_sha256,
        } = preview;
        SubmitCheck {
            track,
            problems: Vec::new(),
            preview: Some(SubmissionPreview {
                json,
                sha256,
                icon_sha256,
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    Sending,
    Receiving,
}

/// How far the running sync has come: `done` of `total` versions sent, then changes received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SyncProgress {
    pub stage: SyncStage,
    pub done: u32,
    pub total: u32,
}

impl From<workbench::PullProgress> for SyncProgress {
    fn from(progress: workbench::PullProgress) -> SyncProgress {
        let workbench::PullProgress { stage, done, total } = progress;
        SyncProgress {
            stage: match stage {
                workbench::SyncStage::Sending => SyncStage::Sending,
                workbench::SyncStage::Receiving => SyncStage::Receiving,
            },
            done: u32::try_from(done).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests;
