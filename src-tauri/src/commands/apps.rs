use base64::Engine;
use tauri::State;

use crate::AppState;
use crate::ipc::{AppList, Reply, reply};

/// The cached apps, at once, online or not, each version marked with its unsent changes, held
/// changes and conflicts.
#[tauri::command]
pub fn list_apps(state: State<'_, AppState>) -> Reply<AppList> {
    let workbench = state.workbench()?;
    reply(AppList::new(
        workbench.list_apps()?,
        workbench.local_changes(None)?,
    ))
}

/// A version's icon as a `data:` URL for an `<img>`, or `None` when it has none. Only PNG and
/// JPEG are passed on: anything else the server sent is not shown.
#[tauri::command]
pub fn version_icon(state: State<'_, AppState>, version_id: String) -> Reply<Option<String>> {
    let icon = state.workbench()?.icon(&version_id)?;
    reply(
        icon.filter(|icon| matches!(icon.media_type.as_str(), "image/png" | "image/jpeg"))
            .map(|icon| {
                let data = base64::engine::general_purpose::STANDARD.encode(&icon.bytes);
                format!("data:{};base64,{data}", icon.media_type)
            }),
    )
}
