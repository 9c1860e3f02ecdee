//! `pwb` as the window's twin, the real binary against a real sandbox: `pwb show` opens a
//! version as the editor does, every command's `--json` prints one JSON document and nothing
//! else, long work draws no progress bar when stderr is not a terminal, and `pwb --help` ends
//! with the exit codes.

mod common;

use std::path::Path;

use common::{ACME, CONFLICTS, DELTA, NOT_FOUND, Ran, SUCCESS, Server, USAGE, expect, run, synced};
use serde_json::{Value, json};
use sha2::Digest;

/// Stdout is exactly one JSON document, and stderr carries no terminal escape or carriage
/// return (no progress bar, no colour).
fn only_json(args: &[&str], ran: &Ran) -> Value {
    let value: Value = serde_json::from_str(&ran.stdout).unwrap_or_else(|e| {
        panic!(
            "pwb {args:?} --json prints one JSON document and nothing else ({e}):\n{}",
            ran.stdout
        )
    });
    quiet(args, ran);
    value
}

fn quiet(args: &[&str], ran: &Ran) {
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\r'),
            "pwb {args:?} writes no terminal control to a pipe ({name}): {text:?}"
        );
    }
}

/// Runs `pwb ARGS`, which must exit `code` and print one JSON document.
fn json_of(server: &Server, data: &Path, args: &[&str], code: i32) -> Value {
    let ran = expect(server, data, args, code);
    only_json(args, &ran)
}

