//! The partner's live data: installations of an app (with the badge each customer sees), the
//! answer to what waits for the partner, OAuth clients and the account. Asked of the server each time,
//! never cached; offline, the error says so. Each goes through `Workbench::with_fresh_token`, so
//! an account's token that expired while the connection was kept is refreshed, not reported as
//! "not signed in".

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_opener::OpenerExt;
use time::OffsetDateTime;
use workbench::InstallationDecision;
use workbench::live::CREDITS_HELP_URL;

use crate::AppState;
use crate::ipc::{
    CommandError, CreatedClientView, DecidedInstallation, InstallLinkView,
    InstallationDecisionKind, InstallationRow, OAuthClientRow, PartnerAccountView, Reply, Waiting,
    reply,
};
use crate::state::now;
use crate::sync::connection;

/// Every installation of `app_id`, each with its badges as of now.
#[tauri::command]
pub async fn installations<R: Runtime>(
    app: AppHandle<R>,
    app_id: String,
) -> Reply<Vec<InstallationRow>> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let views = workbench
        .with_fresh_token(kept, now(), |client| {
            let (workbench, app_id) = (&workbench, &app_id);
            async move {
                workbench
                    .installations(&client, app_id, OffsetDateTime::now_utc())
                    .await
            }
        })
        .await?;
    reply(views.into_iter().map(InstallationRow::from).collect())
}

/// Answers what waits for the partner: confirms or rejects an installation, accepts or rejects
/// an update (`expect`, what the window showed waiting; refused with nothing sent when the
/// installation waits for something else). A rejection needs a reason (refused before anything
/// is sent without one). Answers the installation as the server now has it.
#[tauri::command]
pub async fn decide_installation<R: Runtime>(
    app: AppHandle<R>,
    app_id: String,
    installation_id: String,
    expect: Waiting,
    decision: InstallationDecisionKind,
    reason: Option<String>,
) -> Reply<DecidedInstallation> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let decision = match decision {
        InstallationDecisionKind::Approve => InstallationDecision::Approve,
        InstallationDecisionKind::Reject => InstallationDecision::Reject,
    };
    let decided = workbench
        .with_fresh_token(kept, now(), |client| {
            let (workbench, app_id, id, reason) =
                (&workbench, &app_id, &installation_id, reason.as_deref());
            async move {
                workbench
                    .decide_installation(&client, app_id, id, expect, decision, reason)
                    .await
            }
        })
        .await?;
    reply(DecidedInstallation::from(decided))
}

#[tauri::command]
pub async fn oauth_clients<R: Runtime>(app: AppHandle<R>) -> Reply<Vec<OAuthClientRow>> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let clients = workbench
        .with_fresh_token(kept, now(), |client| {
            let workbench = &workbench;
            async move { workbench.oauth_clients(&client).await }
        })
        .await?;
    reply(clients.into_iter().map(OAuthClientRow::from).collect())
}

/// Creates an OAuth client for the Talkdesk APIs; the answer holds its secret, the one time it
/// is shown. No grant types means client credentials.
#[tauri::command]
pub async fn create_oauth_client<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    scopes: Vec<String>,
    redirect_uris: Vec<String>,
    grant_types: Vec<String>,
) -> Reply<CreatedClientView> {
    let new = partner_api::oauth_clients::NewOAuthClient {
        name,
        scopes,
        redirect_uris,
        grant_types,
    };
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let created = workbench
        .with_fresh_token(kept, now(), |client| {
            let (workbench, new) = (&workbench, new.clone());
            async move { workbench.create_oauth_client(&client, new).await }
        })
        .await?;
    reply(CreatedClientView {
        client: created.client.into(),
        secret: created.secret.expose().to_owned(),
    })
}

#[tauri::command]
pub async fn delete_oauth_client<R: Runtime>(app: AppHandle<R>, client_id: String) -> Reply<()> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    workbench
        .with_fresh_token(kept, now(), |client| {
            let (workbench, id) = (&workbench, &client_id);
            async move { workbench.delete_oauth_client(&client, id).await }
        })
        .await?;
    reply(())
}

/// The scopes a client can be given.
#[tauri::command]
pub fn oauth_client_scopes() -> Reply<Vec<String>> {
    reply(crate::ipc::client_scopes())
}

/// The partner's licenses and credit balance.
#[tauri::command]
pub async fn partner_account<R: Runtime>(app: AppHandle<R>) -> Reply<PartnerAccountView> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let account = workbench
        .with_fresh_token(kept, now(), |client| {
            let workbench = &workbench;
            async move { workbench.partner_account(&client).await }
        })
        .await?;
    reply(PartnerAccountView::from(account))
}

/// A version's private install link, asked of the server (FAQ §14: test it before it is listed).
#[tauri::command]
pub async fn install_link<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
) -> Reply<InstallLinkView> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let mut guard = connection(&session, &workbench).await?;
    let kept = guard.as_mut().expect("opened by connection()");
    let link = workbench
        .with_fresh_token(kept, now(), |client| {
            let (workbench, id) = (&workbench, &version_id);
            async move { workbench.install_link(&client, id).await }
        })
        .await?;
    reply(InstallLinkView::from(link))
}

/// Opens Talkdesk's help page on adding credits (FAQ §9) in the system's browser: one fixed
/// https address (`workbench::live::CREDITS_HELP_URL`), so the window names nothing to open.
#[tauri::command]
pub fn open_credits_help<R: Runtime>(app: AppHandle<R>) -> Reply<()> {
    app.opener()
        .open_url(CREDITS_HELP_URL, None::<&str>)
        .map_err(|e| CommandError::internal(format!("cannot open the link: {e}")))?;
    reply(())
}
