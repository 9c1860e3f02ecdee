//! Profiles as a person uses them: the real `pwb` binary, real sandboxes on 127.0.0.1, a real
//! data root, and (for signing in) the real Secret Service, which `./dev test` runs inside a
//! private D-Bus session with an unlocked GNOME Keyring.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use partner_sandbox::{Config, Sandbox};
use serde_json::{Value, json};

const PWB: &str = env!("CARGO_BIN_EXE_pwb");
// The exit codes of `src/exit.rs`, as docs/guide.md lists them.
const SUCCESS: i32 = 0;
const USAGE: i32 = 2;
const CACHE: i32 = 3;
const NOT_FOUND: i32 = 6;

/// A demo sandbox whose device codes may be polled every second, so a login takes seconds.
struct Server {
    runtime: tokio::runtime::Runtime,
    _sandbox: Sandbox,
    url: String,
    http: reqwest::Client,
    /// A token of every scope from the admin route, for `PWB_TOKEN` and for changing its data.
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
        let mut config = Config::new(dir.path());
        config.oauth.device_interval = Duration::from_secs(1);
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let sandbox = runtime
            .block_on(Sandbox::start(config, listen))
            .expect("the sandbox starts");
        let url = sandbox.base_url();
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let token = runtime.block_on(async {
            let reply: Value = http
                .post(format!("{url}/_sandbox/tokens"))
                .json(&json!({}))
                .send()
                .await
                .expect("the token admin route answers")
                .json()
                .await
                .expect("a token reply");
            reply["access_token"].as_str().expect("a token").to_owned()
        });
        Server {
            runtime,
            _sandbox: sandbox,
            url,
            http,
            token,
            _dir: dir,
        }
    }

    /// Renames the first app this server serves, so its apps differ from another sandbox's.
    fn rename_first_app(&self, display_name: &str) {
        self.runtime.block_on(async {
            let page: Value = self
                .http
                .get(format!("{}{}", self.url, partner_api::paths::APPS))
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("the apps route answers")
                .json()
                .await
                .expect("a page of apps");
            let id = page["_embedded"]["apps"][0]["id"]
                .as_str()
                .expect("an app")
                .to_owned();
            let status = self
                .http
                .patch(format!("{}{}", self.url, partner_api::paths::app(&id)))
                .bearer_auth(&self.token)
                .header("if-match", "*")
                .json(&json!({"display_name": display_name}))
                .send()
                .await
                .expect("the app route answers")
                .status();
            assert!(status.is_success(), "the rename is accepted: {status}");
        });
    }

    /// The person's decision on the verification page.
    fn decide(&self, user_code: &str, decision: &str) {
        let status = self.runtime.block_on(async {
            self.http
                .post(format!(
                    "{}/_sandbox/device-codes/{user_code}/{decision}",
                    self.url
                ))
                .send()
                .await
                .expect("the admin route answers")
                .status()
        });
        assert_eq!(status, 204, "the sandbox takes the decision");
    }

    /// `pwb login --json` with `args` before it, approved on this server; its exit code.
    fn login(&self, mut command: Command) -> i32 {
        let mut child = command
            .args(["login", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pwb starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).expect("pwb prints the code");
        let code: Value = serde_json::from_str(&first)
            .unwrap_or_else(|e| panic!("the first line is JSON ({e}): {first:?}"));
        assert!(
            code["verification_uri"]
                .as_str()
                .is_some_and(|uri| uri.starts_with(&self.url)),
            "the sign-in goes to this server: {code}"
        );
        self.decide(code["user_code"].as_str().expect("a user code"), "approve");
        let output = child.wait_with_output().expect("pwb ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        output.status.code().expect("an exit code")
    }
}

/// `pwb` with its data root in `data_dir` and nothing chosen from the environment.
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
    let output = command.output().expect("pwb runs");
    let ran = Ran {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    ran
}

fn ok_json(command: &mut Command) -> Value {
    let ran = run(command);
    assert_eq!(ran.code, SUCCESS, "{}\n{}", ran.stdout, ran.stderr);
    serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {}", ran.stdout))
}

/// `pwb profile list --json`, by name.
fn listed(data: &Path) -> serde_json::Map<String, Value> {
    ok_json(pwb(data).args(["profile", "list", "--json"]))["profiles"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p.clone()))
        .collect()
}

