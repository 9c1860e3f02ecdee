//! `pwb edit`, `pwb sync`, `pwb conflicts`, `pwb resolve` and `pwb submit`, the real binary
//! against a real sandbox: what reaches the server, the exit codes scripts branch on, and a
//! refused edit changing nothing.

mod common;

use std::path::Path;

use common::{
    ACME, CONFLICTS, DELTA, INVALID_CONTENT, LOCKED, SUCCESS, cache_bytes, expect, field, outbox,
    synced,
};
use serde_json::{Value, json};

#[test]
fn an_edit_then_a_sync_puts_the_value_on_the_server() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let notes_before = field(&server.version(&app, &version), "general.notes");
    assert_ne!(notes_before, json!("Edited with pwb"));

    let ran = expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            "general.notes=Edited with pwb",
            "--set",
            "technical.manually_provisioned=true",
        ],
        SUCCESS,
    );
    assert!(ran.stdout.contains("general.notes"), "{}", ran.stdout);
    let (entries, _) = outbox(&server, data.path());
    assert_eq!(entries.len(), 2, "two edits wait: {entries:?}");
    assert_eq!(
        field(&server.version(&app, &version), "general.notes"),
        notes_before,
        "nothing is sent before the sync"
    );

    expect(&server, data.path(), &["sync"], SUCCESS);

    let served = server.version(&app, &version);
    assert_eq!(field(&served, "general.notes"), json!("Edited with pwb"));
    assert_eq!(
        field(&served, "technical.manually_provisioned"),
        json!(true),
        "a JSON value of the field's kind is read as JSON"
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert!(entries.is_empty(), "the outbox is empty: {entries:?}");
    assert_eq!(conflicts, 0);
}

#[test]
fn a_locked_field_exits_10_with_the_reason_and_changes_nothing() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let before = cache_bytes(data.path());

    let ran = expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            "technical.scopes_reason=Needs the CRM scopes",
        ],
        LOCKED,
    );

    assert!(
        ran.stderr.contains("technical section") && ran.stderr.contains("In Review"),
        "the message says what is locked and why: {}",
        ran.stderr
    );
    assert_eq!(
        cache_bytes(data.path()),
        before,
        "a refused edit writes nothing"
    );
    assert!(outbox(&server, data.path()).0.is_empty());
}

#[test]
fn a_bad_icon_exits_11_and_changes_nothing() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    // Bytes that do not decode: a safety error (a non-square icon is a house warning).
    let icon =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/icons/broken-crc.png");
    assert!(icon.exists(), "the fixture {} exists", icon.display());
    let before = cache_bytes(data.path());

    let ran = expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--icon",
            icon.to_str().expect("a UTF-8 path"),
        ],
        INVALID_CONTENT,
    );

    assert!(
        ran.stderr.contains("icon.decodes"),
        "the message names the rule the icon breaks: {}",
        ran.stderr
    );
    assert_eq!(
        cache_bytes(data.path()),
        before,
        "a refused icon writes nothing"
    );
    assert!(outbox(&server, data.path()).0.is_empty());
    expect(&server, data.path(), &["sync"], SUCCESS);
    assert_eq!(
        server.version(&app, &version)["icon"],
        json!(null),
        "the server still has no icon for it"
    );
}

#[test]
fn a_conflict_is_listed_then_resolved_with_theirs_from_the_command_line() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let field_path = "marketplace.listing_summary";
    common::edit(
        &server,
        data.path(),
        (&app, &version),
        "marketplace.listing_summary=Mine, from pwb",
    );
    let mut marketplace = server.version(&app, &version)["marketplace"].clone();
    marketplace["listing_summary"] = json!("Theirs, from the portal");
    server.portal_edit(&version, json!({ "marketplace": marketplace }));

    let ran = expect(&server, data.path(), &["sync"], CONFLICTS);
    assert!(ran.stdout.contains("pwb conflicts"), "{}", ran.stdout);

    let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS).json();
    let conflicts = listed["conflicts"].as_array().expect("a list");
    assert_eq!(conflicts.len(), 1, "{listed}");
    assert_eq!(conflicts[0]["version_id"], json!(version));
    assert_eq!(conflicts[0]["field"], json!(field_path));
    assert_eq!(conflicts[0]["mine"], json!("Mine, from pwb"));
    assert_eq!(conflicts[0]["theirs"], json!("Theirs, from the portal"));

    expect(
        &server,
        data.path(),
        &[
            "resolve",
            "--app",
            &app,
            "--version",
            &version,
            "--field",
            field_path,
            "--theirs",
        ],
        SUCCESS,
    );
    expect(&server, data.path(), &["sync"], SUCCESS);

    assert_eq!(
        field(&server.version(&app, &version), field_path),
        json!("Theirs, from the portal")
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert!(entries.is_empty(), "{entries:?}");
    assert_eq!(conflicts, 0);
    let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS).json();
    assert_eq!(listed["conflicts"], json!([]));
}

