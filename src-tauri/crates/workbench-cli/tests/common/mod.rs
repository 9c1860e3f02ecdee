//! What the tests of the real `pwb` binary against a sandbox share (all but `cli.rs`, `login.rs`, `profiles.rs`): a demo sandbox
//! on 127.0.0.1 served by its own runtime, reviews waiting for a decision, and direct HTTP to
//! see what it serves; `pwb` pointed at it by URL with a token (`PWB_SERVER`, `PWB_TOKEN`).

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use partner_sandbox::{Config, ReviewMode, Sandbox};
use serde_json::Value;

pub const PWB: &str = env!("CARGO_BIN_EXE_pwb");

// The exit codes of `src/exit.rs`.
pub const SUCCESS: i32 = 0;
pub const USAGE: i32 = 2;
pub const OFFLINE: i32 = 4;
pub const SERVER: i32 = 5;
pub const NOT_FOUND: i32 = 6;
pub const LOCKED: i32 = 10;
pub const INVALID_CONTENT: i32 = 11;
pub const CONFLICTS: i32 = 13;

/// The demo versions the tests edit, by app display name and version number.
/// Delta Surveys 1.0.0: Draft on both tracks, everything editable, no icon.
pub const DELTA: (&str, &str) = ("Delta Surveys", "1.0.0");
/// Acme 1.2.0: technical In Review (locked), marketplace Draft.
pub const ACME: (&str, &str) = ("Acme CRM Connector", "1.2.0");
/// Cobalt 0.9.0: technical Approved, marketplace Rejected (editable, submittable).
pub const COBALT: (&str, &str) = ("Cobalt Scheduler", "0.9.0");
/// Beacon 1.1.0: technical Rejected (editable, submittable), marketplace In Review.
pub const BEACON: (&str, &str) = ("Beacon Analytics", "1.1.0");

/// A demo sandbox whose reviews wait for a decision, so a submitted track stays In Review.
pub struct Server {
    pub runtime: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
    pub url: String,
    http: reqwest::Client,
    /// An access token of every scope, for `PWB_TOKEN` and the test's own requests.
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let dir = tempfile::tempdir().expect("a folder for the sandbox");
        let mut config = Config::new(dir.path());
        config.review = ReviewMode::Manual;
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let sandbox = runtime
            .block_on(Sandbox::start(config, listen))
            .expect("the sandbox starts on a free loopback port");
        let token = sandbox
            .issue_token(&[])
            .expect("the sandbox issues a token in-process")
            .access_token;
        let url = sandbox.base_url();
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

    /// `pwb` with its data in `data_dir`, on this server by URL, signed in through `PWB_TOKEN`.
    pub fn pwb(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(PWB);
        command
            .env("PWB_DATA_DIR", data_dir)
            .env_remove("PWB_PROFILE")
            .env("PWB_SERVER", &self.url)
            .env("PWB_TOKEN", &self.token);
        command
    }

