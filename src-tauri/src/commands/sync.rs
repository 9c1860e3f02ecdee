use tauri::{AppHandle, Runtime, State};

use crate::AppState;
use crate::ipc::{CommandError, SyncStatus};

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> SyncStatus {
    SyncStatus::from(state.status())
}

/// Pulls now and answers with the final status; progress arrives as `sync-status` events.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Result<SyncStatus, CommandError> {
    Ok(SyncStatus::from(crate::sync::sync(&app).await?))
}
