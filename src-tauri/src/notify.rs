//! Desktop notifications of review outcomes (notify-rust, over D-Bus on Linux). After each sync,
//! every new outcome of a kind the partner has on is shown with an "Open" action; choosing it
//! brings the window forward and tells it (`open-outcome`) to open that version with the fields
//! named in the feedback marked. When the desktop cannot show a notification (no notification
//! service on the session bus, or any error), the window is told (`notifications-unavailable`)
//! and shows the outcomes in a banner instead. Everything that talks to D-Bus runs on threads of
//! its own: showing a notification and waiting for its action block.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use workbench::{NotificationPrefs, ReviewOutcome, Workbench};

use crate::AppState;
use crate::ipc::{self, NotificationsUnavailable, OpenOutcome, OutcomeView};
use crate::state::Session;

pub const UNAVAILABLE_EVENT: &str = "notifications-unavailable";
pub const OPEN_EVENT: &str = "open-outcome";
/// The notification's action: "default" is what the desktop sends when the notification itself
/// is chosen; the label is what a desktop that draws actions as buttons shows.
const OPEN_ACTION: &str = "default";
const OPEN_LABEL: &str = "Open";

/// The outcomes the desktop could not show, since the partner last dismissed the banner.
#[derive(Default)]
pub struct Unshown(std::sync::Mutex<Option<NotificationsUnavailable>>);

impl Unshown {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<NotificationsUnavailable>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(&self, event: &NotificationsUnavailable) {
        let mut kept = self.lock();
        match kept.as_mut() {
            Some(kept) => {
                kept.reason = event.reason.clone();
                kept.outcomes.extend(event.outcomes.iter().cloned());
            }
            None => *kept = Some(event.clone()),
        }
    }

    pub fn get(&self) -> Option<NotificationsUnavailable> {
        self.lock().clone()
    }

    pub fn dismiss(&self) {
        *self.lock() = None;
    }
}

/// Shows the outcomes a sync of `session` brought, those of the kinds the partner has on.
pub fn outcomes<R: Runtime>(
    app: &AppHandle<R>,
    session: &Arc<Session>,
    workbench: &Workbench,
    outcomes: &[ReviewOutcome],
) {
    if outcomes.is_empty() || !app.state::<AppState>().is_current(session) {
        return;
    }
    let prefs = workbench.notification_prefs().unwrap_or_else(|e| {
        tracing::warn!("cannot read the notification settings, notifying every kind: {e}");
        NotificationPrefs {
            approved: true,
            rejected: true,
        }
    });
    let wanted: Vec<OutcomeView> = outcomes
        .iter()
        .filter(|o| prefs.wants(o.decision))
        .cloned()
        .map(OutcomeView::from)
        .collect();
    if wanted.is_empty() {
        return;
    }
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("notifications".into())
        .spawn(move || show_all(&app, wanted));
    if let Err(e) = spawned {
        tracing::warn!("cannot start the notifications thread: {e}");
    }
}

fn show_all<R: Runtime>(app: &AppHandle<R>, outcomes: Vec<OutcomeView>) {
    // Reviewer-written text must show as written: where the server reads markup, escape it.
    let markup = notify_rust::get_capabilities()
        .map(|caps| caps.iter().any(|c| c == "body-markup"))
        .unwrap_or(false);
    let mut unshown = Vec::new();
    let mut reason = None;
    for outcome in outcomes {
        let body = if markup {
            escape_markup(&outcome.body)
        } else {
            outcome.body.clone()
        };
        let shown = notify_rust::Notification::new()
            .appname("Partner Workbench")
            .summary(&outcome.summary)
            .body(&body)
            .action(OPEN_ACTION, OPEN_LABEL)
            .show();
        match shown {
            Ok(handle) => {
                let app = app.clone();
                let open = OpenOutcome::from(&outcome);
                let waiting = std::thread::Builder::new()
                    .name("notification-action".into())
                    .spawn(move || {
                        handle.wait_for_action(|action| {
                            if action == OPEN_ACTION {
                                open_outcome(&app, open);
                            }
                        })
                    });
                if let Err(e) = waiting {
                    tracing::warn!("cannot wait for the notification's action: {e}");
                }
            }
            Err(e) => {
                tracing::warn!("cannot show a desktop notification: {e}");
                reason.get_or_insert_with(|| e.to_string());
                unshown.push(outcome);
            }
        }
    }
    if let Some(reason) = reason {
        let event = NotificationsUnavailable {
            reason: unavailable_reason(&reason),
            outcomes: unshown,
        };
        // Kept until the partner dismisses them, so a window that was not listening yet (the
        // sync at start) still shows them: it asks with `unshown_outcomes` once it listens.
        app.state::<Unshown>().add(&event);
        if let Err(e) = ipc::emit(app, UNAVAILABLE_EVENT, event) {
            tracing::warn!("cannot tell the window the notifications are unavailable: {e}");
        }
    }
}

/// The partner chose a notification: bring the window forward and open the version.
fn open_outcome<R: Runtime>(app: &AppHandle<R>, open: OpenOutcome) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(e) = window.set_focus() {
            tracing::warn!("cannot bring the window forward: {e}");
        }
    }
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

    #[test]
    fn reviewer_text_is_escaped_for_a_server_that_reads_markup() {
        assert_eq!(
            escape_markup("general.display_name: <b>no</b> & <img src=x>"),
            "general.display_name: &lt;b&gt;no&lt;/b&gt; &amp; &lt;img src=x&gt;"
        );
    }
}
