//! Review outcomes with the real `pwb` against a real sandbox: a submitted version rejected by
//! the sandbox's reviewer reaches `pwb status --watch` (spawned, its stdout read as it comes)
//! with the notification's text, and `pwb timeline` shows it with the feedback.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{DELTA, NOT_FOUND, SUCCESS, Server, USAGE, expect, synced};
use serde_json::{Value, json};

/// Submits Delta Surveys 1.0.0's technical track; answers (app id, version id).
fn submitted(server: &Server, data: &std::path::Path) -> (String, String) {
    let (app, version) = server.find(DELTA);
    expect(
        server,
        data,
        &[
            "submit",
            "--app",
            &app,
            "--version",
            &version,
            "--track",
            "technical",
        ],
        SUCCESS,
    );
    (app, version)
}

fn reject(server: &Server, version: &str) {
    server.review(
        version,
        json!({
            "track": "technical",
            "decision": "reject",
            "feedback": [
                {"field": "general.display_name", "message": "Say what the app does", "rule": "text.display_name"},
                {"field": "technical.scopes_reason", "message": "Explain why each scope is needed"}
            ]
        }),
    );
}

/// A running `pwb status --watch` whose stdout lines arrive on a channel.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(server: &Server, data: &std::path::Path, args: &[&str]) -> Watch {
        let mut child = server
            .pwb(data)
            .args(["status", "--watch", "--interval", "1"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pwb starts");
        let stdout = child.stdout.take().expect("a piped stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines }
    }

    fn next_line(&self, within: Duration) -> String {
        self.lines
            .recv_timeout(within)
            .unwrap_or_else(|e| panic!("pwb status --watch printed nothing within {within:?}: {e}"))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_rejection_reaches_status_watch_as_it_arrives_and_the_timeline_keeps_the_feedback() {
    let (server, data) = synced();
    let (app, version) = submitted(&server, data.path());

    let watch = Watch::start(&server, data.path(), &["--json"]);
    // Quiet while nothing is decided.
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err(),
        "nothing to say before the review"
    );
    reject(&server, &version);
    let line = watch.next_line(Duration::from_secs(20));
    let outcome: Value = serde_json::from_str(&line).expect("one JSON object per line");
    assert_eq!(
        outcome["summary"],
        json!("Delta Surveys 1.0.0: technical review rejected, 2 issues")
    );
    assert_eq!(
        outcome["body"],
        json!(
            "general.display_name: Say what the app does\n\
             technical.scopes_reason: Explain why each scope is needed"
        )
    );
    assert_eq!(outcome["version_id"], json!(version));
    assert_eq!(outcome["app_id"], json!(app));
    assert_eq!(outcome["decision"], json!("rejected"));
    assert_eq!(outcome["track"], json!("technical"));
    assert_eq!(
        outcome["feedback"][1]["field"],
        json!("technical.scopes_reason")
    );
    // Told once: the next rounds are quiet.
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err()
    );
    drop(watch);

    let timeline = expect(
        &server,
        data.path(),
        &["timeline", "--version", &version, "--json"],
        SUCCESS,
    )
    .json();
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "reviewed"], "{timeline}");
    let reviewed = &timeline["events"][1];
    assert_eq!(reviewed["decision"], json!("rejected"));
    assert_eq!(reviewed["feedback"][0]["rule"], json!("text.display_name"));
    assert!(reviewed["at"].is_string());
    assert!(timeline["last_checked_at"].is_string());

    let text = expect(
        &server,
        data.path(),
        &["timeline", "--version", &version],
        SUCCESS,
    );
    assert!(
        text.stdout.contains("review rejected, 2 issues"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("general.display_name: Say what the app does"),
        "{}",
        text.stdout
    );
}

/// FAQ §15: the partner makes a version available; Talkdesk publishes it on AppConnect once its
/// marketplace review is approved. `pwb status --watch` and the timeline report it, and
/// `pwb advertise` only explains.
#[test]
fn talkdesk_publishing_a_version_reaches_status_watch_and_the_timeline() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--app", &app, "--version", &version]);
        expect(&server, data.path(), &all, SUCCESS);
    };
    let approve =
        |track: &str| server.review(&version, json!({"track": track, "decision": "approve"}));
    let sync = || expect(&server, data.path(), &["sync"], SUCCESS);
    run(&["submit", "--track", "technical"]);
    approve("technical");
    sync();
    run(&["make-available"]);
    run(&["submit", "--track", "marketplace"]);
    approve("marketplace");
    sync();

    let refused = expect(
        &server,
        data.path(),
        &["advertise", "--app", &app, "--version", &version],
        USAGE,
    );
    assert!(
        refused
            .stderr
            .contains("Talkdesk publishes a version on AppConnect itself"),
        "{}",
        refused.stderr
    );

    // The watch tells the approvals its own announcer has not told yet, then the publication.
    let watch = Watch::start(&server, data.path(), &[]);
    server.publish(&version);
    let lines: Vec<String> = (0..3)
        .map(|_| watch.next_line(Duration::from_secs(20)))
        .collect();
    assert_eq!(
        lines,
        [
            "Delta Surveys 1.0.0: technical review approved",
            "Delta Surveys 1.0.0: marketplace review approved",
            "Delta Surveys 1.0.0: published on AppConnect",
        ]
    );
    drop(watch);

    let timeline = expect(
        &server,
        data.path(),
        &["timeline", "--version", &version],
        SUCCESS,
    );
    assert!(
        timeline
            .stdout
            .lines()
            .last()
            .is_some_and(|l| l.ends_with("published on AppConnect")),
        "{}",
        timeline.stdout
    );
}