fn app_names(apps: &Value) -> Vec<String> {
    apps["apps"]
        .as_array()
        .expect("an apps list")
        .iter()
        .map(|a| a["display_name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn two_profiles_signed_in_at_once_each_with_its_own_cache_and_a_switch() {
    let alpha = Server::start();
    let beta = Server::start();
    beta.rename_first_app("Only On Beta");
    let data = tempfile::tempdir().unwrap();
    let root = data.path();
    for (name, server) in [("alpha", &alpha), ("beta", &beta)] {
        let ran = run(pwb(root).args(["profile", "add", name, "--url", &server.url]));
        assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    }

    // One signed in through --profile, the other as the active profile.
    let mut command = pwb(root);
    command.args(["--profile", "alpha"]);
    assert_eq!(alpha.login(command), SUCCESS);
    assert_eq!(
        run(pwb(root).args(["profile", "use", "beta"])).code,
        SUCCESS
    );
    assert_eq!(beta.login(pwb(root)), SUCCESS);

    let profiles = listed(root);
    assert_eq!(profiles["alpha"]["signed_in"], true, "{profiles:?}");
    assert_eq!(
        profiles["beta"]["signed_in"], true,
        "both at once: {profiles:?}"
    );
    assert_eq!(profiles["sandbox"]["signed_in"], false);
    assert_eq!(profiles["beta"]["active"], true);
    assert_eq!(profiles["alpha"]["active"], false);
    assert_eq!(profiles["alpha"]["server"], alpha.url.as_str());

    // Each syncs with its own account into its own cache.
    let ran = run(pwb(root).args(["--profile", "alpha", "sync"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let ran = run(pwb(root).arg("sync"));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    for name in ["alpha", "beta"] {
        assert!(
            root.join("profiles")
                .join(name)
                .join("cache.sqlite3")
                .is_file(),
            "{name} has its own cache"
        );
    }

    // The active profile decides what the offline list shows.
    let on_beta = ok_json(pwb(root).args(["apps", "--offline", "--json"]));
    assert_eq!(on_beta["sync"]["server"], beta.url.as_str());
    assert!(app_names(&on_beta).contains(&"Only On Beta".to_owned()));
    assert_eq!(
        run(pwb(root).args(["profile", "use", "alpha"])).code,
        SUCCESS
    );
    let on_alpha = ok_json(pwb(root).args(["apps", "--offline", "--json"]));
    assert_eq!(on_alpha["sync"]["server"], alpha.url.as_str());
    assert!(
        !app_names(&on_alpha).contains(&"Only On Beta".to_owned()),
        "alpha's cache never holds beta's apps: {:?}",
        app_names(&on_alpha)
    );

    // --profile and PWB_PROFILE choose for one command; the active one stays.
    let once = ok_json(pwb(root).args(["--profile", "beta", "apps", "--offline", "--json"]));
    assert_eq!(once["sync"]["server"], beta.url.as_str());
    let who = ok_json(
        pwb(root)
            .env("PWB_PROFILE", "beta")
            .args(["whoami", "--json"]),
    );
    assert_eq!(who["profile"], "beta");
    assert_eq!(who["signed_in"], true);
    let who = ok_json(pwb(root).args(["whoami", "--json"]));
    assert_eq!(who["profile"], "alpha", "still the active one: {who}");
    assert_eq!(who["server"], alpha.url.as_str());
    let ran = run(pwb(root).arg("whoami"));
    assert!(ran.stdout.contains("profile: alpha"), "{}", ran.stdout);

    // A signed-in profile is not removed; signed out, it is, with its cache.
    let ran = run(pwb(root).args(["profile", "remove", "beta"]));
    assert_eq!(ran.code, USAGE, "{}", ran.stderr);
    assert!(ran.stderr.contains("sign out first"), "{}", ran.stderr);
    let ran = run(pwb(root).args(["--profile", "beta", "logout"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let profiles = listed(root);
    assert_eq!(profiles["beta"]["signed_in"], false);
    assert_eq!(
        profiles["alpha"]["signed_in"], true,
        "alpha is still signed in"
    );
    let ran = run(pwb(root).args(["profile", "remove", "beta"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    assert!(
        !listed(root).contains_key("beta"),
        "a removed profile is gone"
    );
    assert!(!root.join("profiles/beta").exists(), "and so is its cache");
    let ran = run(pwb(root).args(["--profile", "beta", "apps", "--offline"]));
    assert_eq!(ran.code, NOT_FOUND, "{}", ran.stderr);
    assert!(ran.stderr.contains("no profile named"), "{}", ran.stderr);

    let ran = run(pwb(root).arg("logout"));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
}

#[test]
fn a_server_url_is_the_profile_that_has_it_or_a_cache_of_its_own() {
    let server = Server::start();
    let other = Server::start();
    let data = tempfile::tempdir().unwrap();
    let root = data.path();
    assert_eq!(
        run(pwb(root).args(["profile", "add", "local", "--url", &server.url])).code,
        SUCCESS
    );

    // PWB_TOKEN lets CI in on any profile but the embedded sandbox.
    let ran = run(pwb(root).env("PWB_TOKEN", &server.token).args([
        "--server",
        &format!("{}/", server.url),
        "sync",
    ]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let local = ok_json(pwb(root).args(["--profile", "local", "apps", "--offline", "--json"]));
    assert_eq!(
        local["sync"]["server"],
        server.url.as_str(),
        "--server with the URL of profile local filled local's cache"
    );

    let ran = run(pwb(root)
        .env("PWB_TOKEN", &other.token)
        .env("PWB_SERVER", &other.url)
        .arg("sync"));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let who = ok_json(
        pwb(root)
            .env("PWB_TOKEN", &other.token)
            .env("PWB_SERVER", &other.url)
            .args(["whoami", "--json"]),
    );
    assert_eq!(who["access"], "environment");
    assert_eq!(who["profile"], other.url.as_str());
    let folder = Path::new(who["data_dir"].as_str().unwrap());
    assert!(
        folder.starts_with(root.join("servers")) && folder.join("cache.sqlite3").is_file(),
        "a server no profile has gets a folder of its own: {folder:?}"
    );
    let sandbox = ok_json(pwb(root).args(["apps", "--offline", "--json"]));
    assert!(
        sandbox["apps"].as_array().unwrap().is_empty(),
        "the sandbox profile's cache holds nothing of either server: {sandbox}"
    );
    assert!(
        !listed(root).contains_key(&other.url),
        "a server given by URL alone is not added to the profiles"
    );

    let ran = run(pwb(root).args(["--profile", "local", "--server", &server.url, "apps"]));
    assert_eq!(ran.code, USAGE, "both at once is refused: {}", ran.stderr);
    assert!(ran.stderr.contains("give one"), "{}", ran.stderr);
}

#[test]
fn profile_list_shows_the_built_in_profiles_and_marks_the_active_one() {
    let data = tempfile::tempdir().unwrap();

    let ran = run(pwb(data.path()).args(["profile", "list"]));

    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert!(
        lines[0].contains("NAME") && lines[0].contains("SIGNED IN"),
        "{}",
        ran.stdout
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|line| line.split_whitespace().any(|cell| cell == name))
            .unwrap_or_else(|| panic!("{name} is listed:\n{}", ran.stdout))
            .to_string()
    };
    assert!(row("sandbox").starts_with('*'), "{}", ran.stdout);
    assert!(row("sandbox").contains("the embedded sandbox"));
    for (name, url) in [
        ("us", "https://api.talkdeskapp.com"),
        ("eu", "https://api.talkdeskapp.eu"),
        ("ca", "https://api.talkdeskappca.com"),
        ("au", "https://api.talkdeskapp.com.au"),
    ] {
        assert!(row(name).contains(url), "{}", ran.stdout);
        assert!(!row(name).starts_with('*'));
    }
    let json = ok_json(pwb(data.path()).args(["profile", "list", "--json"]));
    assert_eq!(json["active"], "sandbox");
    assert_eq!(
        json["profiles"][0],
        json!({
            "name": "sandbox",
            "kind": "sandbox",
            "server": "the embedded sandbox",
            "url": null,
            "issuer": null,
            "client_id": "partner-workbench",
            "scopes": null,
            "data_dir": data.path().join("profiles/sandbox"),
            "active": true,
            "signed_in": false,
            "access": "demo",
            "problem": null,
        })
    );
    assert!(
        !data.path().join("settings.json").exists(),
        "listing writes no settings"
    );
}

#[test]
fn refusals_exit_with_the_documented_codes_and_change_nothing() {
    let data = tempfile::tempdir().unwrap();
    let root = data.path();
    let settings = root.join("settings.json");
    assert_eq!(
        run(pwb(root).args([
            "profile",
            "add",
            "staging",
            "--url",
            "https://staging.example.com"
        ]))
        .code,
        SUCCESS
    );
    assert_eq!(
        run(pwb(root).args(["profile", "use", "staging"])).code,
        SUCCESS
    );
    let before = std::fs::read(&settings).unwrap();

    for (args, code, says) in [
        (
            vec![
                "profile",
                "add",
                "staging",
                "--url",
                "https://x.example.com",
            ],
            USAGE,
            "exists already",
        ),
        (
            vec!["profile", "add", "us", "--url", "https://x.example.com"],
            USAGE,
            "built-in",
        ),
        (
            vec![
                "profile",
                "add",
                "Bad Name",
                "--url",
                "https://x.example.com",
            ],
            USAGE,
            "lowercase letters",
        ),
        (
            vec!["profile", "add", "plain", "--url", "http://x.example.com"],
            USAGE,
            "https://",
        ),
        (
            vec!["profile", "add", "junk", "--url", "not a url"],
            USAGE,
            "not a server URL",
        ),
        (vec!["profile", "remove", "sandbox"], USAGE, "built-in"),
        (vec!["profile", "remove", "eu"], USAGE, "built-in"),
        (
            vec!["profile", "remove", "staging"],
            USAGE,
            "active profile",
        ),
        (
            vec!["profile", "remove", "nope"],
            NOT_FOUND,
            "no profile named",
        ),
        (
            vec!["profile", "use", "nope"],
            NOT_FOUND,
            "pwb profile list",
        ),
        (
            vec!["--profile", "nope", "apps", "--offline"],
            NOT_FOUND,
            "no profile named",
        ),
        (
            vec![
                "--profile",
                "eu",
                "--server",
                "https://x.example.com",
                "whoami",
            ],
            USAGE,
            "give one",
        ),
        (
            vec!["--server", "http://x.example.com", "sync"],
            USAGE,
            "https://",
        ),
    ] {
        let ran = run(pwb(root).args(&args));

        assert_eq!(ran.code, code, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(says), "{args:?}: {}", ran.stderr);
        assert_eq!(
            std::fs::read(&settings).unwrap(),
            before,
            "{args:?}: the settings are unchanged"
        );
    }

    // A damaged settings file: exit 3, naming the file, which is left as it is.
    let damaged = b"{\"active_profile\": \"staging\", oops".to_vec();
    std::fs::write(&settings, &damaged).unwrap();
    for args in [
        vec!["profile", "list"],
        vec!["profile", "use", "eu"],
        vec!["profile", "add", "other", "--url", "https://o.example.com"],
        vec!["apps", "--offline"],
    ] {
        let ran = run(pwb(root).args(&args));
        assert_eq!(ran.code, CACHE, "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("settings.json") && ran.stderr.contains("left as it is"),
            "{args:?}: {}",
            ran.stderr
        );
        assert_eq!(std::fs::read(&settings).unwrap(), damaged, "{args:?}");
    }
}

/// `pwb` with the platform's folders (no `PWB_DATA_DIR`): the XDG base directories under `home`.
fn pwb_xdg(home: &Path) -> Command {
    let mut command = Command::new(PWB);
    command
        .env_remove("PWB_DATA_DIR")
        .env_remove("PWB_SERVER")
        .env_remove("PWB_PROFILE")
        .env_remove("PWB_TOKEN")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"));
    command
}

#[test]
fn settings_left_in_the_data_folder_move_to_the_config_folder_once_and_doctor_says_where() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    // Debug builds keep their folders apart from a partner's real ones.
    let name = if cfg!(debug_assertions) {
        "partner-workbench-debug"
    } else {
        "partner-workbench"
    };
    let data = home.path().join("data").join(name);
    let config = home.path().join("config").join(name);
    std::fs::create_dir_all(&data).unwrap();
    // Settings as an earlier build wrote them, by hand here: a profile and a field this build
    // does not know, spaced its own way. The move keeps every byte.
    let old = format!(
        "{{\n    \"active_profile\": \"local\",\n    \"custom_profiles\": {{ \"local\": {{ \"url\": \"{}\" }} }},\n    \"from_the_future\": [1, 2, 3]\n}}\n",
        server.url
    );
    std::fs::write(data.join("settings.json"), &old).unwrap();

    let report = ok_json(pwb_xdg(home.path()).args(["doctor", "--json"]));
    assert_eq!(
        std::fs::read_to_string(config.join("settings.json")).unwrap(),
        old,
        "moved byte for byte"
    );
    assert!(
        !data.join("settings.json").exists(),
        "and only once: the old file is gone"
    );
    assert_eq!(
        report["profile"], "local",
        "the moved settings are the ones in use"
    );
    assert_eq!(report["settings_file"], json!(config.join("settings.json")));
    assert_eq!(
        report["data_folder"],
        json!(data.join("profiles").join("local"))
    );
    assert_eq!(
        report["log_folder"],
        json!(home.path().join("state").join(name).join("logs"))
    );
    assert!(
        report["cache_schema_version"].as_u64().unwrap() > 0,
        "{report}"
    );
    assert_eq!(report["server_reachable"]["ok"], true, "{report}");
    // The keyring and the notification server are probed for real; whatever this machine has,
    // each is either found or a problem said in words.
    for part in ["keyring", "notification_server"] {
        let found = &report[part];
        assert!(
            found["found"].is_string() || found["problem"].as_str().is_some_and(|p| !p.is_empty()),
            "{part}: {found}"
        );
    }

    // A later run finds them in place, and a change lands in the config folder.
    let ran = run(pwb_xdg(home.path()).args(["profile", "use", "sandbox"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    assert!(!data.join("settings.json").exists());
    let now: Value =
        serde_json::from_str(&std::fs::read_to_string(config.join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(now["active_profile"], "sandbox");
    assert_eq!(
        now["from_the_future"],
        json!([1, 2, 3]),
        "unknown fields kept"
    );

    // A server that does not answer is reported, not fatal.
    let report =
        ok_json(pwb_xdg(home.path()).args(["--server", "http://127.0.0.1:9", "doctor", "--json"]));
    assert_eq!(report["server_reachable"]["ok"], false, "{report}");
}

/// An authorization server on another origin than the API, as Talkdesk's is: a listener of its
/// own that forwards the OAuth requests to the sandbox (whose tokens the API then takes), under
/// the issuer `http://127.0.0.1:PORT/tenant`. It publishes no RFC 8414 document, only OpenID
/// Connect's (`/tenant/.well-known/openid-configuration`), naming itself. It counts what it is
/// sent, and every request that carries a bearer token.
struct Issuer {
    url: String,
    requests: Arc<AtomicUsize>,
    bearers: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct IssuerState {
    origin: String,
    target: String,
    http: reqwest::Client,
    requests: Arc<AtomicUsize>,
    bearers: Arc<AtomicUsize>,
}

const TENANT: &str = "/tenant";

impl Issuer {
    fn start(server: &Server) -> Issuer {
        let listener = server
            .runtime
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .expect("a free loopback port for the issuer");
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let state = IssuerState {
            origin: origin.clone(),
            target: server.url.trim_end_matches('/').to_owned(),
            http: server.http.clone(),
            requests: Arc::default(),
            bearers: Arc::default(),
        };
        let issuer = Issuer {
            url: format!("{origin}{TENANT}"),
            requests: state.requests.clone(),
            bearers: state.bearers.clone(),
        };
        let app = axum::Router::new()
            .fallback(issuer_answer)
            .with_state(state);
        server.runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        issuer
    }
}

async fn issuer_answer(
    axum::extract::State(state): axum::extract::State<IssuerState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    state.requests.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let bearer = parts
        .headers
        .get(reqwest::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("bearer"));
    if bearer {
        state.bearers.fetch_add(1, Ordering::SeqCst);
    }
    let path = parts.uri.path().to_owned();
    if path == format!("{TENANT}/.well-known/openid-configuration") {
        let metadata: Value = state
            .http
            .get(format!(
                "{}{}",
                state.target,
                partner_api::oauth::paths::METADATA
            ))
            .send()
            .await
            .expect("the sandbox's metadata")
            .json()
            .await
            .expect("JSON metadata");
        let text = metadata
            .to_string()
            .replace(&state.target, &format!("{}{TENANT}", state.origin));
        return ([(reqwest::header::CONTENT_TYPE, "application/json")], text).into_response();
    }
    let Some(rest) = path.strip_prefix(TENANT) else {
        return reqwest::StatusCode::NOT_FOUND.into_response();
    };
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let body = axum::body::to_bytes(body, 1 << 20).await.expect("a body");
    let mut upstream = state
        .http
        .request(
            parts.method.clone(),
            format!("{}{rest}{query}", state.target),
        )
        .body(body);
    for (name, value) in &parts.headers {
        if name != reqwest::header::HOST {
            upstream = upstream.header(name, value);
        }
    }
    let reply = upstream.send().await.expect("the sandbox answers");
    let status = reply.status();
    let content_type = reply.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    let bytes = reply.bytes().await.expect("the reply reads");
    let mut response = (status, bytes).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(reqwest::header::CONTENT_TYPE, content_type);
    }
    response
}

#[test]
fn a_profile_whose_issuer_is_elsewhere_signs_in_there_and_its_token_goes_only_to_the_api() {
    let server = Server::start();
    let issuer = Issuer::start(&server);
    let data = tempfile::tempdir().unwrap();
    let root = data.path();

    let mut add = pwb(root);
    add.args([
        "profile",
        "add",
        "split",
        "--url",
        &server.url,
        "--issuer",
        &issuer.url,
        "--client-id",
        "partner-workbench",
        "--json",
    ]);
    for scope in partner_api::oauth::scopes::ALL {
        add.args(["--scope", scope]);
    }
    let added = ok_json(&mut add)["added"].clone();
    assert_eq!(added["issuer"], issuer.url.as_str(), "{added}");
    assert_eq!(added["client_id"], "partner-workbench");
    assert_eq!(
        added["scopes"],
        json!(partner_api::oauth::scopes::ALL),
        "{added}"
    );
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(
        settings["custom_profiles"]["split"]["issuer"],
        issuer.url.as_str()
    );

    // Signed in at the issuer (its OpenID Connect document, its device and token endpoints)...
    let mut login = pwb(root);
    login.args(["--profile", "split"]);
    assert_eq!(server.login(login), SUCCESS);
    let at_issuer = issuer.requests.load(Ordering::SeqCst);
    assert!(
        at_issuer >= 3,
        "discovery, the device code and the token went to the issuer: {at_issuer}"
    );
    // ...and the token works at the API, which is the only place it goes.
    let ran = run(pwb(root).args(["--profile", "split", "sync"]));
    assert_eq!(ran.code, SUCCESS, "{}", ran.stderr);
    let apps = ok_json(pwb(root).args(["--profile", "split", "apps", "--offline", "--json"]));
    assert!(!app_names(&apps).is_empty(), "{apps}");
    assert_eq!(
        issuer.bearers.load(Ordering::SeqCst),
        0,
        "no API token reached the issuer's origin"
    );

    // An issuer off this machine over plain HTTP, or a client id with a space, changes nothing.
    for (flag, value) in [
        ("--issuer", "http://id.example.com"),
        ("--client-id", "two words"),
    ] {
        let ran = run(pwb(root).args([
            "profile",
            "add",
            "other",
            "--url",
            "https://other.example.com",
            flag,
            value,
        ]));
        assert_eq!(ran.code, USAGE, "{flag} {value}: {}", ran.stderr);
    }
    assert!(!listed(root).contains_key("other"));
}
