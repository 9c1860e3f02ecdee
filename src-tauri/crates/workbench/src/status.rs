//! What the desktop app's sync indicator and `pwb` say about the link to the server.

use serde::Serialize;

use crate::{ErrorCode, PullReport, Workbench, WorkbenchError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// The cache is as fresh as the last sync says.
    Idle,
    Syncing,
    /// The server cannot be reached; the cache is shown as it is.
    Offline,
    /// The server answered wrongly; the cache is shown as it is.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    /// The server's base URL.
    pub server: Option<String>,
    /// RFC 3339 time of the last complete sync.
    pub last_synced_at: Option<String>,
    /// What happened, in words, when something went wrong.
    pub message: Option<String>,
    pub error_code: Option<ErrorCode>,
    /// Local changes waiting to be sent (outbox entries), of which `held` were refused by the
    /// server for good, and the conflicts waiting for the partner.
    pub pending: u64,
    pub held: u64,
    pub conflicts: u64,
}

impl Workbench {
    /// The status while a sync runs against `server`.
    pub fn status_syncing(&self, server: &str) -> SyncStatus {
        let last = self.sync_state().ok().and_then(|s| s.last_synced_at);
        SyncStatus {
            phase: SyncPhase::Syncing,
            server: Some(server.to_owned()),
            last_synced_at: last,
            message: None,
            error_code: None,
            ..self.local_counts()
        }
    }

    /// The status once a sync against `server` ended with `result`.
    pub fn status_after(
        &self,
        server: &str,
        result: &Result<PullReport, WorkbenchError>,
    ) -> SyncStatus {
        let last = self.sync_state().ok().and_then(|s| s.last_synced_at);
        match result {
            Ok(report) => SyncStatus {
                phase: SyncPhase::Idle,
                server: Some(server.to_owned()),
                last_synced_at: Some(report.synced_at.clone()),
                message: None,
                error_code: None,
                ..self.local_counts()
            },
            Err(error) => {
                let code = error.code();
                SyncStatus {
                    phase: if code == ErrorCode::ServerUnreachable {
                        SyncPhase::Offline
                    } else {
                        SyncPhase::Error
                    },
                    server: Some(server.to_owned()),
                    last_synced_at: last,
                    message: Some(error.to_string()),
                    error_code: Some(code),
                    ..self.local_counts()
                }
            }
        }
    }

    /// The status before any sync was tried in this run: what the cache says.
    pub fn status_cached(&self) -> SyncStatus {
        let state = self.sync_state().unwrap_or_default();
        SyncStatus {
            phase: SyncPhase::Idle,
            server: state.server,
            last_synced_at: state.last_synced_at,
            message: None,
            error_code: None,
            ..self.local_counts()
        }
    }

    /// `status` with its local counts (pending, held, conflicts) read again: after an edit, a
    /// resolution or a discard, the phase stays what the last sync left.
    pub fn with_local_counts(&self, status: SyncStatus) -> SyncStatus {
        let counts = self.local_counts();
        SyncStatus {
            pending: counts.pending,
            held: counts.held,
            conflicts: counts.conflicts,
            ..status
        }
    }

    /// A status with nothing but the local counts filled in (the base of the others).
    fn local_counts(&self) -> SyncStatus {
        let (pending, held, conflicts) = self
            .local_changes(None)
            .map(|c| {
                let held = c.entries.iter().filter(|e| e.held).count();
                (
                    c.entries.len() as u64,
                    held as u64,
                    c.conflicts.len() as u64,
                )
            })
            .unwrap_or_default();
        SyncStatus {
            phase: SyncPhase::Idle,
            server: None,
            last_synced_at: None,
            message: None,
            error_code: None,
            pending,
            held,
            conflicts,
        }
    }
}
