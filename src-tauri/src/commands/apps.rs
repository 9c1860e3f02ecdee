use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// A version's icon as a `data:` URL for an `<img>`, or `None` when it has none or it is not
/// one to show. Only a PNG or JPEG that passes the icon rules' header and decode limits is passed
/// on ([`workbench::Workbench::shown_icon`]): anything else the server sent is dropped, with a
/// note in the log, and the window shows the placeholder. Checked off the main thread (the check
/// decodes the image).
#[tauri::command]
pub async fn version_icon(state: State<'_, AppState>, version_id: String) -> Reply<Option<String>> {
    let workbench = state.workbench()?;
    let icon =
        super::versions::off_main_thread(move || Ok(workbench.shown_icon(&version_id)?)).await?;
    reply(icon.map(|icon| {
        let data = base64::engine::general_purpose::STANDARD.encode(&icon.bytes);
        format!("data:{};base64,{data}", icon.media_type)
    }))
}

/// When the app started, and whether the window has said it painted its first app list.
pub struct Startup {
    at: Instant,
    painted: AtomicBool,
}

impl Startup {
    pub fn now() -> Self {
        Startup {
            at: Instant::now(),
            painted: AtomicBool::new(false),
        }
    }

    /// The time from start to the first call; `None` on every later call.
    fn first_paint(&self) -> Option<Duration> {
        (!self.painted.swap(true, Ordering::SeqCst)).then(|| self.at.elapsed())
    }
}

/// The window painted its first non-empty app list: logged once, with the time since start (the
/// start-up benchmark waits for this line; it is the product log's start-up figure too).
#[tauri::command]
pub fn app_list_painted(startup: State<'_, Startup>) -> Reply<()> {
    if let Some(after) = startup.first_paint() {
        tracing::info!(
            "first app list painted {} ms after start",
            after.as_millis()
        );
    }
    reply(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_paint_is_reported() {
        let startup = Startup::now();
        assert!(startup.first_paint().is_some());
        assert_eq!(startup.first_paint(), None);
        assert_eq!(startup.first_paint(), None);
    }
}
