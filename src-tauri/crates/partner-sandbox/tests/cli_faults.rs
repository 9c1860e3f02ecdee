//! The `--fault-*` flags of the `partner-sandbox` binary set the same profile as
//! `PUT /_sandbox/faults`, checked by the same rules.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_partner-sandbox");

/// Kills the child it holds when dropped, so a failed assertion leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn fault_flags_set_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(BIN)
        .args(["--data", dir.path().to_str().unwrap()])
        .args(["--fault-latency-ms", "5-10", "--fault-429-every", "2"])
        .args(["--fault-error-rate", "0", "--fault-drop-rate", "0"])
        .args(["--fault-truncate-rate", "0", "--fault-429-rate", "0"])
        .args(["--fault-retry-after-s", "4", "--fault-seed", "99"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Running(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let listed: serde_json::Value = client
            .get(format!("{base}/_sandbox/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            listed["profile"],
            serde_json::json!({
                "latency_ms": {"min": 5, "max": 10}, "error_rate": 0.0, "unavailable_rate": 0.0,
                "rate_limit": {"every_nth": 2, "rate": 0.0}, "retry_after_s": 4,
                "drop_rate": 0.0, "truncate_rate": 0.0, "seed": 99
            })
        );
        // Admin routes never fault, so asking for a token leaves the profile's count alone.
        let token: serde_json::Value = client
            .post(format!("{base}/_sandbox/tokens"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["access_token"].as_str().expect("a token").to_owned();
        let mut statuses = Vec::new();
        for _ in 0..4 {
            let response = client
                .get(format!("{base}/apps"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            if response.status() == 429 {
                assert_eq!(response.headers()["retry-after"], "4");
            }
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses, [200, 429, 200, 429]);
    });
}

#[test]
fn bad_fault_flags_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for (flags, expected) in [
        (&["--fault-error-rate", "1.5"][..], "--fault-error-rate"),
        (&["--fault-latency-ms", "9-x"][..], "--fault-latency-ms"),
        (&["--fault-latency-ms", "50-10"][..], "--fault-latency-ms"),
        (&["--fault-seed=-1"][..], "--fault-seed"),
    ] {
        let output = Command::new(BIN)
            .args(["--data", data])
            .args(flags)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{flags:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{flags:?} must not start serving");
    }
}