#[test]
fn show_prints_a_version_as_the_editor_opens_it_and_writes_its_icon() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let served = server.version(&app, &version);
    let icon_file = data.path().join("icon-out.bin");
    let icon_arg = icon_file.to_str().expect("a UTF-8 path");

    let shown = json_of(
        &server,
        data.path(),
        &[
            "show",
            "--app",
            &app,
            "--version",
            &version,
            "--icon-out",
            icon_arg,
            "--json",
        ],
        SUCCESS,
    );

    assert_eq!(shown["app"]["id"], json!(app));
    assert_eq!(shown["version"]["id"], json!(version));
    assert_eq!(shown["version"]["technical"], json!("in_review"));
    assert_eq!(
        shown["version"]["marketplace"],
        served["status"]["marketplace"]
    );
    for section in ["general", "technical", "marketplace", "subscription_types"] {
        assert_eq!(shown["content"][section], served[section], "{section}");
    }
    // The technical track is In Review: its section (and general, on both tracks) is locked,
    // submitting it again is refused, withdrawing it is allowed.
    let lock = |part: &str| {
        shown["locks"]
            .as_array()
            .expect("locks")
            .iter()
            .find(|l| l["part"] == part)
            .unwrap_or_else(|| panic!("a lock entry for {part}: {shown}"))["locked_because"]
            .clone()
    };
    assert!(lock("technical").is_string(), "{shown}");
    assert!(lock("general").is_string(), "{shown}");
    assert_eq!(lock("marketplace"), Value::Null, "{shown}");
    let action = |name: &str, track: &str| {
        shown["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .find(|a| a["action"] == name && a["track"] == track)
            .unwrap_or_else(|| panic!("{name} {track}: {shown}"))["refused_because"]
            .clone()
    };
    assert!(action("submit", "technical").is_string());
    assert_eq!(action("withdraw", "technical"), Value::Null);
    assert_eq!(
        shown["local"],
        json!({"unsent": 0, "held": 0, "conflicts": 0})
    );
    assert_eq!(shown["changed_since_server"], json!([]));

    // The icon written is the cached one, byte for byte.
    let bytes = std::fs::read(&icon_file).expect("--icon-out wrote the icon");
    assert_eq!(shown["icon"]["bytes"], json!(bytes.len()));
    assert_eq!(
        shown["icon"]["sha256"],
        json!(hex::encode(sha2::Sha256::digest(&bytes)))
    );
    assert_eq!(
        served["icon"]["sha256"], shown["icon"]["sha256"],
        "{served}"
    );
    assert_eq!(shown["icon"]["changed"], json!(false));

    // The same as text, for people.
    let text = expect(
        &server,
        data.path(),
        &["show", "--app", &app, "--version", &version],
        SUCCESS,
    );
    let display_name = served["general"]["display_name"].as_str().expect("a name");
    assert!(text.stdout.contains(display_name), "{}", text.stdout);
    assert!(
        text.stdout.contains("technical review: In Review"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("withdraw technical: allowed"),
        "{}",
        text.stdout
    );
    quiet(&["show"], &text);
}

#[test]
fn show_lists_local_changes_and_refuses_what_is_not_there() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    common::edit(
        &server,
        data.path(),
        (&app, &version),
        "general.notes=Changed with pwb",
    );

    let shown = json_of(
        &server,
        data.path(),
        &["show", "--app", &app, "--version", &version, "--json"],
        SUCCESS,
    );
    assert_eq!(
        shown["content"]["general"]["notes"],
        json!("Changed with pwb")
    );
    assert_eq!(shown["changed_since_server"], json!(["general.notes"]));
    assert_eq!(shown["local"]["unsent"], json!(1));
    assert_eq!(shown["icon"], Value::Null, "Delta Surveys has no icon");

    // No icon to write: exit 2, no file.
    let icon_file = data.path().join("none.png");
    let ran = expect(
        &server,
        data.path(),
        &[
            "show",
            "--app",
            &app,
            "--version",
            &version,
            "--icon-out",
            icon_file.to_str().unwrap(),
        ],
        USAGE,
    );
    assert!(ran.stderr.contains("has no icon"), "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    assert!(!icon_file.exists());

    // A version not cached, or not of that app: exit 6.
    expect(
        &server,
        data.path(),
        &[
            "show",
            "--app",
            &app,
            "--version",
            "no-such-version",
            "--json",
        ],
        NOT_FOUND,
    );
    let (other_app, _) = server.find(ACME);
    let ran = expect(
        &server,
        data.path(),
        &["show", "--app", &other_app, "--version", &version, "--json"],
        NOT_FOUND,
    );
    assert!(
        ran.stdout.is_empty(),
        "errors go to stderr only: {}",
        ran.stdout
    );
}

#[test]
fn every_command_with_json_prints_one_json_document() {
    let (server, data) = synced();
    let data = data.path();
    let (app, version) = server.find(DELTA);
    let target = ["--app", app.as_str(), "--version", version.as_str()];
    let with = |command: &[&str], rest: &[&str]| -> Vec<String> {
        command
            .iter()
            .chain(rest)
            .map(|s| (*s).to_owned())
            .collect()
    };
    let json = |args: Vec<String>, code: i32| -> Value {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json_of(&server, data, &args, code)
    };

    let apps = json(with(&["apps", "--json"], &[]), SUCCESS);
    assert!(apps["apps"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(
        json(with(&["sync", "--json"], &[]), SUCCESS)["phase"],
        "idle"
    );
    assert!(json(with(&["rules", "--json"], &[]), SUCCESS)["rules"].is_array());
    json(with(&["status", "--json"], &[]), SUCCESS);
    json(with(&["whoami", "--json"], &[]), SUCCESS);
    json(with(&["notifications", "--json"], &[]), SUCCESS);
    json(
        with(&["timeline", "--version", &version, "--json"], &[]),
        SUCCESS,
    );
    let validate: Vec<&str> = ["validate"]
        .into_iter()
        .chain(target)
        .chain(["--json"])
        .collect();
    let ran = run(server.pwb(data).args(&validate));
    assert!(ran.code == 0 || ran.code == 1, "{}", ran.stderr);
    assert!(only_json(&validate, &ran)["report"].is_object());

    // A suppression recorded and removed.
    let rule = "icon.corners_clear";
    let suppressed = json(
        with(&["suppress"], &target)
            .into_iter()
            .chain(["--rule", rule, "--reason", "Short on purpose", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(
        suppressed["suppressed"]["rule"],
        json!(rule),
        "{suppressed}"
    );
    let removed = json(
        with(&["unsuppress"], &target)
            .into_iter()
            .chain(["--rule", rule, "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(removed["removed"]["rule"], json!(rule));

    // An edit, the outbox of that version, one change dropped by its id.
    let edited = json(
        with(&["edit"], &target)
            .into_iter()
            .chain(["--set", "general.notes=Twin", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(edited["changed"], json!(["general.notes"]));
    let listed = json(with(&["apps", "--offline", "--json"], &[]), SUCCESS);
    let row = listed["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .flat_map(|a| a["versions"].as_array().expect("versions"))
        .find(|v| v["id"] == version.as_str())
        .expect("the edited version is listed")
        .clone();
    assert_eq!(
        row["local"],
        json!({"unsent": 1, "held": 0, "conflicts": 0}),
        "the list marks the unsent edit, as the window's does"
    );
    let outbox = json(
        with(&["outbox"], &target)
            .into_iter()
            .chain(["--json".into()])
            .collect(),
        SUCCESS,
    );
    let entries = outbox["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{outbox}");
    let id = entries[0]["id"].to_string();
    let discarded = json(
        with(&["discard"], &target)
            .into_iter()
            .chain(["--change", id.as_str(), "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(discarded["pending"], json!(0), "{discarded}");
    let retried = json(
        with(&["retry"], &target)
            .into_iter()
            .chain(["--json".into()])
            .collect(),
        SUCCESS,
    );
    assert_eq!(retried["released"], json!(0));

    // A conflict settled.
    common::edit(
        &server,
        data,
        (&app, &version),
        "marketplace.listing_summary=Mine",
    );
    let mut marketplace = server.version(&app, &version)["marketplace"].clone();
    marketplace["listing_summary"] = json!("Theirs");
    server.portal_edit(&version, json!({ "marketplace": marketplace }));
    let synced = json(with(&["sync", "--json"], &[]), CONFLICTS);
    assert_eq!(synced["conflicts"], json!(1));
    let resolved = json(
        with(&["resolve"], &target)
            .into_iter()
            .chain(
                [
                    "--field",
                    "marketplace.listing_summary",
                    "--theirs",
                    "--json",
                ]
                .map(String::from),
            )
            .collect(),
        SUCCESS,
    );
    assert_eq!(resolved["chosen"], json!("theirs"));
    assert_eq!(resolved["value"], json!("Theirs"));

    // The review actions: a preview, a submission sent, a withdrawal queued without a sync.
    let preview = json(
        with(&["submit"], &target)
            .into_iter()
            .chain(["--track", "technical", "--preview", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(preview["sha256"].as_str().map(str::len), Some(64));
    let sent = json(
        with(&["submit"], &target)
            .into_iter()
            .chain(["--track", "technical", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(sent["sent"], json!(true), "{sent}");
    assert_eq!(sent["not_sent_because"], Value::Null);
    let queued = json(
        with(&["withdraw"], &target)
            .into_iter()
            .chain(["--track", "technical", "--no-sync", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert_eq!(queued["sent"], json!(false), "{queued}");
    assert_eq!(queued["pending"], json!(1), "{queued}");
    let page = json(
        with(&["preview"], &target)
            .into_iter()
            .chain(["--out", "-", "--json"].map(String::from))
            .collect(),
        SUCCESS,
    );
    assert!(
        page["html"]
            .as_str()
            .is_some_and(|h| h.starts_with("<!DOCTYPE html>")),
        "{page}"
    );

    // Live data and OAuth clients.
    json(with(&["account", "--json"], &[]), SUCCESS);
    json(
        with(&["installations", "--app", &app, "--json"], &[]),
        SUCCESS,
    );
    let scopes = json(with(&["clients", "scopes", "--json"], &[]), SUCCESS);
    assert_eq!(
        scopes["scopes"],
        json!(partner_api::oauth_clients::scope_names()),
        "the scopes the window offers"
    );
    let created = json(
        with(
            &[
                "clients",
                "create",
                "--name",
                "CI",
                "--scope",
                "apps:read",
                "--json",
            ],
            &[],
        ),
        SUCCESS,
    );
    let client = created["client"]["id"].as_str().expect("an id").to_owned();
    json(with(&["clients", "--json"], &[]), SUCCESS);
    let deleted = json(
        with(&["clients", "delete", &client, "--json"], &[]),
        SUCCESS,
    );
    assert_eq!(deleted["deleted"], json!(client));
}

/// `(app id, [version ids])` of each app a `pwb apps --json` lists.
fn listed(json: &Value) -> Vec<(String, Vec<String>)> {
    let ids = |list: &Value| -> Vec<Value> { list.as_array().expect("a list").clone() };
    ids(&json["apps"])
        .iter()
        .map(|app| {
            let versions = ids(&app["versions"])
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect();
            (app["id"].as_str().unwrap().to_owned(), versions)
        })
        .collect()
}

#[test]
fn apps_filter_lists_only_what_it_finds_with_the_count_offline_too() {
    let (server, data) = synced();
    let data = data.path();
    let all = json_of(&server, data, &["apps", "--json", "--offline"], SUCCESS);
    let apps = all["apps"].as_array().expect("an `apps` list");
    let total = apps.len();
    assert!(total >= 3, "the demo seed has apps: {all}");

    // By name: Acme alone, with every one of its versions.
    let acme = json_of(
        &server,
        data,
        &["apps", "--filter", "acme", "--json"],
        SUCCESS,
    );
    let whole_acme: Vec<_> = listed(&all)
        .into_iter()
        .filter(|(id, _)| {
            apps.iter()
                .any(|a| a["id"] == id.as_str() && a["display_name"] == ACME.0)
        })
        .collect();
    assert_eq!(whole_acme.len(), 1, "the demo has {:?}: {all}", ACME.0);
    assert_eq!(
        listed(&acme),
        whole_acme,
        "only Acme, with all its versions: {acme}"
    );
    assert_eq!(
        acme["filter"],
        json!({ "text": "acme", "matched": 1, "total": total })
    );
    assert_eq!(acme["sync"]["phase"], "idle", "still the sync status");

    // By status on either track, offline: each app with a version In Review, with only those
    // versions (no demo app's own fields say "in review").
    let in_review = |v: &Value| v["technical"] == "in_review" || v["marketplace"] == "in_review";
    let expected: Vec<(String, Vec<String>)> = apps
        .iter()
        .filter_map(|app| {
            for field in ["name", "display_name"] {
                let own = app[field].as_str().unwrap().to_lowercase();
                assert!(!own.contains("in review"), "{own}");
            }
            let versions: Vec<String> = app["versions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| in_review(v))
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect();
            (!versions.is_empty()).then(|| (app["id"].as_str().unwrap().to_owned(), versions))
        })
        .collect();
    let tracks = |track: &str| {
        apps.iter()
            .flat_map(|a| a["versions"].as_array().unwrap())
            .any(|v| v[track] == "in_review")
    };
    assert!(
        tracks("technical") && tracks("marketplace"),
        "the demo has a version In Review on each track: {all}"
    );
    let args = ["apps", "--filter", "In REVIEW", "--offline", "--json"];
    let found = json_of(&server, data, &args, SUCCESS);
    assert_eq!(listed(&found), expected, "{found}");
    assert_eq!(found["filter"]["matched"], expected.len());
    assert_eq!(found["filter"]["total"], total);

    // The table says how many match.
    let ran = expect(
        &server,
        data,
        &["apps", "--filter", "in review", "--offline"],
        SUCCESS,
    );
    quiet(&["apps"], &ran);
    let line = format!("{} of {total} apps match \"in review\"", expected.len());
    assert_eq!(
        ran.stdout.lines().last(),
        Some(line.as_str()),
        "{}",
        ran.stdout
    );
    for app in apps
        .iter()
        .filter(|a| expected.iter().any(|(id, _)| a["id"] == id.as_str()))
    {
        let name = app["display_name"].as_str().unwrap();
        assert!(
            ran.stdout.contains(name),
            "{name} is listed: {}",
            ran.stdout
        );
    }
    assert!(ran.stdout.contains("In Review"), "{}", ran.stdout);

    // Nothing found: still exit 0, an empty list, and a line saying so.
    let nothing = "no such app zzz";
    let none = json_of(
        &server,
        data,
        &["apps", "--filter", nothing, "--json"],
        SUCCESS,
    );
    assert_eq!(none["apps"], json!([]));
    assert_eq!(
        none["filter"],
        json!({ "text": nothing, "matched": 0, "total": total })
    );
    let ran = expect(
        &server,
        data,
        &["apps", "--offline", "--filter", nothing],
        SUCCESS,
    );
    assert_eq!(
        ran.stdout,
        format!("No app matches \"{nothing}\" (0 of {total} apps).\n"),
        "no table, one line"
    );
}

#[test]
fn profile_changes_print_json_too() {
    let data = tempfile::tempdir().unwrap();
    let pwb = |args: &[&str]| {
        let mut command = std::process::Command::new(common::PWB);
        command
            .env("PWB_DATA_DIR", data.path())
            .env_remove("PWB_SERVER")
            .env_remove("PWB_PROFILE")
            .env_remove("PWB_TOKEN")
            .args(args);
        let ran = run(&mut command);
        assert_eq!(ran.code, SUCCESS, "pwb {args:?}: {}", ran.stderr);
        only_json(args, &ran)
    };

    let added = pwb(&[
        "profile",
        "add",
        "staging",
        "--url",
        "https://partners.example.com",
        "--json",
    ]);
    assert_eq!(added["added"]["name"], json!("staging"));
    assert_eq!(added["added"]["url"], json!("https://partners.example.com"));
    assert_eq!(
        pwb(&["profile", "use", "staging", "--json"])["active"]["name"],
        json!("staging")
    );
    pwb(&["profile", "use", "sandbox", "--json"]);
    assert_eq!(
        pwb(&["profile", "remove", "staging", "--json"])["removed"]["name"],
        json!("staging")
    );
    let listed = pwb(&["profile", "list", "--json"]);
    assert!(
        listed["profiles"]
            .as_array()
            .expect("profiles")
            .iter()
            .all(|p| p["name"] != "staging")
    );
}

#[test]
fn a_sync_and_a_refresh_in_a_pipe_draw_no_progress_bar() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    for args in [
        &["sync"][..],
        &["apps"],
        &["sync", "--json"],
        &["apps", "--json"],
    ] {
        let ran = expect(&server, data.path(), args, SUCCESS);
        quiet(args, &ran);
        assert!(
            !ran.stderr.contains("sending") && !ran.stderr.contains("receiving"),
            "pwb {args:?}: no progress in a pipe: {:?}",
            ran.stderr
        );
    }
}

#[test]
fn help_ends_with_every_exit_code() {
    let data = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(common::PWB);
    command.env("PWB_DATA_DIR", data.path()).arg("--help");
    let ran = run(&mut command);
    assert_eq!(ran.code, SUCCESS);
    let codes = ran
        .stdout
        .split_once("Exit codes (stable: scripts can rely on them):")
        .unwrap_or_else(|| panic!("--help lists the exit codes:\n{}", ran.stdout))
        .1;
    let listed: Vec<u32> = codes
        .lines()
        .take_while(|line| !line.starts_with('`'))
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(listed, (0..=13).collect::<Vec<_>>(), "{codes}");
    assert!(
        codes.contains("`pwb validate` has three of its own"),
        "{codes}"
    );

    let mut command = std::process::Command::new(common::PWB);
    command
        .env("PWB_DATA_DIR", data.path())
        .args(["validate", "--help"]);
    let validate = run(&mut command);
    assert!(
        validate.stdout.contains("   1  errors found"),
        "{}",
        validate.stdout
    );
}

/// `pwb ARGS` in a pseudo-terminal (util-linux's `script`), on the embedded sandbox with its
/// data in `data`: its exit code and everything the terminal got, stdout and stderr together.
fn in_terminal(data: &Path, args: &str) -> (i32, String) {
    let output = std::process::Command::new("script")
        .args(["-qec", &format!("'{}' {args}", common::PWB), "/dev/null"])
        .env("PWB_DATA_DIR", data)
        .env_remove("PWB_SERVER")
        .env_remove("PWB_PROFILE")
        .env_remove("PWB_TOKEN")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux's `script` runs pwb in a pseudo-terminal");
    (
        output.status.code().expect("script exits"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_sync_in_a_terminal_draws_its_progress_bar_but_not_with_json() {
    let data = tempfile::tempdir().unwrap();

    let (code, screen) = in_terminal(data.path(), "sync");
    assert_eq!(code, SUCCESS, "{screen}");
    assert!(
        screen.contains("receiving") && screen.contains("\u{1b}["),
        "the bar is drawn, then cleared: {screen:?}"
    );
    assert!(screen.contains("synced with"), "{screen}");

    // A first sync again, which would draw the same bar.
    let fresh = tempfile::tempdir().unwrap();
    let (code, screen) = in_terminal(fresh.path(), "sync --json");
    assert_eq!(code, SUCCESS, "{screen}");
    assert!(
        !screen.contains("receiving") && !screen.contains('\u{1b}'),
        "no bar with --json, even in a terminal: {screen:?}"
    );
}
