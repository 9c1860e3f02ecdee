use tauri::{AppHandle, Manager, Runtime, State};
use workbench::server::Connection;

use crate::AppState;
use crate::ipc::{AccountView, Reply, SignInStarted, SignOutResult, reply};
use crate::signin::{self, SignIns};
use crate::state::now;

/// Who is signed in to which server, how requests are let in, where the tokens are kept.
#[tauri::command]
pub fn account(state: State<'_, AppState>) -> Reply<AccountView> {
    let session = state.session();
    let account = session.workbench()?.account()?;
    reply(AccountView::new(&session.server, account))
}

/// Puts `text` on the system clipboard: the Copy buttons (a sign-in code, an install link, a new
/// client's secret, which the window already shows). The window itself has no clipboard
/// permission.
#[tauri::command]
pub fn copy_text<R: Runtime>(app: AppHandle<R>, text: String) -> Reply<()> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard().write_text(text).map_err(|e| {
        crate::ipc::CommandError::internal(format!(
            "the clipboard did not take the text ({e}); select it and press Ctrl+C"
        ))
    })?;
    reply(())
}

/// Starts signing in; how it ends arrives as a `sign-in` event. `file_store` keeps the tokens in
/// a file instead of the keyring: only when the person chose it after `no_keyring`.
#[tauri::command]
pub async fn start_sign_in<R: Runtime>(
    app: AppHandle<R>,
    file_store: bool,
) -> Reply<SignInStarted> {
    reply(signin::start(app, file_store).await?)
}

/// Stops sign-in `attempt` if it is still waiting; answers whether it was.
#[tauri::command]
pub fn cancel_sign_in(sign_ins: State<'_, SignIns>, attempt: u32) -> Reply<bool> {
    reply(sign_ins.cancel(Some(attempt)))
}

/// Opens the verification page of sign-in `attempt` in the browser.
#[tauri::command]
pub fn open_sign_in_page<R: Runtime>(app: AppHandle<R>, attempt: u32) -> Reply<()> {
    reply(signin::open_sign_in_page(&app, attempt)?)
}

/// Signs out: revokes the tokens on the server when it answers, deletes them from where they
/// are kept, and keeps the cache. The app's connection goes on as the server now lets it in.
#[tauri::command]
pub async fn sign_out<R: Runtime>(app: AppHandle<R>) -> Reply<SignOutResult> {
    let session = app.state::<AppState>().session();
    app.state::<SignIns>().cancel(None);
    let workbench = session.workbench()?;
    let account = workbench.account()?;
    let mut connection = session.connection.lock().await;
    // Revoke on the server the account belongs to, when it is this window's and it answers.
    let here = account
        .as_ref()
        .is_some_and(|account| account.server == session.server.identity());
    if here && connection.is_none() && !session.is_closed() {
        *connection = Connection::start(&session.server, workbench.data_dir())
            .await
            .ok();
    }
    let auth = match connection.as_mut() {
        Some(connection) if here => connection.auth_server().await.ok().cloned(),
        _ => None,
    };
    let done = workbench.sign_out(auth.as_ref()).await?;
    if let Some(connection) = connection.as_mut()
        && let Err(e) = connection
            .authorize(&session.server, &workbench, now())
            .await
    {
        tracing::warn!("signed out; the connection cannot go on: {e}");
    }
    drop(connection);
    let view = AccountView::new(&session.server, workbench.account()?);
    reply(SignOutResult::new(done, view))
}
