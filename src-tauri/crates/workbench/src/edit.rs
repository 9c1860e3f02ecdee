//! Local edits: a version's content, plans and icon changed in the cache and queued in the
//! outbox in one transaction (durable when this returns), only where the review track allows
//! it; undo; queued review actions; and the conflicts a sync found, which the partner settles.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use workbench_domain::merge::{self, FieldConflict};
use workbench_domain::validation::state::edit_context;
use workbench_domain::validation::{self, Suppression};
use workbench_domain::{
    Action, ContentPart, IconFile, ReviewStatus, SubscriptionPlan, Track, VersionContent,
    edit_lock, transition,
};
use workbench_store::{CachedVersion, Operation, OutboxEntry, StoredConflict};

use crate::pull::rfc3339;
use crate::{Workbench, WorkbenchError};

/// A change a partner makes to a version's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// One field, by path (`general.display_name`, `subscription_types[Pro].price`), to a JSON value.
    Set { field: String, value: Value },
    /// Every plan, in order (added, removed, reordered, edited).
    Plans(Vec<SubscriptionPlan>),
    /// The whole content, as the desktop editor holds it.
    Content(Box<VersionContent>),
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditOutcome {
    /// `false` when the content was already so: nothing was queued.
    pub changed: bool,
    /// The fields that changed.
    pub fields: Vec<String>,
    /// Outbox entries now waiting (all versions).
    pub pending: u64,
}

/// Whether the review tracks allow an action now: `Err` says why not.
pub type Allowed = Result<(), String>;

/// A review action queued for the next sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Submit(Track),
    Withdraw(Track),
    MakeAvailable,
}

/// Exactly what a submission sends for review: the version's content as the server will judge
/// it, and the checksums a partner can compare with what the portal shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionPreview {
    pub version_id: String,
    pub track: Track,
    /// The working copy's content, pretty-printed JSON (the server judges the content it stores,
    /// which a sync has made this before the submission is sent).
    pub json: String,
    /// SHA-256 of `json`'s UTF-8 bytes, in hex.
    pub sha256: String,
    /// SHA-256 of the icon that goes with it, when the version has one.
    pub icon_sha256: Option<String>,
}

/// A version's local state for sync: what waits to be sent, what the server refused, and the
/// conflicts to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalChanges {
    pub entries: Vec<OutboxEntry>,
    pub conflicts: Vec<StoredConflict>,
}

impl Workbench {
    /// Applies `edit` to a version's working copy and queues it, in one transaction. Refused,
    /// changing nothing, when a part it touches is locked by its review track (the message says
    /// why and what to do) or the field or value is not one a version has.
    pub fn edit(
        &self,
        version_id: &str,
        edit: Edit,
        at: OffsetDateTime,
    ) -> Result<EditOutcome, WorkbenchError> {
        let cached = self.cached(version_id)?;
        let before = &cached.version.content;
        let mut after = before.clone();
        let summary = match edit {
            Edit::Set { field, value } => {
                merge::set_field(&mut after, &field, value)
                    .map_err(|e| WorkbenchError::InvalidEdit(e.to_string()))?;
                format!("set {field}")
            }
            Edit::Plans(plans) => {
                after.subscription_types = plans;
                "edit plans".to_owned()
            }
            Edit::Content(content) => {
                after = *content;
                "edit".to_owned()
            }
        };
        let fields = merge::changed_fields(before, &after);
        self.check_editable(&cached, &parts_changed(before, &after))?;
        let changed = self
            .store()
            .edit(version_id, &after, &summary, &new_key(), &rfc3339(at))?;
        Ok(EditOutcome {
            changed,
            fields: if changed { fields } else { Vec::new() },
            pending: self.store().pending_edits()?,
        })
    }

    /// Replaces a version's icon with `bytes` (read from `file_name`), after the icon rules of
    /// the pack in force have found no error, and queues its upload. Refused, changing nothing,
    /// with the report's errors, or when the icon is locked.
    pub fn set_icon(
        &self,
        version_id: &str,
        bytes: Vec<u8>,
        file_name: &str,
        at: OffsetDateTime,
    ) -> Result<(), WorkbenchError> {
        let cached = self.cached(version_id)?;
        self.check_editable(&cached, &[ContentPart::Icon])?;
        let icon = self.checked_icon(bytes, file_name)?;
        Ok(self
            .store()
            .set_icon(version_id, &icon, &new_key(), &rfc3339(at))?)
    }

