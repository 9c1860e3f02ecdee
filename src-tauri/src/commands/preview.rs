use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::versions::off_main_thread;
use crate::AppState;
use crate::ipc::{CommandError, PreviewSource, Reply, reply};

/// What the live preview needs beside the draft: the vendor, the server's copy as last synced
/// (for "Compare with live") and whether the icon changed.
#[tauri::command]
pub async fn preview_source(
    state: State<'_, AppState>,
    version_id: String,
) -> Reply<PreviewSource> {
    let workbench = state.workbench()?;
    let source = off_main_thread(move || Ok(workbench.preview_source(&version_id)?)).await?;
    reply(source.into())
}

/// Opens a link of the listing preview in the system's browser (or mail app). Only an https:,
/// http: or mailto: address that appears in the version's cached content
/// (`Workbench::listing_link`); anything else is refused with `invalid_input`.
#[tauri::command]
pub fn open_listing_link<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    url: String,
) -> Reply<()> {
    let workbench = app.state::<AppState>().workbench()?;
    let link = workbench.listing_link(&version_id, &url)?;
    app.opener()
        .open_url(link, None::<&str>)
        .map_err(|e| CommandError::internal(format!("cannot open the link: {e}")))?;
    reply(())
}
