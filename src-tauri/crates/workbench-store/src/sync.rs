//! The cache's side of two-way sync: local edits (working copy, outbox entry and undo history in
//! one transaction), what a push records when the server accepts, the three-way merge of a
//! server copy into a version with local changes, and the conflicts the partner resolves.
//!
//! Invariant: a version with local changes (an `edit` or `icon` outbox entry, or an open
//! conflict) is never replaced by the server's copy. Its server copy becomes the new base, and
//! the working copy becomes the merge of base, mine and theirs
//! (`workbench_domain::merge::merge`); fields both sides changed differently become conflicts.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde_json::Value;
use workbench_domain::merge::{self, FieldConflict};
use workbench_domain::{App, AppVersion, IconFile, VersionContent, VersionStatus};

use crate::outbox::{self, Operation};
use crate::{StoreError, apps, icons, versions};

/// The field name of an icon conflict, whose values are the icons' SHA-256 checksums.
pub const ICON_FIELD: &str = "icon";

/// The field of the conflict of a version deleted on the server while it had changes not sent
/// yet (see `created`'s `gone_from_server`): settled by keeping it (mine: it is created again)
/// or letting it go (theirs). Everything queued for the version waits on it.
pub const DELETED_FIELD: &str = "deleted";

/// A conflict as stored: the field's three values and when it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConflict {
    pub version_id: String,
    pub conflict: FieldConflict,
    pub detected_at: String,
}

/// What receiving a server copy did to a version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Received {
    /// The version had local changes, so the server's copy was merged into it.
    pub merged: bool,
    /// Conflicts the version has now (new and still open).
    pub conflicts: usize,
}

/// One entry of a version's undo history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRecord {
    pub id: i64,
    pub summary: String,
    pub at: String,
}

pub(crate) fn immediate(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    // IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy timeout)
    // instead of failing halfway through.
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

fn working(tx: &Connection, version_id: &str) -> Result<crate::CachedVersion, StoreError> {
    versions::get(tx, version_id)?.ok_or_else(|| StoreError::NoVersion {
        version_id: version_id.to_owned(),
    })
}

/// Replaces a version's content with `after`, records the edit for undo and queues it, in one
/// transaction. An edit that changes nothing records nothing. Answers whether it changed anything.
pub(crate) fn edit(
    conn: &mut Connection,
    version_id: &str,
    after: &VersionContent,
    summary: &str,
    key: &str,
    at: &str,
) -> Result<bool, StoreError> {
    let tx = immediate(conn)?;
    let before = working(&tx, version_id)?.version.content;
    if &before == after {
        return Ok(false);
    }
    record_edit(&tx, version_id, &before, after, summary, key, at)?;
    tx.commit()?;
    Ok(true)
}

/// Writes `after` as a version's working copy, with its undo record and its outbox entry: the
/// three parts of every edit, in the caller's transaction.
fn record_edit(
    tx: &Transaction<'_>,
    version_id: &str,
    before: &VersionContent,
    after: &VersionContent,
    summary: &str,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    versions::write_working(tx, version_id, after)?;
    tx.prepare_cached(
        "INSERT INTO edits (version_id, summary, before, after, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        version_id,
        summary,
        json(before)?,
        json(after)?,
        at
    ])?;
    outbox::add(
        tx,
        version_id,
        Operation::Edit,
        &outbox::edit_payload(summary, before, after),
        key,
        at,
    )?;
    Ok(())
}

/// Puts back the content a version had before its latest edit, as a new queued edit, and drops
/// that edit from the history (so undoing again goes one further back). `None`: nothing to undo.
pub(crate) fn undo(
    conn: &mut Connection,
    version_id: &str,
    key: &str,
    at: &str,
) -> Result<Option<String>, StoreError> {
    let tx = immediate(conn)?;
    let last: Option<(i64, String, String)> = tx
        .prepare_cached(
            "SELECT id, summary, before FROM edits WHERE version_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([version_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((id, summary, before)) = last else {
        return Ok(None);
    };
    let before: VersionContent = serde_json::from_str(&before)
        .map_err(|e| StoreError::corrupt(format!("undo history of version {version_id}: {e}")))?;
    let now = working(&tx, version_id)?.version.content;
    versions::write_working(&tx, version_id, &before)?;
    tx.execute("DELETE FROM edits WHERE id = ?1", [id])?;
    outbox::add(
        &tx,
        version_id,
        Operation::Edit,
        &outbox::edit_payload(&format!("undo {summary}"), &now, &before),
        key,
        at,
    )?;
    tx.commit()?;
    Ok(Some(summary))
}

