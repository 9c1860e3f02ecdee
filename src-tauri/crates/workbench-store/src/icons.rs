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

/// Inserts an icon received from the server: the local and the server checksum are the same.
pub(crate) fn insert_from_server(
    tx: &Transaction<'_>,
    version_id: &str,
    icon: &IconFile,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO icons (version_id, media_type, bytes, sha256, base_sha256)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![
        version_id,
        icon.media_type,
        icon.bytes,
        icon.sha256
    ])?;
    Ok(())
}
