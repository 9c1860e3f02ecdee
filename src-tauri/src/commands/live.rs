//! The partner's live data: installations of an app (with the badge each customer sees), the
//! decision on a pending one, OAuth clients and the account. Asked of the server each time,
//! never cached; offline, the error says so.

use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use workbench::InstallationDecision;

use crate::AppState;
use crate::ipc::{
    CreatedClientView, InstallationDecisionKind, InstallationRow, OAuthClientRow,
    PartnerAccountView, Reply, reply,
};
use crate::sync::connection;

/// Every installation of `app_id`, each with its badges as of now.
#[tauri::command]
pub async fn installations<R: Runtime>(
    app: AppHandle<R>,
    app_id: String,
) -> Reply<Vec<InstallationRow>> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    let views = workbench
        .installations(client, &app_id, OffsetDateTime::now_utc())
        .await?;
    reply(views.into_iter().map(InstallationRow::from).collect())
}

/// Approves or rejects a pending installation; a rejection needs a reason (refused before
/// anything is sent without one). Answers the installation as the server now has it.
#[tauri::command]
pub async fn decide_installation<R: Runtime>(
    app: AppHandle<R>,
    app_id: String,
    installation_id: String,
    decision: InstallationDecisionKind,
    reason: Option<String>,
) -> Reply<InstallationRow> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    let decision = match decision {
        InstallationDecisionKind::Approve => InstallationDecision::Approve,
        InstallationDecisionKind::Reject => InstallationDecision::Reject,
    };
    let decided = workbench
        .decide_installation(
            client,
            &app_id,
            &installation_id,
            decision,
            reason.as_deref(),
        )
        .await?;
    reply(InstallationRow::from(decided))
}

#[tauri::command]
pub async fn oauth_clients<R: Runtime>(app: AppHandle<R>) -> Reply<Vec<OAuthClientRow>> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    let clients = workbench.oauth_clients(client).await?;
    reply(clients.into_iter().map(OAuthClientRow::from).collect())
}

/// Creates an OAuth client; the answer holds its secret, the one time it is shown.
#[tauri::command]
pub async fn create_oauth_client<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    scopes: Vec<String>,
) -> Reply<CreatedClientView> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    let created = workbench
        .create_oauth_client(client, &name, &scopes)
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
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    workbench.delete_oauth_client(client, &client_id).await?;
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
    let guard = connection(&session, &workbench).await?;
    let client = &guard.as_ref().expect("opened by connection()").client;
    let account = workbench.partner_account(client).await?;
    reply(PartnerAccountView::from(account))
}
