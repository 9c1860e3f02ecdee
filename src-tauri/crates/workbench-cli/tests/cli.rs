//! The real `pwb` binary against a real sandbox on 127.0.0.1: what it prints, what it exits
//! with, and what it leaves in its data root (`PWB_DATA_DIR`: `settings.json`, and a data folder
//! per profile under `profiles/` or, for a server given by URL alone, `servers/`). Exit codes are
//! the ones in `src/exit.rs`, which scripts branch on.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Output};

use partner_sandbox::{Config, Sandbox};
use serde_json::Value;

const PWB: &str = env!("CARGO_BIN_EXE_pwb");

// The exit codes of `src/exit.rs`.
const SUCCESS: i32 = 0;
const USAGE: i32 = 2;
const CACHE: i32 = 3;
const OFFLINE: i32 = 4;
const SERVER: i32 = 5;
const NOT_FOUND: i32 = 6;
const NOT_SIGNED_IN: i32 = 7;
// `pwb validate`'s own three.
const VALID: i32 = 0;
const INVALID: i32 = 1;
const COULD_NOT_RUN: i32 = 2;

/// A demo sandbox served by its own runtime, so the test thread is free to wait for `pwb`.
struct Server {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
    url: String,
    http: reqwest::Client,
    /// An access token of every scope, from the sandbox's admin route, for `PWB_TOKEN`.
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let dir = tempfile::tempdir().expect("a folder for the sandbox");
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let sandbox = runtime
            .block_on(Sandbox::start(Config::new(dir.path()), listen))
            .expect("the sandbox starts on a free loopback port");
        let url = sandbox.base_url();
        let plain = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        // Every API route needs a token: get one as a script would, from the admin route.
        let token = runtime.block_on(async {
            let tokens: Value = plain
                .post(format!("{url}/_sandbox/tokens"))
                .json(&serde_json::json!({}))
                .send()
                .await
                .expect("the token admin route answers")
                .json()
                .await
                .expect("a token response");
            tokens["access_token"]
                .as_str()
                .expect("an access token")
                .to_owned()
        });
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("a header value"),
        );
        let http = reqwest::Client::builder()
            .no_proxy()
            .default_headers(headers)
            .build()
            .expect("an HTTP client");
        Server {
            runtime,
            sandbox: Some(sandbox),
            url,
            http,
            token,
            _dir: dir,
        }
    }

    /// `pwb` with its data in `data_dir`, on this server (`PWB_SERVER`: the cache of its URL,
    /// even offline), signed in through `PWB_TOKEN`.
    fn pwb(&self, data_dir: &Path) -> Command {
        let mut command = pwb(data_dir);
        command
            .env("PWB_SERVER", &self.url)
            .env("PWB_TOKEN", &self.token);
        command
    }

    /// Stops serving: the port refuses connections from now on.
    fn stop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }

    fn get_json(&self, path: &str) -> Value {
        self.runtime.block_on(async {
            let response = self
                .http
                .get(format!("{}{path}", self.url))
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {path}: {e}"));
            assert!(response.status().is_success(), "GET {path} must succeed");
            response.json().await.expect("a JSON reply")
        })
    }

    /// Every item of a collection, through `_links.next`.
    fn walk(&self, first: &str, name: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(first.to_owned());
        while let Some(href) = next {
            let page = self.get_json(&href);
            items.extend(
                page["_embedded"][name]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
            next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
        }
        items
    }

    /// The apps the server serves, each with its versions under `versions`.
    fn served(&self) -> Vec<Value> {
        let mut apps = self.walk(partner_api::paths::APPS, "apps");
        for app in &mut apps {
            let id = app["id"].as_str().expect("an app id").to_owned();
            app["versions"] =
                Value::Array(self.walk(&partner_api::paths::versions(&id), "versions"));
        }
        assert!(apps.len() >= 3, "the demo seed has apps to show");
        apps
    }

    /// Arms a fault for as many requests as `pwb` tries one (it retries 5xx and cut-off
    /// replies), so the failure reaches the command.
    fn add_fault(&self, path_prefix: &str, kind: &str) {
        let times = workbench_remote::RetryPolicy::default().attempts;
        let status = self.runtime.block_on(async {
            self.http
                .post(format!("{}/_sandbox/faults", self.url))
                .json(
                    &serde_json::json!({"path_prefix": path_prefix, "kind": kind, "times": times}),
                )
                .send()
                .await
                .expect("the fault admin route answers")
                .status()
        });
        assert_eq!(status, 201, "the sandbox accepts the fault");
    }

    /// Appends `text` to a version's marketplace description on the server, as the web portal
    /// would: GET it, then PATCH its marketplace section with its ETag as `If-Match`.
    fn append_to_description(&self, app_id: &str, version_id: &str, text: &str) {
        let path = partner_api::paths::version(app_id, version_id);
        let version = self.get_json(&path);
        let mut marketplace = version["marketplace"].clone();
        let description = marketplace["description"].as_str().unwrap_or_default();
        marketplace["description"] = Value::String(format!("{description}{text}"));
        let status = self.runtime.block_on(async {
            self.http
                .patch(format!("{}{path}", self.url))
                .header("if-match", version["etag"].as_str().expect("an ETag"))
                .json(&serde_json::json!({ "marketplace": marketplace }))
                .send()
                .await
                .expect("the version route answers")
                .status()
        });
        assert_eq!(status, 200, "the sandbox takes the edit of a draft listing");
    }

    fn armed_faults(&self) -> usize {
        self.get_json("/_sandbox/faults")["faults"]
            .as_array()
            .expect("a fault list")
            .len()
    }
}