    /// `bytes` (read from `file_name`) as an icon to store, once the icon rules of the pack in
    /// force have found no error in them (else `ValidationFailed` with the errors).
    pub(crate) fn checked_icon(
        &self,
        bytes: Vec<u8>,
        file_name: &str,
    ) -> Result<IconFile, WorkbenchError> {
        let report = self.validate_icon(&bytes, file_name)?;
        if report.has_errors() {
            return Err(WorkbenchError::ValidationFailed {
                what: format!("the icon {file_name}"),
                messages: error_messages(&report),
            });
        }
        let media_type = match validation::icon::RealFormat::sniff(&bytes) {
            validation::icon::RealFormat::Unknown => "application/octet-stream".to_owned(),
            format => format!("image/{}", format.as_str()),
        };
        Ok(IconFile {
            sha256: sha256_hex(&bytes),
            media_type,
            bytes,
        })
    }

    /// Undoes a version's latest edit (as a new queued edit); what was undone, or `None`.
    /// Refused like any edit where the review track locks what it would change.
    pub fn undo(
        &self,
        version_id: &str,
        at: OffsetDateTime,
    ) -> Result<Option<String>, WorkbenchError> {
        let cached = self.cached(version_id)?;
        let Some(before) = self.store().last_edit_before(version_id)? else {
            return Ok(None);
        };
        self.check_editable(&cached, &parts_changed(&cached.version.content, &before))?;
        Ok(self.store().undo(version_id, &new_key(), &rfc3339(at))?)
    }

    /// Queues a review action. A submission is checked first with the rules of its track (no
    /// error may remain); it is checked again when it is sent.
    pub fn queue_action(
        &self,
        version_id: &str,
        action: ReviewAction,
        suppressions: Vec<Suppression>,
        at: OffsetDateTime,
    ) -> Result<i64, WorkbenchError> {
        self.cached(version_id)?;
        let (operation, payload) = match action {
            ReviewAction::Submit(track) => {
                self.preflight(version_id, track)?;
                let submission = partner_api::Submission {
                    track,
                    suppressions,
                };
                (
                    Operation::Submit,
                    serde_json::to_value(&submission).map_err(|e| {
                        WorkbenchError::InvalidEdit(format!("cannot queue the submission: {e}"))
                    })?,
                )
            }
            ReviewAction::Withdraw(track) => {
                (Operation::Withdraw, serde_json::json!({ "track": track }))
            }
            ReviewAction::MakeAvailable => (Operation::MakeAvailable, serde_json::json!({})),
        };
        Ok(self
            .store()
            .enqueue(version_id, operation, &payload, &new_key(), &rfc3339(at))?)
    }

    /// The submission check of one track on the working copy, with the recorded suppressions:
    /// `ValidationFailed` when an error remains.
    pub fn preflight(&self, version_id: &str, track: Track) -> Result<(), WorkbenchError> {
        let report = self.check_cached(version_id, None, |input, pack, suppressions| {
            validation::validate_submission(input, pack, suppressions, track)
        })?;
        if report.has_errors() {
            return Err(WorkbenchError::ValidationFailed {
                what: format!("the {track} submission of version {version_id}"),
                messages: error_messages(&report),
            });
        }
        Ok(())
    }

    /// Saves the editor's `draft` of a version: the changes it made to `base` (the content the
    /// editor started from) are applied to the working copy as it is now, so changes a sync merged
    /// in meanwhile are kept; where both changed a field, the draft wins (it is the newer edit).
    /// One edit, one transaction; answers what it did and the working copy now.
    pub fn save_draft(
        &self,
        version_id: &str,
        base: &VersionContent,
        draft: VersionContent,
        at: OffsetDateTime,
    ) -> Result<(EditOutcome, VersionContent), WorkbenchError> {
        // A save under a local id that a sync moved to the server's a moment ago goes there.
        let resolved = self.resolve_local_id(version_id)?;
        let version_id = resolved.as_deref().unwrap_or(version_id);
        let working = self.cached(version_id)?.version.content;
        let content = if *base == working {
            draft
        } else {
            // `merge` keeps mine (the draft) in every conflict.
            merge::merge(base, &draft, &working).merged
        };
        let outcome = self.edit(version_id, Edit::Content(Box::new(content)), at)?;
        let saved = self.cached(version_id)?.version.content;
        Ok((outcome, saved))
    }

