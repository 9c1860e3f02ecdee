//! The `outbox` table: local changes waiting to be sent, each written in the same transaction as
//! the change itself, so a change the UI calls saved is a change the next sync sends.
//!
//! Entries are per version (`resource` is the version id). Content edits are coalesced when
//! sent: one `PATCH` carries every edited section of a version, whatever the number of entries.
//! Actions (submit, withdraw, make available) are sent one by one, in order, each
//! with its own idempotency key, so a replay after a crash is answered with the first result.
//!
//! An open conflict holds back only the entries it touches ([`OutboxEntry::waits_on`]): a
//! content edit waits on the conflicts in the sections it changed (an edit records its fields),
//! the icon on the icon's conflict, and an action on every conflict of its version (it acts on
//! the whole version, which is not settled yet).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use workbench_domain::VersionContent;
use workbench_domain::merge::{self, CONTENT_SECTIONS};

use crate::{DELETED_FIELD, ICON_FIELD, StoreError, StoredConflict};

/// What an outbox entry asks the server to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// The version's content changed (sent as one `PATCH` of the edited sections).
    Edit,
    /// The version's icon changed (sent as one `PUT` when its checksum differs from the server's).
    Icon,
    Submit,
    Withdraw,
    MakeAvailable,
    /// Register the app made here (`resource` is its local id; the payload is the body).
    CreateApp,
    /// Start the version made here (`resource` is its local id; the payload names its app).
    CreateVersion,
    /// Delete the version (the payload holds its app and the ETag it was deleted at).
    DeleteVersion,
    /// The app's own fields changed (`resource` is the app; sent as one `PATCH /apps/{id}`).
    EditApp,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Edit => "edit",
            Operation::Icon => "icon",
            Operation::Submit => "submit",
            Operation::Withdraw => "withdraw",
            Operation::MakeAvailable => "make_available",
            Operation::CreateApp => "create_app",
            Operation::CreateVersion => "create_version",
            Operation::DeleteVersion => "delete_version",
            Operation::EditApp => "edit_app",
        }
    }

    fn parse(text: &str) -> Option<Operation> {
        [
            Operation::Edit,
            Operation::Icon,
            Operation::Submit,
            Operation::Withdraw,
            Operation::MakeAvailable,
            Operation::CreateApp,
            Operation::CreateVersion,
            Operation::DeleteVersion,
            Operation::EditApp,
        ]
        .into_iter()
        .find(|op| op.as_str() == text)
    }

    /// Whether it changes the version's content (coalesced), rather than moving its review.
    pub fn is_content(self) -> bool {
        matches!(self, Operation::Edit | Operation::Icon)
    }
}

/// One entry of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub version_id: String,
    pub operation: Operation,
    /// What the operation needs beyond the version: a submission's track and suppressions, a
    /// withdrawal's track, an edit's summary.
    pub payload: serde_json::Value,
    pub idempotency_key: String,
    pub created_at: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Refused by the server for a reason a retry cannot fix: waits for the partner.
    pub held: bool,
}

impl OutboxEntry {
    /// The content sections (`general`, `technical`, `marketplace`, `subscription_types`) a
    /// content edit changed, from the fields it recorded; every section for an edit that
    /// recorded none (queued before edits recorded them). None for any other entry.
    pub fn sections(&self) -> Vec<&'static str> {
        if self.operation != Operation::Edit {
            return Vec::new();
        }
        let Some(fields) = self.payload.get("fields").and_then(|f| f.as_array()) else {
            return CONTENT_SECTIONS.to_vec();
        };
        let mut sections: Vec<&'static str> = fields
            .iter()
            .map(|field| field.as_str().and_then(merge::section_of))
            // A field this version cannot place: the edit may touch any section.
            .collect::<Option<_>>()
            .unwrap_or_else(|| CONTENT_SECTIONS.to_vec());
        sections.sort_unstable();
        sections.dedup();
        sections
    }

    /// The open conflicts (their fields, as `pwb conflicts` names them) this entry waits on
    /// before it can be sent, among `conflicts` (those of other versions are ignored): for a
    /// content edit, the conflicts in the sections it changed; for the icon, the icon's
    /// conflict; for an action, every conflict of the version; for every entry, the version's
    /// deletion on the server. Empty: it goes at the next sync.
    pub fn waits_on(&self, conflicts: &[StoredConflict]) -> Vec<String> {
        let sections = self.sections();
        conflicts
            .iter()
            .filter(|c| c.version_id == self.version_id)
            .map(|c| c.conflict.field.as_str())
            .filter(|field| match self.operation {
                _ if *field == DELETED_FIELD => true,
                Operation::Edit => {
                    merge::section_of(field).is_some_and(|section| sections.contains(&section))
                }
                Operation::Icon => *field == ICON_FIELD,
                _ => true,
            })
            .map(str::to_owned)
            .collect()
    }
}

/// The payload of a content edit: its summary, and the fields it changed (what decides the
/// conflicts it waits on, [`OutboxEntry::waits_on`]).
pub(crate) fn edit_payload(
    summary: &str,
    before: &VersionContent,
    after: &VersionContent,
) -> serde_json::Value {
    serde_json::json!({
        "summary": summary,
        "fields": merge::changed_fields(before, after),
    })
}

pub(crate) fn pending_count(conn: &Connection) -> Result<u64, StoreError> {
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM outbox", [], |row| row.get(0))?;
    Ok(count.max(0) as u64)
}

pub(crate) fn add(
    tx: &Transaction<'_>,
    version_id: &str,
    operation: Operation,
    payload: &serde_json::Value,
    key: &str,
    at: &str,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO outbox (resource, operation, payload, idempotency_key, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        version_id,
        operation.as_str(),
        payload.to_string(),
        key,
        at
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Every entry, oldest first.
pub(crate) fn list(conn: &Connection) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, resource, operation, payload, idempotency_key, created_at, attempts,
                last_error, held
         FROM outbox ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        let operation: String = row.get(2)?;
        let payload: String = row.get(3)?;
        entries.push(OutboxEntry {
            id: row.get(0)?,
            version_id: row.get(1)?,
            operation: Operation::parse(&operation)
                .ok_or_else(|| StoreError::corrupt(format!("outbox operation {operation:?}")))?,
            payload: serde_json::from_str(&payload)
                .map_err(|e| StoreError::corrupt(format!("outbox payload: {e}")))?,
            idempotency_key: row.get(4)?,
            created_at: row.get(5)?,
            attempts: row.get::<_, i64>(6)?.clamp(0, u32::MAX as i64) as u32,
            last_error: row.get(7)?,
            held: row.get(8)?,
        });
    }
    Ok(entries)
}

/// Whether a version has local changes not yet on the server (content or icon entries, its
/// creation here, or conflicts waiting for the partner): a pull merges into it instead of
/// replacing it, and never drops it.
pub(crate) fn is_dirty(conn: &Connection, version_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM outbox
             WHERE resource = ?1 AND operation IN ('edit', 'icon', 'create_version')
             UNION ALL SELECT 1 FROM conflicts WHERE version_id = ?1 LIMIT 1",
        )?
        .query_row([version_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(crate) fn remove(tx: &Transaction<'_>, ids: &[i64]) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

pub(crate) fn note_failure(
    conn: &Connection,
    ids: &[i64],
    error: &str,
    hold: bool,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, held = ?3 WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(params![id, error, hold])?;
    }
    Ok(())
}

/// Releases the held entries of a version, so the next sync tries them again.
pub(crate) fn release(conn: &Connection, version_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE outbox SET held = 0 WHERE resource = ?1 AND held = 1",
        [version_id],
    )?)
}