/// `pwb` with its data in `data_dir` and no server or profile from the environment: the
/// active profile, the embedded sandbox's until another is chosen.
fn pwb(data_dir: &Path) -> Command {
    let mut command = Command::new(PWB);
    command
        .env("PWB_DATA_DIR", data_dir)
        .env_remove("PWB_SERVER")
        .env_remove("PWB_PROFILE")
        .env_remove("PWB_TOKEN");
    command
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Ran {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("pwb runs");
    let ran = Ran {
        code: status.code().expect("pwb exits, it is not killed"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "pwb must never panic: {}",
        ran.stderr
    );
    ran
}

fn sync(data_dir: &Path, server: &Server) {
    let ran = run(server.pwb(data_dir).args(["sync", "--server", &server.url]));
    assert_eq!(
        ran.code, SUCCESS,
        "a sync from a healthy server exits 0: {}",
        ran.stderr
    );
}

/// How the table writes a status: `in_review` as "In Review".
fn label(status: &str) -> String {
    status
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table's rows as (app, version, technical, marketplace), cut at the header's columns; a
/// row with no app name continues the app above it.
fn table_rows(lines: &[&str]) -> BTreeSet<[String; 4]> {
    let header = lines[0];
    let starts: Vec<usize> = ["APP", "VENDOR", "VERSION", "TECHNICAL", "MARKETPLACE"]
        .iter()
        .map(|title| header.find(title).expect("every column has a title"))
        .collect();
    let cell = |line: &str, column: usize| -> String {
        let chars: Vec<char> = line.chars().collect();
        let from = starts[column].min(chars.len());
        let to = starts
            .get(column + 1)
            .map_or(chars.len(), |&to| to.min(chars.len()));
        chars[from..to].iter().collect::<String>().trim().to_owned()
    };
    let mut app = String::new();
    let mut rows = BTreeSet::new();
    for line in &lines[1..] {
        let name = cell(line, 0);
        if !name.is_empty() {
            app = name;
        }
        assert!(!app.is_empty(), "the first row names its app: {line:?}");
        rows.insert([app.clone(), cell(line, 2), cell(line, 3), cell(line, 4)]);
    }
    assert_eq!(rows.len(), lines.len() - 1, "no two rows are the same");
    rows
}

#[test]
fn sync_exits_0_and_apps_json_offline_lists_the_seed_with_both_statuses() {
    let mut server = Server::start();
    let served = server.served();
    let data = tempfile::tempdir().unwrap();

    let synced = run(server
        .pwb(data.path())
        .args(["sync", "--server", &server.url]));

    assert_eq!(synced.code, SUCCESS, "sync exits 0: {}", synced.stderr);
    assert!(
        synced
            .stdout
            .contains(&format!("synced with {}", server.url)),
        "sync says where from: {}",
        synced.stdout
    );
    // Offline must not need the server at all.
    server.stop();
    let listed = run(server
        .pwb(data.path())
        .args(["apps", "--json", "--offline"]));
    assert_eq!(listed.code, SUCCESS, "{}", listed.stderr);
    let json: Value = serde_json::from_str(&listed.stdout).expect("--json prints JSON only");
    assert_eq!(json["sync"]["phase"], "idle", "the cache is shown as it is");
    assert_eq!(
        json["sync"]["server"], server.url,
        "the cache says where it was filled from"
    );
    assert!(
        json["sync"]["last_synced_at"].is_string(),
        "and when: {}",
        json["sync"]
    );
    let apps = json["apps"].as_array().expect("an `apps` list");
    let ids = |apps: &[Value]| -> BTreeSet<String> {
        apps.iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(apps), ids(&served), "every app of the seed is listed");
    for app in &served {
        let listed = apps.iter().find(|a| a["id"] == app["id"]).unwrap();
        assert_eq!(listed["display_name"], app["display_name"]);
        let versions = app["versions"].as_array().unwrap();
        assert_eq!(
            listed["versions"].as_array().unwrap().len(),
            versions.len(),
            "{}: every version is listed",
            app["id"]
        );
        for version in versions {
            let row = listed["versions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["id"] == version["id"])
                .unwrap_or_else(|| panic!("version {} is listed", version["id"]));
            assert_eq!(
                (&row["technical"], &row["marketplace"]),
                (
                    &version["status"]["technical"],
                    &version["status"]["marketplace"]
                ),
                "version {} shows both review statuses as the server has them",
                version["id"]
            );
            assert_eq!(row["has_icon"], !version["icon"].is_null());
        }
    }
}

#[test]
fn apps_prints_a_table_with_a_header_and_every_app_name() {
    let server = Server::start();
    let served = server.served();
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);

    let ran = run(server.pwb(data.path()).args(["apps", "--offline"]));

    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["APP", "VENDOR", "VERSION", "TECHNICAL", "MARKETPLACE"],
        "the table starts with its header"
    );
    let rows = table_rows(&lines);
    let mut expected = BTreeSet::new();
    for app in &served {
        for version in app["versions"].as_array().unwrap() {
            expected.insert([
                app["display_name"].as_str().unwrap().to_owned(),
                version["version_number"].as_str().unwrap().to_owned(),
                label(version["status"]["technical"].as_str().unwrap()),
                label(version["status"]["marketplace"].as_str().unwrap()),
            ]);
        }
    }
    assert_eq!(
        rows, expected,
        "one aligned row per version under its app's name, with both statuses in words:\n{}",
        ran.stdout
    );
    assert!(
        ran.stderr.contains("last synced"),
        "stderr says how fresh the list is: {}",
        ran.stderr
    );
}

#[test]
fn apps_with_the_server_stopped_prints_the_cache_says_offline_and_exits_0() {
    let mut server = Server::start();
    let served = server.served();
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);
    server.stop();

    let ran = run(server
        .pwb(data.path())
        .args(["apps", "--server", &server.url]));

    assert_eq!(
        ran.code, SUCCESS,
        "a list from the cache is a success even offline: {}",
        ran.stderr
    );
    for app in &served {
        let name = app["display_name"].as_str().unwrap();
        assert!(
            ran.stdout.contains(name),
            "the cached {name} is still listed:\n{}",
            ran.stdout
        );
    }
    assert!(
        ran.stderr.contains("offline"),
        "stderr says the list comes from the cache because the server is offline: {}",
        ran.stderr
    );
}

#[test]
fn sync_against_a_stopped_server_exits_4_and_says_offline() {
    let mut server = Server::start();
    server.stop();
    let data = tempfile::tempdir().unwrap();

    let ran = run(server
        .pwb(data.path())
        .args(["sync", "--server", &server.url]));

    assert_eq!(
        ran.code, OFFLINE,
        "exit 4 tells a script the server is unreachable: {}",
        ran.stderr
    );
    assert!(ran.stderr.contains("offline"), "{}", ran.stderr);
}

#[test]
fn sync_against_a_failing_server_exits_5_and_says_why() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    server.add_fault("/apps", "server_error");

    let ran = run(server
        .pwb(data.path())
        .args(["sync", "--server", &server.url]));

    assert_eq!(
        ran.code, SERVER,
        "exit 5 tells a script the server answered with an error: {}",
        ran.stderr
    );
    assert_eq!(server.armed_faults(), 0, "the failure came from the fault");
    assert!(
        ran.stderr.contains("sync failed") && ran.stderr.contains("500"),
        "stderr says the sync failed and what the server answered: {}",
        ran.stderr
    );
}