pub(crate) fn last_before(
    conn: &Connection,
    version_id: &str,
) -> Result<Option<VersionContent>, StoreError> {
    let before: Option<String> = conn
        .prepare_cached("SELECT before FROM edits WHERE version_id = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([version_id], |row| row.get(0))
        .optional()?;
    before
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| StoreError::corrupt(format!("undo history of version {version_id}: {e}")))
}

pub(crate) fn history(conn: &Connection, version_id: &str) -> Result<Vec<EditRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, summary, at FROM edits WHERE version_id = ?1 ORDER BY id DESC LIMIT 50",
    )?;
    let rows = stmt.query_map([version_id], |row| {
        Ok(EditRecord {
            id: row.get(0)?,
            summary: row.get(1)?,
            at: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a version's icon and queues its upload, in one transaction.
pub(crate) fn set_icon(
    conn: &mut Connection,
    version_id: &str,
    icon: &IconFile,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    working(&tx, version_id)?;
    record_icon(&tx, version_id, icon, key, at)?;
    tx.commit()?;
    Ok(())
}

/// Writes a version's working icon and queues its upload, in the caller's transaction.
fn record_icon(
    tx: &Transaction<'_>,
    version_id: &str,
    icon: &IconFile,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    icons::put_local(tx, version_id, icon)?;
    outbox::add(
        tx,
        version_id,
        Operation::Icon,
        &serde_json::json!({ "sha256": icon.sha256 }),
        key,
        at,
    )?;
    Ok(())
}

/// Several changes to one version applied together or not at all (`pwb import`): what the
/// caller checked them against, and the changes.
#[derive(Debug, Clone, Copy)]
pub struct Changes<'a> {
    /// The working copy the changes were computed from and checked against.
    pub before: &'a VersionContent,
    /// The checksum of the working icon they were checked against (`None`: no icon).
    pub icon_before: Option<&'a str>,
    /// The review status the edit was allowed under (what the review track locks depends on it).
    pub status: VersionStatus,
    /// The new content, with its idempotency key (`None`: the content stays).
    pub content: Option<(&'a VersionContent, &'a str)>,
    /// The new icon, with its idempotency key (`None`: the icon stays).
    pub icon: Option<(&'a IconFile, &'a str)>,
    /// What the edit is called in the undo history and the outbox.
    pub summary: &'a str,
}

/// Applies [`Changes`] in one transaction: the content as one edit (working copy, undo record,
/// outbox entry) and the icon with its upload queued. Refused, writing nothing, when the
/// version's working copy, icon or review status is no longer what the changes were checked
/// against (an edit or a sync came in between): [`StoreError::ChangedMeanwhile`].
pub(crate) fn apply(
    conn: &mut Connection,
    version_id: &str,
    changes: Changes<'_>,
    at: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    let current = working(&tx, version_id)?.version;
    let icon_now = icons::get(&tx, version_id)?.map(|icon| icon.sha256);
    if &current.content != changes.before
        || icon_now.as_deref() != changes.icon_before
        || current.status != changes.status
    {
        return Err(StoreError::ChangedMeanwhile {
            version_id: version_id.to_owned(),
        });
    }
    // Content equal to the working copy is no edit (`record_edit` would record one).
    if let Some((after, key)) = changes.content
        && after != changes.before
    {
        record_edit(
            &tx,
            version_id,
            changes.before,
            after,
            changes.summary,
            key,
            at,
        )?;
    }
    if let Some((icon, key)) = changes.icon {
        record_icon(&tx, version_id, icon, key, at)?;
    }
    tx.commit()?;
    Ok(())
}

/// Queues an action (submit, withdraw, make available) on a version.
pub(crate) fn enqueue(
    conn: &mut Connection,
    version_id: &str,
    operation: Operation,
    payload: &Value,
    key: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let tx = immediate(conn)?;
    working(&tx, version_id)?;
    let id = outbox::add(&tx, version_id, operation, payload, key, at)?;
    tx.commit()?;
    Ok(id)
}

/// What the server answered to one write, for [`pushed`].
#[derive(Debug, Clone, Copy)]
pub struct Settled<'a> {
    pub theirs: &'a AppVersion,
    pub etag: &'a str,
    /// The outbox entries the write carried.
    pub done: &'a [i64],
    /// For an icon upload, the checksum of the icon sent.
    pub icon_sent: Option<&'a str>,
}

/// Records what the server answered to writes, all in one transaction: each server copy becomes
/// its version's base (and the review status), the entries each write carried leave the outbox,
/// a write in flight is settled, and, for an icon upload, the icon is marked as on the server.
/// Edits made while a write was in flight stay queued.
pub(crate) fn pushed(conn: &mut Connection, answers: &[Settled<'_>]) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    for answer in answers {
        versions::set_base(&tx, answer.theirs, answer.etag)?;
        forget_in_flight(&tx, &answer.theirs.id)?;
        if let Some(sha256) = answer.icon_sent {
            icons::mark_sent(&tx, &answer.theirs.id, sha256)?;
        }
        outbox::remove(&tx, answer.done)?;
    }
    tx.commit()?;
    Ok(())
}

/// A content write recorded before it was sent (see `migrations/0004_in_flight_writes.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    /// The `If-Match` it was sent with.
    pub etag: String,
    pub idempotency_key: String,
    /// The JSON body, exactly as sent.
    pub body: String,
}

pub(crate) fn in_flight(
    conn: &Connection,
    version_id: &str,
) -> Result<Option<InFlight>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT etag, idempotency_key, body FROM in_flight WHERE version_id = ?1")?
        .query_row([version_id], |row| {
            Ok(InFlight {
                etag: row.get(0)?,
                idempotency_key: row.get(1)?,
                body: row.get(2)?,
            })
        })
        .optional()?)
}

