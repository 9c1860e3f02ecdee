//! `pwb export`, `pwb import` and `pwb diff`, the real binary against a real sandbox over HTTP
//! and a real SQLite cache: every demo version survives the round trip with no outbox entry and
//! the same bytes, an edited folder reaches the server through the outbox, and refused folders
//! exit with the guide's codes, the file named, the cache unchanged.

mod common;

use std::path::{Path, PathBuf};

use common::{
    ACME, DELTA, INVALID_CONTENT, LOCKED, NOT_FOUND, SUCCESS, Server, USAGE, cache_bytes, expect,
    field, outbox, synced,
};
use serde_json::{Value, json};

fn export(server: &Server, data: &Path, (app, version): (&str, &str), dir: &Path) -> Value {
    let dir = dir.to_str().expect("a UTF-8 path");
    expect(
        server,
        data,
        &["export", "--app", app, "--version", version, dir, "--json"],
        SUCCESS,
    )
    .json()
}

fn path_arg(dir: &Path) -> &str {
    dir.to_str().expect("a UTF-8 path")
}

/// Every file of a folder by its path inside it, with its bytes.
fn files_of(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("the folder lists") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a file reads");
                out.push((path.strip_prefix(dir).expect("inside").to_owned(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn rewrite(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("an exported file");
    assert!(text.contains(from), "{file} has {from:?}:\n{text}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("the file is written");
}

fn fields(changes: &Value) -> Vec<String> {
    changes["fields"]
        .as_array()
        .expect("a list of fields")
        .iter()
        .map(|f| f["field"].as_str().expect("a field path").to_owned())
        .collect()
}

#[test]
fn every_demo_version_round_trips_with_no_outbox_entry_and_the_same_bytes() {
    let (server, data) = synced();
    let work = tempfile::tempdir().expect("a work folder");
    let apps = expect(
        &server,
        data.path(),
        &["apps", "--offline", "--json"],
        SUCCESS,
    )
    .json();
    let before = cache_bytes(data.path());
    let mut exported = 0;
    let mut icons = 0;
    for app in apps["apps"].as_array().expect("apps") {
        let app_id = app["id"].as_str().expect("an app id");
        for version in app["versions"].as_array().expect("versions") {
            let version_id = version["id"].as_str().expect("a version id");
            let first = work.path().join(format!("{version_id}-first"));
            let second = work.path().join(format!("{version_id}-second"));
            let report = export(&server, data.path(), (app_id, version_id), &first);
            if !report["icon"].is_null() {
                icons += 1;
                assert_eq!(report["icon"]["file"], "icon.png", "{report}");
            }
            let imported = expect(
                &server,
                data.path(),
                &["import", path_arg(&first), "--json"],
                SUCCESS,
            )
            .json();
            assert_eq!(imported["fields"], json!([]), "{version_id}: {imported}");
            assert_eq!(imported["icon"], false, "{version_id}: {imported}");
            let diff = expect(
                &server,
                data.path(),
                &["diff", path_arg(&first), "--json"],
                SUCCESS,
            )
            .json();
            assert_eq!(diff["cache"]["fields"], json!([]), "{version_id}: {diff}");
            assert_eq!(diff["server"]["compared"], true, "{diff}");
            assert_eq!(diff["server"]["changes"]["fields"], json!([]), "{diff}");
            assert_eq!(diff["server"]["changes"]["icon"], Value::Null, "{diff}");
            export(&server, data.path(), (app_id, version_id), &second);
            assert_eq!(files_of(&first), files_of(&second), "{version_id}");
            exported += 1;
        }
    }
    let served: u64 = server.get_json("/apps?per_page=100")["_embedded"]["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .map(|app| {
            let id = app["id"].as_str().expect("an app id");
            server.get_json(&partner_api::paths::versions(id))["total"]
                .as_u64()
                .expect("a total")
        })
        .sum();
    assert_eq!(exported, served, "every version the demo serves");
    assert!(served >= 5, "the demo has versions: {served}");
    assert!(icons > 0, "some demo versions have an icon");
    assert!(outbox(&server, data.path()).0.is_empty(), "no outbox entry");
    assert_eq!(cache_bytes(data.path()), before, "the cache is unchanged");
}

#[test]
fn an_edited_export_shows_in_diff_then_is_imported_and_synced_to_the_server() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("delta");
    export(&server, data.path(), (&app, &version), &dir);
    let served = server.version(&app, &version);
    let old_name = field(&served, "general.display_name");
    let plan = served["subscription_types"][1].clone();
    let (plan_name, old_price) = (
        plan["name"].as_str().expect("a plan name").to_owned(),
        plan["price"].as_i64().expect("a price"),
    );
    rewrite(
        &dir,
        "listing.toml",
        &format!("display_name = {old_name}"),
        "display_name = \"Delta Surveys ✓\"",
    );
    rewrite(
        &dir,
        "plans.toml",
        &format!("price = {old_price}"),
        &format!("price = {}", old_price + 100),
    );
    let price_field = format!("subscription_types[{plan_name}].price");

    let diff = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(
        fields(&diff["cache"]),
        ["general.display_name", price_field.as_str()]
    );
    assert_eq!(diff["cache"]["fields"][0]["from"], old_name);
    assert_eq!(diff["cache"]["fields"][0]["to"], "Delta Surveys ✓");
    assert_eq!(fields(&diff["server"]["changes"]), fields(&diff["cache"]));
    let text = expect(&server, data.path(), &["diff", path_arg(&dir)], SUCCESS).stdout;
    assert!(
        text.contains(&format!(
            "{price_field}: {old_price} -> {}",
            old_price + 100
        )),
        "{text}"
    );

    let imported = expect(
        &server,
        data.path(),
        &["import", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(
        imported["fields"],
        json!(["general.display_name", price_field])
    );
    let (entries, _) = outbox(&server, data.path());
    assert_eq!(entries.len(), 1, "one edit waits: {entries:?}");
    let diff = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(
        diff["cache"]["fields"],
        json!([]),
        "the cache has the files now"
    );
    assert_eq!(
        fields(&diff["server"]["changes"]).len(),
        2,
        "the server does not yet"
    );

    expect(&server, data.path(), &["sync"], SUCCESS);
    let served = server.version(&app, &version);
    assert_eq!(field(&served, "general.display_name"), "Delta Surveys ✓");
    assert_eq!(served["subscription_types"][1]["price"], old_price + 100);
    let diff = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(diff["server"]["changes"]["fields"], json!([]), "{diff}");
    assert_eq!(diff["server"]["moved_since_export"], true, "{diff}");

    // Exported again after the sync, the folder is the same but for the server's new ETag.
    let again = work.path().join("again");
    export(&server, data.path(), (&app, &version), &again);
    for file in ["listing.toml", "plans.toml", "screenshots/screenshots.toml"] {
        assert_eq!(
            std::fs::read(dir.join(file)).expect("a file"),
            std::fs::read(again.join(file)).expect("a file"),
            "{file}"
        );
    }
}

#[test]
fn diff_offline_shows_the_cache_and_says_the_server_was_not_compared() {
    let (mut server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("delta");
    export(&server, data.path(), (&app, &version), &dir);
    rewrite(
        &dir,
        "listing.toml",
        "manually_provisioned = false",
        "manually_provisioned = true",
    );
    server.stop();

    let ran = expect(&server, data.path(), &["diff", path_arg(&dir)], SUCCESS);
    assert!(ran.stderr.contains("offline"), "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("technical.manually_provisioned: false -> true"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("against the server"), "{}", ran.stdout);
    let json = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(json["server"]["compared"], false);
    assert_eq!(fields(&json["cache"]), ["technical.manually_provisioned"]);
    // Import needs no server either.
    expect(&server, data.path(), &["import", path_arg(&dir)], SUCCESS);
}

#[test]
fn a_locked_part_exits_10_and_a_bad_icon_11_and_neither_changes_the_cache() {
    let (server, data) = synced();
    let work = tempfile::tempdir().expect("a work folder");
    // Acme 1.2.0: technical In Review, so its technical section is locked.
    let (app, version) = server.find(ACME);
    let acme = work.path().join("acme");
    export(&server, data.path(), (&app, &version), &acme);
    rewrite(
        &acme,
        "listing.toml",
        "scopes_reason = \"",
        "scopes_reason = \"Changed. ",
    );
    let before = cache_bytes(data.path());
    let ran = expect(&server, data.path(), &["import", path_arg(&acme)], LOCKED);
    assert!(ran.stderr.contains("technical section"), "{}", ran.stderr);
    assert_eq!(cache_bytes(data.path()), before);

    // Delta Surveys 1.0.0: editable, no icon yet. A text edit and an icon that is not one.
    let (app, version) = server.find(DELTA);
    let delta = work.path().join("delta");
    export(&server, data.path(), (&app, &version), &delta);
    rewrite(
        &delta,
        "listing.toml",
        "manually_provisioned = false",
        "manually_provisioned = true",
    );
    std::fs::write(delta.join("icon.png"), b"GIF89a not really").expect("written");
    let ran = expect(
        &server,
        data.path(),
        &["import", path_arg(&delta)],
        INVALID_CONTENT,
    );
    assert!(ran.stderr.contains("icon.png"), "{}", ran.stderr);
    assert_eq!(cache_bytes(data.path()), before, "not even the text edit");
    assert!(outbox(&server, data.path()).0.is_empty());
}

/// What a hostile folder is, how to make one from an export, the exit code and what stderr says.
type Case = (&'static str, fn(&Path), i32, &'static str);

#[test]
fn hostile_folders_are_refused_with_the_file_named_and_the_cache_unchanged() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let cases: [Case; 5] = [
        (
            "unknown key",
            |dir| {
                rewrite(
                    dir,
                    "plans.toml",
                    "currency = ",
                    "colour = \"red\"\ncurrency = ",
                )
            },
            USAGE,
            "`subscription_types[0].colour`",
        ),
        (
            "malformed TOML",
            |dir| rewrite(dir, "listing.toml", "[general]", "[general"),
            USAGE,
            "line ",
        ),
        (
            "another app",
            |dir| rewrite(dir, "pwb.toml", "app_id = \"", "app_id = \"x"),
            USAGE,
            "pwb.toml",
        ),
        (
            "a file missing",
            |dir| std::fs::remove_file(dir.join("listing.toml")).expect("removed"),
            USAGE,
            "listing.toml: no such file",
        ),
        (
            "a link out of the folder",
            |dir| {
                std::fs::remove_file(dir.join("plans.toml")).expect("removed");
                std::os::unix::fs::symlink("/etc/passwd", dir.join("plans.toml")).expect("a link");
            },
            USAGE,
            "outside the folder",
        ),
    ];
    let before = cache_bytes(data.path());
    for (n, (what, break_it, code, says)) in cases.into_iter().enumerate() {
        let dir = work.path().join(format!("case-{n}"));
        export(&server, data.path(), (&app, &version), &dir);
        break_it(&dir);
        for command in ["import", "diff"] {
            let ran = expect(&server, data.path(), &[command, path_arg(&dir)], code);
            assert!(ran.stderr.contains(says), "{what}: {}", ran.stderr);
            assert!(
                ran.stderr.contains("nothing was changed"),
                "{what}: {}",
                ran.stderr
            );
        }
    }
    assert_eq!(cache_bytes(data.path()), before);
    assert!(outbox(&server, data.path()).0.is_empty());
}

#[test]
fn export_refuses_a_folder_holding_anything_else_and_writes_nothing() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("mine");
    std::fs::create_dir(&dir).expect("a folder");
    std::fs::write(dir.join("notes.md"), "my notes").expect("written");

    let ran = expect(
        &server,
        data.path(),
        &[
            "export",
            "--app",
            &app,
            "--version",
            &version,
            path_arg(&dir),
        ],
        USAGE,
    );
    assert!(ran.stderr.contains("notes.md"), "{}", ran.stderr);
    assert_eq!(
        files_of(&dir),
        [(PathBuf::from("notes.md"), b"my notes".to_vec())]
    );
    let names: Vec<_> = std::fs::read_dir(work.path())
        .expect("lists")
        .map(|e| e.expect("an entry").file_name())
        .collect();
    assert_eq!(names, ["mine"], "no staging folder is left behind");

    let ran = expect(
        &server,
        data.path(),
        &[
            "export",
            "--app",
            &app,
            "--version",
            "no-such",
            path_arg(&dir),
        ],
        NOT_FOUND,
    );
    assert!(ran.stderr.contains("no-such"), "{}", ran.stderr);
}

/// The reviewer's scenario: a colleague edits the description on the portal after the export,
/// CI syncs it into the cache, then the partner's edited files are imported. The description
/// the files never touched stays the colleague's, on the server too after the next sync.
#[test]
fn a_portal_edit_synced_after_the_export_is_kept_by_import_and_diff_says_so() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("delta");
    export(&server, data.path(), (&app, &version), &dir);

    let mut marketplace = server.version(&app, &version)["marketplace"].clone();
    marketplace["description"] = json!("The colleague's description, from the portal");
    server.portal_edit(&version, json!({ "marketplace": marketplace }));
    expect(&server, data.path(), &["sync"], SUCCESS);

    let old_name = field(&server.version(&app, &version), "general.display_name");
    rewrite(
        &dir,
        "listing.toml",
        &format!("display_name = {old_name}"),
        "display_name = \"Delta Surveys ✓\"",
    );
    let diff = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--offline", "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(fields(&diff["cache"]), ["general.display_name"], "{diff}");
    assert_eq!(diff["cache"]["kept"][0]["field"], "marketplace.description");
    assert_eq!(
        diff["cache"]["kept"][0]["to"],
        "The colleague's description, from the portal"
    );
    assert_eq!(diff["cache"]["overridden"], json!([]));
    let text = expect(
        &server,
        data.path(),
        &["diff", path_arg(&dir), "--offline"],
        SUCCESS,
    )
    .stdout;
    assert!(
        text.contains("marketplace.description: kept as the cache has it"),
        "{text}"
    );

    let imported = expect(
        &server,
        data.path(),
        &["import", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(imported["fields"], json!(["general.display_name"]));
    assert_eq!(imported["kept"], json!(["marketplace.description"]));
    expect(&server, data.path(), &["sync"], SUCCESS);
    let served = server.version(&app, &version);
    assert_eq!(field(&served, "general.display_name"), "Delta Surveys ✓");
    assert_eq!(
        field(&served, "marketplace.description"),
        "The colleague's description, from the portal"
    );
}

/// A field changed both in the files and on the server since the export: the files' value is
/// applied (it is the partner's explicit edit), and stderr and --json say so.
#[test]
fn a_field_changed_in_the_files_and_on_the_server_takes_the_files_value_and_says_so() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("delta");
    export(&server, data.path(), (&app, &version), &dir);
    let served = server.version(&app, &version);
    let mut marketplace = served["marketplace"].clone();
    marketplace["listing_summary"] = json!("Theirs, from the portal");
    server.portal_edit(&version, json!({ "marketplace": marketplace }));
    expect(&server, data.path(), &["sync"], SUCCESS);
    let summary = field(&served, "marketplace.listing_summary");
    rewrite(
        &dir,
        "listing.toml",
        &format!("listing_summary = {summary}"),
        "listing_summary = \"Mine, from the files\"",
    );
    let ran = expect(
        &server,
        data.path(),
        &["import", path_arg(&dir), "--json"],
        SUCCESS,
    );
    let imported = ran.json();
    assert_eq!(imported["fields"], json!(["marketplace.listing_summary"]));
    assert_eq!(
        imported["overridden"],
        json!(["marketplace.listing_summary"])
    );
    assert!(
        ran.stderr
            .contains("changed both in the files and in the cache")
            && ran.stderr.contains("marketplace.listing_summary"),
        "{}",
        ran.stderr
    );
    expect(&server, data.path(), &["sync"], SUCCESS);
    assert_eq!(
        field(
            &server.version(&app, &version),
            "marketplace.listing_summary"
        ),
        "Mine, from the files"
    );
}

/// A folder whose name is not UTF-8: `--json` writes it with U+FFFD, and pwb does not panic.
#[test]
fn export_json_names_a_folder_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work
        .path()
        .join(std::ffi::OsStr::from_bytes(b"listing-\xff"));
    let ran = common::run(
        server
            .pwb(data.path())
            .args(["export", "--app", &app, "--version", &version, "--json"])
            .arg(&dir),
    );
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let report = ran.json();
    let shown = report["dir"].as_str().expect("the folder as text");
    assert!(shown.ends_with("listing-\u{fffd}"), "{shown}");
    assert!(dir.join("pwb.toml").is_file());
}

/// The export folder is made as any folder is: the umask decides its permissions.
#[test]
fn the_export_folder_respects_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    for (umask, mode) in [("077", 0o700), ("002", 0o775)] {
        let dir = work.path().join(format!("umask-{umask}"));
        let mut command = std::process::Command::new("sh");
        command
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(server.pwb(data.path()).get_program())
            .args(["export", "--app", &app, "--version", &version])
            .arg(&dir)
            .envs(
                server
                    .pwb(data.path())
                    .get_envs()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
            )
            .env_remove("PWB_PROFILE");
        let ran = common::run(&mut command);
        assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
        let found = std::fs::metadata(&dir)
            .expect("the folder")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(found, mode, "umask {umask}: {found:o}");
    }
}

/// Hidden entries (`.git`, `.gitkeep`) do not stop an export, and stay through a re-export.
#[test]
fn export_keeps_the_hidden_entries_of_its_folder() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let work = tempfile::tempdir().expect("a work folder");
    let dir = work.path().join("repo");
    std::fs::create_dir_all(dir.join(".git")).expect("a folder");
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("written");
    std::fs::write(dir.join(".gitkeep"), "").expect("written");
    let report = export(&server, data.path(), (&app, &version), &dir);
    assert_eq!(report["replaced"], false, "{report}");
    std::fs::write(dir.join("screenshots/.gitkeep"), "").expect("written");
    let report = export(&server, data.path(), (&app, &version), &dir);
    assert_eq!(report["replaced"], true, "{report}");
    for hidden in [".git/HEAD", ".gitkeep", "screenshots/.gitkeep"] {
        assert!(dir.join(hidden).is_file(), "{hidden} stays");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join(".git/HEAD")).expect("read"),
        "ref: refs/heads/main\n"
    );
    let imported = expect(
        &server,
        data.path(),
        &["import", path_arg(&dir), "--json"],
        SUCCESS,
    )
    .json();
    assert_eq!(imported["fields"], json!([]));
}

/// The line (1-based) of `needle`, a whole line of `file` in `dir`.
fn line_of(dir: &Path, file: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(dir.join(file)).expect("the file reads");
    let at = text
        .lines()
        .position(|line| line == needle)
        .unwrap_or_else(|| panic!("{file} has the line {needle:?}:\n{text}"));
    at as u32 + 1
}

/// `pwb validate DIR` checks an exported folder as it stands in a repository, with no cache at
/// all (a CI machine), and points the problem at its file and line in every format: a trial
/// plan with a price (FAQ §11: "self-service 30-day free trials") on its line of plans.toml.
#[test]
fn validate_dir_points_a_priced_trial_at_its_line_of_plans_toml_in_every_format() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("listing");
    export(&server, data.path(), (&app, &version), &dir);
    rewrite(&dir, "plans.toml", "price = 0\n", "price = 900\n");
    let line = line_of(&dir, "plans.toml", "price = 900");
    let plans = dir.join("plans.toml").display().to_string();
    // Exit 1: errors found.
    const INVALID: i32 = 1;
    let ci = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        expect(
            &server,
            ci.path(),
            &["validate", path_arg(&dir), "--format", format],
            INVALID,
        )
        .stdout
    };

    let github = run("github");
    let annotation = github
        .lines()
        .find(|l| l.contains("title=plans.trial_free"))
        .unwrap_or_else(|| panic!("an annotation of plans.trial_free:\n{github}"));
    assert!(
        annotation.starts_with(&format!(
            "::error file={plans},line={line},title=plans.trial_free::"
        )),
        "{annotation}"
    );

    let sarif: Value = serde_json::from_str(&run("sarif")).expect("SARIF is JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../tests/fixtures/sarif/sarif-schema-2.1.0.json"),
        )
        .expect("the SARIF schema is in the repository"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let problems: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(problems.is_empty(), "SARIF 2.1.0 schema: {problems:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|r| r["ruleId"] == "plans.trial_free")
        .expect("a result of plans.trial_free");
    assert_eq!(result["level"], "error");
    let physical = &result["locations"][0]["physicalLocation"];
    assert!(
        physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/listing/plans.toml"),
        "{physical}"
    );
    assert_eq!(physical["region"]["startLine"], line);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "plans.trial_free");
    assert!(
        rules[index]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("FAQ §11"),
        "{}",
        rules[index]
    );

    let junit = run("junit");
    let document = roxmltree::Document::parse(&junit).expect("JUnit XML parses");
    let case = document
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("plans.trial_free"))
        .expect("a test case of plans.trial_free");
    let failure = case
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("it failed");
    assert!(
        failure
            .text()
            .unwrap_or_default()
            .contains(&format!("{plans}:{line}")),
        "{junit}"
    );
    let cases = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    let suite = document
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some(cases.to_string().as_str()));

    let text = run("text");
    assert!(
        text.contains(&format!("{plans}:{line} subscription_types")),
        "{text}"
    );
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let at = json["report"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .position(|d| d["rule"] == "plans.trial_free")
        .unwrap();
    assert_eq!(json["locations"][at], json!({"file": plans, "line": line}));
    assert_eq!(json["target"]["version_id"], json!(version));

    // Put right, the folder passes, and GitHub gets no error.
    rewrite(&dir, "plans.toml", "price = 900\n", "price = 0\n");
    let clean = expect(
        &server,
        ci.path(),
        &["validate", path_arg(&dir), "--format", "github"],
        SUCCESS,
    );
    assert!(!clean.stdout.contains("::error"), "{}", clean.stdout);

    // A file that is not TOML cannot be checked: exit 2, naming the file.
    rewrite(&dir, "listing.toml", "[general]", "[general");
    let broken = expect(&server, ci.path(), &["validate", path_arg(&dir)], USAGE);
    assert!(broken.stderr.contains("listing.toml"), "{}", broken.stderr);
}
