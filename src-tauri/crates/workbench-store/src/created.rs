//! Apps and versions made in the tool before the server has them, deletions waiting to be sent,
//! and the move of a local id to the server's once the server answers.
//!
//! A created app or version gets a local id ([`LOCAL_PREFIX`]: `local-app-…`, `local-ver-…`)
//! and is written with its outbox entry in one transaction. The entry's idempotency key is
//! recorded then, before anything is sent, so a create sent again after a crash or a lost reply
//! is answered with what the server made the first time, never a second app or version.
//!
//! When the server answers, [`remap_app`] or [`remap_versions`] moves every reference to the
//! server's id in one transaction, table by table ([`APP_REFERENCES`], [`VERSION_REFERENCES`]),
//! removes the create's entry, and records the old id in `id_aliases`, so a `pwb` command (or an
//! export's `pwb.toml`) that names the local id still finds it ([`resolve`]).
//!
//! A version deleted in the tool stays in the cache, hidden from the list, with a
//! `delete_version` entry holding the ETag it was deleted at; the row goes when the server
//! confirms ([`deleted`]). A version the server never had goes at once, with everything of it.
//!
//! A version deleted on the server (in the portal, from another computer) while it has changes
//! not sent yet is not dropped ([`gone_from_server`]): it stays with a conflict on
//! [`DELETED_FIELD`] that holds back everything queued for it, until the partner settles it
//! ([`settle_deletion`]): let it go, or keep it, which makes it a version to create again, with
//! the partner's content and icon sent over the server's new copy.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::json;
use workbench_domain::{App, AppVersion, IconFile, version_sort_key};

use crate::sync::{forget_in_flight, immediate};
use crate::{DELETED_FIELD, InFlight, Operation, StoreError, apps, icons, outbox, versions};

/// What every local id starts with: no server id does (the contract's ids are the server's).
pub const LOCAL_PREFIX: &str = "local-";

/// Whether `id` is one the tool made, not yet known to the server.
pub fn is_local(id: &str) -> bool {
    id.starts_with(LOCAL_PREFIX)
}

/// Every (table, column) holding an app id.
pub const APP_REFERENCES: &[(&str, &str)] = &[
    ("apps", "id"),
    ("versions", "app_id"),
    ("timeline", "app_id"),
    // Edits of the app's own fields queued before the server had it.
    ("outbox", "resource"),
];

/// Every (table, column) holding a version id.
pub const VERSION_REFERENCES: &[(&str, &str)] = &[
    ("versions", "id"),
    ("plans", "version_id"),
    ("icons", "version_id"),
    ("icon_conflicts", "version_id"),
    ("conflicts", "version_id"),
    ("suppressions", "version_id"),
    ("edits", "version_id"),
    ("in_flight", "version_id"),
    ("timeline", "version_id"),
    ("outbox", "resource"),
];

/// Registers an app in the cache with its local id, and queues its registration.
pub(crate) fn create_app(
    conn: &mut Connection,
    app: &App,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    if !is_local(&app.id) {
        return Err(StoreError::Invalid(format!(
            "{} is not a local id: an app made here starts with {LOCAL_PREFIX}",
            app.id
        )));
    }
    let tx = immediate(conn)?;
    if let Some(id) = app_named(&tx, &app.name)? {
        return Err(StoreError::Invalid(format!(
            "an app named {} is already in the cache ({id}); app names are unique: choose another",
            app.name
        )));
    }
    apps::upsert(&tx, app)?;
    outbox::add(
        &tx,
        &app.id,
        Operation::CreateApp,
        &registration(app),
        key,
        at,
    )?;
    tx.commit()?;
    Ok(())
}

/// The body of an app's registration (`POST /apps`), from the app as cached.
fn registration(app: &App) -> serde_json::Value {
    json!({
        "name": app.name,
        "slug": app.slug,
        "display_name": app.display_name,
        "created_type": app.created_type,
        "app_type": app.app_type.as_str(),
        "render": app.render.as_str(),
    })
}

fn app_named(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM apps WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?)
}

