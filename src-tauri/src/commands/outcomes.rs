use tauri::State;

use crate::AppState;
use crate::commands::versions::off_main_thread;
use crate::ipc::{Decision, NotificationPrefs, Reply, TimelineView, reply};

/// A cached version's review timeline, with when the server was last checked.
#[tauri::command]
pub async fn version_timeline(
    state: State<'_, AppState>,
    version_id: String,
) -> Reply<TimelineView> {
    let workbench = state.workbench()?;
    let timeline = off_main_thread(move || Ok(workbench.timeline(&version_id)?)).await?;
    reply(TimelineView::from(timeline))
}

/// Which kinds of review outcome get a desktop notification.
#[tauri::command]
pub fn notification_prefs(state: State<'_, AppState>) -> Reply<NotificationPrefs> {
    let workbench = state.workbench()?;
    reply(NotificationPrefs::from(workbench.notification_prefs()?))
}

/// Turns one kind on or off; answers the settings now in force.
#[tauri::command]
pub fn set_notification(
    state: State<'_, AppState>,
    kind: Decision,
    on: bool,
) -> Reply<NotificationPrefs> {
    let workbench = state.workbench()?;
    reply(NotificationPrefs::from(
        workbench.set_notification(kind.into(), on)?,
    ))
}
