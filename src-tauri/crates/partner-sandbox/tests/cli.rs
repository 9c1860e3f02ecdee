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