pub(crate) fn put_in_flight(
    conn: &Connection,
    version_id: &str,
    write: &InFlight,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO in_flight (version_id, etag, idempotency_key, body)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        version_id,
        write.etag,
        write.idempotency_key,
        write.body
    ])?;
    Ok(())
}

pub(crate) fn forget_in_flight(conn: &Connection, version_id: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM in_flight WHERE version_id = ?1", [version_id])?;
    Ok(())
}

/// Takes in the server's copy of a version (from a pull, or after a 412): replaces it when the
/// cache has no local change of it; otherwise merges it three ways (see the module's doc).
pub(crate) fn receive(
    tx: &Transaction<'_>,
    theirs: &AppVersion,
    etag: &str,
    icon: Option<&IconFile>,
    at: &str,
) -> Result<Received, StoreError> {
    let cached = versions::get(tx, &theirs.id)?;
    let dirty = cached.is_some() && outbox::is_dirty(tx, &theirs.id)?;
    let received = match cached {
        Some(cached) if dirty => {
            let base = cached
                .base
                .map(|b| b.content)
                .unwrap_or_else(|| cached.version.content.clone());
            let mine = cached.version.content;
            let result = merge::merge(&base, &mine, &theirs.content);
            versions::write_working(tx, &theirs.id, &result.merged)?;
            versions::set_base(tx, theirs, etag)?;
            let open = keep_open_conflicts(tx, theirs, result.conflicts, at)?;
            Received {
                merged: true,
                conflicts: open,
            }
        }
        _ => {
            versions::put_from_server(tx, theirs, etag)?;
            Received::default()
        }
    };
    if let Some(conflict) = icons::receive(tx, &theirs.id, icon)? {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO conflicts (version_id, field, base, mine, theirs, detected_at)
             VALUES (?1, 'icon', ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            theirs.id,
            json(&conflict.base)?,
            json(&conflict.mine)?,
            json(&conflict.theirs)?,
            at
        ])?;
        let open: i64 = tx.query_row(
            "SELECT COUNT(*) FROM conflicts WHERE version_id = ?1",
            [&theirs.id],
            |row| row.get(0),
        )?;
        return Ok(Received {
            merged: true,
            conflicts: open as usize,
        });
    }
    Ok(received)
}

