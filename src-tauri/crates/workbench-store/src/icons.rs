//! The `icons` table: each version's icon bytes with their checksum.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use workbench_domain::IconFile;

use crate::StoreError;

pub(crate) fn get(conn: &Connection, version_id: &str) -> Result<Option<IconFile>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT media_type, bytes, sha256 FROM icons WHERE version_id = ?1")?
        .query_row([version_id], |row| {
            Ok(IconFile {
                media_type: row.get(0)?,
                bytes: row.get(1)?,
                sha256: row.get(2)?,
            })
        })
        .optional()?)
}

pub(crate) fn checksums(conn: &Connection) -> Result<HashMap<String, String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT version_id, sha256 FROM icons")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The checksums of an icon both sides replaced differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IconConflict {
    pub base: Option<String>,
    pub mine: String,
    pub theirs: String,
}

/// Stores an icon received from the server when the partner has not changed it locally, or
/// removes the cached one when the server has none. A locally changed icon (its checksum
/// differs from the server's it started from) is kept: when the server's did not change
/// meanwhile only its checksum is noted, else both are kept and the conflict is returned.
pub(crate) fn receive(
    tx: &Transaction<'_>,
    version_id: &str,
    theirs: Option<&IconFile>,
) -> Result<Option<IconConflict>, StoreError> {
    let local: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT sha256, base_sha256 FROM icons WHERE version_id = ?1")?
        .query_row([version_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let changed_locally = local
        .as_ref()
        .is_some_and(|(sha, base)| base.as_deref() != Some(sha.as_str()));
    if let Some((mine, base)) = local.filter(|_| changed_locally) {
        let theirs_sha = theirs.map(|icon| icon.sha256.as_str());
        let server_changed = theirs_sha != base.as_deref() && theirs_sha != Some(mine.as_str());
        if let (true, Some(icon)) = (server_changed, theirs) {
            // Both sides replaced the icon, differently: a conflict, with the server's icon
            // kept beside the partner's until they choose.
            tx.prepare_cached(
                "INSERT OR REPLACE INTO icon_conflicts (version_id, media_type, bytes, sha256)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                version_id,
                icon.media_type,
                icon.bytes,
                icon.sha256
            ])?;
            return Ok(Some(IconConflict {
                base,
                mine,
                theirs: icon.sha256.clone(),
            }));
        }
        tx.prepare_cached("UPDATE icons SET base_sha256 = ?2 WHERE version_id = ?1")?
            .execute(params![version_id, theirs_sha])?;
        return Ok(None);
    }
    match theirs {
        Some(icon) => {
            tx.prepare_cached(
                "INSERT INTO icons (version_id, media_type, bytes, sha256, base_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (version_id) DO UPDATE SET media_type = excluded.media_type,
                     bytes = excluded.bytes, sha256 = excluded.sha256,
                     base_sha256 = excluded.base_sha256",
            )?
            .execute(params![
                version_id,
                icon.media_type,
                icon.bytes,
                icon.sha256
            ])?;
        }
        None => {
            tx.prepare_cached("DELETE FROM icons WHERE version_id = ?1")?
                .execute([version_id])?;
        }
    }
    Ok(None)
}

/// Settles an icon conflict: `take_theirs` puts the server's icon in place of the partner's (no
/// upload left to do); otherwise the partner's stays and will replace the server's.
pub(crate) fn resolve_conflict(
    tx: &Transaction<'_>,
    version_id: &str,
    take_theirs: bool,
) -> Result<(), StoreError> {
    let theirs: Option<IconFile> = tx
        .prepare_cached(
            "SELECT media_type, bytes, sha256 FROM icon_conflicts WHERE version_id = ?1",
        )?
        .query_row([version_id], |row| {
            Ok(IconFile {
                media_type: row.get(0)?,
                bytes: row.get(1)?,
                sha256: row.get(2)?,
            })
        })
        .optional()?;
    let Some(theirs) = theirs else {
        return Err(StoreError::NoConflict {
            version_id: version_id.to_owned(),
            field: "icon".to_owned(),
        });
    };
    if take_theirs {
        tx.prepare_cached(
            "UPDATE icons SET media_type = ?2, bytes = ?3, sha256 = ?4, base_sha256 = ?4
             WHERE version_id = ?1",
        )?
        .execute(params![
            version_id,
            theirs.media_type,
            theirs.bytes,
            theirs.sha256
        ])?;
        tx.execute(
            "DELETE FROM outbox WHERE resource = ?1 AND operation = 'icon'",
            [version_id],
        )?;
    } else {
        mark_sent(tx, version_id, &theirs.sha256)?;
    }
    tx.execute(
        "DELETE FROM icon_conflicts WHERE version_id = ?1",
        [version_id],
    )?;
    Ok(())
}

/// Replaces the working copy of a version's icon, keeping the checksum of the server's.
pub(crate) fn put_local(
    tx: &Transaction<'_>,
    version_id: &str,
    icon: &IconFile,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO icons (version_id, media_type, bytes, sha256, base_sha256)
         VALUES (?1, ?2, ?3, ?4, NULL)
         ON CONFLICT (version_id) DO UPDATE SET media_type = excluded.media_type,
             bytes = excluded.bytes, sha256 = excluded.sha256",
    )?
    .execute(params![
        version_id,
        icon.media_type,
        icon.bytes,
        icon.sha256
    ])?;
    Ok(())
}

/// The working icon when it differs from the server's: the one a push must upload.
pub(crate) fn unsent(conn: &Connection, version_id: &str) -> Result<Option<IconFile>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT media_type, bytes, sha256 FROM icons
             WHERE version_id = ?1 AND sha256 IS NOT base_sha256",
        )?
        .query_row([version_id], |row| {
            Ok(IconFile {
                media_type: row.get(0)?,
                bytes: row.get(1)?,
                sha256: row.get(2)?,
            })
        })
        .optional()?)
}

/// Notes that the server now has the icon with checksum `sha256`.
pub(crate) fn mark_sent(
    tx: &Transaction<'_>,
    version_id: &str,
    sha256: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE icons SET base_sha256 = ?2 WHERE version_id = ?1")?
        .execute(params![version_id, sha256])?;
    Ok(())
}