    /// Each part of a version's content with why it cannot be edited now (`None`: editable), by
    /// the same rule [`Workbench::edit`] applies.
    pub fn editable_parts(
        &self,
        version_id: &str,
    ) -> Result<Vec<(ContentPart, Option<String>)>, WorkbenchError> {
        let cached = self.cached(version_id)?;
        let context = self.context(&cached);
        Ok(ContentPart::ALL
            .into_iter()
            .map(|part| {
                let why = edit_lock(cached.version.status, part, context)
                    .err()
                    .map(|lock| {
                        WorkbenchError::Locked {
                            part: part_name(part),
                            lock,
                        }
                        .to_string()
                    });
                (part, why)
            })
            .collect())
    }

    /// The partner's review actions on a version (submit and withdraw on each track, make
    /// available), each with why the review tracks refuse it now (`Ok`: allowed). Publishing on
    /// AppConnect is Talkdesk's step, not the partner's (FAQ §15).
    pub fn review_actions(
        &self,
        version_id: &str,
    ) -> Result<Vec<(ReviewAction, Allowed)>, WorkbenchError> {
        let status = self.cached(version_id)?.version.status;
        let actions = [
            ReviewAction::Submit(Track::Technical),
            ReviewAction::Withdraw(Track::Technical),
            ReviewAction::MakeAvailable,
            ReviewAction::Submit(Track::Marketplace),
            ReviewAction::Withdraw(Track::Marketplace),
        ];
        Ok(actions
            .into_iter()
            .map(|action| {
                let (track, step) = match action {
                    ReviewAction::Submit(track) => (track, Action::Submit),
                    ReviewAction::Withdraw(track) => (track, Action::Withdraw),
                    ReviewAction::MakeAvailable => (Track::Technical, Action::MakeAvailable),
                };
                let allowed = transition(status, track, step)
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                (action, allowed)
            })
            .collect())
    }

    /// What submitting `track` of a version would send (see [`SubmissionPreview`]). It does not
    /// check the rules: [`Workbench::preflight`] does.
    pub fn submission_preview(
        &self,
        version_id: &str,
        track: Track,
    ) -> Result<SubmissionPreview, WorkbenchError> {
        let cached = self.cached(version_id)?;
        let json = serde_json::to_string_pretty(&cached.version.content).map_err(|e| {
            WorkbenchError::InvalidEdit(format!("cannot show version {version_id}: {e}"))
        })?;
        let sha256 = sha256_hex(json.as_bytes());
        let icon_sha256 = self.store().icon(version_id)?.map(|icon| icon.sha256);
        Ok(SubmissionPreview {
            version_id: version_id.to_owned(),
            track,
            json,
            sha256,
            icon_sha256,
        })
    }

    /// Gives up one outbox entry of a version, typically one the server refused (held). A
    /// content edit cannot be dropped alone (later edits build on it): discarding one drops all
    /// the version's unsent content edits and conflicts, as [`Workbench::discard_edits`].
    pub fn discard_entry(&self, version_id: &str, entry_id: i64) -> Result<(), WorkbenchError> {
        let entry = self
            .store()
            .outbox()?
            .into_iter()
            .find(|e| e.id == entry_id && e.version_id == version_id)
            .ok_or_else(|| {
                WorkbenchError::InvalidEdit(format!(
                    "version {version_id} has no queued change {entry_id}; `pwb outbox` lists them"
                ))
            })?;
        match entry.operation {
            Operation::Edit => self.discard_edits(version_id),
            // Giving up a create gives up what was made here (the server never had it).
            Operation::CreateApp => Ok(self.store().discard_app(version_id)?),
            Operation::CreateVersion => {
                self.store().delete_version(version_id, &new_key(), "")?;
                Ok(())
            }
            _ => Ok(self.store().drop_entry(entry.id)?),
        }
    }

    /// What waits to be sent and what conflicts are open, of one version or all.
    pub fn local_changes(&self, version_id: Option<&str>) -> Result<LocalChanges, WorkbenchError> {
        let store = self.store();
        let entries = store
            .outbox()?
            .into_iter()
            .filter(|e| version_id.is_none_or(|v| v == e.version_id))
            .collect();
        Ok(LocalChanges {
            entries,
            conflicts: store.conflicts(version_id)?,
        })
    }

    /// Settles the conflict on `field` of a version with `value` (mine, theirs or a new value);
    /// the result is queued like any edit.
    pub fn resolve(
        &self,
        version_id: &str,
        field: &str,
        value: Value,
        at: OffsetDateTime,
    ) -> Result<(), WorkbenchError> {
        // An app's own field (`app.…`, the conflict kept under the app's id).
        if field.starts_with("app.") {
            return self.resolve_app(version_id, field, &value, at);
        }
        Ok(self
            .store()
            .resolve(version_id, field, value, &new_key(), &rfc3339(at))?)
    }

