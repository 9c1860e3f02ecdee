//! The `partner-sandbox` binary: its first stdout line, its options and its failures.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_partner-sandbox");

#[test]
fn prints_the_address_first_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "--data",
            dir.path().to_str().unwrap(),
            "--seed",
            "empty",
            "--page-size",
            "5",
            "--review",
            "manual",
            "--review-delay",
            "0.5",
            "--access-token-ttl",
            "120",
            "--device-code-ttl",
            "60",
            "--device-interval",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body: serde_json::Value = runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let unauthenticated = client.get(format!("{base}/apps")).send().await.unwrap();
        assert_eq!(unauthenticated.status(), 401);
        let tokens: serde_json::Value = client
            .post(format!("{base}/_sandbox/tokens"))
            .json(&serde_json::json!({"scopes": ["apps:read"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(tokens["expires_in"], 120, "--access-token-ttl is honoured");
        client
            .get(format!("{base}/apps"))
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(body["total"], 0);
    assert_eq!(body["per_page"], 5);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a graceful stop exits 0, not {status}");
}

#[test]
fn bad_arguments_and_data_dirs_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for args in [
        vec!["--data", data, "--seed", "lots"],
        vec!["--data", data, "--page-size", "0"],
        vec!["--data", data, "--access-token-ttl", "0"],
        vec!["--data", data, "--device-code-ttl", "soon"],
        vec!["--data", data, "--listen", "nowhere"],
        vec!["--data", data, "--review", "sometimes"],
        vec!["--data", data, "--review-delay", "-1"],
        vec!["--data", data, "--review-delay", "soon"],
        vec!["--seed", "demo"],
    ] {
        let output = Command::new(BIN).args(&args).output().unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let output = Command::new(BIN)
        .args(["--data", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot use data directory"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_non_loopback_listen_is_refused_without_public() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for listen in ["0.0.0.0:0", "[::]:0"] {
        let mut child = Command::new(BIN)
            .args(["--data", data.to_str().unwrap(), "--listen", listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A sandbox that took the address would serve until killed: give it a few seconds.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the sandbox serves on {listen} instead of refusing it");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{listen}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--public"), "{listen}: {stderr}");
        assert!(stderr.contains("not a loopback address"), "{stderr}");
        assert!(output.stdout.is_empty(), "it never says it listens");
    }
    assert!(!data.exists(), "nothing is made before the refusal");
}

/// A `--public` sandbox on every interface, read through its first stdout line.
struct Public {
    child: std::process::Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Public {
    fn start() -> Public {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args([
                "--data",
                dir.path().to_str().unwrap(),
                "--listen",
                "0.0.0.0:0",
            ])
            .args(["--public", "--device-interval", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{line:?}"))
            .to_owned();
        Public {
            child,
            base,
            _dir: dir,
        }
    }
}

impl Drop for Public {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_public_sandbox_has_no_admin_routes_and_asks_for_the_demo_partner_sign_in() {
    let sandbox = Public::start();
    let base = &sandbox.base;
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let json = serde_json::json!({"path_prefix": "/apps", "kind": "server_error", "times": 1});
        for (method, path) in [
            (reqwest::Method::GET, "/_sandbox/faults"),
            (reqwest::Method::POST, "/_sandbox/faults"),
            (reqwest::Method::POST, "/_sandbox/tokens"),
            (reqwest::Method::PUT, "/_sandbox/rules"),
            (
                reqwest::Method::POST,
                "/_sandbox/device-codes/ABCD-EFGH/approve",
            ),
        ] {
            let response = http
                .request(method.clone(), format!("{base}{path}"))
                .json(&json)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 404, "{method} {path}");
            let error: serde_json::Value = response.json().await.unwrap();
            assert!(
                error["description"].as_str().unwrap().contains("--public"),
                "{error}"
            );
        }
        // Still only requests addressed to it: any IP literal of the machine, never a name.
        let port = base.rsplit(':').next().unwrap();
        let misdirected = http
            .get(format!("{base}/device"))
            .header(reqwest::header::HOST, format!("rebound.example:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(misdirected.status(), 421);

        // The device flow: the page asks for a sign-in, and decides nothing without it.
        let codes: serde_json::Value = http
            .post(format!("{base}/oauth/device_authorization"))
            .form(&[("client_id", "partner-workbench")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let user_code = codes["user_code"].as_str().unwrap();
        let device_code = codes["device_code"].as_str().unwrap();
        let poll = || async {
            let reply: serde_json::Value = http
                .post(format!("{base}/oauth/token"))
                .form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", "partner-workbench"),
                    ("device_code", device_code),
                ])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            reply
        };
        let page = http
            .get(codes["verification_uri_complete"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("name=\"login\"") && page.contains("name=\"password\""),
            "{page}"
        );
        assert!(
            !page.contains(partner_sandbox::DEMO_PARTNER_PASSWORD),
            "the page does not give the password away"
        );
        let login = partner_sandbox::DEMO_PARTNER_LOGIN;
        for (decision, signed_in) in [
            ("approve", None),
            ("approve", Some((login, "guess"))),
            (
                "approve",
                Some((
                    "someone@else.example",
                    partner_sandbox::DEMO_PARTNER_PASSWORD,
                )),
            ),
            ("deny", None),
        ] {
            let mut form = vec![("user_code", user_code), ("decision", decision)];
            if let Some((login, password)) = signed_in {
                form.extend([("login", login), ("password", password)]);
            }
            let html = http
                .post(format!("{base}/device"))
                .form(&form)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains("Sign in as the demo partner"), "{html}");
            assert!(!html.contains("Device approved"), "{html}");
            assert_eq!(
                poll().await["error"],
                "authorization_pending",
                "{decision} with {signed_in:?} decided nothing"
            );
        }
        let html = http
            .post(format!("{base}/device"))
            .form(&[
                ("user_code", user_code),
                ("decision", "approve"),
                ("login", login),
                ("password", partner_sandbox::DEMO_PARTNER_PASSWORD),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Device approved"), "{html}");
        let tokens = poll().await;
        let token = tokens["access_token"]
            .as_str()
            .expect("tokens once approved");
        let apps = http
            .get(format!("{base}/apps"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(apps.status(), 200);
    });
}
