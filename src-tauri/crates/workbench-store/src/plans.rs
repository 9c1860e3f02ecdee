//! The `plans` table: a version's subscription plans, in the partner's order.

use rusqlite::{Connection, Transaction, params};
use serde::{Serialize, de::DeserializeOwned};
use workbench_domain::SubscriptionPlan;

use crate::StoreError;

pub(crate) fn list(
    conn: &Connection,
    version_id: &str,
) -> Result<Vec<SubscriptionPlan>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT type, license_type, name, price, currency, description, listing_summary,
                min_licenses, max_licenses, trial_days
         FROM plans WHERE version_id = ?1 ORDER BY position",
    )?;
    let mut rows = stmt.query([version_id])?;
    let mut plans = Vec::new();
    while let Some(row) = rows.next()? {
        plans.push(SubscriptionPlan {
            kind: from_text(row.get_ref(0)?.as_str()?)?,
            license_type: from_text(row.get_ref(1)?.as_str()?)?,
            name: row.get(2)?,
            price: row.get(3)?,
            currency: row.get(4)?,
            description: row.get(5)?,
            listing_summary: row.get(6)?,
            min_licenses: row.get(7)?,
            max_licenses: row.get(8)?,
            trial_days: row.get(9)?,
        });
    }
    Ok(plans)
}

pub(crate) fn insert_all(
    tx: &Transaction<'_>,
    version_id: &str,
    plans: &[SubscriptionPlan],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO plans (version_id, position, type, license_type, name, price, currency,
                            description, listing_summary, min_licenses, max_licenses, trial_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (position, plan) in plans.iter().enumerate() {
        stmt.execute(params![
            version_id,
            position as i64,
            to_text(&plan.kind)?,
            to_text(&plan.license_type)?,
            plan.name,
            plan.price,
            plan.currency,
            plan.description,
            plan.listing_summary,
            plan.min_licenses,
            plan.max_licenses,
            plan.trial_days,
        ])?;
    }
    Ok(())
}

/// Replaces every plan of a version with `plans`, in their order.
pub(crate) fn replace_all(
    tx: &Transaction<'_>,
    version_id: &str,
    plans: &[SubscriptionPlan],
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM plans WHERE version_id = ?1")?
        .execute([version_id])?;
    insert_all(tx, version_id, plans)
}

/// The wire name of a unit enum (`"trial"`), so the cache and the API spell values alike.
fn to_text<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::corrupt("a plan enum that is not a plain name")),
    }
}

fn from_text<T: DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| StoreError::corrupt(format!("plan value {s:?}")))
}