#[test]
fn an_outcome_another_sync_recorded_first_is_still_printed_once_by_status_watch() {
    let (server, data) = synced();
    let (_app, version) = submitted(&server, data.path());
    reject(&server, &version);
    // `pwb sync` reads the rejection first (as the desktop app's background sync may): the
    // watch started after it must still print it, once.
    expect(&server, data.path(), &["sync"], SUCCESS);
    let watch = Watch::start(&server, data.path(), &[]);
    assert_eq!(
        watch.next_line(Duration::from_secs(20)),
        "Delta Surveys 1.0.0: technical review rejected, 2 issues"
    );
    assert_eq!(
        watch.next_line(Duration::from_secs(5)),
        "  general.display_name: Say what the app does"
    );
    assert_eq!(
        watch.next_line(Duration::from_secs(5)),
        "  technical.scopes_reason: Explain why each scope is needed"
    );
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err(),
        "printed once: the next rounds are quiet"
    );
    drop(watch);
    // A new watch has nothing left to print.
    let again = Watch::start(&server, data.path(), &[]);
    assert!(
        again
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err(),
        "an outcome this watch printed is not printed by the next one"
    );
}

#[test]
fn status_watch_prints_the_text_and_ends_when_stdin_closes() {
    let (server, data) = synced();
    let (_, version) = submitted(&server, data.path());
    let mut watch = Watch::start(&server, data.path(), &[]);
    reject(&server, &version);
    assert_eq!(
        watch.next_line(Duration::from_secs(20)),
        "Delta Surveys 1.0.0: technical review rejected, 2 issues"
    );
    assert_eq!(
        watch.next_line(Duration::from_secs(5)),
        "  general.display_name: Say what the app does"
    );
    drop(watch.child.stdin.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = watch.child.try_wait().expect("pwb can be waited for") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "pwb status --watch must end when stdin closes"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(SUCCESS));
}

/// A customer asking for an installation, and another changing theirs, reach `pwb status --watch`
/// through the change feed, once each, with the command that answers them.
#[test]
fn a_customers_request_reaches_status_watch_with_the_command_that_answers_it() {
    let (server, data) = synced();
    let watch = Watch::start(&server, data.path(), &[]);
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err(),
        "nothing to say before a request"
    );
    let (status, created) = server.send(
        reqwest::Method::POST,
        "/_sandbox/apps/app-acme-crm/installations",
        Some(json!({"account_name": "Globex Corp", "version_id": "ver-acme-crm-1-1-0"})),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        watch.next_line(Duration::from_secs(20)),
        "Globex Corp is waiting for you to confirm Acme CRM Connector 1.1.0"
    );
    assert_eq!(
        watch.next_line(Duration::from_secs(5)),
        format!("  pwb installations approve|reject --app app-acme-crm {id}")
    );
    // Told once: the next rounds are quiet, and so is the next watch (watches share a mark).
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err()
    );
    drop(watch);
    let watch = Watch::start(&server, data.path(), &["--json"]);
    assert!(
        watch
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err()
    );
    let (status, body) = server.send(
        reqwest::Method::POST,
        "/_sandbox/apps/app-acme-crm/installations/inst-acme-crm-01/update",
        None,
    );
    assert_eq!(status, 200, "{body}");
    let line: Value = serde_json::from_str(&watch.next_line(Duration::from_secs(20))).unwrap();
    let request = &line["request"];
    assert_eq!(request["installation_id"], json!("inst-acme-crm-01"));
    assert_eq!(request["waiting"], json!("update"));
    assert_eq!(request["account_name"], json!("Northwind Traders"));
    assert_eq!(
        request["summary"],
        json!(
            "Northwind Traders is waiting for you to accept or reject an update of Acme CRM \
             Connector 1.1.0"
        )
    );
}

#[test]
fn status_timeline_and_notifications_answer_from_the_cache_with_clear_errors() {
    let (server, data) = synced();
    let status = expect(&server, data.path(), &["status", "--json"], SUCCESS).json();
    assert!(status["last_synced_at"].is_string(), "{status}");
    assert_eq!(status["pending"], json!(0));
    let text = expect(&server, data.path(), &["status"], SUCCESS);
    assert!(text.stdout.contains("last checked: 20"), "{}", text.stdout);

    let missing = expect(
        &server,
        data.path(),
        &["timeline", "--version", "no-such-version"],
        NOT_FOUND,
    );
    assert!(
        missing.stderr.contains("no cached version"),
        "{}",
        missing.stderr
    );

    let prefs = expect(&server, data.path(), &["notifications", "--json"], SUCCESS).json();
    assert_eq!(
        prefs,
        json!({"approved": true, "rejected": true, "requests": true})
    );
    let prefs = expect(
        &server,
        data.path(),
        &["notifications", "--off", "approved", "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(
        prefs,
        json!({"approved": false, "rejected": true, "requests": true})
    );
    let listed = expect(&server, data.path(), &["notifications"], SUCCESS);
    assert_eq!(listed.stdout, "approved: off\nrejected: on\nrequests: on\n");
    let bad = expect(
        &server,
        data.path(),
        &["notifications", "--off", "everything"],
        USAGE,
    );
    assert!(
        bad.stderr.contains("approved, rejected and requests"),
        "{}",
        bad.stderr
    );
    // Nothing changed by the refused one.
    let prefs = expect(&server, data.path(), &["notifications", "--json"], SUCCESS).json();
    assert_eq!(
        prefs,
        json!({"approved": false, "rejected": true, "requests": true})
    );
}
