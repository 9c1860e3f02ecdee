//! The `sync_state` table: one row saying where the cache was last filled from, and when.

use rusqlite::{Connection, Transaction, params};

use crate::StoreError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The change-feed cursor, once the feed is used.
    pub cursor: Option<String>,
    /// The base URL of the server the cache was last filled from.
    pub server: Option<String>,
    /// RFC 3339 time of the last complete pull.
    pub last_synced_at: Option<String>,
}

pub(crate) fn get(conn: &Connection) -> Result<SyncState, StoreError> {
    Ok(conn.query_row(
        "SELECT cursor, server, last_synced_at FROM sync_state WHERE id = 1",
        [],
        |row| {
            Ok(SyncState {
                cursor: row.get(0)?,
                server: row.get(1)?,
                last_synced_at: row.get(2)?,
            })
        },
    )?)
}

pub(crate) fn record_pull(
    tx: &Transaction<'_>,
    server: &str,
    synced_at: &str,
    cursor: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sync_state SET server = ?1, last_synced_at = ?2, cursor = COALESCE(?3, cursor)
         WHERE id = 1",
        params![server, synced_at, cursor],
    )?;
    Ok(())
}
