//! A complete picture of the partner's apps as the server has them, and its swap into the cache.
//!
//! A pull gathers a [`Snapshot`] in memory first and only then calls [`replace`], which swaps it in
//! one transaction: a pull that fails halfway (a dropped connection, a malformed reply) never
//! reaches the cache, and a failure inside the swap rolls it back.

use rusqlite::{Connection, TransactionBehavior};
use workbench_domain::{App, AppVersion, IconFile};

use crate::{CachedPack, StoreError, apps, icons, rules_pack, sync_state, versions};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub apps: Vec<SnapshotApp>,
    /// The rules pack the server served in this pull; `None` keeps the cached one.
    pub rules: Option<CachedPack>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotApp {
    pub app: App,
    pub versions: Vec<SnapshotVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotVersion {
    pub version: AppVersion,
    pub etag: String,
    pub icon: Option<IconFile>,
}

impl Snapshot {
    pub fn version_count(&self) -> usize {
        self.apps.iter().map(|app| app.versions.len()).sum()
    }
}

pub(crate) fn replace(
    conn: &mut Connection,
    snapshot: &Snapshot,
    server: &str,
    synced_at: &str,
) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy timeout)
    // instead of failing halfway through.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    apps::delete_all(&tx)?;
    for entry in &snapshot.apps {
        apps::insert(&tx, &entry.app)?;
        for version in &entry.versions {
            if version.version.app_id != entry.app.id {
                return Err(StoreError::corrupt(format!(
                    "version {} says it belongs to app {} but was listed under {}",
                    version.version.id, version.version.app_id, entry.app.id
                )));
            }
            versions::insert_from_server(&tx, &version.version, &version.etag)?;
            if let Some(icon) = &version.icon {
                icons::insert_from_server(&tx, &version.version.id, icon)?;
            }
        }
    }
    if let Some(pack) = &snapshot.rules {
        rules_pack::put(&tx, pack)?;
    }
    sync_state::record_pull(&tx, server, synced_at)?;
    tx.commit()?;
    Ok(())
}
