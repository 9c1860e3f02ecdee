//! The background sync: on start and on "Sync now". Each change of status is announced to the
//! window as a `sync-status` event, so the indicator and the offline banner follow it.

use tauri::{AppHandle, Emitter, Manager, Runtime};
use time::OffsetDateTime;
use workbench::SyncStatus;
use workbench::server::Connection;

use crate::AppState;
use crate::ipc::{self, CommandError};

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
    let workbench = state.workbench()?;
    let mut connection = state.connection.lock().await;
    if connection.is_none() {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        match Connection::open(&state.server, &workbench, now).await {
            Ok(opened) => *connection = Some(opened),
            Err(error) => {
                let status = workbench.status_after(state.server.label(), &Err(error));
                announce(app, &state, status.clone());
                return Ok(status);
            }
        }
    }
    let connection = connection.as_mut().expect("opened above");
    let server = connection.client.server().to_owned();
    announce(app, &state, workbench.status_syncing(&server));
    let result = workbench
        .sync(connection, OffsetDateTime::now_utc(), |_| {})
        .await;
    if let Err(e) = &result {
        tracing::warn!("sync failed: {e}");
    }
    let status = workbench.status_after(&server, &result);
    announce(app, &state, status.clone());
    Ok(status)
}

fn announce<R: Runtime>(app: &AppHandle<R>, state: &AppState, status: SyncStatus) {
    if let Err(e) = app.emit(STATUS_EVENT, ipc::SyncStatus::from(status.clone())) {
        tracing::warn!("cannot tell the window about the sync: {e}");
    }
    state.set_status(status);
}
