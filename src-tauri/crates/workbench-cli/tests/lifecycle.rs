//! Registering an app, starting a version and deleting a draft with `pwb`, offline first: the
//! real binary, a real sandbox over HTTP, and the cache read table by table afterwards.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{ACME, COBALT, DELTA, SUCCESS, Server, expect, field, outbox, synced};
use serde_json::{Value, json};

const HELD: i32 = 12;
const USAGE: i32 = 2;

fn icon_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/icons")
        .join(name)
        .display()
        .to_string()
}

fn register(server: &Server, data: &Path, name: &str) -> String {
    let printed = expect(
        server,
        data,
        &[
            "apps",
            "create",
            "--name",
            name,
            "--display-name",
            "Made Offline",
            "--vendor",
            "Acme Inc",
            "--type",
            "standalone",
            "--render",
            "portal",
            "--json",
        ],
        SUCCESS,
    )
    .json();
    assert_eq!(printed["app"]["name"], json!(name));
    assert_eq!(printed["app"]["not_sent"], json!(true), "{printed}");
    assert!(printed["pending"].as_u64().unwrap() >= 1, "{printed}");
    let id = printed["app"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("local-app-"), "{id}");
    id
}

fn start_version(server: &Server, data: &Path, app: &str) -> String {
    let printed = expect(
        server,
        data,
        &["versions", "create", "--app", app, "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(printed["version"]["not_sent"], json!(true), "{printed}");
    printed["version"]["id"].as_str().unwrap().to_owned()
}

/// The server's apps named `name`.
fn apps_named(server: &Server, name: &str) -> Vec<Value> {
    server.get_json("/apps?per_page=100")["_embedded"]["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .filter(|a| a["name"] == json!(name))
        .cloned()
        .collect()
}

fn versions_of(server: &Server, app_id: &str) -> Vec<Value> {
    server.get_json(&format!("/apps/{app_id}/versions?per_page=100"))["_embedded"]["versions"]
        .as_array()
        .expect("versions")
        .clone()
}

/// Every text cell of every table of the cache that holds a local id, as "table.column=value",
/// but the aliases' old ids (kept on purpose).
fn local_references(data: &Path) -> Vec<String> {
    let cache = rusqlite::Connection::open(common::cache_file(data)).expect("the cache opens");
    let tables: Vec<String> = cache
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = cache
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in columns {
            if table == "id_aliases" && column == "old_id" {
                continue;
            }
            let mut stmt = cache
                .prepare(&format!(
                    "SELECT CAST({column} AS TEXT) FROM {table} WHERE CAST({column} AS TEXT) LIKE '%local-%'"
                ))
                .unwrap();
            let values: Vec<Option<String>> = stmt
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            found.extend(
                values
                    .into_iter()
                    .map(|v| format!("{table}.{column}={v:?}")),
            );
        }
    }
    found
}

#[test]
fn an_app_and_version_made_offline_reach_the_server_once_with_every_reference_moved() {
    let (server, data) = synced();
    let app = register(&server, data.path(), "made-offline");
    let version = start_version(&server, data.path(), &app);
    expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            "marketplace.listing_summary=Written before the server knew it",
        ],
        SUCCESS,
    );
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
            &icon_fixture("valid.png"),
        ],
        SUCCESS,
    );
    // Enough for the technical review, then its submission queued behind the create.
    expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            r#"technical.scopes=["apps:read"]"#,
            "--set",
            "technical.scopes_reason=Reads the account's apps.",
            "--set",
            r#"technical.urls=[{"type": "redirect_uri", "url": "https://made-offline.example/callback"}, {"type": "installation_subscription", "url": "https://made-offline.example/events"}, {"type": "launch_url", "url": "https://made-offline.example/launch"}]"#,
        ],
        SUCCESS,
    );
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
            "--no-sync",
        ],
        SUCCESS,
    );
    expect(
        &server,
        data.path(),
        &[
            "suppress",
            "--app",
            &app,
            "--version",
            &version,
            "--rule",
            "listing.slug",
            "--reason",
            "kept from the portal",
        ],
        SUCCESS,
    );
    // Exported while it has only its local ids.
    let export = tempfile::tempdir().unwrap();
    let export_dir = export.path().join("listing");
    expect(
        &server,
        data.path(),
        &[
            "export",
            "--app",
            &app,
            "--version",
            &version,
            export_dir.to_str().unwrap(),
        ],
        SUCCESS,
    );
    // Shown at once, marked as not sent, before any sync.
    let listed = expect(
        &server,
        data.path(),
        &["apps", "--offline", "--json"],
        SUCCESS,
    )
    .json();
    let mine = listed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!(app))
        .expect("the new app is listed")
        .clone();
    assert_eq!(mine["not_sent"], json!(true), "{mine}");
    assert_eq!(mine["versions"][0]["id"], json!(version), "{mine}");
    assert!(
        apps_named(&server, "made-offline").is_empty(),
        "nothing sent yet"
    );

    expect(&server, data.path(), &["sync"], SUCCESS);

    let on_server = apps_named(&server, "made-offline");
    assert_eq!(on_server.len(), 1, "one app: {on_server:?}");
    let app_id = on_server[0]["id"].as_str().unwrap().to_owned();
    let versions = versions_of(&server, &app_id);
    assert_eq!(versions.len(), 1, "one version: {versions:?}");
    let served = &versions[0];
    let version_id = served["id"].as_str().unwrap().to_owned();
    assert_eq!(
        field(served, "marketplace.listing_summary"),
        json!("Written before the server knew it")
    );
    assert!(
        served["icon"]["sha256"].is_string(),
        "the icon is there: {served}"
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert!(entries.is_empty(), "nothing waits: {entries:?}");
    assert_eq!(conflicts, 0);
    assert_eq!(
        local_references(data.path()),
        Vec::<String>::new(),
        "no table of the cache still names a local id"
    );

    // The old ids still answer, with a note.
    let shown = expect(
        &server,
        data.path(),
        &["show", "--app", &app, "--version", &version, "--json"],
        SUCCESS,
    );
    assert!(
        shown
            .stderr
            .contains(&format!("{version} is now {version_id}")),
        "{}",
        shown.stderr
    );
    assert_eq!(
        shown.json()["version"]["id"],
        json!(version_id),
        "{}",
        shown.stdout
    );
    // The export made before still imports: its pwb.toml's local ids find the version now.
    let listing = export_dir.join("listing.toml");
    let text = std::fs::read_to_string(&listing).unwrap();
    let edited = text.replace(
        "listing_summary = \"Written before the server knew it\"",
        "listing_summary = \"Edited in the files\"",
    );
    assert_ne!(text, edited, "the export holds the summary: {text}");
    std::fs::write(&listing, edited).unwrap();
    expect(
        &server,
        data.path(),
        &["import", export_dir.to_str().unwrap()],
        SUCCESS,
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    assert_eq!(
        field(
            &server.version(&app_id, &version_id),
            "marketplace.listing_summary"
        ),
        json!("Edited in the files")
    );
    // A new version has errors to fix (exit 1), found under its server id.
    let checked = expect(
        &server,
        data.path(),
        &["validate", "--app", &app, "--version", &version, "--json"],
        1,
    );
    assert!(checked.stderr.contains(&app_id), "{}", checked.stderr);
    let checked = checked.json();
    assert_eq!(checked["target"]["version_id"], json!(version_id));
    // Each finding says where its rule comes from (issue 17: the FAQ, a Talkdesk page, or ours).
    let diagnostics = checked["report"]["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        let kind = d["source"]["kind"].as_str().unwrap_or_default();
        assert!(["faq", "page", "house"].contains(&kind), "{d}");
    }
}

#[test]
fn a_name_taken_meanwhile_is_held_with_the_reason_and_a_rename_settles_it() {
    let (server, data) = synced();
    let app = register(&server, data.path(), "contested-name");
    let version = start_version(&server, data.path(), &app);
    let (status, _) = server.send(
        reqwest::Method::POST,
        "/apps",
        Some(json!({
            "name": "contested-name", "slug": "s", "display_name": "Someone Else",
            "created_type": "Other Inc", "app_type": "standalone", "render": "portal",
        })),
    );
    assert_eq!(status, 201);

    let ran = expect(&server, data.path(), &["sync"], HELD);
    assert!(ran.stdout.contains("refused"), "{}", ran.stdout);
    let (entries, _) = outbox(&server, data.path());
    let held: Vec<&Value> = entries
        .iter()
        .filter(|e| e["held"] == json!(true))
        .collect();
    assert_eq!(held.len(), 1, "the registration is held: {entries:?}");
    assert!(
        held[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{:?}",
        held[0]
    );
    assert!(
        entries
            .iter()
            .any(|e| e["operation"] == json!("create_version")),
        "its version waits for it: {entries:?}"
    );
    assert_eq!(
        apps_named(&server, "contested-name").len(),
        1,
        "only the other one"
    );

    let renamed = expect(
        &server,
        data.path(),
        &[
            "apps",
            "rename",
            "--app",
            &app,
            "--name",
            "contested-name-2",
            "--json",
        ],
        SUCCESS,
    )
    .json();
    assert_eq!(renamed["app"]["name"], json!("contested-name-2"));
    expect(&server, data.path(), &["sync"], SUCCESS);
    let mine = apps_named(&server, "contested-name-2");
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        versions_of(&server, mine[0]["id"].as_str().unwrap()).len(),
        1
    );
    assert!(outbox(&server, data.path()).0.is_empty());
    let _ = version;
}

#[test]
fn a_draft_is_deleted_and_one_that_is_not_a_draft_is_refused_with_nothing_sent() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let before = server.version(&app, &version);
    assert_eq!(before["status"]["technical"], json!("draft"), "{before}");

    let ran = expect(
        &server,
        data.path(),
        &[
            "versions",
            "delete",
            "--app",
            &app,
            "--version",
            &version,
            "--json",
        ],
        SUCCESS,
    );
    assert_eq!(ran.json()["deleted"], json!("at_next_sync"));
    let listed = expect(
        &server,
        data.path(),
        &["apps", "--offline", "--json"],
        SUCCESS,
    )
    .json();
    assert!(
        !listed.to_string().contains(&version),
        "hidden from the list at once: {listed}"
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    let (status, _) = server.send(
        reqwest::Method::GET,
        &format!("/apps/{app}/versions/{version}"),
        None,
    );
    assert_eq!(status, 404, "deleted on the server");
    assert!(outbox(&server, data.path()).0.is_empty());

    // Not a draft: refused with the reason, nothing queued or sent.
    let (acme_app, acme_version) = server.find(ACME);
    let ran = expect(
        &server,
        data.path(),
        &[
            "versions",
            "delete",
            "--app",
            &acme_app,
            "--version",
            &acme_version,
        ],
        USAGE,
    );
    assert!(
        ran.stderr.contains("only a draft can be deleted"),
        "{}",
        ran.stderr
    );
    assert!(outbox(&server, data.path()).0.is_empty());
    server.version(&acme_app, &acme_version);

    // A version the server never had goes at once.
    let new_app = register(&server, data.path(), "short-lived");
    let new_version = start_version(&server, data.path(), &new_app);
    let ran = expect(
        &server,
        data.path(),
        &[
            "versions",
            "delete",
            "--app",
            &new_app,
            "--version",
            &new_version,
            "--json",
        ],
        SUCCESS,
    );
    assert_eq!(ran.json()["deleted"], json!("now"));
    let (entries, _) = outbox(&server, data.path());
    assert_eq!(entries.len(), 1, "only the app's registration: {entries:?}");
}

#[test]
fn pwb_sync_killed_while_pushing_an_offline_app_creates_it_once_with_every_edit() {
    const ROUNDS: usize = 30;
    let (server, data) = synced();
    let seed = common::test_seed();
    println!("seed {seed} (PWB_TEST_SEED={seed} replays it)");
    let mut rng = common::Rng(seed);
    // Latency on every request, so a kill lands mid-request rather than between syncs.
    server.set_fault_profile(json!({ "latency_ms": { "min": 40, "max": 120 }, "seed": seed }));
    // Each round makes an app, its first version and two edits offline, then a sync is killed
    // while it pushes them (or what earlier rounds left).
    let mut made: Vec<(String, String, String)> = Vec::new();
    let (mut killed, mut finished, mut progressed) = (0, 0, 0);
    for round in 0..ROUNDS {
        let name = format!("crash-app-{round}");
        let app = register(&server, data.path(), &name);
        let version = start_version(&server, data.path(), &app);
        for set in [
            format!("general.notes=round {round}"),
            format!("marketplace.listing_summary=summary {round}"),
        ] {
            expect(
                &server,
                data.path(),
                &["edit", "--app", &app, "--version", &version, "--set", &set],
                SUCCESS,
            );
        }
        made.push((name, app, version));
        let waiting = outbox(&server, data.path()).0.len();
        let mut child = server
            .pwb(data.path())
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pwb sync starts");
        std::thread::sleep(Duration::from_millis(rng.below(500)));
        let _ = child.kill();
        let status = child.wait().expect("reaped");
        if status.signal() == Some(9) {
            killed += 1;
            // Killed after sending some of it: the kill landed in the middle of the push.
            if outbox(&server, data.path()).0.len() < waiting {
                progressed += 1;
            }
        } else {
            finished += 1;
        }
    }
    server.clear_faults();
    for _ in 0..5 {
        let ran = common::run(server.pwb(data.path()).arg("sync"));
        if ran.code == SUCCESS && outbox(&server, data.path()).0.is_empty() {
            break;
        }
    }
    println!(
        "{ROUNDS} rounds: {killed} syncs killed ({progressed} after sending part of the outbox), \
         {finished} finished first"
    );
    assert!(killed >= ROUNDS / 4, "most kills land mid-sync ({killed})");
    assert!(
        progressed >= 3,
        "kills land mid-push, not only before it ({progressed})"
    );
    let cache = rusqlite::Connection::open(common::cache_file(data.path())).unwrap();
    let integrity: String = cache
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert!(
        outbox(&server, data.path()).0.is_empty(),
        "everything was sent"
    );
    for (round, (name, _, _)) in made.iter().enumerate() {
        let apps = apps_named(&server, name);
        assert_eq!(apps.len(), 1, "exactly one {name}: {apps:?}");
        let versions = versions_of(&server, apps[0]["id"].as_str().unwrap());
        assert_eq!(
            versions.len(),
            1,
            "exactly one version of {name}: {versions:?}"
        );
        assert_eq!(
            field(&versions[0], "general.notes"),
            json!(format!("round {round}"))
        );
        assert_eq!(
            field(&versions[0], "marketplace.listing_summary"),
            json!(format!("summary {round}")),
            "{name} holds every edit"
        );
    }
    assert_eq!(local_references(data.path()), Vec::<String>::new());
}

#[test]
fn a_create_whose_reply_is_lost_is_not_made_twice() {
    let (server, data) = synced();
    let app = register(&server, data.path(), "reply-lost");
    let version = start_version(&server, data.path(), &app);
    expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            "general.notes=after a lost reply",
        ],
        SUCCESS,
    );
    // The registration is done by the server and its reply cut halfway, again and again, past
    // the client's own retries: the sync fails, and the next one sends it again (the push goes
    // first, so these are the first requests). Then the version's creation likewise.
    for _ in 0..8 {
        server.arm("/apps", "truncate");
    }
    for _ in 0..10 {
        if common::run(server.pwb(data.path()).arg("sync")).code == SUCCESS {
            break;
        }
    }
    assert!(
        outbox(&server, data.path()).0.is_empty(),
        "everything was sent"
    );
    let apps = apps_named(&server, "reply-lost");
    assert_eq!(apps.len(), 1, "one app: {apps:?}");
    let versions = versions_of(&server, apps[0]["id"].as_str().unwrap());
    assert_eq!(versions.len(), 1, "one version: {versions:?}");
    assert_eq!(
        field(&versions[0], "general.notes"),
        json!("after a lost reply")
    );
}

