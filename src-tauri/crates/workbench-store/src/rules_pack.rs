//! The `rules_pack` table: the rules pack the server last served (`GET /rules`), kept as received
//! so fields this build does not know survive, with where and when it was fetched.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::StoreError;

/// A rules pack as fetched from a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPack {
    /// The pack's own version, for example `2026.11.1`.
    pub version: String,
    /// The pack's JSON exactly as the server sent it (already checked to parse).
    pub json: String,
    /// The base URL of the server it came from.
    pub server: String,
    /// RFC 3339 time of the pull that fetched it.
    pub fetched_at: String,
}

pub(crate) fn get(conn: &Connection) -> Result<Option<CachedPack>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT version, json, server, fetched_at FROM rules_pack WHERE id = 1",
            [],
            |row| {
                Ok(CachedPack {
                    version: row.get(0)?,
                    json: row.get(1)?,
                    server: row.get(2)?,
                    fetched_at: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Replaces the cached pack (inside the pull's transaction).
pub(crate) fn put(tx: &Transaction<'_>, pack: &CachedPack) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO rules_pack (id, version, json, server, fetched_at)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, json = excluded.json,
             server = excluded.server, fetched_at = excluded.fetched_at",
        params![pack.version, pack.json, pack.server, pack.fetched_at],
    )?;
    Ok(())
}
