//! What the desktop app keeps while it runs.

use std::sync::{Arc, Mutex};

use workbench::profiles::Profiles;
use workbench::server::{Connection, ServerChoice};
use workbench::{SyncStatus, Workbench};

use crate::ipc::CommandError;

pub struct AppState {
    /// The open cache, or why it could not be opened (the window still starts and says so).
    pub workbench: Result<Arc<Workbench>, CommandError>,
    pub server: ServerChoice,
    /// The server connection, opened by the first sync and kept: it owns the embedded sandbox.
    /// Held across a whole sync, so two syncs never run at once.
    pub connection: tokio::sync::Mutex<Option<Connection>>,
    /// The last status announced to the window.
    pub status: Mutex<SyncStatus>,
}

impl AppState {
    pub fn open() -> AppState {
        // The profile PWB_PROFILE or PWB_SERVER names, else the active one: its own data folder.
        let opened = Profiles::open_default().and_then(|profiles| {
            let profile = profiles.choose_from_environment()?;
            Ok((profiles.open_workbench(&profile)?, profile.server))
        });
        let (workbench, server) = match opened {
            Ok((workbench, server)) => (Ok(Arc::new(workbench)), server),
            Err(e) => {
                tracing::error!("cannot open the cache: {e}");
                (Err(CommandError::from(e)), ServerChoice::Embedded)
            }
        };
        let status = match &workbench {
            Ok(workbench) => workbench.status_cached(),
            Err(_) => SyncStatus {
                phase: workbench::SyncPhase::Error,
                server: None,
                last_synced_at: None,
                message: None,
                error_code: None,
            },
        };
        AppState {
            workbench,
            server,
            connection: tokio::sync::Mutex::new(None),
            status: Mutex::new(status),
        }
    }

    pub fn workbench(&self) -> Result<Arc<Workbench>, CommandError> {
        self.workbench.clone()
    }

    pub fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_status(&self, status: SyncStatus) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }
}

/// Unix seconds now: the facade reads no clock, so the shell passes it in.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