    pub fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.runtime.block_on(async {
            let mut request = self.http.request(method, format!("{}{path}", self.url));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        })
    }

    /// An edit of an app's own fields made elsewhere (the portal): `PATCH /apps/{id}` over
    /// whatever the server has (`If-Match: *`).
    pub fn portal_edit_app(&self, app_id: &str, body: Value) {
        let status = self.runtime.block_on(async {
            self.http
                .patch(format!("{}/apps/{app_id}", self.url))
                .header("If-Match", "*")
                .json(&body)
                .send()
                .await
                .expect("the portal's edit is sent")
                .status()
        });
        assert_eq!(status.as_u16(), 200, "the portal's edit of {app_id}");
    }

    /// A version deleted elsewhere (the portal, another computer): `DELETE` over whatever the
    /// server has (`If-Match: *`).
    pub fn portal_delete(&self, app_id: &str, version_id: &str) {
        let status = self.runtime.block_on(async {
            self.http
                .delete(format!(
                    "{}{}",
                    self.url,
                    partner_api::paths::version(app_id, version_id)
                ))
                .header("If-Match", "*")
                .send()
                .await
                .expect("the deletion is sent")
                .status()
        });
        assert_eq!(status.as_u16(), 204, "the portal deletes {version_id}");
    }

    pub fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.send(reqwest::Method::GET, path, None);
        assert_eq!(status, 200, "GET {path} must succeed: {body}");
        body
    }

    /// (app id, version id) of a demo version.
    pub fn find(&self, (app_name, number): (&str, &str)) -> (String, String) {
        let apps = self.get_json("/apps?per_page=100");
        let app = apps["_embedded"]["apps"]
            .as_array()
            .expect("a page of apps")
            .iter()
            .find(|a| a["display_name"] == app_name)
            .unwrap_or_else(|| panic!("the demo has {app_name}"))["id"]
            .as_str()
            .expect("an app id")
            .to_owned();
        let versions = self.get_json(&format!(
            "{}?per_page=100",
            partner_api::paths::versions(&app)
        ));
        let version = versions["_embedded"]["versions"]
            .as_array()
            .expect("a page of versions")
            .iter()
            .find(|v| v["version_number"] == number)
            .unwrap_or_else(|| panic!("the demo has {app_name} {number}"))["id"]
            .as_str()
            .expect("a version id")
            .to_owned();
        (app, version)
    }

    /// A version as the server serves it (its content's sections at the top level).
    pub fn version(&self, app_id: &str, version_id: &str) -> Value {
        self.get_json(&partner_api::paths::version(app_id, version_id))
    }

    /// An edit in Talkdesk's web portal: `PATCH /_sandbox/versions/{id}` with whole sections.
    pub fn portal_edit(&self, version_id: &str, body: Value) {
        let (status, reply) = self.send(
            reqwest::Method::PATCH,
            &format!("/_sandbox/versions/{version_id}"),
            Some(body),
        );
        assert_eq!(status, 200, "the sandbox takes the portal edit: {reply}");
    }

    /// `POST /_sandbox/versions/{id}/review`: a reviewer's decision on a track In Review
    /// (`{track, decision, feedback: [{field, message, rule?}]}`).
    pub fn review(&self, version_id: &str, body: Value) {
        let (status, reply) = self.send(
            reqwest::Method::POST,
            &format!("/_sandbox/versions/{version_id}/review"),
            Some(body),
        );
        assert!(
            (200..300).contains(&status),
            "the sandbox takes the review: {status} {reply}"
        );
    }

    /// `POST /_sandbox/versions/{id}/advertisement`: Talkdesk publishes the version on
    /// AppConnect (its marketplace review approved, its technical track Available).
    pub fn publish(&self, version_id: &str) {
        let (status, reply) = self.send(
            reqwest::Method::POST,
            &format!("/_sandbox/versions/{version_id}/advertisement"),
            None,
        );
        assert_eq!(status, 200, "Talkdesk publishes it: {reply}");
    }

    /// `PUT /_sandbox/faults`: a fault profile for every API request from now on.
    pub fn set_fault_profile(&self, profile: Value) {
        let (status, reply) = self.send(reqwest::Method::PUT, "/_sandbox/faults", Some(profile));
        assert!(
            (200..300).contains(&status),
            "the sandbox takes the profile: {reply}"
        );
    }

    /// `POST /_sandbox/faults`: a fault of `kind` on the next request under `path_prefix`.
    pub fn arm(&self, path_prefix: &str, kind: &str) {
        let fault = serde_json::json!({"path_prefix": path_prefix, "kind": kind, "times": 1});
        let (status, reply) = self.send(reqwest::Method::POST, "/_sandbox/faults", Some(fault));
        assert_eq!(status, 201, "the sandbox takes the fault: {reply}");
    }

    pub fn clear_faults(&self) {
        let (status, _) = self.send(reqwest::Method::DELETE, "/_sandbox/faults", None);
        assert_eq!(status, 204);
    }

    /// The whole change feed, from its beginning.
    pub fn feed(&self) -> Vec<Value> {
        let mut changes = Vec::new();
        let mut path = "/changes".to_owned();
        loop {
            let page = self.get_json(&path);
            let list = page["changes"].as_array().expect("a list of changes");
            if list.is_empty() {
                return changes;
            }
            changes.extend(list.iter().cloned());
            path = format!("/changes?cursor={}", page["next_cursor"].as_str().unwrap());
        }
    }

    /// How many `submitted` changes the feed holds for a version on `track`.
    pub fn submissions(&self, version_id: &str, track: &str) -> usize {
        self.feed()
            .iter()
            .filter(|c| {
                c["kind"] == "submitted" && c["resource"]["id"] == version_id && c["track"] == track
            })
            .count()
    }

    /// Stops serving: the port refuses connections from now on.
    pub fn stop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }
}