/// Stores the conflicts of a new merge, keeping those still open from an earlier one: a field
/// in conflict kept the partner's value, so the new merge sees it as changed on one side only,
/// and would otherwise forget it. An open conflict's `theirs` follows the server.
fn keep_open_conflicts(
    tx: &Transaction<'_>,
    theirs: &AppVersion,
    fresh: Vec<FieldConflict>,
    at: &str,
) -> Result<usize, StoreError> {
    let mut open = list_conflicts(tx, Some(&theirs.id))?;
    for stored in &mut open {
        if let Ok(value) = merge::field_value(&theirs.content, &stored.conflict.field) {
            stored.conflict.theirs = value;
        }
    }
    tx.execute("DELETE FROM conflicts WHERE version_id = ?1", [&theirs.id])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO conflicts (version_id, field, base, mine, theirs, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut fields = std::collections::BTreeSet::new();
    let old = open.into_iter().map(|s| (s.conflict, s.detected_at));
    let new = fresh.into_iter().map(|c| (c, at.to_owned()));
    for (conflict, detected_at) in old.chain(new) {
        insert.execute(params![
            theirs.id,
            conflict.field,
            conflict.base.to_string(),
            conflict.mine.to_string(),
            conflict.theirs.to_string(),
            detected_at
        ])?;
        fields.insert(conflict.field);
    }
    Ok(fields.len())
}

pub(crate) fn list_conflicts(
    conn: &Connection,
    version_id: Option<&str>,
) -> Result<Vec<StoredConflict>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT version_id, field, base, mine, theirs, detected_at FROM conflicts
         WHERE ?1 IS NULL OR version_id = ?1 ORDER BY version_id, field",
    )?;
    let mut rows = stmt.query([version_id])?;
    let mut conflicts = Vec::new();
    while let Some(row) = rows.next()? {
        let value = |i: usize| -> Result<Value, StoreError> {
            let text: String = row.get(i)?;
            serde_json::from_str(&text).map_err(|e| StoreError::corrupt(format!("conflict: {e}")))
        };
        conflicts.push(StoredConflict {
            version_id: row.get(0)?,
            conflict: FieldConflict {
                field: row.get(1)?,
                base: value(2)?,
                mine: value(3)?,
                theirs: value(4)?,
            },
            detected_at: row.get(5)?,
        });
    }
    Ok(conflicts)
}

/// Settles a conflict with `value` (the partner's, the server's or a new one): the working copy
/// takes it, the conflict closes, and the edit is queued like any other, in one transaction.
pub(crate) fn resolve(
    conn: &mut Connection,
    version_id: &str,
    field: &str,
    value: Value,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    let open = tx
        .prepare_cached("SELECT 1 FROM conflicts WHERE version_id = ?1 AND field = ?2")?
        .query_row([version_id, field], |_| Ok(()))
        .optional()?
        .is_some();
    if !open {
        return Err(StoreError::NoConflict {
            version_id: version_id.to_owned(),
            field: field.to_owned(),
        });
    }
    if field == DELETED_FIELD {
        let conflict = list_conflicts(&tx, Some(version_id))?
            .into_iter()
            .find(|c| c.conflict.field == DELETED_FIELD)
            .map(|c| c.conflict);
        let keep = match conflict {
            Some(c) if value == c.mine => true,
            Some(c) if value == c.theirs => false,
            _ => {
                return Err(StoreError::Invalid(
                    "a version deleted on the server is kept (mine: it is sent again as a new \
                     version) or let go (theirs); there is no value of your own to choose"
                        .into(),
                ));
            }
        };
        crate::created::settle_deletion(&tx, version_id, keep, key, at)?;
        tx.commit()?;
        return Ok(());
    }
    if field == ICON_FIELD {
        // The icon's conflict is between checksums: the value chosen names one of them.
        let conflict = list_conflicts(&tx, Some(version_id))?
            .into_iter()
            .find(|c| c.conflict.field == ICON_FIELD)
            .map(|c| c.conflict);
        let take_theirs = match conflict {
            Some(c) if value == c.theirs => true,
            Some(c) if value == c.mine => false,
            _ => {
                return Err(StoreError::Invalid(
                    "an icon conflict is settled by choosing mine or theirs; to use another icon, \
                     take either and then replace the icon"
                        .into(),
                ));
            }
        };
        icons::resolve_conflict(&tx, version_id, take_theirs)?;
        tx.execute(
            "DELETE FROM conflicts WHERE version_id = ?1 AND field = ?2",
            [version_id, field],
        )?;
        tx.commit()?;
        return Ok(());
    }
    let before = working(&tx, version_id)?.version.content;
    let mut after = before.clone();
    merge::set_field(&mut after, field, value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.execute(
        "DELETE FROM conflicts WHERE version_id = ?1 AND field = ?2",
        [version_id, field],
    )?;
    let summary = format!("resolve {field}");
    record_edit(&tx, version_id, &before, &after, &summary, key, at)?;
    tx.commit()?;
    Ok(())
}

/// Drops the partner's unsent content edits of a version: its queued edits and conflicts go, and
/// the working copy goes back to the server's copy. Queued actions and a new icon stay.
pub(crate) fn discard_edits(conn: &mut Connection, version_id: &str) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    let cached = working(&tx, version_id)?;
    if let Some(base) = &cached.base {
        versions::write_working(&tx, version_id, &base.content)?;
    }
    tx.execute(
        "DELETE FROM outbox WHERE resource = ?1 AND operation = 'edit'",
        [version_id],
    )?;
    tx.execute("DELETE FROM conflicts WHERE version_id = ?1", [version_id])?;
    forget_in_flight(&tx, version_id)?;
    tx.commit()?;
    Ok(())
}