#[test]
fn sync_json_of_a_cut_off_reply_exits_5_with_the_error_code() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    server.add_fault("/apps", "truncate");

    let ran = run(server
        .pwb(data.path())
        .args(["sync", "--json", "--server", &server.url]));

    assert_eq!(
        ran.code, SERVER,
        "a reply cut off is the server's fault: {}",
        ran.stderr
    );
    let json: Value =
        serde_json::from_str(&ran.stdout).expect("--json prints JSON even on failure");
    assert_eq!(
        json["error_code"], "malformed_reply",
        "scripts branch on the code, not the message: {json}"
    );
    assert_eq!(json["phase"], "error");
}

#[test]
fn apps_offline_on_an_empty_data_dir_prints_the_empty_state_hint() {
    let data = tempfile::tempdir().unwrap();

    let ran = run(pwb(data.path()).args(["apps", "--offline"]));

    assert_eq!(
        ran.code, SUCCESS,
        "an empty cache is no error: {}",
        ran.stderr
    );
    assert!(
        ran.stdout.contains("No apps in the cache yet") && ran.stdout.contains("pwb sync"),
        "an empty list says what to do next: {}",
        ran.stdout
    );
    assert!(
        data.path().join("profiles/sandbox/cache.sqlite3").is_file(),
        "the cache is the sandbox profile's, the one active at first"
    );
    assert!(
        !data.path().join("profiles/sandbox/sandbox").exists(),
        "--offline starts no embedded sandbox"
    );
}

#[test]
fn a_garbage_cache_file_exits_3_with_a_clear_message_and_is_left_unchanged() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    // A profile for the server: its URL (PWB_SERVER, --server) is that profile, whose cache is
    // profiles/local/cache.sqlite3.
    let added = run(pwb(data.path()).args(["profile", "add", "local", "--url", &server.url]));
    assert_eq!(added.code, SUCCESS, "{}", added.stderr);
    let folder = data.path().join("profiles/local");
    std::fs::create_dir_all(&folder).unwrap();
    let cache = folder.join("cache.sqlite3");
    let garbage: Vec<u8> = b"these are a partner's notes, not a database\n"
        .iter()
        .copied()
        .cycle()
        .take(8192)
        .collect();
    std::fs::write(&cache, &garbage).unwrap();
    let files = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = files(&folder);

    for args in [
        vec!["apps", "--offline"],
        vec!["apps", "--json", "--server", &server.url],
        vec!["sync", "--server", &server.url],
    ] {
        let ran = run(server.pwb(data.path()).args(&args));

        assert_eq!(
            ran.code, CACHE,
            "{args:?}: exit 3 tells a script the cache is unusable: {}",
            ran.stderr
        );
        assert!(
            ran.stderr.contains("not a Partner Workbench cache")
                && ran.stderr.contains(&cache.display().to_string()),
            "{args:?}: the message says what is wrong and where: {}",
            ran.stderr
        );
        assert!(ran.stdout.is_empty(), "{args:?}: nothing half-printed");
        assert_eq!(
            std::fs::read(&cache).unwrap(),
            garbage,
            "{args:?}: a file that is not ours is never overwritten"
        );
        assert_eq!(
            files(&folder),
            before,
            "{args:?}: no journal or other file appears beside it"
        );
    }
}

#[test]
fn help_mentions_every_command() {
    let data = tempfile::tempdir().unwrap();

    let ran = run(pwb(data.path()).arg("--help"));

    assert_eq!(ran.code, SUCCESS);
    for command in [
        "apps",
        "sync",
        "validate",
        "rules",
        "suppress",
        "unsuppress",
        "login",
        "logout",
        "whoami",
        "profile",
    ] {
        assert!(
            ran.stdout
                .lines()
                .any(|line| line.trim_start().starts_with(command)),
            "--help lists the `{command}` command:\n{}",
            ran.stdout
        );
    }
}

