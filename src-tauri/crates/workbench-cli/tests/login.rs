//! `pwb login`, `whoami`, `sync` and `logout` as a person would use them, the real binary
//! against a real sandbox on 127.0.0.1, the tokens in the real Secret Service (`./dev test`
//! runs this inside a private D-Bus session with an unlocked GNOME Keyring). The sandbox's side
//! of the device flow (the person approving or denying in a browser) is its admin route.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use partner_sandbox::{Config, Sandbox};
use serde_json::Value;

const PWB: &str = env!("CARGO_BIN_EXE_pwb");
const SUCCESS: i32 = 0;
const NOT_SIGNED_IN: i32 = 7;
const SIGN_IN_FAILED: i32 = 8;

struct Server {
    runtime: tokio::runtime::Runtime,
    _sandbox: Sandbox,
    url: String,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A demo sandbox whose device codes may be polled every second, so a login takes seconds.
    fn start() -> Server {
        Server::with_device_flow(true)
    }

    fn with_device_flow(device_flow: bool) -> Server {
        Server::with(device_flow, None)
    }

    /// `with_device_flow(true)`, its access tokens expiring after `ttl`.
    fn with_access_token_ttl(ttl: Duration) -> Server {
        Server::with(true, Some(ttl))
    }

    fn with(device_flow: bool, access_token_ttl: Option<Duration>) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let dir = tempfile::tempdir().expect("a folder for the sandbox");
        let mut config = Config::new(dir.path());
        config.oauth.device_interval = Duration::from_secs(1);
        config.oauth.device_flow = device_flow;
        if let Some(ttl) = access_token_ttl {
            config.oauth.access_token_ttl = ttl;
        }
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let sandbox = runtime
            .block_on(Sandbox::start(config, listen))
            .expect("the sandbox starts");
        let url = sandbox.base_url();
        Server {
            runtime,
            _sandbox: sandbox,
            url,
            _dir: dir,
        }
    }

    /// The person's decision on the verification page.
    fn decide(&self, user_code: &str, decision: &str) {
        let status = self.runtime.block_on(async {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap()
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

    fn pwb(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(PWB);
        command
            .env("PWB_DATA_DIR", data_dir)
            .env("PWB_SERVER", &self.url)
            .env_remove("PWB_TOKEN");
        command
    }

    /// Runs `pwb login --json`, reads the code from its first line, lets the person decide,
    /// and answers pwb's exit code and its remaining output.
    fn login(&self, data_dir: &Path, decision: &str) -> (i32, String, String) {
        self.login_with(data_dir, decision, &[])
    }

    /// `login` with more arguments for `pwb login` (`--file-store`).
    fn login_with(&self, data_dir: &Path, decision: &str, args: &[&str]) -> (i32, String, String) {
        let (child, code) = self.start_login_with(data_dir, args);
        let user_code = code["user_code"].as_str().expect("a user code").to_owned();
        assert!(
            code["verification_uri"]
                .as_str()
                .is_some_and(|uri| uri.starts_with(&self.url)),
            "{code}"
        );
        assert!(
            code["verification_uri_complete"]
                .as_str()
                .is_some_and(|uri| uri.contains(&user_code)),
            "{code}"
        );
        self.decide(&user_code, decision);
        let output = child.wait_with_output().expect("pwb ends");
        (
            output.status.code().expect("an exit code"),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Starts `pwb login --json` and reads its first line: what to show the person (the code
    /// and page, or the browser page). The rest of stdout stays in the child for its result.
    fn start_login(&self, data_dir: &Path) -> (Child, Value) {
        self.start_login_with(data_dir, &[])
    }

    fn start_login_with(&self, data_dir: &Path, args: &[&str]) -> (Child, Value) {
        let mut child = self
            .pwb(data_dir)
            .args(["login", "--json"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pwb starts");
        let mut first = Vec::new();
        // Byte by byte, so nothing after the first line is taken from the child's stdout.
        let stdout = child.stdout.as_mut().unwrap();
        let mut byte = [0u8; 1];
        while std::io::Read::read(stdout, &mut byte).expect("pwb prints a line") == 1 {
            if byte[0] == b'\n' {
                break;
            }
            first.push(byte[0]);
        }
        let first = serde_json::from_slice(&first).expect("the first line is JSON");
        (child, first)
    }
}

/// What a browser does on the sandbox's authorization page: the person chooses `decision`, the
/// page redirects to the loopback address pwb listens on, and the browser follows.
fn browse_and_decide(authorize_url: &str, decision: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let browser = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = browser.get(authorize_url).send().await.unwrap();
        assert_eq!(page.status(), 200, "the authorization page shows");
        let url = reqwest::Url::parse(authorize_url).unwrap();
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("decision".into(), decision.into()));
        let mut action = url.clone();
        action.set_query(None);
        let chosen = browser.post(action).form(&form).send().await.unwrap();
        assert!(chosen.status().is_redirection(), "{}", chosen.status());
        let back = chosen.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            back.starts_with("http://127.0.0.1:"),
            "back to loopback: {back}"
        );
        browser
            .get(&back)
            .send()
            .await
            .expect("pwb answers the browser")
            .text()
            .await
            .unwrap()
    })
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("pwb runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn login_sync_whoami_and_logout_with_the_tokens_in_the_keyring() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let (code, _, stderr) = run(server.pwb(data.path()).args(["whoami"]));
    assert_eq!(code, NOT_SIGNED_IN, "not signed in yet: {stderr}");
    let (code, _, stderr) = run(server.pwb(data.path()).args(["sync"]));
    assert_eq!(code, NOT_SIGNED_IN, "the server wants a token: {stderr}");

    let (code, out, stderr) = server.login(data.path(), "approve");
    assert_eq!(code, SUCCESS, "{out}\n{stderr}");
    let result: Value = serde_json::from_str(&out).expect("the result is JSON");
    assert_eq!(result["signed_in"], true, "{result}");
    assert_eq!(result["token_kept_in"], "secret_service", "{result}");

    let (code, out, _) = run(server.pwb(data.path()).args(["whoami", "--json"]));
    assert_eq!(code, SUCCESS);
    let who: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(who["signed_in"], true, "{who}");
    assert_eq!(who["access"], "account", "{who}");

    let (code, out, stderr) = run(server.pwb(data.path()).args(["sync"]));
    assert_eq!(
        code, SUCCESS,
        "a sync with the account's token: {out}{stderr}"
    );

    let (code, out, stderr) = run(server.pwb(data.path()).args(["logout", "--json"]));
    assert_eq!(code, SUCCESS, "{stderr}");
    let out: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(out["revoked"], true, "{out}");
    let (code, _, _) = run(server.pwb(data.path()).args(["whoami"]));
    assert_eq!(code, NOT_SIGNED_IN, "signed out");
    let (code, out, _) = run(server
        .pwb(data.path())
        .args(["apps", "--offline", "--json"]));
    assert_eq!(code, SUCCESS);
    let apps: Value = serde_json::from_str(&out).unwrap();
    assert!(
        apps["apps"].as_array().is_some_and(|apps| !apps.is_empty()),
        "the cache is kept after signing out: {apps}"
    );
}

#[test]
fn a_denied_login_exits_8_and_says_to_start_again() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let (code, _, stderr) = server.login(data.path(), "deny");

    assert_eq!(code, SIGN_IN_FAILED, "{stderr}");
    assert!(stderr.contains("denied"), "{stderr}");
    assert!(stderr.contains("start again"), "{stderr}");
    let (code, _, _) = run(server.pwb(data.path()).args(["whoami"]));
    assert_eq!(code, NOT_SIGNED_IN);
}

#[test]
fn without_a_device_flow_login_goes_through_the_browser_with_pkce() {
    let server = Server::with_device_flow(false);
    let data = tempfile::tempdir().unwrap();
    let (child, first) = server.start_login(data.path());
    let authorize_url = first["authorize_url"]
        .as_str()
        .expect("an authorization URL");
    assert!(
        authorize_url.contains("code_challenge_method=S256"),
        "{authorize_url}"
    );

    let page = browse_and_decide(authorize_url, "approve");
    assert!(page.contains("Signed in"), "{page}");
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(SUCCESS),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (code, out, _) = run(server.pwb(data.path()).args(["whoami", "--json"]));
    assert_eq!(code, SUCCESS);
    let who: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(who["signed_in"], true, "{who}");
    let (code, _, stderr) = run(server.pwb(data.path()).args(["sync"]));
    assert_eq!(code, SUCCESS, "{stderr}");
    let (code, _, _) = run(server.pwb(data.path()).args(["logout"]));
    assert_eq!(code, SUCCESS);
}

#[test]
fn a_login_denied_in_the_browser_exits_8() {
    let server = Server::with_device_flow(false);
    let data = tempfile::tempdir().unwrap();
    let (child, first) = server.start_login(data.path());

    let page = browse_and_decide(first["authorize_url"].as_str().unwrap(), "deny");
    assert!(page.contains("not completed"), "{page}");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(SIGN_IN_FAILED));
    assert!(String::from_utf8_lossy(&output.stderr).contains("denied"));
}

/// Several `pwb sync` at once, round after round, on one sign-in whose access token is always
/// near its expiry (its lifetime is shorter than the refresh margin), so every run refreshes,
/// and the server treats a second use of a rotated refresh token as theft and ends the sign-in.
/// With the account lock, one program refreshes at a time and the others take its tokens:
/// every run succeeds and the partner stays signed in.
fn programs_sync_at_once_through_expiries(programs: usize, login_args: &[&str], vault: &str) {
    const ROUNDS: usize = 4;
    let server = Server::with_access_token_ttl(Duration::from_secs(2));
    let data = tempfile::tempdir().unwrap();
    let (code, out, stderr) = server.login_with(data.path(), "approve", login_args);
    assert_eq!(code, SUCCESS, "{out}\n{stderr}");
    let result: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(result["token_kept_in"], vault, "{result}");

    for round in 0..ROUNDS {
        let children: Vec<Child> = (0..programs)
            .map(|_| {
                server
                    .pwb(data.path())
                    .args(["sync", "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("pwb starts")
            })
            .collect();
        for (n, child) in children.into_iter().enumerate() {
            let output = child.wait_with_output().expect("pwb ends");
            assert_eq!(
                output.status.code(),
                Some(SUCCESS),
                "round {round}, program {n} of {programs}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let (code, out, _) = run(server.pwb(data.path()).args(["whoami", "--json"]));
        assert_eq!(code, SUCCESS, "round {round}: {out}");
        let who: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            who["signed_in"], true,
            "round {round}: still signed in: {who}"
        );
        // Past the access token's lifetime too, so a run also meets an expired token.
        std::thread::sleep(Duration::from_millis(2100));
    }
}

#[test]
fn two_programs_syncing_at_once_stay_signed_in_with_the_keyring() {
    programs_sync_at_once_through_expiries(2, &[], "secret_service");
}

#[test]
fn four_programs_syncing_at_once_stay_signed_in_with_the_keyring() {
    programs_sync_at_once_through_expiries(4, &[], "secret_service");
}

#[test]
fn two_programs_syncing_at_once_stay_signed_in_with_the_file_store() {
    programs_sync_at_once_through_expiries(2, &["--file-store"], "file");
}

#[test]
fn four_programs_syncing_at_once_stay_signed_in_with_the_file_store() {
    programs_sync_at_once_through_expiries(4, &["--file-store"], "file");
}