/// Gives an app whose registration the server refused (its name taken) a new name: the app and
/// its queued registration change together, under a new idempotency key (the old key names
/// the refused request), and the entry is released for the next sync.
pub(crate) fn rename_app(
    conn: &mut Connection,
    app_id: &str,
    name: &str,
    key: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    let entry: Option<i64> = tx
        .prepare_cached("SELECT id FROM outbox WHERE resource = ?1 AND operation = 'create_app'")?
        .query_row([app_id], |row| row.get(0))
        .optional()?;
    let Some(entry) = entry else {
        return Err(StoreError::Invalid(format!(
            "app {app_id} is not waiting to be registered: only a registration not yet accepted \
             can be renamed here"
        )));
    };
    if let Some(other) = app_named(&tx, name)?.filter(|other| other != app_id) {
        return Err(StoreError::Invalid(format!(
            "an app named {name} is already in the cache ({other}); choose another name"
        )));
    }
    tx.execute(
        "UPDATE apps SET name = ?2 WHERE id = ?1",
        params![app_id, name],
    )?;
    let app = apps::get(&tx, app_id)?.ok_or_else(|| StoreError::corrupt("renamed app"))?;
    tx.execute(
        "UPDATE outbox SET payload = ?2, idempotency_key = ?3, held = 0, last_error = NULL
         WHERE id = ?1",
        params![entry, registration(&app).to_string(), key],
    )?;
    tx.commit()?;
    Ok(())
}

/// Starts a version in the cache with its local id (no ETag, no server copy), its icon when it
/// is a copy of one that has one, and queues its creation.
pub(crate) fn create_version(
    conn: &mut Connection,
    version: &AppVersion,
    icon: Option<&IconFile>,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    if !is_local(&version.id) {
        return Err(StoreError::Invalid(format!(
            "{} is not a local id: a version made here starts with {LOCAL_PREFIX}",
            version.id
        )));
    }
    let tx = immediate(conn)?;
    versions::put_local(&tx, version)?;
    if let Some(icon) = icon {
        // A copy of the latest version's icon, which the server copies too: nothing to upload.
        icons::put_local(&tx, &version.id, icon)?;
        icons::mark_sent(&tx, &version.id, &icon.sha256)?;
    }
    outbox::add(
        &tx,
        &version.id,
        Operation::CreateVersion,
        &json!({"app_id": version.app_id}),
        key,
        at,
    )?;
    tx.commit()?;
    Ok(())
}

/// What deleting a version did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion {
    /// The server never had it: it is gone, with everything queued for it.
    Removed,
    /// Queued: the entry that sends the `DELETE` at the next sync. Hidden from the list now.
    Queued { entry: i64 },
}

/// Deletes a version: at once when the server never had it, else queued with its ETag (its
/// other queued changes dropped: they would edit a version the partner deleted).
pub(crate) fn delete_version(
    conn: &mut Connection,
    version_id: &str,
    key: &str,
    at: &str,
) -> Result<Deletion, StoreError> {
    let tx = immediate(conn)?;
    let cached = versions::get(&tx, version_id)?.ok_or_else(|| StoreError::NoVersion {
        version_id: version_id.to_owned(),
    })?;
    let Some(etag) = cached.etag else {
        remove_version(&tx, version_id)?;
        tx.commit()?;
        return Ok(Deletion::Removed);
    };
    tx.execute("DELETE FROM outbox WHERE resource = ?1", [version_id])?;
    tx.execute("DELETE FROM in_flight WHERE version_id = ?1", [version_id])?;
    let entry = outbox::add(
        &tx,
        version_id,
        Operation::DeleteVersion,
        &json!({
            "app_id": cached.version.app_id,
            "etag": etag,
            "version_number": cached.version.version_number,
        }),
        key,
        at,
    )?;
    tx.commit()?;
    Ok(Deletion::Queued { entry })
}

/// The server deleted the version (or had already): it leaves the cache, with its entry.
pub(crate) fn deleted(conn: &mut Connection, version_id: &str) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    remove_version(&tx, version_id)?;
    tx.commit()?;
    Ok(())
}