#[test]
fn apps_json_with_no_server_given_syncs_from_the_embedded_sandbox() {
    let data = tempfile::tempdir().unwrap();

    let ran = run(pwb(data.path()).args(["apps", "--json"]));

    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let json: Value = serde_json::from_str(&ran.stdout).expect("--json prints JSON only");
    assert_eq!(
        json["sync"]["phase"], "idle",
        "the embedded sandbox answered: {}",
        json["sync"]
    );
    let server = json["sync"]["server"].as_str().unwrap_or_default();
    assert!(
        server.starts_with("http://127.0.0.1:"),
        "the embedded sandbox listens on loopback only, got {server:?}"
    );
    let apps = json["apps"].as_array().expect("an `apps` list");
    assert!(
        apps.len() >= 3,
        "a new user sees the demo apps at once, got {}",
        apps.len()
    );
    assert!(
        apps.iter()
            .all(|app| !app["versions"].as_array().unwrap().is_empty()),
        "every demo app comes with its versions"
    );
    assert!(
        data.path()
            .join("profiles/sandbox/sandbox/sandbox.sqlite3")
            .is_file(),
        "the embedded sandbox keeps its data in its profile's folder, beside the cache"
    );
}

#[test]
fn a_proxy_in_the_environment_is_not_used_for_a_server_on_this_machine() {
    let server = Server::start();
    // A proxy that refuses everything: a request sent through it fails.
    let proxy = {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let with_proxy = |data: &Path| {
        let mut command = server.pwb(data);
        for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            command.env(name, &proxy);
        }
        for name in ["NO_PROXY", "no_proxy"] {
            command.env_remove(name);
        }
        command
    };
    let data = tempfile::tempdir().unwrap();

    let given = run(with_proxy(data.path()).args(["sync", "--server", &server.url]));
    let embedded = run(with_proxy(data.path())
        .env_remove("PWB_SERVER")
        .args(["apps", "--json"]));

    assert_eq!(
        given.code, SUCCESS,
        "a loopback server is reached directly: a corporate proxy cannot reach this machine's \
         loopback, and the sync would wrongly say offline: {}",
        given.stderr
    );
    assert_eq!(embedded.code, SUCCESS, "{}", embedded.stderr);
    let json: Value = serde_json::from_str(&embedded.stdout).expect("JSON");
    assert_eq!(
        json["sync"]["phase"], "idle",
        "the embedded sandbox works behind a proxy too: {}",
        json["sync"]
    );
}

#[test]
fn apps_still_lists_the_cache_when_the_embedded_sandbox_cannot_start() {
    let data = tempfile::tempdir().unwrap();
    let filled = run(pwb(data.path()).args(["sync"]));
    assert_eq!(filled.code, SUCCESS, "{}", filled.stderr);
    // The embedded sandbox keeps its data in the sandbox profile's folder, under `sandbox/`; a
    // garbage database there stops it.
    let sandbox_data = data.path().join("profiles/sandbox/sandbox");
    std::fs::remove_dir_all(&sandbox_data).unwrap();
    std::fs::create_dir_all(&sandbox_data).unwrap();
    std::fs::write(
        sandbox_data.join("sandbox.sqlite3"),
        b"not a database".repeat(100),
    )
    .unwrap();

    let ran = run(pwb(data.path()).args(["apps", "--json"]));

    assert_eq!(
        ran.code, SUCCESS,
        "the cache is still shown: {}",
        ran.stderr
    );
    let json: Value = serde_json::from_str(&ran.stdout).expect("--json prints JSON only");
    assert_eq!(
        json["sync"]["phase"], "error",
        "the status says the sync did not happen: {}",
        json["sync"]
    );
    assert_eq!(json["sync"]["server"], "the embedded sandbox");
    let message = json["sync"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("embedded sandbox"),
        "the message names what failed: {message}"
    );
    assert!(
        json["apps"].as_array().is_some_and(|apps| apps.len() >= 3),
        "the cached apps are listed"
    );

    let ran = run(pwb(data.path()).arg("sync"));
    assert_eq!(
        ran.code, 1,
        "a sandbox that cannot start is an internal failure for `pwb sync`: {}",
        ran.stderr
    );
}

#[test]
fn a_server_given_by_url_without_a_valid_token_is_not_signed_in_exit_7() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    for token in [None, Some("pwb_at_not-a-real-token")] {
        let mut command = pwb(data.path());
        if let Some(token) = token {
            command.env("PWB_TOKEN", token);
        }
        let ran = run(command.args(["sync", "--server", &server.url]));

        assert_eq!(
            ran.code, NOT_SIGNED_IN,
            "{token:?}: exit 7 tells a script to sign in: {}",
            ran.stderr
        );
        assert!(
            ran.stderr.contains("not signed in") && ran.stderr.contains("PWB_TOKEN"),
            "{token:?}: the message says what to do: {}",
            ran.stderr
        );
        if let Some(token) = token {
            assert!(!ran.stderr.contains(token), "the token is never printed");
        }
    }
    let ran = run(server
        .pwb(data.path())
        .args(["sync", "--server", &server.url]));
    assert_eq!(ran.code, SUCCESS, "with PWB_TOKEN it works: {}", ran.stderr);
}

