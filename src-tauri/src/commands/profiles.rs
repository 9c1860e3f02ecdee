use tauri::{AppHandle, Manager, Runtime, State};
use workbench::profiles::Profiles;

use crate::AppState;
use crate::ipc::{
    self, CommandError, CurrentProfile, ErrorCode, NewProfileForm, ProfileList, ProfileRow, Reply,
    SyncStatus, reply,
};
use crate::signin::SignIns;
use crate::state::Switched;

/// The profile this window works with, and every profile with whether it is signed in.
#[tauri::command]
pub fn profiles(state: State<'_, AppState>) -> Reply<ProfileList> {
    reply(profile_list(&state)?)
}

/// Switches the window to profile `name`, as a start does: records it as the active profile,
/// closes the connection of the one before (stopping its embedded sandbox), opens the new
/// profile's own cache and answers with it; a sync follows in the background. Refused while a
/// sign-in is waiting; an unknown profile changes nothing.
#[tauri::command]
pub async fn switch_profile<R: Runtime>(app: AppHandle<R>, name: String) -> Reply<ipc::Switched> {
    if app.state::<SignIns>().in_progress() {
        return Err(CommandError {
            code: ErrorCode::Busy,
            message: "a sign-in is in progress: finish or cancel it, then switch profiles".into(),
        });
    }
    let state = app.state::<AppState>();
    let profiles = Profiles::open_default()?;
    let switched = state.switch_to(&profiles, name.trim()).await?;
    state.dismiss_welcome();
    let status = state.status();
    if let Switched::To(_) = switched {
        // The banner's outcomes were the previous profile's.
        app.state::<crate::notify::Unshown>().dismiss();
        if let Err(e) = ipc::emit(
            &app,
            crate::sync::STATUS_EVENT,
            SyncStatus::from(status.clone()),
        ) {
            tracing::warn!("cannot tell the window about the switch: {e}");
        }
        crate::sync::spawn_startup_sync(app.clone());
    }
    reply(ipc::Switched {
        profiles: profile_list(&state)?,
        status: SyncStatus::from(status),
    })
}

/// Adds a profile (`pwb profile add`): a server's base URL and, when partners sign in elsewhere,
/// the issuer, the client id and the scopes. Answers with the list, the new one in it; the window
/// stays on its profile until the partner switches. A bad name or URL changes nothing.
#[tauri::command]
pub fn add_profile(state: State<'_, AppState>, form: NewProfileForm) -> Reply<ProfileList> {
    let name = form.name.trim().to_owned();
    let url = form.url.trim().to_owned();
    Profiles::open_default()?.add(&name, &url, &form.into())?;
    state.dismiss_welcome();
    reply(profile_list(&state)?)
}

/// The first start's "Try the demo": records the embedded sandbox as the active profile, so the
/// choice is not offered again. The window is on it already.
#[tauri::command]
pub fn keep_demo(state: State<'_, AppState>) -> Reply<ProfileList> {
    Profiles::open_default()?.set_active(workbench::profiles::SANDBOX)?;
    state.dismiss_welcome();
    reply(profile_list(&state)?)
}

fn profile_list(state: &AppState) -> Result<ProfileList, CommandError> {
    let session = state.session();
    let profiles = Profiles::open_default()?.list()?;
    Ok(ProfileList {
        current: CurrentProfile {
            name: session.profile.clone(),
            kind: session.kind.into(),
            server: session.server.label().to_owned(),
            chosen_by: session.chosen_by.clone(),
        },
        profiles: profiles
            .into_iter()
            .map(|entry| ProfileRow::new(entry, &session.profile))
            .collect(),
        welcome: state.welcome(),
    })
}
