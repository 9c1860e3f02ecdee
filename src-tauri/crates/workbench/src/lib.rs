//! The facade of Partner Workbench: every use case as a plain function over the cache
//! (`workbench-store`) and the server (`workbench-remote`). The desktop shell and the `pwb`
//! command line are thin layers over this crate and nothing else.
//!
//! Start with [`Workbench::open`], then [`Workbench::list_apps`] (the cache, instant, offline) and
//! [`Workbench::pull`] (the server, swapped into the cache in one transaction, rules pack
//! included). [`Workbench::validate_version`] checks a cached version against the rules pack in
//! force ([`Workbench::active_rules_pack`]) with the partner's suppressions
//! ([`Workbench::suppress`]). [`server`] says which server to talk to, including the sandbox
//! embedded in the app; [`profiles`] gives each server (the embedded sandbox, Talkdesk's regions,
//! custom ones) a data folder of its own under the data root, and keeps which is active;
//! [`places`] says where data, settings and the log live on this machine.
//! [`preview`] renders a version's marketplace card and listing page (`pwb preview`) and decides
//! which of its links the window may open. [`files`] writes a version as files a partner keeps
//! in git and reads them back as local edits (`pwb export`, `pwb import`, `pwb diff`). Time
//! comes in as an argument, so nothing here reads a clock.

pub mod account;
mod atomic;
mod edit;
mod error;
pub mod files;
mod filter;
mod lifecycle;
pub mod live;
mod loopback;
mod outcomes;
pub mod places;
pub mod preview;
pub mod profiles;
mod pull;
mod push;
pub mod secrets;
pub mod server;
mod status;
mod validate;
mod version;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

pub use edit::{Allowed, Edit, EditOutcome, LocalChanges, ReviewAction, SubmissionPreview};
pub use error::{ErrorCode, WorkbenchError};
pub use filter::{AppFilter, filter_apps};
pub use lifecycle::{NewApp, NextVersion};
pub use live::{CreatedClient, InstallationDecision, InstallationView};
pub use outcomes::{
    Announcer, FeedbackEntry, NotificationKind, NotificationPrefs, NotificationText, RequestNotice,
    ReviewOutcome, Timeline, TimelineEntry, Verdict, parse_notification_kind, review_words,
};
pub use pull::{PullProgress, PullReport, SyncStage};
pub use push::PushReport;
pub use status::{SyncPhase, SyncStatus};
pub use validate::{ActivePack, MAX_ICON_FILE_BYTES, PackInfo, PackSource};
pub use version::VersionDetail;
pub use workbench_remote::auth::{AuthError, AuthServer, DeviceAuthorization, SignInSettings};
pub use workbench_store::{
    AppListing, DELETED_FIELD, Deletion, Operation, OutboxEntry, StoredConflict, StoredSuppression,
    SyncState, TimelineKind, VersionSummary, is_local,
};

use workbench_domain::IconFile;
use workbench_store::Store;

pub use places::{DATA_DIR_ENV, Places};
/// The cache's file in a profile's data folder.
pub const CACHE_FILE: &str = "cache.sqlite3";

/// One profile's local state: the cache and where it lives. [`profiles::Profiles`] says which
/// folder is which profile's; this is the one-folder primitive under it.
pub struct Workbench {
    data_dir: PathBuf,
    store: Mutex<Store>,
}

impl Workbench {
    /// Opens (creating when missing) the cache in `data_dir`, one profile's data folder.
    pub fn open(data_dir: &Path) -> Result<Workbench, WorkbenchError> {
        let store = Store::open(&data_dir.join(CACHE_FILE))?;
        Ok(Workbench {
            data_dir: data_dir.to_owned(),
            store: Mutex::new(store),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Every cached app with its versions: works offline and answers at once. [`filter_apps`]
    /// narrows it to what a filter text finds.
    pub fn list_apps(&self) -> Result<Vec<AppListing>, WorkbenchError> {
        Ok(self.store().list_apps()?)
    }

    /// How many apps and versions [`Workbench::list_apps`] lists, without building the list.
    pub fn counts(&self) -> Result<(usize, usize), WorkbenchError> {
        Ok(self.store().counts()?)
    }

    /// The schema version of the cache, for `pwb doctor`.
    pub fn cache_schema_version(&self) -> Result<u32, WorkbenchError> {
        Ok(self.store().schema_version()?)
    }

    pub fn icon(&self, version_id: &str) -> Result<Option<IconFile>, WorkbenchError> {
        Ok(self.store().icon(version_id)?)
    }

    pub fn sync_state(&self) -> Result<SyncState, WorkbenchError> {
        Ok(self.store().sync_state()?)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the cache half-written (SQLite
        // transactions roll back), so a poisoned lock is safe to keep using.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The default data root (a data folder per profile under it): [`Places::from_env`]'s data folder.
pub fn default_data_root() -> Result<PathBuf, WorkbenchError> {
    Ok(Places::from_env()?.data)
}