/// The repository's icon fixtures and their expected rule ids.
fn icon_fixtures() -> (std::path::PathBuf, serde_json::Map<String, Value>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/icons");
    let expected: Value = serde_json::from_slice(
        &std::fs::read(dir.join("expected.json")).expect("tests/fixtures/icons/expected.json"),
    )
    .expect("expected.json is JSON");
    let expected = expected
        .as_object()
        .expect("an object by file name")
        .clone();
    assert!(expected.len() >= 10, "the corpus has its hostile files");
    (dir, expected)
}

/// The rule ids of a `--json` report's diagnostics, sorted, without repeats.
fn rule_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("a diagnostics list")
        .iter()
        .map(|d| d["rule"].as_str().expect("a rule id").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn json_of(ran: &Ran) -> Value {
    serde_json::from_str(&ran.stdout)
        .unwrap_or_else(|e| panic!("--json prints JSON only ({e}): {}", ran.stdout))
}

/// A demo version that is published on the marketplace: a faithful server only publishes
/// versions that pass validation, so it must be clean.
fn published_version(served: &[Value]) -> (String, String) {
    for app in served {
        for version in app["versions"].as_array().unwrap() {
            if version["status"]["marketplace"] == "advertised" && !version["icon"].is_null() {
                return (
                    app["id"].as_str().unwrap().to_owned(),
                    version["id"].as_str().unwrap().to_owned(),
                );
            }
        }
    }
    panic!("the demo seed has an advertised version with an icon")
}

#[test]
fn validate_a_clean_demo_version_exits_0_offline_and_shows_the_servers_pack() {
    let mut server = Server::start();
    let served = server.served();
    let pack = server.get_json("/rules");
    let (app, version) = published_version(&served);
    let data = tempfile::tempdir().unwrap();

    let before = json_of(&run(server.pwb(data.path()).args(["rules", "--json"])));
    assert_eq!(
        before["pack"]["source"], "shipped",
        "before any sync the shipped pack is in force: {}",
        before["pack"]
    );
    sync(data.path(), &server);
    server.stop();

    let ran = run(server
        .pwb(data.path())
        .args(["validate", "--app", &app, "--version", &version]));

    assert_eq!(ran.code, VALID, "{}\n{}", ran.stdout, ran.stderr);
    let first = ran.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!(
            "rules pack {} (fetched from {} at ",
            pack["version"].as_str().unwrap(),
            server.url
        )),
        "the pack's version and source come first: {first}"
    );
    assert!(ran.stdout.contains("no errors"), "{}", ran.stdout);

    let ran = run(server.pwb(data.path()).args([
        "validate",
        "--app",
        &app,
        "--version",
        &version,
        "--json",
    ]));
    assert_eq!(ran.code, VALID, "{}", ran.stderr);
    let json = json_of(&ran);
    assert_eq!(
        json["pack"]["version"], pack["version"],
        "the server's pack was used"
    );
    assert_eq!(json["pack"]["source"], "server");
    assert_eq!(json["pack"]["server"], server.url);
    assert!(json["pack"]["fetched_at"].is_string());
    assert_eq!(json["report"]["pack_version"], pack["version"]);
    assert_eq!(json["clean"], true);
    assert_eq!(
        json["target"],
        serde_json::json!({"app_id": app, "version_id": version})
    );
    assert!(
        json["report"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != "error"),
        "{json}"
    );
    assert!(
        json["report"]["not_checked"].is_array() && json["report"]["suppressed"].is_array(),
        "the whole report is there: {json}"
    );

    let rules = run(server.pwb(data.path()).args(["rules", "--json"]));
    assert_eq!(rules.code, SUCCESS, "{}", rules.stderr);
    let rules = json_of(&rules);
    assert_eq!(rules["pack"]["source"], "server");
    assert_eq!(
        rules["rules"].as_array().unwrap().len(),
        pack["rules"].as_array().unwrap().len(),
        "every rule of the served pack is listed"
    );
    for rule in rules["rules"].as_array().unwrap() {
        for key in ["id", "severity", "field", "message"] {
            assert!(rule[key].is_string(), "a rule shows its {key}: {rule}");
        }
    }
    let table = run(server.pwb(data.path()).arg("rules"));
    assert_eq!(table.code, SUCCESS);
    assert!(table.stdout.starts_with("rules pack "), "{}", table.stdout);
    assert!(table.stdout.contains("icon.square") && table.stdout.contains("SEVERITY"));
}