/// Gives up an app made here that the server never registered: it leaves the cache with its
/// versions (all made here too) and everything queued for them.
pub(crate) fn discard_app(conn: &mut Connection, app_id: &str) -> Result<(), StoreError> {
    if !is_local(app_id) {
        return Err(StoreError::Invalid(format!(
            "app {app_id} is on the server: only an app not registered yet can be discarded"
        )));
    }
    let tx = immediate(conn)?;
    let versions: Vec<String> = tx
        .prepare_cached("SELECT id FROM versions WHERE app_id = ?1")?
        .query_map([app_id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for version_id in versions {
        remove_version(&tx, &version_id)?;
    }
    tx.execute("DELETE FROM outbox WHERE resource = ?1", [app_id])?;
    tx.execute("DELETE FROM apps WHERE id = ?1", [app_id])?;
    tx.commit()?;
    Ok(())
}

/// The server no longer has `version_id` (deleted there, or its app removed): it leaves the
/// cache, unless it has changes not sent yet; then it stays, with a conflict on
/// [`DELETED_FIELD`] for the partner to settle. A version the server never had (made here) is
/// not the server's to remove. Answers whether it stayed.
pub(crate) fn gone_from_server(
    tx: &Transaction<'_>,
    version_id: &str,
    at: &str,
) -> Result<bool, StoreError> {
    let Some(cached) = versions::get(tx, version_id)? else {
        return Ok(false);
    };
    if cached.etag.is_none() {
        return Ok(true);
    }
    if !outbox::is_dirty(tx, version_id)? {
        tx.execute("DELETE FROM versions WHERE id = ?1", [version_id])?;
        return Ok(false);
    }
    let [base, mine, theirs] = DELETION_SIDES.map(|side| serde_json::Value::from(side).to_string());
    tx.prepare_cached(
        "INSERT OR IGNORE INTO conflicts (version_id, field, base, mine, theirs, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![version_id, DELETED_FIELD, base, mine, theirs, at])?;
    Ok(true)
}

/// The three sides of a deletion conflict, as `pwb conflicts` and the window show them.
pub const DELETION_SIDES: [&str; 3] = [
    "on the server when last synced",
    "kept here with your unsent changes: send it again as a new version",
    "deleted on the server",
];

/// Settles the deletion conflict of `version_id` (see [`gone_from_server`]), in the caller's
/// transaction. Letting it go removes it, with everything queued for it. Keeping it makes it a
/// version to create again under the same id (moved to the server's new id when it answers,
/// like a version made here): a new draft, whose create (with idempotency `key`) goes first,
/// its content edits and icon kept and sent over the server's new copy, its queued review
/// actions dropped (they were for the deleted version's reviews) and its held entries released.
pub(crate) fn settle_deletion(
    tx: &Transaction<'_>,
    version_id: &str,
    keep: bool,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    if !keep {
        return remove_version(tx, version_id);
    }
    let cached = versions::get(tx, version_id)?.ok_or_else(|| StoreError::NoVersion {
        version_id: version_id.to_owned(),
    })?;
    tx.execute("DELETE FROM conflicts WHERE version_id = ?1", [version_id])?;
    forget_in_flight(tx, version_id)?;
    tx.execute(
        "UPDATE versions SET etag = NULL, base = NULL, technical_status = ?2,
                             marketplace_status = ?2
         WHERE id = ?1",
        params![version_id, workbench_domain::ReviewStatus::Draft.as_str()],
    )?;
    tx.execute(
        "DELETE FROM outbox WHERE resource = ?1 AND operation NOT IN ('edit', 'icon')",
        [version_id],
    )?;
    tx.execute(
        "UPDATE outbox SET held = 0, last_error = NULL WHERE resource = ?1",
        [version_id],
    )?;
    let has_icon_entry = tx
        .prepare_cached("SELECT 1 FROM outbox WHERE resource = ?1 AND operation = 'icon'")?
        .exists([version_id])?;
    if let Some(icon) = icons::get(tx, version_id)? {
        // The new copy has the latest version's icon, or none: the partner's is sent over it
        // (the push skips the upload when the checksums agree).
        tx.execute(
            "UPDATE icons SET base_sha256 = NULL WHERE version_id = ?1",
            [version_id],
        )?;
        if !has_icon_entry {
            outbox::add(
                tx,
                version_id,
                Operation::Icon,
                &json!({"sha256": icon.sha256}),
                &format!("{key}-icon"),
                at,
            )?;
        }
    }
    outbox::add(
        tx,
        version_id,
        Operation::CreateVersion,
        &json!({"app_id": cached.version.app_id}),
        key,
        at,
    )?;
    Ok(())
}

/// Removes a version and everything that names it but its timeline (history stays).
fn remove_version(tx: &Transaction<'_>, version_id: &str) -> Result<(), StoreError> {
    for (table, column) in VERSION_REFERENCES {
        if *table != "timeline" {
            tx.execute(
                &format!("DELETE FROM {table} WHERE {column} = ?1"),
                [version_id],
            )?;
        }
    }
    Ok(())
}

/// The server registered the app created here as `server`: every reference to `local_id` moves
/// to its id, the cached app takes the server's fields, and the registration leaves the outbox.
pub(crate) fn remap_app(
    conn: &mut Connection,
    local_id: &str,
    server: &App,
    at: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    // The ids change in parents and children alike; the keys are checked at commit.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    tx.execute(
        "DELETE FROM outbox WHERE resource = ?1 AND operation = 'create_app'",
        [local_id],
    )?;
    move_references(&tx, APP_REFERENCES, local_id, &server.id)?;
    // Queued entries of its versions name the app in their payload.
    tx.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.app_id', ?2)
         WHERE json_extract(payload, '$.app_id') = ?1",
        params![local_id, server.id],
    )?;
    apps::receive(&tx, server, at)?;
    alias(&tx, local_id, &server.id, "app", at)?;
    tx.commit()?;
    Ok(())
}

/// The server's answer to the create of a version made here under `local_id`.
#[derive(Debug, Clone, Copy)]
pub struct VersionRemap<'a> {
    pub local_id: &'a str,
    pub theirs: &'a AppVersion,
    pub etag: &'a str,
    /// The checksum of the icon the server copied into it, if any.
    pub icon_sha256: Option<&'a str>,
    /// The content write the push sends next (see `InFlight`), recorded with the move.
    pub next_write: Option<&'a InFlight>,
}

