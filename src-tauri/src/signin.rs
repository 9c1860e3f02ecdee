//! Signing in from the window. A sign-in starts in a command, which answers with what to show
//! (the user code and pages, or the browser's page), then waits in a task of its own; how it ends
//! reaches the window as a `sign-in` event. The task asks the server through the app's
//! connection, which owns the embedded sandbox, so the sandbox keeps serving while the person
//! approves. One sign-in runs at a time: starting another, or Cancel, ends the one before.
//!
//! Nothing secret leaves this file: the tokens go from the facade to the vault, and the window
//! hears only the user code, the pages, the expiry and the outcome ([`crate::ipc::account`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_opener::OpenerExt;
use workbench::account::Account;
use workbench::secrets::TokenStore;
use workbench::{AuthError, WorkbenchError};

use crate::AppState;
use crate::ipc::{self, AccountView, CommandError, SignInEvent, SignInStarted, SignInState};
use crate::state::{Session, now};

/// The event that announces how a sign-in ended.
pub const SIGN_IN_EVENT: &str = "sign-in";

/// How long the browser sign-in waits for the browser to come back.
const BROWSER_WAIT: Duration = Duration::from_secs(10 * 60);

/// The sign-in in progress, if any.
#[derive(Default)]
pub struct SignIns {
    inner: Mutex<Attempts>,
}

#[derive(Default)]
struct Attempts {
    last: u32,
    running: Option<Running>,
}

struct Running {
    attempt: u32,
    task: JoinHandle<()>,
    /// The page to open in the browser for it.
    page: Option<String>,
}

impl SignIns {
    fn lock(&self) -> std::sync::MutexGuard<'_, Attempts> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends the sign-in in progress, if any: its task stops polling (or listening), and no event
    /// follows. Tokens are never half-kept: saving them happens without a pause to stop in.
    pub fn cancel(&self, attempt: Option<u32>) -> bool {
        let mut attempts = self.lock();
        let matches = attempts
            .running
            .as_ref()
            .is_some_and(|running| attempt.is_none_or(|a| a == running.attempt));
        if !matches {
            return false;
        }
        let running = attempts.running.take().expect("checked above");
        running.task.abort();
        true
    }

    /// Whether a sign-in is waiting for the person.
    pub fn in_progress(&self) -> bool {
        self.lock().running.is_some()
    }

    fn next_attempt(&self) -> u32 {
        let mut attempts = self.lock();
        attempts.last = attempts.last.wrapping_add(1);
        attempts.last
    }

    /// Records the task of `attempt`, unless a newer one has started meanwhile.
    fn track(&self, attempt: u32, task: JoinHandle<()>, page: Option<String>) {
        let mut attempts = self.lock();
        if attempts.last != attempt {
            task.abort();
            return;
        }
        attempts.running = Some(Running {
            attempt,
            task,
            page,
        });
    }

    /// The task of `attempt` is done with waiting: Cancel no longer stops it.
    fn finished(&self, attempt: u32) {
        let mut attempts = self.lock();
        if attempts
            .running
            .as_ref()
            .is_some_and(|running| running.attempt == attempt)
        {
            attempts.running = None;
        }
    }

    fn page(&self, attempt: u32) -> Option<String> {
        let attempts = self.lock();
        attempts
            .running
            .as_ref()
            .filter(|running| running.attempt == attempt)
            .and_then(|running| running.page.clone())
    }
}

