//! The offline cache of Partner Workbench: one SQLite file per profile holding the partner's apps,
//! versions, plans and icons, the rules pack last fetched, the partner's suppressions of
//! warnings, the outbox of local edits, and the sync cursor.
//!
//! Start with [`Store::open`], which refuses a database written by a newer schema without
//! touching it, then sets the connection's pragmas and runs the numbered migrations of
//! [`migrations`]. One module per table; [`snapshot`] swaps a whole pull in one transaction.

mod apps;
mod created;
mod error;
pub mod fixtures;
mod icons;
pub mod migrations;
mod outbox;
mod plans;
mod requests;
mod rules_pack;
pub mod snapshot;
mod suppressions;
mod sync;
mod sync_state;
mod timeline;
mod versions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use workbench_domain::validation::Suppression;

pub use apps::AppListing;
#[doc(hidden)]
pub use apps::LIST_SQL as LIST_APPS_SQL;
pub use created::{
    APP_REFERENCES, DELETION_SIDES, Deletion, LOCAL_PREFIX, VERSION_REFERENCES, VersionRemap,
    is_local,
};
pub use error::StoreError;
pub use outbox::{Operation, OutboxEntry};
pub use requests::InstallationRequest;
pub use rules_pack::CachedPack;
pub use snapshot::{Snapshot, SnapshotApp, SnapshotVersion};
pub use suppressions::StoredSuppression;
pub use sync::{
    Applied, Changes, DELETED_FIELD, EditRecord, FeedBatch, ICON_FIELD, InFlight, Received,
    Settled, StoredConflict,
};
pub use sync_state::SyncState;
pub use timeline::{
    Announcer, FeedbackEntry, NotificationKind, TimelineEvent, TimelineKind, Verdict,
};
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

    /// The cache at `path` with `synchronous=NORMAL` instead of FULL: commits survive a crash of
    /// the program but not a power cut. Only for measuring what FULL costs (the `commit`
    /// benchmark); the product always opens with [`Store::open`].
    #[doc(hidden)]
    pub fn open_without_full_sync_for_benchmarks(path: &Path) -> Result<Store, StoreError> {
        let store = Store::open(path)?;
        store.conn.pragma_update(None, "synchronous", "normal")?;
        Ok(store)
    }

    /// The store's own connection, for the `list` benchmark's baseline: the bare query runs on
    /// the same connection (same page cache, same pragmas) as [`Store::list_apps`], so the two
    /// figures differ only by what the store does with the rows.
    #[doc(hidden)]
    pub fn connection_for_benchmarks(&self) -> &Connection {
        &self.conn
    }

    /// Whether commits wait for the disk (`PRAGMA synchronous` is FULL or EXTRA).
    pub fn commits_are_durable(&self) -> Result<bool, StoreError> {
        let level: i64 = self
            .conn
            .pragma_query_value(None, "synchronous", |row| row.get(0))?;
        Ok(level >= 2)
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
        // FULL, not NORMAL: in WAL mode NORMAL survives a crash of the program but not a power
        // cut or an OS crash, which can drop the last commits, and those are the partner's edits
        // that the window already called saved. FULL syncs the WAL at every commit, so a commit
        // that returned is on disk. BENCHMARKS.md has the cost, measured against NORMAL.
        conn.pragma_update(None, "synchronous", "full")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Every app in the cache with a summary of its versions (newest first), ordered by display name.
    /// The schema version of this cache (its migrations applied).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(migrations::schema_version(&self.conn)?)
    }

    /// Every cached app with a summary of each of its versions, in the list's order.
    pub fn list_apps(&self) -> Result<Vec<AppListing>, StoreError> {
        apps::list(&self.conn)
    }

    /// How many apps and versions [`Store::list_apps`] lists, without building the list.
    pub fn counts(&self) -> Result<(usize, usize), StoreError> {
        apps::counts(&self.conn)
    }

    /// The server's ETag of a cached version, without reading the rest of it.
    pub fn version_etag(&self, version_id: &str) -> Result<Option<String>, StoreError> {
        versions::etag(&self.conn, version_id)
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

    /// Every outbox entry, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        outbox::list(&self.conn)
    }

    /// One cached app.
    pub fn app(&self, app_id: &str) -> Result<Option<workbench_domain::App>, StoreError> {
        apps::get(&self.conn, app_id)
    }

    /// Changes an app's own fields to `after`'s and queues the change; `false` if nothing changed.
    pub fn edit_app(
        &mut self,
        after: &workbench_domain::App,
        key: &str,
        at: &str,
    ) -> Result<bool, StoreError> {
        apps::edit(&mut self.conn, after, key, at)
    }

    /// Takes in the server's copy of an app, merged three ways into one with local changes; the
    /// number of its open conflicts.
    pub fn receive_app(
        &mut self,
        theirs: &workbench_domain::App,
        at: &str,
    ) -> Result<usize, StoreError> {
        let tx = sync::immediate(&mut self.conn)?;
        let open = apps::receive(&tx, theirs, at)?;
        tx.commit()?;
        Ok(open)
    }

    /// The server took an app's fields as `theirs`; the entries `done` leave the outbox.
    pub fn app_pushed(
        &mut self,
        theirs: &workbench_domain::App,
        done: &[i64],
    ) -> Result<(), StoreError> {
        apps::pushed(&mut self.conn, theirs, done)
    }

    /// Settles a conflict on an app's field (`app.FIELD`) with `value`.
    pub fn resolve_app(
        &mut self,
        app_id: &str,
        field: &str,
        value: &serde_json::Value,
        key: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        apps::resolve(&mut self.conn, app_id, field, value, key, at)
    }

    /// Registers an app made here (a local id) and queues its registration ([`created`]).
    pub fn create_app(
        &mut self,
        app: &workbench_domain::App,
        key: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        created::create_app(&mut self.conn, app, key, at)
    }

    /// Renames an app whose registration waits (refused for its name), under a new key.
    pub fn rename_app(&mut self, app_id: &str, name: &str, key: &str) -> Result<(), StoreError> {
        created::rename_app(&mut self.conn, app_id, name, key)
    }

    /// Starts a version made here (a local id), with the icon it copies, and queues it.
    pub fn create_version(
        &mut self,
        version: &workbench_domain::AppVersion,
        icon: Option<&workbench_domain::IconFile>,
        key: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        created::create_version(&mut self.conn, version, icon, key, at)
    }

    /// Deletes a version: at once if the server never had it, else queued ([`Deletion`]).
    pub fn delete_version(
        &mut self,
        version_id: &str,
        key: &str,
        at: &str,
    ) -> Result<Deletion, StoreError> {
        created::delete_version(&mut self.conn, version_id, key, at)
    }

    /// Gives up an app made here and not registered yet, with its versions ([`created`]).
    pub fn discard_app(&mut self, app_id: &str) -> Result<(), StoreError> {
        created::discard_app(&mut self.conn, app_id)
    }

    /// The server deleted the version: it leaves the cache with its queued entries.
    pub fn version_deleted(&mut self, version_id: &str) -> Result<(), StoreError> {
        created::deleted(&mut self.conn, version_id)
    }

    /// Moves every reference of an app made here to the server's id ([`created`]).
    pub fn remap_app(
        &mut self,
        local_id: &str,
        server: &workbench_domain::App,
        at: &str,
    ) -> Result<(), StoreError> {
        created::remap_app(&mut self.conn, local_id, server, at)
    }

    /// Moves every reference of versions made here to the server's ids, in one transaction
    /// ([`created`]).
    pub fn remap_versions(
        &mut self,
        remaps: &[VersionRemap<'_>],
        at: &str,
    ) -> Result<(), StoreError> {
        created::remap_versions(&mut self.conn, remaps, at)
    }

    /// The server's id of an app or version made here under `local_id`, once it has one.
    pub fn resolve_alias(&self, local_id: &str) -> Result<Option<String>, StoreError> {
        created::resolve(&self.conn, local_id)
    }

    /// Whether a version has local changes a pull must merge into rather than replace.
    pub fn is_dirty(&self, version_id: &str) -> Result<bool, StoreError> {
        outbox::is_dirty(&self.conn, version_id)
    }

    /// Replaces a version's content with `after` and queues it (see [`sync`]'s edit); `false`
    /// when it changed nothing.
    pub fn edit(
        &mut self,
        version_id: &str,
        after: &workbench_domain::VersionContent,
        summary: &str,
        key: &str,
        at: &str,
    ) -> Result<bool, StoreError> {
        sync::edit(&mut self.conn, version_id, after, summary, key, at)
    }

    /// Undoes a version's latest edit as a new queued edit; the summary of what was undone.
    pub fn undo(
        &mut self,
        version_id: &str,
        key: &str,
        at: &str,
    ) -> Result<Option<String>, StoreError> {
        sync::undo(&mut self.conn, version_id, key, at)
    }

    /// The content a version had before its latest recorded edit: what undo would put back.
    pub fn last_edit_before(
        &self,
        version_id: &str,
    ) -> Result<Option<workbench_domain::VersionContent>, StoreError> {
        sync::last_before(&self.conn, version_id)
    }

    /// A version's recent edits, newest first: what undo would take back.
    pub fn edit_history(&self, version_id: &str) -> Result<Vec<EditRecord>, StoreError> {
        sync::history(&self.conn, version_id)
    }

    /// Replaces a version's icon and queues its upload.
    pub fn set_icon(
        &mut self,
        version_id: &str,
        icon: &workbench_domain::IconFile,
        key: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        sync::set_icon(&mut self.conn, version_id, icon, key, at)
    }

    /// Applies a content edit and an icon together, in one transaction, or nothing (see
    /// [`Changes`]).
    pub fn apply(
        &mut self,
        version_id: &str,
        changes: Changes<'_>,
        at: &str,
    ) -> Result<(), StoreError> {
        sync::apply(&mut self.conn, version_id, changes, at)
    }

    /// The icon a push must upload: the working one, when it differs from the server's.
    pub fn unsent_icon(
        &self,
        version_id: &str,
    ) -> Result<Option<workbench_domain::IconFile>, StoreError> {
        icons::unsent(&self.conn, version_id)
    }

    /// Queues an action on a version; the entry's id.
    pub fn enqueue(
        &mut self,
        version_id: &str,
        operation: Operation,
        payload: &serde_json::Value,
        key: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        sync::enqueue(&mut self.conn, version_id, operation, payload, key, at)
    }

    /// Records the server's answers to writes, in one transaction (see [`sync`]'s pushed).
    pub fn pushed(&mut self, answers: &[Settled<'_>]) -> Result<(), StoreError> {
        sync::pushed(&mut self.conn, answers)
    }

    /// The content write of a version sent without its reply recorded, if any.
    pub fn in_flight(&self, version_id: &str) -> Result<Option<InFlight>, StoreError> {
        sync::in_flight(&self.conn, version_id)
    }

    /// Records the content writes about to be sent, `(version id, write)`, in one transaction
    /// (durable when this returns), each replacing an earlier one of its version.
    /// [`Store::pushed`] settles them.
    pub fn put_in_flight(&mut self, writes: &[(&str, &InFlight)]) -> Result<(), StoreError> {
        let tx = sync::immediate(&mut self.conn)?;
        for (version_id, write) in writes {
            sync::put_in_flight(&tx, version_id, write)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets a version's write in flight: the server did not apply it (412) or refused it.
    pub fn forget_in_flight(&self, version_id: &str) -> Result<(), StoreError> {
        sync::forget_in_flight(&self.conn, version_id)
    }

    /// Takes in the server's copy of one version: replaced, or merged when it has local changes.
    pub fn receive(
        &mut self,
        theirs: &workbench_domain::AppVersion,
        etag: &str,
        icon: Option<&workbench_domain::IconFile>,
        at: &str,
    ) -> Result<Received, StoreError> {
        let tx = sync::immediate(&mut self.conn)?;
        let received = sync::receive(&tx, theirs, etag, icon, at)?;
        tx.commit()?;
        Ok(received)
    }

    /// Takes in one read of the change feed, cursor included, in one transaction.
    pub fn apply_changes(&mut self, batch: &FeedBatch, at: &str) -> Result<Applied, StoreError> {
        sync::apply_changes(&mut self.conn, batch, at)
    }

    /// A version's review timeline, oldest first.
    pub fn timeline(&self, version_id: &str) -> Result<Vec<TimelineEvent>, StoreError> {
        timeline::for_version(&self.conn, version_id)
    }

    /// The review outcomes `announcer` has not announced yet, oldest first, marked announced at
    /// `at` as they are taken (one transaction).
    pub fn take_unannounced(
        &mut self,
        announcer: Announcer,
        at: &str,
    ) -> Result<Vec<TimelineEvent>, StoreError> {
        timeline::take_unannounced(&mut self.conn, announcer, at)
    }

    /// The customers' requests `announcer` has not announced yet, oldest first, marked as taken.
    pub fn take_unannounced_requests(
        &mut self,
        announcer: Announcer,
        at: &str,
    ) -> Result<Vec<InstallationRequest>, StoreError> {
        requests::take_unannounced(&mut self.conn, announcer, at)
    }

    /// Whether the partner wants a desktop notification of `kind` (on by default).
    pub fn notifies(&self, kind: NotificationKind) -> Result<bool, StoreError> {
        timeline::notifies(&self.conn, kind)
    }

    pub fn set_notifies(&self, kind: NotificationKind, on: bool) -> Result<(), StoreError> {
        timeline::set_notifies(&self.conn, kind, on)
    }

    /// Notes a failed attempt on outbox entries; `hold` keeps them for the partner.
    pub fn note_failure(&self, ids: &[i64], error: &str, hold: bool) -> Result<(), StoreError> {
        outbox::note_failure(&self.conn, ids, error, hold)
    }

    /// Lets a version's held entries be tried again; how many there were.
    pub fn release_held(&self, version_id: &str) -> Result<usize, StoreError> {
        outbox::release(&self.conn, version_id)
    }

    /// Removes one outbox entry (an action the partner gave up).
    pub fn drop_entry(&mut self, id: i64) -> Result<(), StoreError> {
        let tx = sync::immediate(&mut self.conn)?;
        outbox::remove(&tx, &[id])?;
        tx.commit()?;
        Ok(())
    }

    /// Drops a version's unsent content edits and conflicts; it goes back to the server's copy.
    pub fn discard_edits(&mut self, version_id: &str) -> Result<(), StoreError> {
        sync::discard_edits(&mut self.conn, version_id)
    }

    /// Open conflicts, of one version or of all.
    pub fn conflicts(&self, version_id: Option<&str>) -> Result<Vec<StoredConflict>, StoreError> {
        sync::list_conflicts(&self.conn, version_id)
    }

    /// Settles a conflict with `value` and queues the result.
    pub fn resolve(
        &mut self,
        version_id: &str,
        field: &str,
        value: serde_json::Value,
        key: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        sync::resolve(&mut self.conn, version_id, field, value, key, at)
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
