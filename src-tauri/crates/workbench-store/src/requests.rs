//! The `installation_requests` table: customers' installations and updates that wait for the
//! partner, as the change feed told them (migration 0009). Written only by
//! `sync::apply_changes`, in the transaction that moves the feed cursor; taken once by each
//! [`Announcer`], like review outcomes.

use rusqlite::{Connection, Transaction, params};
use workbench_domain::installation::Waiting;

use crate::{Announcer, StoreError};

/// A customer's request the feed announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationRequest {
    /// The change's position in the feed: the request's identity.
    pub cursor: String,
    pub installation_id: String,
    pub app_id: String,
    pub version_id: String,
    pub account_name: String,
    pub waiting: Waiting,
    /// RFC 3339, when the customer asked.
    pub at: Option<String>,
}

/// Records `request` unless one with its cursor is already there.
pub(crate) fn record(
    tx: &Transaction<'_>,
    request: &InstallationRequest,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO installation_requests
             (cursor, installation_id, app_id, version_id, account_name, waiting, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (cursor) DO NOTHING",
        params![
            request.cursor,
            request.installation_id,
            request.app_id,
            request.version_id,
            request.account_name,
            request.waiting.as_str(),
            request.at,
        ],
    )?;
    Ok(())
}

/// The requests `announcer` has not announced yet, oldest first, marked as announced at `at` in
/// the same transaction.
pub(crate) fn take_unannounced(
    conn: &mut Connection,
    announcer: Announcer,
    at: &str,
) -> Result<Vec<InstallationRequest>, StoreError> {
    let column = announcer.column();
    let tx = crate::sync::immediate(conn)?;
    let requests = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT cursor, installation_id, app_id, version_id, account_name, waiting, at
             FROM installation_requests WHERE {column} IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<String>>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (cursor, installation_id, app_id, version_id, account_name, waiting, at) = row?;
            let waiting = Waiting::parse(&waiting)
                .ok_or_else(|| StoreError::corrupt(format!("unknown request kind {waiting}")))?;
            Ok(InstallationRequest {
                cursor,
                installation_id,
                app_id,
                version_id,
                account_name,
                waiting,
                at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?
    };
    tx.execute(
        &format!("UPDATE installation_requests SET {column} = ?1 WHERE {column} IS NULL"),
        [at],
    )?;
    tx.commit()?;
    Ok(requests)
}
