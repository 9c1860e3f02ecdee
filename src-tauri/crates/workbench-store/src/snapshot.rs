//! A complete picture of the partner's apps as the server has them, and its swap into the cache.
//!
//! A pull gathers a [`Snapshot`] in memory first and only then calls [`replace`], which swaps it in
//! one transaction: a pull that fails halfway (a dropped connection, a malformed reply) never
//! reaches the cache, and a failure inside the swap rolls it back.

use std::collections::HashSet;

use rusqlite::Connection;
use workbench_domain::{App, AppVersion, IconFile};

use crate::{CachedPack, StoreError, apps, rules_pack, sync, sync_state};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub apps: Vec<SnapshotApp>,
    /// The rules pack the server served in this pull; `None` keeps the cached one.
    pub rules: Option<CachedPack>,
    /// The change-feed cursor taken just before the pull began: the next sync reads the feed
    /// from there. `None` keeps the cached one.
    pub cursor: Option<String>,
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
    let tx = sync::immediate(conn)?;
    let mut listed = HashSet::new();
    for entry in &snapshot.apps {
        apps::receive(&tx, &entry.app, synced_at)?;
        for version in &entry.versions {
            if version.version.app_id != entry.app.id {
                return Err(StoreError::corrupt(format!(
                    "version {} says it belongs to app {} but was listed under {}",
                    version.version.id, version.version.app_id, entry.app.id
                )));
            }
            sync::receive(
                &tx,
                &version.version,
                &version.etag,
                version.icon.as_ref(),
                synced_at,
            )?;
            listed.insert(version.version.id.as_str());
        }
    }
    // What the server no longer has goes, except versions with local changes (kept in conflict:
    // nothing the partner wrote disappears silently) and their apps.
    let cached: Vec<String> = tx
        .prepare("SELECT id FROM versions")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in cached {
        if !listed.contains(id.as_str()) {
            crate::created::gone_from_server(&tx, &id, synced_at)?;
        }
    }
    let app_ids: HashSet<&str> = snapshot.apps.iter().map(|a| a.app.id.as_str()).collect();
    let cached_apps: Vec<String> = tx
        // An app registered here and not yet sent is not the server's to drop.
        .prepare(
            "SELECT id FROM apps WHERE id NOT IN (SELECT app_id FROM versions)
             AND id NOT IN (SELECT resource FROM outbox)",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in cached_apps {
        if !app_ids.contains(id.as_str()) {
            tx.execute("DELETE FROM apps WHERE id = ?1", [&id])?;
        }
    }
    if let Some(pack) = &snapshot.rules {
        rules_pack::put(&tx, pack)?;
    }
    sync_state::record_pull(&tx, server, synced_at, snapshot.cursor.as_deref())?;
    tx.commit()?;
    Ok(())
}
