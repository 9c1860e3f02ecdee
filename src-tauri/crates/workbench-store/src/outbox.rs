//! The `outbox` table: local edits waiting to be sent. Filled and drained from the sync issue on;
//! for now the cache only reports how many edits wait, so no pull can hide them.

use rusqlite::Connection;

use crate::StoreError;

pub(crate) fn pending_count(conn: &Connection) -> Result<u64, StoreError> {
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM outbox", [], |row| row.get(0))?;
    Ok(count.max(0) as u64)
}