/// The server created versions made here, all in one transaction: for each, every reference to
/// its local id moves to the server's id, the server's copy becomes the base (the working copy
/// is left as the partner made it, so the next write sends what differs), the create leaves the
/// outbox, and the content write the push sends next is recorded (see `InFlight`). One commit
/// for a whole push's creates: a crash before it sends the creates again, whose idempotency keys
/// bring back the same versions.
pub(crate) fn remap_versions(
    conn: &mut Connection,
    remaps: &[VersionRemap<'_>],
    at: &str,
) -> Result<(), StoreError> {
    let tx = immediate(conn)?;
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    for remap in remaps {
        remap_version(&tx, remap, at)?;
    }
    tx.commit()?;
    Ok(())
}

fn remap_version(
    tx: &Transaction<'_>,
    remap: &VersionRemap<'_>,
    at: &str,
) -> Result<(), StoreError> {
    let VersionRemap {
        local_id,
        theirs,
        etag,
        icon_sha256,
        next_write,
    } = *remap;
    tx.execute(
        "DELETE FROM outbox WHERE resource = ?1 AND operation = 'create_version'",
        [local_id],
    )?;
    move_references(tx, VERSION_REFERENCES, local_id, &theirs.id)?;
    tx.execute(
        "UPDATE versions SET app_id = ?2, version_number = ?3, sort_key = ?4 WHERE id = ?1",
        params![
            theirs.id,
            theirs.app_id,
            theirs.version_number,
            version_sort_key(&theirs.version_number)
        ],
    )?;
    versions::set_base(tx, theirs, etag)?;
    tx.execute(
        "UPDATE icons SET base_sha256 = ?2 WHERE version_id = ?1",
        params![theirs.id, icon_sha256],
    )?;
    alias(tx, local_id, &theirs.id, "version", at)?;
    if let Some(write) = next_write {
        crate::sync::put_in_flight(tx, &theirs.id, write)?;
    }
    Ok(())
}

fn move_references(
    tx: &Transaction<'_>,
    references: &[(&str, &str)],
    from: &str,
    to: &str,
) -> Result<(), StoreError> {
    for (table, column) in references {
        tx.execute(
            &format!("UPDATE {table} SET {column} = ?2 WHERE {column} = ?1"),
            params![from, to],
        )?;
    }
    Ok(())
}

fn alias(
    tx: &Transaction<'_>,
    old: &str,
    new: &str,
    kind: &str,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO id_aliases (old_id, new_id, kind, at) VALUES (?1, ?2, ?3, ?4)",
        params![old, new, kind, at],
    )?;
    Ok(())
}

/// The server's id of an app or version made here under the local id `old`, once the server
/// has it; `None` for any other id.
pub(crate) fn resolve(conn: &Connection, old: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT new_id FROM id_aliases WHERE old_id = ?1")?
        .query_row([old], |row| row.get(0))
        .optional()?)
}