#[test]
fn with_a_conflict_waiting_on_one_field_an_edit_of_another_section_reaches_the_server_at_the_next_sync()
 {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let summary = "marketplace.listing_summary";
    let target = (app.as_str(), version.as_str());
    common::edit(
        &server,
        data.path(),
        target,
        &format!("{summary}=Mine, from pwb"),
    );
    let mut marketplace = server.version(&app, &version)["marketplace"].clone();
    marketplace["listing_summary"] = json!("Theirs, from the portal");
    server.portal_edit(&version, json!({ "marketplace": marketplace }));
    expect(&server, data.path(), &["sync"], CONFLICTS);

    // While the summary waits in conflict: an edit of another section, and a new icon.
    common::edit(
        &server,
        data.path(),
        target,
        "general.notes=Sent while the summary waits",
    );
    let icon =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/icons/valid.png");
    expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--icon",
            icon.to_str().expect("a UTF-8 path"),
        ],
        SUCCESS,
    );
    let (entries, _) = outbox(&server, data.path());
    let waits: Vec<(&Value, &Value)> = entries
        .iter()
        .map(|e| (&e["operation"], &e["waits_on"]))
        .collect();
    assert_eq!(
        waits,
        [
            (&json!("edit"), &json!([summary])),
            (&json!("edit"), &json!([])),
            (&json!("icon"), &json!([])),
        ],
        "only the summary's edit waits on its conflict: {entries:?}"
    );

    expect(&server, data.path(), &["sync"], CONFLICTS);

    let served = server.version(&app, &version);
    assert_eq!(
        field(&served, "general.notes"),
        json!("Sent while the summary waits"),
        "the edit of another section reached the server"
    );
    assert_eq!(
        field(&served, summary),
        json!("Theirs, from the portal"),
        "the conflicted field on the server is still the server's value"
    );
    assert!(
        served["icon"].is_object(),
        "the icon is not held back by a content field's conflict: {served}"
    );
    let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS).json();
    let conflicts = listed["conflicts"].as_array().expect("a list");
    assert_eq!(conflicts.len(), 1, "the conflict is still open: {listed}");
    assert_eq!(conflicts[0]["field"], json!(summary));
    assert_eq!(conflicts[0]["mine"], json!("Mine, from pwb"));
    assert_eq!(conflicts[0]["theirs"], json!("Theirs, from the portal"));
    let shown = expect(
        &server,
        data.path(),
        &["show", "--app", &app, "--version", &version, "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(
        field(&shown["content"], summary),
        json!("Mine, from pwb"),
        "the partner's value is kept locally"
    );
    assert_eq!(shown["changed_since_server"], json!([summary]));
    let (entries, open) = outbox(&server, data.path());
    assert_eq!(open, 1);
    assert_eq!(entries.len(), 1, "the notes and the icon left: {entries:?}");
    assert_eq!(entries[0]["operation"], json!("edit"));
    assert_eq!(entries[0]["version_id"], json!(version));
    assert_eq!(entries[0]["held"], json!(false));
    assert_eq!(entries[0]["waits_on"], json!([summary]));
    let text = expect(&server, data.path(), &["outbox"], SUCCESS);
    assert!(
        text.stdout
            .contains("waits on the conflict on marketplace.listing_summary"),
        "{}",
        text.stdout
    );

    // Settled: the partner's value goes at the next sync.
    expect(
        &server,
        data.path(),
        &[
            "resolve",
            "--app",
            &app,
            "--version",
            &version,
            "--field",
            summary,
            "--mine",
        ],
        SUCCESS,
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    let served = server.version(&app, &version);
    assert_eq!(field(&served, summary), json!("Mine, from pwb"));
    assert_eq!(
        field(&served, "general.notes"),
        json!("Sent while the summary waits")
    );
    let (entries, open) = outbox(&server, data.path());
    assert!(entries.is_empty(), "{entries:?}");
    assert_eq!(open, 0);
}

#[test]
fn submit_exits_0_and_the_server_shows_the_track_in_review() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);

    expect(
        &server,
        data.path(),
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

    let served = server.version(&app, &version);
    assert_eq!(
        served["status"]["technical"],
        json!("in_review"),
        "{served}"
    );
    assert_eq!(server.submissions(&version, "technical"), 1);
    assert!(outbox(&server, data.path()).0.is_empty());
}