/// The value of `section.key` (or `section.key.sub`) of a version as served.
pub fn field(version: &Value, path: &str) -> Value {
    path.split('.')
        .fold(version, |value, key| &value[key])
        .clone()
}

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("pwb printed JSON ({e}): {}", self.stdout))
    }
}

pub fn run(command: &mut Command) -> Ran {
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

/// Runs `pwb` and checks it exits with `code`.
pub fn expect(server: &Server, data_dir: &Path, args: &[&str], code: i32) -> Ran {
    let ran = run(server.pwb(data_dir).args(args));
    assert_eq!(
        ran.code, code,
        "pwb {args:?} exits {code}\nstdout: {}\nstderr: {}",
        ran.stdout, ran.stderr
    );
    ran
}

/// `pwb edit --set FIELD=VALUE` of one version, which must be saved.
pub fn edit(server: &Server, data_dir: &Path, (app, version): (&str, &str), set: &str) {
    expect(
        server,
        data_dir,
        &["edit", "--app", app, "--version", version, "--set", set],
        SUCCESS,
    );
}

/// The outbox as `pwb outbox --json` prints it: (entries, open conflicts).
pub fn outbox(server: &Server, data_dir: &Path) -> (Vec<Value>, u64) {
    let printed = expect(server, data_dir, &["outbox", "--json"], SUCCESS).json();
    (
        printed["entries"].as_array().expect("entries").clone(),
        printed["conflicts"].as_u64().expect("a count of conflicts"),
    )
}

/// The cache file `pwb` keeps for a server given by URL (`servers/HOST-HASH/cache.sqlite3`).
pub fn cache_file(data_dir: &Path) -> PathBuf {
    let servers = data_dir.join("servers");
    let folder = std::fs::read_dir(&servers)
        .unwrap_or_else(|e| panic!("{} lists: {e}", servers.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .find(|path| path.join("cache.sqlite3").exists())
        .expect("a server folder with a cache");
    folder.join("cache.sqlite3")
}

/// The cache's files, byte for byte (the database and its write-ahead log).
pub fn cache_bytes(data: &Path) -> Vec<(String, Vec<u8>)> {
    let cache = cache_file(data);
    let folder = cache.parent().expect("the cache's folder").to_owned();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .expect("the folder lists")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("cache.sqlite3"))
        })
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a cache file reads");
            (path.display().to_string(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// A server and a data folder whose cache a first `pwb sync` filled.
pub fn synced() -> (Server, tempfile::TempDir) {
    let server = Server::start();
    let data = tempfile::tempdir().expect("a data folder");
    expect(&server, data.path(), &["sync"], SUCCESS);
    (server, data)
}

/// SplitMix64: the test's own random numbers, reproducible from the printed seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The seed of a randomized test: `PWB_TEST_SEED` to replay one, else from the clock. Print it.
pub fn test_seed() -> u64 {
    std::env::var("PWB_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}
