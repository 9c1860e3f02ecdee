use tauri::{AppHandle, Runtime, State};

use crate::AppState;
use crate::ipc::{Reply, SyncStatus, reply};

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> Reply<SyncStatus> {
    reply(SyncStatus::from(state.status()))
}

/// Pulls now and answers with the final status; progress arrives as `sync-status` events.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Reply<SyncStatus> {
    reply(SyncStatus::from(crate::sync::sync(&app).await?))
}
