//! Desktop notifications of review outcomes and customers' requests (notify-rust, over D-Bus on
//! Linux). After each sync, every new outcome of a kind the partner has on is shown with an
//! "Open" action; choosing it brings the window forward and tells it (`open-outcome`) to open
//! that version with the fields named in the feedback marked. Each new installation or update
//! waiting for the partner is shown the same way (when the partner has `requests` on); choosing
//! it tells the window (`open-installation`) to show that installation. When the desktop cannot show a notification (no notification
//! service on the session bus, or any error), the window is told (`notifications-unavailable`)
//! and shows the outcomes in a banner instead. Showing notifications runs on a thread of its own
//! (the calls block); waiting for a notification's action is a task on the async runtime, for at
//! most `ACTION_WAIT`, after which the notification is closed. Markup capabilities and actions are
//! the freedesktop notification protocol's, so Linux only: elsewhere a notification is shown
//! without an Open action (see ARCHITECTURE.md, Portability).

use std::sync::Arc;
#[cfg(target_os = "linux")]
use std::time::Duration;

#[cfg(target_os = "linux")]
use notify_rust::NotificationResponse;

use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use workbench::{Announcer, NotificationKind, NotificationPrefs, RequestNotice, Workbench};

use crate::AppState;
use crate::ipc::{self, NotificationsUnavailable, OpenInstallation, OpenOutcome, OutcomeView};
use crate::state::Session;

pub const UNAVAILABLE_EVENT: &str = "notifications-unavailable";
pub const OPEN_EVENT: &str = "open-outcome";
pub const OPEN_INSTALLATION_EVENT: &str = "open-installation";
/// The notification's action: "default" is what the desktop sends when the notification itself
/// is chosen; the label is what a desktop that draws actions as buttons shows.
#[cfg(target_os = "linux")]
const OPEN_ACTION: &str = "default";
#[cfg(target_os = "linux")]
const OPEN_LABEL: &str = "Open";
/// How long a shown notification's Open action is waited for; the notification is closed then.
#[cfg(target_os = "linux")]
const ACTION_WAIT: Duration = Duration::from_secs(60 * 60);

/// The outcomes the desktop could not show, since the partner last dismissed the banner. They
/// belong to the profile open when they came: a profile switch forgets them (`dismiss`), and
/// outcomes of a profile no longer open are not kept.
#[derive(Default)]
pub struct Unshown(std::sync::Mutex<Option<NotificationsUnavailable>>);

impl Unshown {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<NotificationsUnavailable>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `event`'s outcomes to those kept; answers the whole kept list (what the window's
    /// banner shows: the event replaces the window's list, so an outcome is never listed twice).
    fn add(&self, event: &NotificationsUnavailable) -> NotificationsUnavailable {
        let mut kept = self.lock();
        match kept.as_mut() {
            Some(kept) => {
                kept.reason = event.reason.clone();
                kept.outcomes.extend(event.outcomes.iter().cloned());
            }
            None => *kept = Some(event.clone()),
        }
        kept.clone().expect("set just above")
    }

    pub fn get(&self) -> Option<NotificationsUnavailable> {
        self.lock().clone()
    }

    pub fn dismiss(&self) {
        *self.lock() = None;
    }
}