#[test]
fn validate_icon_reports_each_fixture_s_rule_ids_and_exits_1_on_errors() {
    let (dir, expected) = icon_fixtures();
    let pack = partner_api::rules::default_pack();
    let data = tempfile::tempdir().unwrap();

    for (file, want) in &expected {
        let mut want: Vec<String> = want["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect();
        want.sort();
        let path = dir.join(file);

        let ran = run(pwb(data.path())
            .args(["validate", "--json", "--icon"])
            .arg(&path));

        let errors = want.iter().any(|id| {
            pack.rule(id)
                .is_some_and(|r| r.severity.as_str() == "error")
        });
        assert_eq!(
            ran.code,
            if errors { INVALID } else { VALID },
            "{file}: {}\n{}",
            ran.stdout,
            ran.stderr
        );
        let json = json_of(&ran);
        assert_eq!(rule_ids(&json["report"]), want, "{file}: {json}");
        assert_eq!(
            json["pack"]["source"], "shipped",
            "no sync: the shipped pack"
        );
        assert_eq!(json["pack"]["version"], pack.version.as_str());
        assert_eq!(json["clean"], !errors);
    }

    let ran = run(pwb(data.path())
        .args(["validate", "--icon"])
        .arg(dir.join("broken-crc.png")));
    assert_eq!(ran.code, INVALID);
    assert!(
        ran.stdout.contains("errors (1):") && ran.stdout.contains("icon.decodes"),
        "people see the error under its severity with its rule id:\n{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("errors found"), "{}", ran.stdout);
}

#[test]
fn validate_icon_fails_a_png_whose_header_checksum_is_broken() {
    let (dir, _) = icon_fixtures();
    let data = tempfile::tempdir().unwrap();
    let path = dir.join("broken-crc.png");

    let ran = run(pwb(data.path()).args(["validate", "--icon"]).arg(&path));

    assert_eq!(ran.code, INVALID, "{}\n{}", ran.stdout, ran.stderr);
    let errors = ran
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("errors (1):"))
        .unwrap_or_else(|| panic!("one error, under its severity:\n{}", ran.stdout));
    assert!(
        errors.contains("icon.decodes") && errors.to_lowercase().contains("crc"),
        "the error names the rule and the broken checksum:\n{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("no errors"), "{}", ran.stdout);
    assert!(ran.stdout.contains("errors found"), "{}", ran.stdout);
    // The rules that need the decoded image are not checked, and say it is because it does not
    // decode (not that its header "could not be read", as if the tool had not looked).
    let not_checked = ran
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("not checked ("))
        .unwrap_or_else(|| panic!("a not-checked list:\n{}", ran.stdout));
    for rule in [
        "icon.square",
        "icon.pixel_bounds",
        "icon.not_blank",
        "icon.corners_clear",
    ] {
        let line = not_checked
            .lines()
            .find(|l| l.contains(rule))
            .unwrap_or_else(|| panic!("{rule} is listed as not checked:\n{not_checked}"));
        assert!(line.contains("could not be decoded"), "{line}");
    }

    let json = json_of(&run(pwb(data.path())
        .args(["validate", "--json", "--icon"])
        .arg(&path)));
    assert_eq!(json["clean"], false, "{json}");
    assert_eq!(rule_ids(&json["report"]), ["icon.decodes"], "{json}");
    assert_eq!(json["report"]["diagnostics"][0]["severity"], "error");
}

#[test]
fn validate_exits_2_when_it_cannot_run_and_says_why() {
    let server = Server::start();
    let served = server.served();
    let (app, version) = published_version(&served);
    let other_app = served
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .find(|id| *id != app)
        .unwrap()
        .to_owned();
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);
    let missing = data.path().join("no-such-icon.png");

    let wrong_app = format!("belongs to app {app}, not {other_app}");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--icon".into(), missing.display().to_string()],
            "no such file",
        ),
        (
            vec!["--icon".into(), data.path().display().to_string()],
            "a folder",
        ),
        (
            vec![
                "--app".into(),
                app.clone(),
                "--version".into(),
                "ver-nope".into(),
            ],
            "no cached version ver-nope",
        ),
        (
            vec![
                "--app".into(),
                other_app.clone(),
                "--version".into(),
                version.clone(),
            ],
            &wrong_app,
        ),
        (vec!["--app".into(), app.clone()], "--version"),
        (vec![], "--icon"),
    ];
    for (args, says) in &cases {
        for json in [false, true] {
            let mut command = server.pwb(data.path());
            command.arg("validate").args(args);
            if json {
                command.arg("--json");
            }
            let ran = run(&mut command);

            assert_eq!(ran.code, COULD_NOT_RUN, "{args:?}: {}", ran.stderr);
            assert!(
                ran.stderr.contains(says),
                "{args:?}: the message says why: {}",
                ran.stderr
            );
            assert!(ran.stdout.is_empty(), "{args:?}: no report: {}", ran.stdout);
        }
    }

    // A cache it cannot open is "could not run" too, not the cache code of other commands.
    let garbage = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(garbage.path().join("profiles/sandbox")).unwrap();
    std::fs::write(
        garbage.path().join("profiles/sandbox/cache.sqlite3"),
        b"not a database".repeat(500),
    )
    .unwrap();
    let ran = run(pwb(garbage.path()).args(["validate", "--app", &app, "--version", &version]));
    assert_eq!(ran.code, COULD_NOT_RUN, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("not a Partner Workbench cache"),
        "{}",
        ran.stderr
    );
}

