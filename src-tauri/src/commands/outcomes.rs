use tauri::State;

use crate::AppState;
use crate::commands::versions::off_main_thread;
use crate::ipc::{
    NotificationKind, NotificationPrefs, NotificationsUnavailable, Reply, TimelineView, reply,
};
use crate::notify::Unshown;

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

/// Which kinds of review outcome and customers' requests get a desktop notification.
#[tauri::command]
pub fn notification_prefs(state: State<'_, AppState>) -> Reply<NotificationPrefs> {
    let workbench = state.workbench()?;
    reply(NotificationPrefs::from(workbench.notification_prefs()?))
}

/// Turns one kind on or off; answers the settings now in force.
#[tauri::command]
pub fn set_notification(
    state: State<'_, AppState>,
    kind: NotificationKind,
    on: bool,
) -> Reply<NotificationPrefs> {
    let workbench = state.workbench()?;
    reply(NotificationPrefs::from(
        workbench.set_notification(kind.into(), on)?,
    ))
}

/// The outcomes the desktop could not show as notifications since the banner was last dismissed
/// (also sent as `notifications-unavailable` events as they happen); null when there are none.
#[tauri::command]
pub fn unshown_outcomes(unshown: State<'_, Unshown>) -> Reply<Option<NotificationsUnavailable>> {
    reply(unshown.get())
}

/// The partner dismissed the banner: forget the outcomes it listed.
#[tauri::command]
pub fn dismiss_unshown_outcomes(unshown: State<'_, Unshown>) -> Reply<()> {
    unshown.dismiss();
    reply(())
}