/// Starts signing in to the app's server, keeping the tokens in the OS keyring, or in the file
/// store when `file_store` (the person chose it after being told no keyring works). Answers with
/// what the window shows while the person approves.
pub async fn start<R: Runtime>(
    app: AppHandle<R>,
    file_store: bool,
) -> Result<SignInStarted, CommandError> {
    let session = app.state::<AppState>().session();
    let sign_ins = app.state::<SignIns>();
    let workbench = session.workbench()?;
    sign_ins.cancel(None);
    let attempt = sign_ins.next_attempt();

    let store = if file_store {
        TokenStore::file(workbench.data_dir())
    } else {
        // The probe talks to D-Bus and the kernel: not on the async threads.
        tauri::async_runtime::spawn_blocking(TokenStore::os)
            .await
            .map_err(|e| CommandError::internal(format!("the keyring probe stopped: {e}")))?
            .map_err(WorkbenchError::from)?
    };
    let auth = {
        let mut connection = crate::sync::connection(&session, &workbench).await?;
        let connection = connection.as_mut().expect("opened by connection()");
        connection.auth_server().await?.clone()
    };
    let identity = session.server.identity();
    let server = session.server.label().to_owned();

    if auth.has_device_flow() {
        let pending = workbench.start_sign_in(auth, &identity, now()).await?;
        let started = SignInStarted::device(attempt, &server, &pending);
        let page = pending
            .device
            .verification_uri_complete()
            .unwrap_or(pending.device.verification_uri())
            .to_owned();
        let task = {
            let app = app.clone();
            let session = session.clone();
            tauri::async_runtime::spawn(async move {
                let result = workbench
                    .finish_sign_in(pending, &store, tokio::time::sleep, now)
                    .await;
                finish(app, session, attempt, result).await;
            })
        };
        sign_ins.track(attempt, task, Some(page));
        return Ok(started);
    }

    // No device flow: the browser, coming back to a loopback port of this app.
    let (opened, on_open) = tokio::sync::oneshot::channel::<Result<String, CommandError>>();
    let opened = Arc::new(Mutex::new(Some(opened)));
    let task = {
        let app = app.clone();
        let session = session.clone();
        tauri::async_runtime::spawn(async move {
            let open = {
                let app = app.clone();
                let opened = opened.clone();
                move |url: &str| {
                    open_page(&app, url);
                    if let Some(opened) = opened.lock().unwrap_or_else(|p| p.into_inner()).take() {
                        let _ = opened.send(Ok(url.to_owned()));
                    }
                }
            };
            let result = workbench
                .sign_in_with_browser(&auth, &identity, &store, open, BROWSER_WAIT, now)
                .await;
            let never_opened = opened.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(opened) = never_opened {
                // Failed before the page was opened: the command answers with why.
                let error = match result {
                    Err(e) => CommandError::from(e),
                    Ok(_) => CommandError::internal("signed in without a page".into()),
                };
                let _ = opened.send(Err(error));
                app.state::<SignIns>().finished(attempt);
                return;
            }
            finish(app, session, attempt, result).await;
        })
    };
    sign_ins.track(attempt, task, None);
    match on_open.await {
        Ok(Ok(authorize_url)) => Ok(SignInStarted::Browser {
            attempt,
            server,
            authorize_url,
        }),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(CommandError {
            code: ipc::ErrorCode::SignIn,
            message: "the sign-in was cancelled before the browser opened".into(),
        }),
    }
}

/// Opens the verification page of sign-in `attempt` in the browser. Only that page: the window
/// cannot ask to open anything else.
pub fn open_sign_in_page<R: Runtime>(app: &AppHandle<R>, attempt: u32) -> Result<(), CommandError> {
    let page = app
        .state::<SignIns>()
        .page(attempt)
        .ok_or_else(|| CommandError {
            code: ipc::ErrorCode::NotFound,
            message: "this sign-in is over; start again".into(),
        })?;
    open_page(app, &page);
    Ok(())
}

/// Hands an http(s) page to the system's browser; a failure is only logged, since the window
/// shows the address to open by hand.
fn open_page<R: Runtime>(app: &AppHandle<R>, url: &str) {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        tracing::warn!("not opening a sign-in page that is not http(s)");
        return;
    }
    if let Err(e) = app.opener().open_url(url, None::<&str>) {
        tracing::warn!("cannot open the browser: {e}");
    }
}

/// Announces how sign-in `attempt` ended. Once signed in, the app's connection carries the new
/// account's token and a sync runs at once.
async fn finish<R: Runtime>(
    app: AppHandle<R>,
    session: Arc<Session>,
    attempt: u32,
    result: Result<Account, WorkbenchError>,
) {
    app.state::<SignIns>().finished(attempt);
    let signed_in = result.is_ok();
    let (outcome, message) = match result {
        Ok(_) => {
            if let Ok(workbench) = session.workbench() {
                let mut connection = session.connection.lock().await;
                if let Some(connection) = connection.as_mut()
                    && let Err(e) = connection
                        .authorize(&session.server, &workbench, now())
                        .await
                {
                    tracing::warn!("signed in, but the connection cannot use the account: {e}");
                }
            }
            (SignInState::SignedIn, None)
        }
        Err(e @ WorkbenchError::Auth(AuthError::Denied)) => (SignInState::Denied, Some(e)),
        Err(e @ WorkbenchError::Auth(AuthError::Expired)) => (SignInState::Expired, Some(e)),
        Err(e) => (SignInState::Failed, Some(e)),
    };
    if let Some(e) = &message {
        tracing::info!("sign-in ended: {e}");
    }
    let account = match session.workbench().and_then(|w| Ok(w.account()?)) {
        Ok(account) => Some(AccountView::new(&session.server, account)),
        Err(_) => None,
    };
    let event = SignInEvent {
        attempt,
        state: outcome,
        message: message.map(|e| e.to_string()),
        account,
    };
    if let Err(e) = ipc::emit(&app, SIGN_IN_EVENT, event) {
        tracing::warn!("cannot tell the window how the sign-in ended: {e}");
    }
    let current = app.state::<AppState>().is_current(&session);
    if signed_in
        && current
        && let Err(e) = crate::sync::sync(&app).await
    {
        tracing::warn!("the sync after signing in did not run: {}", e.message);
    }
}