/// After a sync of `session` (whatever its result): shows the review outcomes the desktop has not
/// announced yet, whichever process's sync recorded them (a `pwb sync` may have read them
/// first), those of the kinds the partner has on. Each is taken once: those of a kind turned off
/// are marked too, so turning the kind back on does not replay them.
pub fn announce<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>, workbench: &Workbench) {
    if !app.state::<AppState>().is_current(session) {
        return;
    }
    let now = OffsetDateTime::now_utc();
    let outcomes = workbench
        .take_outcomes(Announcer::Desktop, now)
        .unwrap_or_else(|e| {
            tracing::warn!("cannot read the review outcomes to notify: {e}");
            Vec::new()
        });
    let requests = workbench
        .take_requests(Announcer::Desktop, now)
        .unwrap_or_else(|e| {
            tracing::warn!("cannot read the customers' requests to notify: {e}");
            Vec::new()
        });
    if outcomes.is_empty() && requests.is_empty() {
        return;
    }
    let prefs = workbench.notification_prefs().unwrap_or_else(|e| {
        tracing::warn!("cannot read the notification settings, notifying every kind: {e}");
        NotificationPrefs::ALL_ON
    });
    let wanted: Vec<OutcomeView> = outcomes
        .into_iter()
        .filter(|o| prefs.wants(o.decision.into()))
        .map(OutcomeView::from)
        .collect();
    let requests: Vec<RequestNotice> = if prefs.wants(NotificationKind::Requests) {
        requests
    } else {
        Vec::new()
    };
    if wanted.is_empty() && requests.is_empty() {
        return;
    }
    let app = app.clone();
    let session = Arc::clone(session);
    let spawned = std::thread::Builder::new()
        .name("notifications".into())
        .spawn(move || {
            show_all(&app, &session, wanted);
            show_requests(&app, requests);
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the notifications thread: {e}");
    }
}

/// Shows each customer's request with an Open action that shows its installation. One that
/// cannot be shown is logged: the installations screen lists what waits for the partner.
fn show_requests<R: Runtime>(app: &AppHandle<R>, requests: Vec<RequestNotice>) {
    let markup = body_markup();
    for request in requests {
        let text = request.notification();
        let open = OpenInstallation::from(&request);
        let app = app.clone();
        let shown = show(&text.summary, &text.body, markup, move || {
            bring_forward(&app);
            if let Err(e) = ipc::emit(&app, OPEN_INSTALLATION_EVENT, open) {
                tracing::warn!("cannot tell the window to open the installation: {e}");
            }
        });
        if let Err(e) = shown {
            tracing::warn!("cannot show the notification of a customer's request: {e}");
        }
    }
}

/// Whether the notification server reads markup in bodies (then text must be escaped).
#[cfg(target_os = "linux")]
fn body_markup() -> bool {
    notify_rust::get_capabilities()
        .map(|caps| caps.iter().any(|c| c == "body-markup"))
        .unwrap_or(false)
}

/// Elsewhere bodies are plain text.
#[cfg(not(target_os = "linux"))]
fn body_markup() -> bool {
    false
}

/// Shows one notification with an Open action; `on_open` runs if the partner chooses it within
/// `ACTION_WAIT`, after which the notification is closed. Text is shown as written: where the
/// server reads markup, the body is escaped; the summary is never markup.
fn show(
    summary: &str,
    body: &str,
    markup: bool,
    on_open: impl FnOnce() + Send + 'static,
) -> Result<(), notify_rust::error::Error> {
    let body = if markup {
        escape_markup(body)
    } else {
        body.to_owned()
    };
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("Partner Workbench")
        .summary(summary)
        .body(&body);
    #[cfg(target_os = "linux")]
    {
        let handle = notification.action(OPEN_ACTION, OPEN_LABEL).show()?;
        // A task on the async runtime, not a thread: no thread sits blocked for as long as the
        // desktop keeps the notification. The wait is bounded: a notification not acted upon
        // within ACTION_WAIT is closed, so no waiting outlives it.
        tauri::async_runtime::spawn(async move {
            let mut on_open = Some(on_open);
            let waited = tokio::time::timeout(
                ACTION_WAIT,
                handle.wait_for_action_async(|response| {
                    if opens(response)
                        && let Some(on_open) = on_open.take()
                    {
                        on_open();
                    }
                }),
            )
            .await;
            if waited.is_err() {
                handle.close_async().await;
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    {
        notification.show()?;
        drop(on_open);
    }
    Ok(())
}

fn show_all<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>, outcomes: Vec<OutcomeView>) {
    if outcomes.is_empty() {
        return;
    }
    // Reviewer-written text must show as written: where the server reads markup, escape it.
    let markup = body_markup();
    let mut unshown = Vec::new();
    let mut reason = None;
    for outcome in outcomes {
        let open = OpenOutcome::from(&outcome);
        let opener = app.clone();
        let shown = show(&outcome.summary, &outcome.body, markup, move || {
            open_outcome(&opener, open)
        });
        if let Err(e) = shown {
            tracing::warn!("cannot show a desktop notification: {e}");
            reason.get_or_insert_with(|| e.to_string());
            unshown.push(outcome);
        }
    }
    if let Some(reason) = reason {
        if !app.state::<AppState>().is_current(session) {
            // The partner switched profiles meanwhile: the banner is the new profile's.
            return;
        }
        let event = NotificationsUnavailable {
            reason: unavailable_reason(&reason),
            outcomes: unshown,
        };
        // Kept until the partner dismisses them, so a window that was not listening yet (the
        // sync at start) still shows them: it asks with `unshown_outcomes` once it listens. The
        // event carries the whole kept list, which replaces the window's.
        let kept = app.state::<Unshown>().add(&event);
        if let Err(e) = ipc::emit(app, UNAVAILABLE_EVENT, kept) {
            tracing::warn!("cannot tell the window the notifications are unavailable: {e}");
        }
    }
}

/// Whether the partner's response to a notification asks to open its version: the notification
/// itself chosen, or its Open action.
#[cfg(target_os = "linux")]
fn opens(response: &NotificationResponse) -> bool {
    match response {
        NotificationResponse::Default => true,
        NotificationResponse::Action(action) => action == OPEN_ACTION,
        _ => false,
    }
}

/// Brings the window forward (the partner chose a notification).
fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(e) = window.set_focus() {
            tracing::warn!("cannot bring the window forward: {e}");
        }
    }
}

/// The partner chose a notification: bring the window forward and open the version.
fn open_outcome<R: Runtime>(app: &AppHandle<R>, open: OpenOutcome) {
    bring_forward(app);
    if let Err(e) = ipc::emit(app, OPEN_EVENT, open) {
        tracing::warn!("cannot tell the window to open the outcome: {e}");
    }
}

/// Why notifications cannot be shown, in the partner's words (the D-Bus detail is in the log).
fn unavailable_reason(error: &str) -> String {
    if error.contains("ServiceUnknown") || error.contains("was not provided by any") {
        "no notification service is running on this desktop".to_owned()
    } else if error.contains("DBUS_SESSION_BUS_ADDRESS") || error.contains("session bus") {
        "this desktop session has no message bus to show notifications on".to_owned()
    } else {
        format!("the desktop refused the notification ({error})")
    }
}

/// The body as text under the notification spec's markup: `&`, `<` and `>` escaped.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_notification_service_is_said_in_plain_words() {
        assert_eq!(
            unavailable_reason(
                "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided by any .service files"
            ),
            "no notification service is running on this desktop"
        );
        assert!(unavailable_reason("timeout").contains("(timeout)"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn choosing_the_notification_or_its_open_action_opens_it_and_closing_does_not() {
        assert!(opens(&NotificationResponse::Default));
        assert!(opens(&NotificationResponse::Action(OPEN_ACTION.into())));
        assert!(!opens(&NotificationResponse::Action("other".into())));
        assert!(!opens(&NotificationResponse::Closed(
            notify_rust::CloseReason::Dismissed
        )));
    }

    #[test]
    fn reviewer_text_is_escaped_for_a_server_that_reads_markup() {
        assert_eq!(
            escape_markup("general.display_name: <b>no</b> & <img src=x>"),
            "general.display_name: &lt;b&gt;no&lt;/b&gt; &amp; &lt;img src=x&gt;"
        );
    }
}
