//! The offline cache of Partner Workbench: one SQLite file per profile holding the partner's apps,
//! versions, plans and icons, the rules pack last fetched, the partner's suppressions of
//! warnings, the outbox of local edits, and the sync cursor.
//!
//! Start with [`Store::open`], which refuses a database written by a newer schema without
//! touching it, then sets the connection's pragmas and runs the numbered migrations of
//! [`migrations`]. One module per table; [`snapshot`] swaps a whole pull in one transaction.

mod apps;
mod error;
pub mod fixtures;
mod icons;
pub mod migrations;
mod outbox;
mod plans;
mod rules_pack;
pub mod snapshot;
mod suppressions;
mod sync_state;
mod versions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use workbench_domain::validation::Suppression;

pub use apps::AppListing;
pub use error::StoreError;
pub use rules_pack::CachedPack;
pub use snapshot::{Snapshot, SnapshotApp, SnapshotVersion};
pub use suppressions::StoredSuppression;
pub use sync_state::SyncState;
pub use versions::{CachedVersion, VersionSummary};

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open cache. Not `Sync`: the facade guards it with a mutex.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the cache at `path`, creating it when missing.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_owned(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        Store::prepare(conn, Some(path.to_owned()))
    }

    /// A cache that lives only in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Store::prepare(conn, None)
    }

    fn prepare(mut conn: Connection, path: Option<PathBuf>) -> Result<Store, StoreError> {
        let path = path.unwrap_or_else(|| PathBuf::from(":memory:"));
        // Read the schema version before anything writes: a newer database must not be altered,
        // and even switching it to WAL would rewrite its header.
        let found = migrations::schema_version(&conn).map_err(|source| match source {
            rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::NotADatabase { path: path.clone() }
            }
            source => StoreError::Open {
                path: path.clone(),
                source,
            },
        })?;
        let supported = migrations::latest_version();
        if found > supported {
            return Err(StoreError::NewerSchema {
                path,
                found,
                supported,
            });
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.pragma_update(None, "synchronous", "normal")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Every app in the cache with a summary of its versions (newest first), ordered by display name.
    pub fn list_apps(&self) -> Result<Vec<AppListing>, StoreError> {
        apps::list(&self.conn)
    }

    /// One version with its content and plans, as the partner sees it now.
    pub fn version(&self, version_id: &str) -> Result<Option<CachedVersion>, StoreError> {
        versions::get(&self.conn, version_id)
    }

    /// The icon of a version, if it has one.
    pub fn icon(&self, version_id: &str) -> Result<Option<workbench_domain::IconFile>, StoreError> {
        icons::get(&self.conn, version_id)
    }

    /// The checksum of each cached icon by version id, so a pull downloads only changed icons.
    pub fn icon_checksums(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        icons::checksums(&self.conn)
    }

    pub fn sync_state(&self) -> Result<SyncState, StoreError> {
        sync_state::get(&self.conn)
    }

    /// How many local edits wait in the outbox.
    pub fn pending_edits(&self) -> Result<u64, StoreError> {
        outbox::pending_count(&self.conn)
    }

    /// The rules pack the server last served, if a pull has fetched one.
    pub fn rules_pack(&self) -> Result<Option<CachedPack>, StoreError> {
        rules_pack::get(&self.conn)
    }

    /// The suppressions recorded on a version, oldest first, as the engine takes them.
    pub fn suppressions(&self, version_id: &str) -> Result<Vec<Suppression>, StoreError> {
        suppressions::list(&self.conn, version_id)
    }

    /// The suppressions recorded on a version with when each was recorded, oldest first.
    pub fn stored_suppressions(
        &self,
        version_id: &str,
    ) -> Result<Vec<StoredSuppression>, StoreError> {
        suppressions::list_stored(&self.conn, version_id)
    }

    /// Records a suppression on a version, replacing one of the same rule and field. The caller
    /// checks it against the rules pack first; the cache refuses only an empty reason or field.
    pub fn put_suppression(
        &mut self,
        version_id: &str,
        suppression: &Suppression,
        created_at: &str,
    ) -> Result<(), StoreError> {
        suppressions::put(&mut self.conn, version_id, suppression, created_at)
    }

    /// Removes the suppression of `rule` on `field` (`None`: the one for every field) from a
    /// version. Answers whether there was one.
    pub fn remove_suppression(
        &mut self,
        version_id: &str,
        rule: &str,
        field: Option<&str>,
    ) -> Result<bool, StoreError> {
        suppressions::delete(&self.conn, version_id, rule, field)
    }

    /// Replaces the server side of the cache with `snapshot` in one transaction: either all of it
    /// lands or the cache stays exactly as it was.
    pub fn replace_with_snapshot(
        &mut self,
        snapshot: &Snapshot,
        server: &str,
        synced_at: &str,
    ) -> Result<(), StoreError> {
        snapshot::replace(&mut self.conn, snapshot, server, synced_at)
    }
}

#[cfg(test)]
mod tests;
