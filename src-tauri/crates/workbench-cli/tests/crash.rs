//! Crash safety: `pwb sync` killed with SIGKILL at random moments, round after round, with
//! edits and submissions in flight. Afterwards the cache is sound, the server has every field's
//! last value, and every submission reached it exactly once.

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{ACME, BEACON, COBALT, DELTA, SUCCESS, Server, expect, field, outbox};
use serde_json::{Value, json};

const ROUNDS: usize = 60;
/// The longest wait before the kill.
const MAX_DELAY_MS: u64 = 300;

/// A field the rounds edit, until `until` (the round its version is submitted: a track In
/// Review locks what it covers, so the edits of that version stop there).
struct Target {
    app: String,
    version: String,
    field: &'static str,
    until: usize,
}

#[test]
fn pwb_sync_killed_at_random_moments_loses_no_edit_and_sends_each_submission_once() {
    let started = Instant::now();
    let server = Server::start();
    let data = tempfile::tempdir().expect("a data folder");
    expect(&server, data.path(), &["sync"], SUCCESS);
    // From the clock, or `PWB_TEST_SEED` to pick the same edits, delays and latencies again
    // (where the kills land still depends on the machine's speed).
    let seed = common::test_seed();
    println!("crash test seed: {seed} (PWB_TEST_SEED={seed} replays it)");
    let mut rng = common::Rng(seed);
    // A little latency on every request, so a kill lands mid-request rather than between syncs.
    server.set_fault_profile(json!({ "latency_ms": { "min": 30, "max": 120 }, "seed": seed }));

    let (delta, acme, cobalt, beacon) = (
        server.find(DELTA),
        server.find(ACME),
        server.find(COBALT),
        server.find(BEACON),
    );
    // (round, version, track) of each submission: a couple of versions, each submitted once.
    let submissions = [
        (15, cobalt.clone(), "marketplace"),
        (30, beacon.clone(), "technical"),
        (45, delta.clone(), "technical"),
    ];
    let target = |(app, version): &(String, String), field, until| Target {
        app: app.clone(),
        version: version.clone(),
        field,
        until,
    };
    let targets = [
        target(&delta, "general.notes", 45),
        target(&delta, "technical.scopes_reason", 45),
        target(&acme, "marketplace.listing_summary", ROUNDS),
        target(&acme, "marketplace.support.phone", ROUNDS),
        target(&cobalt, "marketplace.support.phone", 15),
        target(&beacon, "technical.scopes_reason", 30),
    ];

    let mut last: BTreeMap<(String, &str), Value> = BTreeMap::new();
    let (mut edits, mut killed, mut finished) = (0, 0, 0);
    for round in 0..ROUNDS {
        let open: Vec<&Target> = targets.iter().filter(|t| round < t.until).collect();
        for _ in 0..2 {
            let t = open[rng.below(open.len() as u64) as usize];
            let value = format!("round {round} of {}", t.field);
            common::edit(
                &server,
                data.path(),
                (&t.app, &t.version),
                &format!("{}={value}", t.field),
            );
            last.insert((t.version.clone(), t.field), json!(value));
            edits += 1;
        }
        for (at, (app, version), track) in &submissions {
            if *at == round {
                expect(
                    &server,
                    data.path(),
                    &[
                        "submit",
                        "--app",
                        app,
                        "--version",
                        version,
                        "--track",
                        track,
                        "--no-sync",
                    ],
                    SUCCESS,
                );
            }
        }
        let mut child = server
            .pwb(data.path())
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pwb sync starts");
        std::thread::sleep(Duration::from_millis(rng.below(MAX_DELAY_MS + 1)));
        // SIGKILL: no destructor, no rollback by the program itself.
        let _ = child.kill();
        let status = child.wait().expect("pwb sync is reaped");
        if status.signal() == Some(9) {
            killed += 1;
        } else {
            finished += 1;
        }
    }

    // Then clean syncs, until nothing waits.
    server.clear_faults();
    let mut clean = 0;
    loop {
        clean += 1;
        let ran = common::run(server.pwb(data.path()).arg("sync"));
        if ran.code == SUCCESS && outbox(&server, data.path()).0.is_empty() {
            break;
        }
        if clean >= 5 {
            let (entries, conflicts) = outbox(&server, data.path());
            let listed = expect(&server, data.path(), &["conflicts", "--json"], SUCCESS);
            panic!(
                "the outbox must empty in a few clean syncs; exit {}: {}{}\n{} entries left \
                 (first: {:?}), {conflicts} conflict(s): {}",
                ran.code,
                ran.stdout,
                ran.stderr,
                entries.len(),
                entries.first(),
                listed.stdout
            );
        }
    }
    println!(
        "{ROUNDS} rounds, {edits} edits, {} submissions: {killed} syncs killed, {finished} \
         finished before the kill, {clean} clean sync(s) after; {:.1} s",
        submissions.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        killed >= ROUNDS / 4,
        "most kills must land while pwb sync runs ({killed} of {ROUNDS})"
    );

    let cache = rusqlite::Connection::open(common::cache_file(data.path())).expect("opens");
    let integrity: String = cache
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("the check runs");
    assert_eq!(integrity, "ok", "the cache survived every kill intact");

    let (entries, conflicts) = outbox(&server, data.path());
    assert!(entries.is_empty(), "nothing is left or held: {entries:?}");
    assert_eq!(conflicts, 0, "no edit came back as a conflict with itself");
    for t in &targets {
        let Some(value) = last.get(&(t.version.clone(), t.field)) else {
            continue;
        };
        assert_eq!(
            &field(&server.version(&t.app, &t.version), t.field),
            value,
            "{} of {} holds its last edit: every earlier one was superseded, none lost",
            t.field,
            t.version
        );
    }
    for (_, (app, version), track) in &submissions {
        assert_eq!(
            server.submissions(version, track),
            1,
            "the {track} submission of {version} reached the server exactly once"
        );
        assert_eq!(
            server.version(app, version)["status"][*track],
            json!("in_review"),
            "the {track} track of {version} is In Review"
        );
    }
}
