//! Review outcomes on the command line: `pwb status` (and `--watch`, which syncs every
//! `--interval` seconds and prints each decision it has not printed yet), `pwb timeline` and `pwb notifications`.

use std::time::Duration;

use partner_api::installations::Waiting;
use serde_json::{Value, json};
use time::OffsetDateTime;
use workbench::server::{Connection, ServerChoice};
use workbench::{
    Announcer, ErrorCode, NotificationKind, RequestNotice, ReviewOutcome, Workbench, WorkbenchError,
};

use crate::output::{self, say, say_err};
use crate::{account, exit};

/// `pwb status`: what the cache says about the link to the server. Works offline.
pub fn status(workbench: &Workbench, json: bool) -> Result<u8, WorkbenchError> {
    let status = workbench.status_cached();
    if json {
        output::print_json(&output::status_json(&status));
        return Ok(exit::SUCCESS);
    }
    say!(
        "server: {}",
        status
            .server
            .as_deref()
            .unwrap_or("none yet (run `pwb sync`)")
    );
    say!(
        "last checked: {}",
        status.last_synced_at.as_deref().unwrap_or("never")
    );
    say!("pending changes: {}", status.pending);
    say!("held (refused by the server): {}", status.held);
    say!("conflicts: {}", status.conflicts);
    if status.held > 0 {
        say!("`pwb outbox` says why the held changes were refused");
    }
    if status.conflicts > 0 {
        say!("`pwb conflicts`, then `pwb resolve`");
    }
    Ok(exit::SUCCESS)
}

/// The outcome as one JSON object (for `--json`, one per line).
pub fn outcome_json(outcome: &ReviewOutcome) -> Value {
    let text = outcome.notification();
    let mut value = serde_json::to_value(outcome).expect("an outcome always serializes");
    value["summary"] = json!(text.summary);
    value["body"] = json!(text.body);
    value
}

fn print_outcome(outcome: &ReviewOutcome, json: bool) {
    if json {
        output::print_json_line(&outcome_json(outcome));
        return;
    }
    let text = outcome.notification();
    say!("{}", text.summary);
    for line in text.body.lines() {
        say!("  {line}");
    }
}

/// One customer's request, as `pwb status --watch` prints it: the notification's words and the
/// command that answers it, or one JSON object per line with `--json`.
fn print_request(request: &RequestNotice, json: bool) {
    let text = request.notification();
    if json {
        let mut value = serde_json::to_value(request).expect("a request always serializes");
        value["summary"] = json!(text.summary);
        output::print_json_line(&json!({ "request": value }));
        return;
    }
    say!("{}", text.summary);
    let answer = match request.waiting {
        Waiting::Installation => "approve|reject",
        Waiting::Update => "accept-update|reject-update",
    };
    say!(
        "  pwb installations {answer} --app {} {}",
        request.app_id,
        request.installation_id
    );
}

/// Whether a sync error is worth waiting out (the next round may work) rather than ending.
fn passing(error: &WorkbenchError) -> bool {
    matches!(
        error.code(),
        ErrorCode::ServerUnreachable | ErrorCode::ServerError | ErrorCode::MalformedReply
    )
}

/// `pwb status --watch`: syncs now and every `interval`, printing each review outcome as it
/// arrives (also one another process's sync recorded, once), until Ctrl+C or stdin closes. Quiet otherwise; a server that cannot be reached is
/// said once on stderr (and when it is back), then tried again.
pub async fn watch(
    workbench: &Workbench,
    choice: &ServerChoice,
    interval: Duration,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let stop = stopped();
    tokio::pin!(stop);
    let mut connection: Option<Connection> = None;
    let mut trouble: Option<String> = None;
    // In a terminal, a spinner on stderr says the watch is alive; outcomes and notes are
    // printed above it. Hidden with --json or when stderr is not a terminal.
    let spinner = output::progress(!json, "{spinner} {msg}");
    if !spinner.is_hidden() {
        spinner.enable_steady_tick(Duration::from_millis(120));
    }
    let result = loop {
        spinner.set_message("syncing…");
        let round = async {
            if connection.is_none() {
                connection = Some(Connection::open(choice, workbench, account::now()).await?);
            }
            let connection = connection.as_mut().expect("opened just above");
            workbench
                .sync(connection, OffsetDateTime::now_utc(), |_| {})
                .await
        };
        let outcome = tokio::select! {
            _ = &mut stop => break Ok(exit::SUCCESS),
            outcome = round => outcome,
        };
        match outcome {
            Ok(_) => {
                if trouble.take().is_some() {
                    spinner.suspend(|| say_err!("connected again"));
                }
            }
            Err(error) if passing(&error) => {
                let message = error.to_string();
                if trouble.as_deref() != Some(&message) {
                    spinner.suspend(|| {
                        say_err!(
                            "cannot sync: {message}; trying again every {}s",
                            interval.as_secs()
                        )
                    });
                }
                trouble = Some(message);
            }
            Err(error) => break Err(error),
        }
        // Every outcome this watch has not printed yet, whichever process's sync recorded it
        // (this one's, a `pwb sync`, the desktop app's): each is printed once.
        let outcomes = workbench.take_outcomes(Announcer::Watch, OffsetDateTime::now_utc())?;
        // And every customer's request that waits for the partner, the same way.
        let requests = workbench.take_requests(Announcer::Watch, OffsetDateTime::now_utc())?;
        spinner.suspend(|| {
            for outcome in &outcomes {
                print_outcome(outcome, json);
            }
            for request in &requests {
                print_request(request, json);
            }
        });
        if output::write_failed() {
            break Ok(exit::FAILURE);
        }
        let now = OffsetDateTime::now_utc();
        spinner.set_message(format!(
            "watching for review decisions: {} at {:02}:{:02}:{:02} UTC, again every {}s \
             (Ctrl+C to stop)",
            if trouble.is_some() { "tried" } else { "synced" },
            now.hour(),
            now.minute(),
            now.second(),
            interval.as_secs()
        ));
        tokio::select! {
            _ = &mut stop => break Ok(exit::SUCCESS),
            _ = tokio::time::sleep(interval) => {}
        }
    };
    spinner.finish_and_clear();
    if let Some(connection) = connection {
        connection.close().await;
    }
    result
}