#[test]
fn an_apps_own_fields_merge_three_ways_and_a_conflict_is_settled_with_pwb() {
    let (server, data) = synced();
    let (app, _) = server.find(DELTA);
    let edited = expect(
        &server,
        data.path(),
        &[
            "apps",
            "edit",
            "--app",
            &app,
            "--set",
            "display_name=Delta, from pwb",
            "--set",
            "app.render=portal",
            "--json",
        ],
        SUCCESS,
    )
    .json();
    assert_eq!(
        edited["changed"],
        json!(["app.display_name", "app.render"]),
        "{edited}"
    );
    // Meanwhile the portal changes another field.
    server.portal_edit_app(&app, json!({ "slug": "delta-from-the-portal" }));
    expect(&server, data.path(), &["sync"], SUCCESS);
    let served = server.get_json(&format!("/apps/{app}"));
    assert_eq!(served["display_name"], json!("Delta, from pwb"));
    assert_eq!(served["render"], json!("portal"));
    assert_eq!(
        served["slug"],
        json!("delta-from-the-portal"),
        "the portal's edit is kept"
    );
    assert!(outbox(&server, data.path()).0.is_empty());

    // Both change the display name: a conflict, the server's value untouched until settled.
    expect(
        &server,
        data.path(),
        &["apps", "edit", "--app", &app, "--set", "display_name=Mine"],
        SUCCESS,
    );
    server.portal_edit_app(&app, json!({ "display_name": "Theirs" }));
    expect(&server, data.path(), &["sync"], common::CONFLICTS);
    let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS).json();
    let conflict = &listed["conflicts"][0];
    assert_eq!(conflict["field"], json!("app.display_name"), "{listed}");
    assert_eq!(
        (&conflict["base"], &conflict["mine"], &conflict["theirs"]),
        (&json!("Delta, from pwb"), &json!("Mine"), &json!("Theirs"))
    );
    assert_eq!(
        server.get_json(&format!("/apps/{app}"))["display_name"],
        json!("Theirs")
    );

    expect(
        &server,
        data.path(),
        &[
            "apps",
            "resolve",
            "--app",
            &app,
            "--field",
            "app.display_name",
            "--mine",
        ],
        SUCCESS,
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    assert_eq!(
        server.get_json(&format!("/apps/{app}"))["display_name"],
        json!("Mine")
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert!(
        entries.is_empty() && conflicts == 0,
        "{entries:?} {conflicts}"
    );

    // A field a partner does not edit is refused, nothing queued.
    let ran = expect(
        &server,
        data.path(),
        &["apps", "edit", "--app", &app, "--set", "name=renamed"],
        USAGE,
    );
    assert!(
        ran.stderr.contains("not an app field a partner edits"),
        "{}",
        ran.stderr
    );
    assert!(outbox(&server, data.path()).0.is_empty());
}

#[test]
fn a_version_deleted_on_the_server_with_unsent_edits_is_kept_in_conflict_and_sent_again_if_kept() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let summary = "Written here before the portal deleted it.";
    common::edit(
        &server,
        data.path(),
        (&app, &version),
        &format!("marketplace.listing_summary={summary}"),
    );
    server.portal_delete(&app, &version);

    // The sync sends nothing of it, holds nothing, and reports the deletion as a conflict.
    expect(&server, data.path(), &["sync"], common::CONFLICTS);
    assert!(versions_of(&server, &app).is_empty());
    let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS).json();
    let conflict = &listed["conflicts"][0];
    assert_eq!(conflict["field"], json!("deleted"), "{listed}");
    assert_eq!(
        conflict["theirs"],
        json!("deleted on the server"),
        "{listed}"
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert_eq!(conflicts, 1);
    assert!(
        entries
            .iter()
            .all(|e| e["waits_on"] == json!(["deleted"]) && e["held"] == json!(false)),
        "everything waits on it, nothing is held: {entries:?}"
    );
    let shown = expect(
        &server,
        data.path(),
        &["show", "--app", &app, "--version", &version, "--json"],
        SUCCESS,
    )
    .json();
    assert!(
        shown.to_string().contains(summary),
        "the partner's work is still here: {shown}"
    );

    // Kept: sent again as a new version of the app, with the partner's content.
    let kept = expect(
        &server,
        data.path(),
        &[
            "resolve",
            "--app",
            &app,
            "--version",
            &version,
            "--field",
            "deleted",
            "--mine",
        ],
        SUCCESS,
    );
    assert!(
        kept.stdout.contains("sends it again as a new version"),
        "{}",
        kept.stdout
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    let served = versions_of(&server, &app);
    assert_eq!(served.len(), 1, "{served:?}");
    assert_ne!(served[0]["id"], json!(version), "a new version");
    let new_id = served[0]["id"].as_str().unwrap();
    assert_eq!(
        field(&server.version(&app, new_id), "marketplace.listing_summary"),
        json!(summary)
    );
    let (entries, conflicts) = outbox(&server, data.path());
    assert!(
        entries.is_empty() && conflicts == 0,
        "{entries:?} {conflicts}"
    );

    // Deleted again with an unsent edit, and this time let go: gone here too, nothing sent.
    common::edit(
        &server,
        data.path(),
        (&app, new_id),
        "general.notes=Not wanted after all.",
    );
    server.portal_delete(&app, new_id);
    expect(&server, data.path(), &["sync"], common::CONFLICTS);
    expect(
        &server,
        data.path(),
        &[
            "resolve",
            "--app",
            &app,
            "--version",
            new_id,
            "--field",
            "deleted",
            "--theirs",
        ],
        SUCCESS,
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    assert!(versions_of(&server, &app).is_empty());
    let listed = expect(
        &server,
        data.path(),
        &["apps", "--offline", "--json"],
        SUCCESS,
    )
    .json();
    assert!(!listed.to_string().contains(new_id), "{listed}");
    assert_eq!(outbox(&server, data.path()), (Vec::new(), 0));
}

#[test]
fn a_versions_install_link_says_who_can_install_from_it() {
    let (server, data) = synced();
    let link = |(app, version): &(String, String)| {
        expect(
            &server,
            data.path(),
            &[
                "versions",
                "install-link",
                "--app",
                app,
                "--version",
                version,
                "--json",
            ],
            SUCCESS,
        )
        .json()
    };
    // Delta 1.0.0's technical review is a Draft: only the partner's own account.
    let delta = server.find(DELTA);
    let printed = link(&delta);
    assert_eq!(printed["version_id"], json!(delta.1));
    assert_eq!(
        printed["installable_on"],
        json!("developer_account"),
        "{printed}"
    );
    let url = printed["url"].as_str().unwrap();
    let path = url
        .strip_prefix(&server.url)
        .expect("a link on the sandbox");
    let (status, _) = server.send(reqwest::Method::GET, path, None);
    assert_eq!(status, 200, "the link opens the sandbox's install page");

    // Cobalt 0.9.0's technical review approved it: any account, said in words too.
    let cobalt = server.find(COBALT);
    assert_eq!(link(&cobalt)["installable_on"], json!("any_account"));
    let said = expect(
        &server,
        data.path(),
        &[
            "versions",
            "install-link",
            "--app",
            &cobalt.0,
            "--version",
            &cobalt.1,
        ],
        SUCCESS,
    );
    assert!(
        said.stdout.contains("installable on any Talkdesk account"),
        "{}",
        said.stdout
    );

    // A version made here has none until it is sent.
    let app = register(&server, data.path(), "install-link-app");
    let version = start_version(&server, data.path(), &app);
    let refused = expect(
        &server,
        data.path(),
        &[
            "versions",
            "install-link",
            "--app",
            &app,
            "--version",
            &version,
        ],
        USAGE,
    );
    assert!(
        refused.stderr.contains("not on the server yet"),
        "{}",
        refused.stderr
    );
}