    /// One open conflict of a version.
    pub fn conflict(&self, version_id: &str, field: &str) -> Result<FieldConflict, WorkbenchError> {
        self.store()
            .conflicts(Some(version_id))?
            .into_iter()
            .find(|c| c.conflict.field == field)
            .map(|c| c.conflict)
            .ok_or_else(|| {
                WorkbenchError::InvalidEdit(format!(
                    "version {version_id} has no open conflict on {field}; `pwb conflicts` lists them"
                ))
            })
    }

    /// Lets the held outbox entries of a version be tried again at the next sync.
    pub fn retry_held(&self, version_id: &str) -> Result<usize, WorkbenchError> {
        Ok(self.store().release_held(version_id)?)
    }

    /// Drops the unsent content edits and conflicts of a version: it goes back to the server's copy.
    pub fn discard_edits(&self, version_id: &str) -> Result<(), WorkbenchError> {
        Ok(self.store().discard_edits(version_id)?)
    }

    pub(crate) fn cached(&self, version_id: &str) -> Result<CachedVersion, WorkbenchError> {
        self.store()
            .version(version_id)?
            .ok_or_else(|| WorkbenchError::UnknownVersion(version_id.to_owned()))
    }

    /// The edit context of a version: whether an earlier version of its app was published, and
    /// the pack's freeze policy.
    fn context(&self, cached: &CachedVersion) -> workbench_domain::EditContext {
        let follows = self.follows_published(cached).unwrap_or(false);
        let pack = self
            .rules_pack()
            .unwrap_or_else(|_| partner_api::rules::default_pack());
        edit_context(&pack, follows)
    }

    fn follows_published(&self, cached: &CachedVersion) -> Result<bool, WorkbenchError> {
        let listing = self.store().list_apps()?;
        let Some(app) = listing.iter().find(|l| l.app.id == cached.version.app_id) else {
            return Ok(false);
        };
        // Versions are listed newest first: the ones after this one are older.
        Ok(app
            .versions
            .iter()
            .skip_while(|v| v.id != cached.version.id)
            .skip(1)
            .any(|v| v.status.technical == ReviewStatus::Available || v.status.is_published()))
    }

    pub(crate) fn check_editable(
        &self,
        cached: &CachedVersion,
        parts: &[ContentPart],
    ) -> Result<(), WorkbenchError> {
        let context = self.context(cached);
        for &part in parts {
            edit_lock(cached.version.status, part, context).map_err(|lock| {
                WorkbenchError::Locked {
                    part: part_name(part),
                    lock,
                }
            })?;
        }
        Ok(())
    }
}

pub(crate) fn part_name(part: ContentPart) -> &'static str {
    match part {
        ContentPart::General => "general section",
        ContentPart::Technical => "technical section",
        ContentPart::Marketplace => "marketplace section",
        ContentPart::SubscriptionPlans => "subscription plans",
        ContentPart::Icon => "icon",
    }
}

/// The SHA-256 of `bytes` in lower-case hex, as icons and fingerprints are named.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// The content parts that differ between two contents.
pub(crate) fn parts_changed(a: &VersionContent, b: &VersionContent) -> Vec<ContentPart> {
    let mut parts = Vec::new();
    if a.general != b.general {
        parts.push(ContentPart::General);
    }
    if a.technical != b.technical {
        parts.push(ContentPart::Technical);
    }
    if a.marketplace != b.marketplace {
        parts.push(ContentPart::Marketplace);
    }
    if a.subscription_types != b.subscription_types {
        parts.push(ContentPart::SubscriptionPlans);
    }
    parts
}

fn error_messages(report: &validation::Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == validation::Severity::Error)
        .map(|d| format!("{} ({}): {}", d.field, d.rule, d.message))
        .collect()
}

#[cfg(test)]
mod tests;

/// A fresh idempotency key for an outbox entry: 128 random bits from the OS.
pub(crate) fn new_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // The OS generator does not fail on supported systems; should it, a key unique to this
        // process and call still keeps entries apart.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = (std::process::id() as u64) << 32 | COUNTER.fetch_add(1, Ordering::Relaxed);
        let digest = <sha2::Sha256 as sha2::Digest>::digest(seed.to_le_bytes());
        bytes.copy_from_slice(&digest[..16]);
    }
    format!("pwb-{}", hex::encode(bytes))
}