/// Resolves on Ctrl+C, or when stdin reaches its end (a terminal's Ctrl+D, or the writing end of
/// a pipe closed). Stdin that is a file or `/dev/null` is not watched: it would end at once.
async fn stopped() {
    let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
    if stdin_can_close() {
        // A plain thread, not `spawn_blocking`: the runtime must not wait for it to end.
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            loop {
                match std::io::Read::read(&mut stdin, &mut sink) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            let _ = closed.send(());
        });
    } else {
        std::mem::forget(closed);
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        Ok(()) = on_close => {}
    }
}

fn stdin_can_close() -> bool {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
            return false;
        };
        std::fs::File::from(fd)
            .metadata()
            .map(|m| m.file_type().is_fifo() || m.file_type().is_socket())
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// `pwb timeline --version ID`: the version's review events from the cache, with when the
/// server was last checked.
pub fn timeline(workbench: &Workbench, version_id: &str, json: bool) -> Result<u8, WorkbenchError> {
    let timeline = workbench.timeline(version_id)?;
    if json {
        output::print_json(&serde_json::to_value(&timeline).expect("a timeline serializes"));
        return Ok(exit::SUCCESS);
    }
    say!(
        "Review timeline of version {} (last checked {})",
        timeline.version_id,
        timeline.last_checked_at.as_deref().unwrap_or("never")
    );
    if timeline.events.is_empty() {
        say!(
            "No review events recorded yet: they arrive with the change feed at each sync (`pwb sync`)."
        );
    }
    for event in &timeline.events {
        let what = match (event.kind, event.decision) {
            (workbench::TimelineKind::Reviewed, Some(decision)) => {
                workbench::review_words(decision, event.feedback.len())
            }
            (workbench::TimelineKind::Advertised, _) => "published on AppConnect".to_owned(),
            (kind, _) => kind.as_str().replace('_', " "),
        };
        say!(
            "{:<22} {:<12} {}",
            event.at.as_deref().unwrap_or("(time unknown)"),
            event.track.map(|t| t.as_str()).unwrap_or("-"),
            what
        );
        for entry in &event.feedback {
            say!("{:<35} {}: {}", "", entry.field, entry.message);
        }
    }
    Ok(exit::SUCCESS)
}

/// Reads `approved`, `rejected` or `requests` for `--on`/`--off`.
pub fn parse_kind(text: &str) -> Result<NotificationKind, String> {
    workbench::parse_notification_kind(text).map_err(|e| e.to_string())
}

/// `pwb notifications [--on KIND | --off KIND]`: which review outcomes and customers' requests
/// the desktop app notifies.
pub fn notifications(
    workbench: &Workbench,
    on: Option<NotificationKind>,
    off: Option<NotificationKind>,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let prefs = match (on, off) {
        (Some(kind), _) => workbench.set_notification(kind, true)?,
        (_, Some(kind)) => workbench.set_notification(kind, false)?,
        (None, None) => workbench.notification_prefs()?,
    };
    if json {
        output::print_json(&serde_json::to_value(prefs).expect("preferences serialize"));
    } else {
        for kind in NotificationKind::ALL {
            say!(
                "{}: {}",
                kind.as_str(),
                if prefs.wants(kind) { "on" } else { "off" }
            );
        }
    }
    Ok(exit::SUCCESS)
}
