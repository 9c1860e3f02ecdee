//! The `suppressions` table: the warnings a partner silenced on a version, each with the reason
//! they recorded and when. Local data: a pull never touches it.

use rusqlite::{Connection, TransactionBehavior, params};
use workbench_domain::validation::Suppression;

use crate::StoreError;

/// A suppression as recorded for one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSuppression {
    pub version_id: String,
    pub suppression: Suppression,
    /// RFC 3339 time it was recorded (or last changed).
    pub created_at: String,
}

/// The suppressions of a version, oldest first.
pub(crate) fn list(conn: &Connection, version_id: &str) -> Result<Vec<Suppression>, StoreError> {
    Ok(list_stored(conn, version_id)?
        .into_iter()
        .map(|stored| stored.suppression)
        .collect())
}

pub(crate) fn list_stored(
    conn: &Connection,
    version_id: &str,
) -> Result<Vec<StoredSuppression>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT rule, field, reason, created_at FROM suppressions
         WHERE version_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map([version_id], |row| {
        Ok(StoredSuppression {
            version_id: version_id.to_owned(),
            suppression: Suppression {
                rule: row.get(0)?,
                field: row.get(1)?,
                reason: row.get(2)?,
            },
            created_at: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records `suppression` on a version, replacing one of the same rule and field.
pub(crate) fn put(
    conn: &mut Connection,
    version_id: &str,
    suppression: &Suppression,
    created_at: &str,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    delete(
        &tx,
        version_id,
        &suppression.rule,
        suppression.field.as_deref(),
    )?;
    tx.execute(
        "INSERT INTO suppressions (version_id, rule, field, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            version_id,
            suppression.rule,
            suppression.field,
            suppression.reason,
            created_at
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Removes the suppression of `rule` on `field` (`None`: the one for every field). Answers
/// whether there was one.
pub(crate) fn delete(
    conn: &Connection,
    version_id: &str,
    rule: &str,
    field: Option<&str>,
) -> Result<bool, StoreError> {
    let deleted = conn.execute(
        "DELETE FROM suppressions
         WHERE version_id = ?1 AND rule = ?2 AND ifnull(field, '') = ifnull(?3, '')",
        params![version_id, rule, field],
    )?;
    Ok(deleted > 0)
}