#[test]
fn suppressing_a_warning_moves_it_to_the_suppressed_list_and_suppressing_an_error_is_refused() {
    let server = Server::start();
    let served = server.served();
    // A version whose listing is still a draft, so its description can be edited.
    let (app, version) = served
        .iter()
        .flat_map(|a| {
            a["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |v| (a, v))
        })
        .find(|(_, v)| {
            v["status"]["marketplace"] == "draft"
                && !v["subscription_types"].as_array().unwrap().is_empty()
        })
        .map(|(a, v)| {
            (
                a["id"].as_str().unwrap().to_owned(),
                v["id"].as_str().unwrap().to_owned(),
            )
        })
        .expect("the demo seed has a draft listing with plans");
    // A price no plan has: the quoted-prices rule warns.
    server.append_to_description(&app, &version, " Now only $4321.99 per seat!");
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);
    let target = ["--app", app.as_str(), "--version", version.as_str()];
    let validate = |data: &Path| {
        let ran = run(server.pwb(data).arg("validate").args(target).arg("--json"));
        assert_eq!(ran.code, VALID, "warnings alone exit 0: {}", ran.stdout);
        json_of(&ran)["report"].clone()
    };
    let warning = |report: &Value| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "plans.quoted_prices")
            .cloned()
    };

    let report = validate(data.path());
    let found = warning(&report).unwrap_or_else(|| panic!("the price warning shows: {report}"));
    assert_eq!(found["severity"], "warning");
    assert_eq!(found["field"], "marketplace.description");

    let reason = "the listing quotes the yearly price";
    let ran = run(server.pwb(data.path()).arg("suppress").args(target).args([
        "--rule",
        "plans.quoted_prices",
        "--field",
        "marketplace.description",
        "--reason",
        reason,
    ]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);

    let report = validate(data.path());
    assert_eq!(warning(&report), None, "the warning is silenced: {report}");
    assert_eq!(
        report["suppressed"],
        serde_json::json!([{"rule": "plans.quoted_prices", "field": "marketplace.description", "reason": reason}]),
        "and listed with its reason"
    );
    let human = run(server.pwb(data.path()).arg("validate").args(target));
    assert!(
        human.stdout.contains("suppressed (1):") && human.stdout.contains(reason),
        "people see the suppression and its reason:\n{}",
        human.stdout
    );

    // A later sync keeps the partner's suppression.
    sync(data.path(), &server);
    assert_eq!(warning(&validate(data.path())), None, "kept across a sync");

    // Refusals change nothing and say why.
    for (rule, reason, says) in [
        (
            "plans.trial_days",
            "looks fine to me",
            "errors cannot be suppressed",
        ),
        ("plans.quoted_names", "  ", "needs a reason"),
        ("no.such_rule", "because", "has no rule"),
    ] {
        let ran = run(server
            .pwb(data.path())
            .arg("suppress")
            .args(target)
            .args(["--rule", rule, "--reason", reason]));
        assert_eq!(ran.code, USAGE, "{rule}: {}", ran.stderr);
        assert!(ran.stderr.contains(says), "{rule}: {}", ran.stderr);
    }
    let report = validate(data.path());
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 1);
    assert!(
        report["not_applied"].as_array().unwrap().is_empty(),
        "{report}"
    );

    let ran = run(server
        .pwb(data.path())
        .arg("suppress")
        .args(["--app", "app-nope", "--version", version.as_str()])
        .args(["--rule", "plans.quoted_prices", "--reason", "r"]));
    assert_eq!(
        ran.code, NOT_FOUND,
        "a version of another app: {}",
        ran.stderr
    );

    // Unsuppress names the same rule and field; the warning is back.
    let ran = run(server
        .pwb(data.path())
        .arg("unsuppress")
        .args(target)
        .args(["--rule", "plans.quoted_prices"]));
    assert_eq!(
        ran.code, NOT_FOUND,
        "no suppression for every field: {}",
        ran.stderr
    );
    let ran = run(server
        .pwb(data.path())
        .arg("unsuppress")
        .args(target)
        .args([
            "--rule",
            "plans.quoted_prices",
            "--field",
            "marketplace.description",
        ]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let report = validate(data.path());
    assert!(warning(&report).is_some(), "{report}");
    assert!(report["suppressed"].as_array().unwrap().is_empty());
}

#[test]
fn submit_preview_shows_exactly_the_content_and_its_sha256_and_queues_nothing() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);
    let (app, version) = ("app-delta-surveys", "ver-delta-surveys-1-0-0");

    let ran = run(server.pwb(data.path()).args([
        "submit",
        "--app",
        app,
        "--version",
        version,
        "--track",
        "technical",
        "--preview",
        "--json",
    ]));
    assert_eq!(ran.code, SUCCESS, "{}\n{}", ran.stdout, ran.stderr);
    let preview = json_of(&ran);
    let content = preview["content"]
        .as_str()
        .expect("the content as the text shown");
    assert_eq!(
        preview["sha256"].as_str().unwrap(),
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content.as_bytes())),
        "the hash is of exactly the text shown"
    );
    let shown: Value = serde_json::from_str(content).unwrap();
    let served = server.get_json(&partner_api::paths::version(app, version));
    for section in ["general", "technical", "marketplace", "subscription_types"] {
        assert_eq!(
            shown[section], served[section],
            "{section} is the cached copy of the server's"
        );
    }
    assert_eq!(preview["track"], "technical");

    let text = run(server.pwb(data.path()).args([
        "submit",
        "--app",
        app,
        "--version",
        version,
        "--track",
        "technical",
        "--preview",
    ]));
    assert_eq!(text.code, SUCCESS, "{}", text.stderr);
    assert!(text.stdout.starts_with(content), "the same JSON, first");
    assert!(
        text.stdout
            .contains(&format!("sha256 {}", preview["sha256"].as_str().unwrap())),
        "{}",
        text.stdout
    );

    let outbox = json_of(&run(server.pwb(data.path()).args(["outbox", "--json"])));
    assert_eq!(
        outbox["entries"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(usize::MAX),
        0,
        "a preview queues nothing: {outbox}"
    );
}

/// Server text made to drive a terminal: a colour escape sequence and the bell.
const HOSTILE: &str = "\u{1b}[31mEVIL\u{1b}[0m\u{7}";