/// Takes in changes from the change feed in one transaction: apps, versions (merged when they
/// have local changes), deletions and removed apps, and the cursor to read from next.
pub(crate) fn apply_changes(
    conn: &mut Connection,
    changes: &FeedBatch,
    at: &str,
) -> Result<Applied, StoreError> {
    let tx = immediate(conn)?;
    // The review events first, in feed order: each is recorded once, by its cursor, so a page
    // read again after a failed pull adds nothing, and the pull reports only the new ones.
    let mut recorded = Vec::new();
    for event in &changes.timeline {
        if crate::timeline::record(&tx, event)? {
            recorded.push(event.clone());
        }
    }
    for request in &changes.requests {
        crate::requests::record(&tx, request)?;
    }
    for app in &changes.apps {
        apps::receive(&tx, app, at)?;
    }
    let mut received = Vec::new();
    for version in &changes.versions {
        let r = receive(
            &tx,
            &version.version,
            &version.etag,
            version.icon.as_ref(),
            at,
        )?;
        received.push((version.version.id.clone(), r));
    }
    for id in &changes.deleted_versions {
        // A deleted version with local changes stays, in conflict: the partner decides; nothing
        // they wrote disappears silently.
        crate::created::gone_from_server(&tx, id, at)?;
    }
    for app_id in &changes.removed_apps {
        // A removed app's versions go, except those with local changes, which stay with their
        // app for the same reason as a deleted version.
        let ids: Vec<String> = tx
            .prepare_cached("SELECT id FROM versions WHERE app_id = ?1")?
            .query_map([app_id], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut kept = false;
        for id in ids {
            kept |= crate::created::gone_from_server(&tx, &id, at)?;
        }
        if !kept {
            tx.execute("DELETE FROM apps WHERE id = ?1", [app_id])?;
        }
    }
    if let Some(pack) = &changes.rules {
        crate::rules_pack::put(&tx, pack)?;
    }
    tx.execute(
        "UPDATE sync_state SET cursor = ?1, last_synced_at = ?2 WHERE id = 1",
        params![changes.cursor, at],
    )?;
    tx.commit()?;
    Ok(Applied { received, recorded })
}

/// What `apply_changes` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Each version received, with how it was taken in.
    pub received: Vec<(String, Received)>,
    /// The timeline events that were new to the cache (a re-read change is not among them).
    pub recorded: Vec<crate::TimelineEvent>,
}

/// What one read of the change feed brought, fetched and checked before any of it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedBatch {
    pub apps: Vec<App>,
    pub versions: Vec<crate::SnapshotVersion>,
    pub deleted_versions: Vec<String>,
    /// Apps the server removed (with their versions).
    pub removed_apps: Vec<String>,
    /// The rules pack, when the feed said it changed.
    pub rules: Option<crate::CachedPack>,
    /// The review events the feed told of (submitted, reviewed, ...), in feed order, recorded
    /// in the same transaction as the cursor. Recorded whether or not their version is fetched.
    pub timeline: Vec<crate::TimelineEvent>,
    /// The customers' requests the feed announced, in feed order, recorded with the cursor.
    pub requests: Vec<crate::InstallationRequest>,
    /// Where to read the feed from next time.
    pub cursor: String,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(e.to_string()))
}

#[cfg(test)]
mod tests;
