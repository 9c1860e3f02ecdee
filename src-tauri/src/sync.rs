//! The background sync: on start and on "Sync now". Each change of status is announced to the
//! window as a `sync-status` event, so the indicator and the offline banner follow it.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use tokio::sync::MutexGuard;
use workbench::server::{Access, Connection};
use workbench::{ErrorCode, SyncStatus, Workbench, WorkbenchError};

use crate::AppState;
use crate::ipc::{self, CommandError};
use crate::state::Session;

pub const STATUS_EVENT: &str = "sync-status";

pub fn spawn_startup_sync<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        if let Err(e) = sync(&app).await {
            tracing::warn!("start-up sync did not run: {}", e.message);
        }
    });
}

/// Pulls from the server into the cache and announces each step. A failed pull leaves the cache
/// as it was; the final status says offline or what went wrong.
pub async fn sync<R: Runtime>(app: &AppHandle<R>) -> Result<SyncStatus, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session();
    let workbench = session.workbench()?;
    let mut connection = match connection(&session, &workbench).await {
        Ok(connection) => connection,
        Err(error) => {
            let status = workbench.status_after(session.server.label(), &Err(error));
            announce(app, &state, &session, status.clone());
            return Ok(status);
        }
    };
    let connection = connection.as_mut().expect("opened by connection()");
    let server = connection.client.server().to_owned();
    announce(app, &state, &session, workbench.status_syncing(&server));
    let result = workbench
        .sync(connection, OffsetDateTime::now_utc(), |_| {})
        .await;
    if let Err(e) = &result {
        tracing::warn!("sync failed: {e}");
        if e.code() == ErrorCode::NotSignedIn && connection.access == Access::Account {
            // The server ended the session (the account is forgotten, the cache kept): the next
            // sync goes in as the server now allows, the embedded sandbox's demo access included.
            if let Err(e) = connection
                .authorize(&session.server, &workbench, crate::state::now())
                .await
            {
                tracing::warn!("after the session ended: {e}");
            }
        }
    }
    let status = workbench.status_after(&server, &result);
    announce(app, &state, &session, status.clone());
    Ok(status)
}

/// The app's connection to its server, opened (and, for the embedded sandbox, started) on first
/// use, then kept: while the guard lives, no sync, sign-in or sign-out uses it. A session the
/// window has switched away from opens none.
pub async fn connection<'a>(
    session: &'a Session,
    workbench: &Workbench,
) -> Result<MutexGuard<'a, Option<Connection>>, WorkbenchError> {
    let mut connection = session.connection.lock().await;
    if session.is_closed() {
        return Err(WorkbenchError::Settings(format!(
            "the window switched away from profile {} while this was waiting; try again",
            session.profile
        )));
    }
    if connection.is_none() {
        *connection =
            Some(Connection::open(&session.server, workbench, crate::state::now()).await?);
    }
    Ok(connection)
}

/// Tells the window `status`, unless it is about a profile the window has switched away from.
pub fn announce<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    session: &Arc<Session>,
    status: SyncStatus,
) {
    if !state.is_current(session) {
        return;
    }
    if let Err(e) = ipc::emit(app, STATUS_EVENT, ipc::SyncStatus::from(status.clone())) {
        tracing::warn!("cannot tell the window about the sync: {e}");
    }
    state.set_status(status);
}