/// Whether `text` holds a byte that would reach a terminal as a control: ESC, BEL, or any other
/// C0/C1 control but newline and tab.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[test]
fn server_text_with_escape_sequences_reaches_the_terminal_escaped() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    sync(data.path(), &server);
    let served = server.served();
    let acme = served
        .iter()
        .find(|app| app["display_name"] == "Acme CRM Connector")
        .expect("the demo has Acme");
    let app_id = acme["id"].as_str().unwrap().to_owned();
    // Acme 1.2.0's technical track is In Review in the demo seed: a reviewer can decide it.
    let version_id = acme["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version_number"] == "1.2.0")
        .expect("the demo has Acme 1.2.0")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let name = format!("Acme {HOSTILE}");
    let feedback = format!("Rejected {HOSTILE}\r\nsecond line");
    server.runtime.block_on(async {
        // The app renamed through the API, as the web portal would.
        let status = server
            .http
            .patch(format!(
                "{}{}",
                server.url,
                partner_api::paths::app(&app_id)
            ))
            .header("if-match", "*")
            .json(&serde_json::json!({ "display_name": name }))
            .send()
            .await
            .expect("the app route answers")
            .status();
        assert!(status.is_success(), "the sandbox takes the name: {status}");
        // The reviewer's decision, with feedback, from the sandbox's admin route.
        let status = server
            .http
            .post(format!(
                "{}/_sandbox/versions/{version_id}/review",
                server.url
            ))
            .json(&serde_json::json!({
                "track": "technical",
                "decision": "reject",
                "feedback": [{"field": "general.display_name", "message": feedback}],
            }))
            .send()
            .await
            .expect("the review admin route answers")
            .status();
        assert!(
            status.is_success(),
            "the sandbox takes the review: {status}"
        );
    });

    let apps = run(server.pwb(data.path()).arg("apps"));
    assert_eq!(apps.code, SUCCESS, "{}", apps.stderr);
    assert!(
        !has_control(&apps.stdout)
            && !apps.stdout.contains('\u{1b}')
            && !apps.stdout.contains('\u{7}'),
        "no ESC nor BEL reaches the terminal: {:?}",
        apps.stdout
    );
    assert!(
        apps.stdout.contains(r"Acme \u001b[31mEVIL\u001b[0m\u0007"),
        "each control is shown as a visible escape: {}",
        apps.stdout
    );
    assert!(!has_control(&apps.stderr), "{:?}", apps.stderr);

    let timeline = run(server
        .pwb(data.path())
        .args(["timeline", "--version", &version_id]));
    assert_eq!(timeline.code, SUCCESS, "{}", timeline.stderr);
    assert!(
        !has_control(&timeline.stdout),
        "the review feedback reaches the terminal escaped: {:?}",
        timeline.stdout
    );
    assert!(
        timeline
            .stdout
            .contains(r"Rejected \u001b[31mEVIL\u001b[0m\u0007"),
        "{}",
        timeline.stdout
    );
    assert!(
        timeline.stdout.contains("\nsecond line") || timeline.stdout.contains("second line"),
        "a multi-line feedback keeps its lines: {}",
        timeline.stdout
    );

    // --json keeps the server's text exactly: serde escapes the controls.
    let json = json_of(&run(server.pwb(data.path()).args([
        "apps",
        "--json",
        "--offline",
    ])));
    assert!(
        json["apps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|app| app["display_name"] == name.as_str()),
        "the JSON has the name as the server gave it: {json}"
    );
}

/// A URL profile made active, on `server`, with nothing else named.
fn active_url_profile(data_dir: &Path, server: &Server) {
    let ran = run(pwb(data_dir).args(["profile", "add", "local", "--url", &server.url]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let ran = run(pwb(data_dir).args(["profile", "use", "local"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
}

#[test]
fn pwb_token_is_not_sent_to_the_active_profile_unless_its_server_is_named() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    active_url_profile(data.path(), &server);

    // Neither --server/PWB_SERVER nor --profile/PWB_PROFILE: the token stays home, and a note
    // says how to name the server.
    let ran = run(pwb(data.path()).env("PWB_TOKEN", &server.token).arg("sync"));
    assert_eq!(
        ran.code, NOT_SIGNED_IN,
        "the active profile's server gets no token: {}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("PWB_TOKEN is ignored")
            && ran.stderr.contains("--server")
            && ran.stderr.contains("--profile"),
        "the note says how to name the server: {}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains(&server.token),
        "the token is never printed"
    );
    let who = json_of(&run(pwb(data.path())
        .env("PWB_TOKEN", &server.token)
        .args(["whoami", "--json"])));
    assert_eq!(who["access"], "none", "{who}");

    // Named, by URL or by profile, from the command line or the environment: it is sent.
    for named in [
        vec!["--server", server.url.as_str()],
        vec!["--profile", "local"],
    ] {
        let ran = run(pwb(data.path())
            .env("PWB_TOKEN", &server.token)
            .args(&named)
            .arg("sync"));
        assert_eq!(ran.code, SUCCESS, "{named:?}: {}", ran.stderr);
        assert!(
            !ran.stderr.contains("PWB_TOKEN is ignored"),
            "{}",
            ran.stderr
        );
    }
    for (variable, value) in [
        ("PWB_SERVER", server.url.as_str()),
        ("PWB_PROFILE", "local"),
    ] {
        let ran = run(pwb(data.path())
            .env("PWB_TOKEN", &server.token)
            .env(variable, value)
            .arg("sync"));
        assert_eq!(ran.code, SUCCESS, "{variable}: {}", ran.stderr);
        let who = json_of(&run(pwb(data.path())
            .env("PWB_TOKEN", &server.token)
            .env(variable, value)
            .args(["whoami", "--json"])));
        assert_eq!(who["access"], "environment", "{variable}: {who}");
    }

    // Named for one server, it is not sent to another profile's.
    let other = Server::start();
    let ran = run(pwb(data.path()).args(["profile", "add", "other", "--url", &other.url]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let list = json_of(&run(pwb(data.path())
        .env("PWB_TOKEN", &server.token)
        .env("PWB_PROFILE", "local")
        .args(["profile", "list", "--json"])));
    let access_of = |name: &str| {
        list["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["access"].clone())
            .unwrap_or_default()
    };
    assert_eq!(access_of("local"), "environment", "{list}");
    assert_eq!(access_of("other"), "none", "{list}");
}
