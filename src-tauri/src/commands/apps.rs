use base64::Engine;
use tauri::{AppHandle, Manager, Runtime, State};
use time::OffsetDateTime;

use crate::AppState;
use crate::ipc::{AppFieldsForm, AppList, CommandError, FieldProblem, NewAppForm, Reply, reply};
use crate::startup::Startup;

/// The cached apps, at once, online or not, each version marked with its unsent changes, held
/// changes and conflicts.
#[tauri::command]
pub fn list_apps(state: State<'_, AppState>, startup: State<'_, Startup>) -> Reply<AppList> {
    startup.mark("list_asked");
    let workbench = state.workbench()?;
    let list = AppList::new(workbench.list_apps()?, workbench.local_changes(None)?);
    startup.mark("list_answered");
    reply(list)
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

/// What is wrong with the **New app** form's fields, as typed (nothing is written).
#[tauri::command]
pub fn check_new_app(form: NewAppForm) -> Reply<Vec<FieldProblem>> {
    reply(FieldProblem::of(&form))
}

/// Registers an app: in the cache at once under a local id, sent at the sync this schedules.
/// Its id.
#[tauri::command]
pub fn create_app<R: Runtime>(app: AppHandle<R>, form: NewAppForm) -> Reply<String> {
    local_change(&app, |workbench| {
        Ok(workbench
            .create_app(&form.into(), OffsetDateTime::now_utc())?
            .id)
    })
}

/// Renames an app whose registration the server refused; sent again at the sync this schedules.
#[tauri::command]
pub fn rename_app<R: Runtime>(app: AppHandle<R>, app_id: String, name: String) -> Reply<()> {
    local_change(&app, |workbench| {
        workbench.rename_app(&app_id, &name)?;
        Ok(())
    })
}

/// Starts an app's next version (a copy of the latest Available one, or empty): in the cache at
/// once under a local id, sent at the sync this schedules. Its id, to open in the editor.
#[tauri::command]
pub fn create_version<R: Runtime>(app: AppHandle<R>, app_id: String) -> Reply<String> {
    local_change(&app, |workbench| {
        Ok(workbench
            .create_version(&app_id, OffsetDateTime::now_utc())?
            .id)
    })
}

/// Changes an app's own fields to the form's; merged three ways with the server's at the sync
/// this schedules. The fields it changed (none: nothing was queued).
#[tauri::command]
pub fn edit_app<R: Runtime>(
    app: AppHandle<R>,
    app_id: String,
    form: AppFieldsForm,
) -> Reply<Vec<String>> {
    local_change(&app, |workbench| {
        Ok(workbench
            .edit_app(&app_id, &form.sets(), OffsetDateTime::now_utc())?
            .1)
    })
}

/// Deletes a draft version: at once if the server never had it, else at the sync this schedules.
#[tauri::command]
pub fn delete_version<R: Runtime>(app: AppHandle<R>, version_id: String) -> Reply<()> {
    local_change(&app, |workbench| {
        workbench.delete_version(&version_id, OffsetDateTime::now_utc())?;
        Ok(())
    })
}

/// Runs one local change on the session's workbench; once the cache has it, the window hears
/// the new counts and a sync is scheduled, as after an edit (`sync::after_local_change`).
fn local_change<R: Runtime, T>(
    app: &AppHandle<R>,
    change: impl FnOnce(&workbench::Workbench) -> Result<T, CommandError>,
) -> Reply<T> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let done = change(&workbench)?;
    crate::sync::after_local_change(app, &session);
    reply(done)
}

/// The window painted its first non-empty app list: the shell logs the start-up's figures, once
/// ([`Startup::painted`]), with the page's own marks.
#[tauri::command]
pub fn app_list_painted(
    startup: State<'_, Startup>,
    page: Option<std::collections::BTreeMap<String, f64>>,
) -> Reply<()> {
    startup.painted(page);
    reply(())
}

/// Where a sync moved `id`: the server's id of an app or version made here, or the new id of a
/// version deleted on the server and kept (`Workbench::moved_id`).
#[tauri::command]
pub fn resolve_id(state: State<'_, AppState>, id: String) -> Reply<Option<String>> {
    reply(state.workbench()?.moved_id(&id)?)
}
