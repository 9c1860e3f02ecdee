//! `pwb installations`, `pwb clients` and `pwb account`: the real binary against a real demo
//! sandbox on 127.0.0.1. What the server holds after a decision is read back over HTTP; a
//! created client's secret is printed once and found nowhere in the data folder.

mod common;

use std::path::Path;

use common::{NOT_FOUND, OFFLINE, SERVER, SUCCESS, Server, USAGE, expect};
use serde_json::Value;

// The exit codes of `src/exit.rs`.

const ACME: &str = "app-acme-crm";
const BEACON: &str = "app-beacon-analytics";

fn by_account<'a>(list: &'a [Value], account: &str) -> &'a Value {
    list.iter()
        .find(|i| i["account_name"] == account)
        .unwrap_or_else(|| panic!("{account} is listed"))
}

#[test]
fn installations_show_the_badge_each_customer_sees() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    // Listing neither pushes nor syncs: with an empty cache it says the badges lack the versions.
    let unsynced = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME],
        SUCCESS,
    );
    assert!(
        unsynced.stderr.contains("holds no versions of app"),
        "{}",
        unsynced.stderr
    );
    let status = expect(&server, data.path(), &["status", "--json"], SUCCESS).json();
    assert_eq!(
        status["last_synced_at"],
        serde_json::Value::Null,
        "{status}"
    );
    expect(&server, data.path(), &["sync"], SUCCESS);

    let printed = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME, "--json"],
        SUCCESS,
    )
    .json();
    let list = printed.as_array().expect("a list").clone();
    let served = server.get_json(&format!("/apps/{ACME}/installations?per_page=100"));
    assert_eq!(
        list.len(),
        served["_embedded"]["installations"]
            .as_array()
            .unwrap()
            .len()
    );
    let label = |account: &str| by_account(&list, account)["badges"]["label"].clone();
    assert_eq!(label("Northwind Traders"), "Active");
    assert_eq!(label("Initech Care"), "Installing");
    assert_eq!(label("Pied Piper Desk"), "Updating");
    assert_eq!(label("Massive Dynamic"), "Failed Update");
    // On 1.0.0 while 1.1.0 is Available; its ended trial is covered by the upgrade badge.
    let oceanic = by_account(&list, "Oceanic Air");
    assert_eq!(oceanic["badges"]["shown"], "upgrade_available");
    assert_eq!(
        oceanic["badges"]["covered"],
        serde_json::json!(["trial_expired"])
    );
    assert_eq!(oceanic["version_number"], "1.0.0");
    let hooli = by_account(&list, "Hooli Contact Center");
    assert_eq!(hooli["badges"]["label"], "Failed Installation");
    assert_eq!(hooli["badges"]["dimmed"], true);
    // The plan, licenses and trial dates come along.
    let globex = by_account(&list, "Globex Support");
    assert_eq!(globex["plan"], "Trial");
    assert_eq!(globex["licenses"], 10);
    assert_eq!(globex["trial_end"], "2026-04-01T09:00:00Z");
    // Its trial ended, but it still waits for the partner's confirmation: no "Trial Expired"
    // before it is live.
    assert_eq!(globex["state"], "installing");
    assert_eq!(globex["waiting"], "installation");
    assert_eq!(globex["badges"]["shown"], "installing");
    assert_eq!(by_account(&list, "Pied Piper Desk")["waiting"], "update");
    assert_eq!(
        by_account(&list, "Northwind Traders")["waiting"],
        Value::Null
    );

    // Beacon 1.0.0 is manually provisioned: the mark shows, the label stays the state's.
    let beacon = expect(
        &server,
        data.path(),
        &["installations", "--app", BEACON, "--json"],
        SUCCESS,
    )
    .json();
    let beacon = beacon.as_array().unwrap();
    let wayne = by_account(beacon, "Wayne Services");
    assert_eq!(wayne["badges"]["shown"], "manually_provisioned");
    assert_eq!(wayne["badges"]["label"], "Active");
    assert_eq!(
        by_account(beacon, "Cyberdyne Help")["badges"]["label"],
        "Rejected"
    );
    // FAQ §16: the mark is hidden only by "upgrade available, updating, failed
    // update/installation or generic alerts"; with Installing and Trial Expired it shows beside.
    for (account, shown) in [
        ("Soylent Foods", "installing"),
        ("Tyrell Retail", "trial_expired"),
    ] {
        let badges = &by_account(beacon, account)["badges"];
        assert_eq!(badges["shown"], shown, "{account}: {badges}");
        assert_eq!(
            badges["beside"],
            serde_json::json!(["manually_provisioned"]),
            "{account}: {badges}"
        );
        assert_eq!(
            badges["covered"],
            serde_json::json!([]),
            "{account}: {badges}"
        );
    }
    let table = expect(
        &server,
        data.path(),
        &["installations", "--app", BEACON],
        SUCCESS,
    );
    for (account, badge) in [
        ("Wayne Services", "Active (manually provisioned)"),
        ("Soylent Foods", "Installing (manually provisioned)"),
        ("Tyrell Retail", "Trial Expired (manually provisioned)"),
    ] {
        let line = table
            .stdout
            .lines()
            .find(|l| l.contains(account))
            .unwrap_or_else(|| panic!("{account}:\n{}", table.stdout));
        assert!(line.contains(badge), "{line}");
    }

    // The table: a header and one row per installation, with the badge label.
    let table = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME],
        SUCCESS,
    );
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("BADGE"),
        "{}",
        table.stdout
    );
    assert_eq!(lines.len(), list.len() + 1, "{}", table.stdout);
    let massive = lines
        .iter()
        .find(|l| l.contains("Massive Dynamic"))
        .unwrap();
    assert!(
        massive.contains("Failed Update") && massive.contains("Enterprise"),
        "{massive}"
    );
    let globex = lines.iter().find(|l| l.contains("Globex Support")).unwrap();
    assert!(globex.contains("2026-03-02 to 2026-04-01"), "{globex}");
    assert!(globex.contains("confirm or reject"), "{globex}");
    let pied = lines
        .iter()
        .find(|l| l.contains("Pied Piper Desk"))
        .unwrap();
    assert!(pied.contains("accept or reject update"), "{pied}");
    // A Failed Update says that only Talkdesk can recover it, and where the customer asks.
    assert!(
        table.stderr.contains("Failed Update")
            && table
                .stderr
                .contains("open a request with Talkdesk Support at https://support.talkdesk.com"),
        "{}",
        table.stderr
    );
}

#[test]
fn the_state_filter_lists_only_that_state_and_says_when_there_are_none() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let installing = expect(
        &server,
        data.path(),
        &[
            "installations",
            "--app",
            ACME,
            "--state",
            "installing",
            "--json",
        ],
        SUCCESS,
    )
    .json();
    let installing = installing.as_array().unwrap();
    assert_eq!(installing.len(), 3);
    assert!(installing.iter().all(|i| i["state"] == "installing"));
    // Waiting for the partner: the installations to confirm and the update to accept.
    let waiting = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME, "--waiting", "--json"],
        SUCCESS,
    )
    .json();
    let waiting = waiting.as_array().unwrap();
    assert_eq!(waiting.len(), 4, "{waiting:?}");
    assert_eq!(
        waiting.iter().filter(|i| i["waiting"] == "update").count(),
        1
    );
    let nothing = expect(
        &server,
        data.path(),
        &[
            "installations",
            "--app",
            ACME,
            "--waiting",
            "--state",
            "revoked",
        ],
        SUCCESS,
    );
    assert!(
        nothing
            .stdout
            .contains("no revoked installation waiting for you"),
        "{}",
        nothing.stdout
    );

    let none = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME, "--state", "suspended"],
        SUCCESS,
    );
    assert!(
        none.stdout.contains("no suspended installation"),
        "{}",
        none.stdout
    );

    let bad = expect(
        &server,
        data.path(),
        &["installations", "--app", ACME, "--state", "active"],
        USAGE,
    );
    assert!(bad.stderr.contains("installing"), "{}", bad.stderr);
    // The state a separate "pending" used to be is Installing now (FAQ §16).
    expect(
        &server,
        data.path(),
        &["installations", "--app", ACME, "--state", "pending"],
        USAGE,
    );
    let missing = expect(
        &server,
        data.path(),
        &["installations", "--app", "app-nope"],
        NOT_FOUND,
    );
    assert!(missing.stderr.contains("app-nope"), "{}", missing.stderr);
}

fn served_state(server: &Server, id: &str) -> Value {
    server.get_json(&format!("/apps/{ACME}/installations/{id}"))
}

#[test]
fn approving_and_rejecting_reach_the_server_and_a_reject_needs_a_reason() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let approved = expect(
        &server,
        data.path(),
        &[
            "installations",
            "approve",
            "--app",
            ACME,
            "inst-acme-crm-03",
        ],
        SUCCESS,
    );
    assert!(
        approved.stdout.contains("confirmed installation"),
        "{}",
        approved.stdout
    );
    assert_eq!(
        served_state(&server, "inst-acme-crm-03")["state"],
        "completed"
    );
    // Nothing of it waits any more: said before any decision is sent.
    let again = expect(
        &server,
        data.path(),
        &[
            "installations",
            "confirm",
            "--app",
            ACME,
            "inst-acme-crm-03",
        ],
        USAGE,
    );
    assert!(
        again.stderr.contains("waits for nothing from you"),
        "{}",
        again.stderr
    );

    // No reason, or a blank one: refused before anything is sent, nothing changes.
    expect(
        &server,
        data.path(),
        &["installations", "reject", "--app", ACME, "inst-acme-crm-02"],
        USAGE,
    );
    let blank = expect(
        &server,
        data.path(),
        &[
            "installations",
            "reject",
            "--app",
            ACME,
            "inst-acme-crm-02",
            "--reason",
            "  ",
        ],
        USAGE,
    );
    assert!(blank.stderr.contains("needs a reason"), "{}", blank.stderr);
    assert_eq!(
        served_state(&server, "inst-acme-crm-02")["state"],
        "installing"
    );

    let rejected = expect(
        &server,
        data.path(),
        &[
            "installations",
            "reject",
            "--app",
            ACME,
            "inst-acme-crm-02",
            "--reason",
            "Your region is not supported yet.",
            "--json",
        ],
        SUCCESS,
    )
    .json();
    assert_eq!(rejected["state"], "rejected");
    let served = served_state(&server, "inst-acme-crm-02");
    assert_eq!(served["state"], "rejected");
    assert_eq!(served["reason"], "Your region is not supported yet.");

    let unknown = expect(
        &server,
        data.path(),
        &["installations", "approve", "--app", ACME, "inst-nope"],
        NOT_FOUND,
    );
    assert!(unknown.stderr.contains("inst-nope"), "{}", unknown.stderr);
}

/// FAQ §16: Updating ends when "the partner accepts or rejects the update".
#[test]
fn an_update_is_accepted_and_another_rejected_with_a_reason() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    let updating = served_state(&server, "inst-acme-crm-08");
    assert_eq!(updating["account_name"], "Pied Piper Desk");
    assert_eq!(updating["update"], "updating");

    // An installation waiting for confirmation is not an update: refused, nothing sent.
    let wrong = expect(
        &server,
        data.path(),
        &[
            "installations",
            "accept-update",
            "--app",
            ACME,
            "inst-acme-crm-02",
        ],
        USAGE,
    );
    assert!(wrong.stderr.contains("not an update"), "{}", wrong.stderr);
    assert_eq!(
        served_state(&server, "inst-acme-crm-02")["state"],
        "installing"
    );

    let accepted = expect(
        &server,
        data.path(),
        &[
            "installations",
            "accept-update",
            "--app",
            ACME,
            "inst-acme-crm-08",
        ],
        SUCCESS,
    );
    assert!(
        accepted
            .stdout
            .contains("accepted the update of inst-acme-crm-08"),
        "{}",
        accepted.stdout
    );
    let served = served_state(&server, "inst-acme-crm-08");
    assert_eq!(served["update"], Value::Null, "{served}");
    assert_eq!(served["state"], "completed");

    // A customer changes Northwind's installation; the partner rejects that update.
    let (status, body) = server.send(
        reqwest::Method::POST,
        &format!("/_sandbox/apps/{ACME}/installations/inst-acme-crm-01/update"),
        None,
    );
    assert_eq!(status, 200, "{body}");
    expect(
        &server,
        data.path(),
        &[
            "installations",
            "reject-update",
            "--app",
            ACME,
            "inst-acme-crm-01",
        ],
        USAGE,
    );
    let reason = "Your plan allows 40 users; upgrade to Enterprise for more.";
    let rejected = expect(
        &server,
        data.path(),
        &[
            "installations",
            "reject-update",
            "--app",
            ACME,
            "inst-acme-crm-01",
            "--reason",
            reason,
            "--json",
        ],
        SUCCESS,
    )
    .json();
    assert_eq!(rejected["state"], "completed", "{rejected}");
    let served = served_state(&server, "inst-acme-crm-01");
    assert_eq!(served["update"], Value::Null, "{served}");
    assert_eq!(served["reason"], reason);
}

/// Every file under `dir`, read whole.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    found
}

#[test]
fn a_client_is_created_with_its_secret_shown_once_kept_nowhere_and_deleted() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let empty = expect(&server, data.path(), &["clients"], SUCCESS);
    assert!(
        empty.stdout.contains("No OAuth clients yet"),
        "{}",
        empty.stdout
    );

    let created = expect(
        &server,
        data.path(),
        &[
            "clients",
            "create",
            "--name",
            "Billing export",
            "--scope",
            "apps:read",
            "--scope",
            "account:read",
        ],
        SUCCESS,
    );
    let secret = created
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .expect("the secret is printed")
        .to_owned();
    assert!(secret.len() > 20, "{secret}");
    assert!(
        created.stdout.contains("will not be shown again"),
        "{}",
        created.stdout
    );
    assert!(!created.stderr.contains(&secret));
    // The secret is nowhere in the data folder: not the cache, not a file, not a log.
    for (path, bytes) in files(data.path()) {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the secret",
            path.display()
        );
    }

    let listed = expect(&server, data.path(), &["clients", "--json"], SUCCESS).json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["name"], "Billing export");
    assert_eq!(
        listed[0]["scopes"],
        serde_json::json!(["apps:read", "account:read"])
    );
    assert!(!listed[0].to_string().contains(&secret));
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    let table = expect(&server, data.path(), &["clients"], SUCCESS);
    assert!(table.stdout.contains(&id) && table.stdout.contains("apps:read account:read"));

    // Bad input: refused before anything is sent.
    for args in [
        &["clients", "create", "--name", "  ", "--scope", "apps:read"][..],
        &["clients", "create", "--name", "X", "--scope", "admin"][..],
        &["clients", "create", "--name", "X"][..],
    ] {
        expect(&server, data.path(), args, USAGE);
    }
    assert_eq!(
        server.get_json("/oauth-clients")["total"],
        1,
        "nothing was created"
    );

    let deleted = expect(&server, data.path(), &["clients", "delete", &id], SUCCESS);
    assert!(deleted.stdout.contains(&id));
    assert_eq!(server.get_json("/oauth-clients")["total"], 0);
    expect(&server, data.path(), &["clients", "delete", &id], NOT_FOUND);
}

#[test]
fn a_client_for_the_talkdesk_apis_is_created_with_redirect_uris_and_talkdesk_scopes() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    let created = expect(
        &server,
        data.path(),
        &[
            "clients",
            "create",
            "--name",
            "Acme CRM sign-in",
            "--redirect-uri",
            "https://crm.example.com/talkdesk/callback",
            "--redirect-uri",
            "http://127.0.0.1:8080/cb",
            "--scope",
            "users:read",
            "--scope",
            "contacts:read",
        ],
        SUCCESS,
    );
    assert!(
        created
            .stdout
            .contains("grant types: client_credentials authorization_code"),
        "{}",
        created.stdout
    );
    let listed = expect(&server, data.path(), &["clients", "--json"], SUCCESS).json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0]["scopes"],
        serde_json::json!(["users:read", "contacts:read"])
    );
    assert_eq!(
        listed[0]["redirect_uris"],
        serde_json::json!([
            "https://crm.example.com/talkdesk/callback",
            "http://127.0.0.1:8080/cb"
        ])
    );
    assert_eq!(
        listed[0]["grant_types"],
        serde_json::json!(["client_credentials", "authorization_code"])
    );

    // http off loopback, a scope Talkdesk does not publish (this tool's own): refused, naming
    // the field, before anything is sent.
    let refused = expect(
        &server,
        data.path(),
        &[
            "clients",
            "create",
            "--name",
            "Plain http",
            "--redirect-uri",
            "http://example.com/cb",
            "--scope",
            "users:read",
        ],
        USAGE,
    );
    assert!(
        refused.stderr.contains("redirect_uris[0]"),
        "{}",
        refused.stderr
    );
    let refused = expect(
        &server,
        data.path(),
        &[
            "clients",
            "create",
            "--name",
            "Own scope",
            "--scope",
            "oauth-clients:write",
        ],
        USAGE,
    );
    assert!(refused.stderr.contains("scopes[0]"), "{}", refused.stderr);
    assert_eq!(server.get_json("/oauth-clients")["total"], 1);

    // The catalogue, offline, with the Talkdesk page it comes from.
    let scopes = expect(&server, data.path(), &["clients", "scopes"], SUCCESS);
    assert!(scopes.stdout.contains("users:read"), "{}", scopes.stdout);
    assert!(
        scopes
            .stdout
            .contains("https://docs.talkdesk.com/docs/scopes"),
        "{}",
        scopes.stdout
    );
}

#[test]
fn a_client_whose_secret_was_lost_with_its_reply_is_deleted_and_said_so() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    // The creating reply is cut off: the retry, under the same Idempotency-Key, is answered
    // from the server's record, which keeps no secret.
    server.arm("/oauth-clients", "truncate");
    let lost = expect(
        &server,
        data.path(),
        &[
            "clients",
            "create",
            "--name",
            "Lost",
            "--scope",
            "apps:read",
        ],
        SERVER,
    );
    assert!(
        lost.stderr.contains("came without its secret"),
        "{}",
        lost.stderr
    );
    assert!(lost.stderr.contains("it was deleted"), "{}", lost.stderr);
    assert_eq!(
        server.get_json("/oauth-clients")["total"],
        0,
        "no client is left that nobody has the secret of"
    );
}

#[test]
fn the_account_shows_three_free_licenses_25_dollars_of_credits_and_how_credits_are_added() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();

    let lines = expect(&server, data.path(), &["account"], SUCCESS).stdout;
    assert!(
        lines.contains("3 in all, 1 used, 2 available (3 free with the developer account)"),
        "{lines}"
    );
    assert!(lines.contains("credit balance: $25.00\n"), "{lines}");
    // FAQ §9: the two ways, and where.
    assert!(
        lines.contains("how credits are added (Partner Project FAQ §9):"),
        "{lines}"
    );
    assert!(
        lines.contains("On a contract with a talk time commitment"),
        "{lines}"
    );
    assert!(
        lines.contains("Paying by credit card: an automatic recharge or a one-time payment"),
        "{lines}"
    );
    assert!(
        lines.contains(
            "where: in your Talkdesk account, as an administrator: Admin, Usage, Manage credits; \
             see https://support.talkdesk.com/hc/en-us/articles/206633273-One-Time-Payments"
        ),
        "{lines}"
    );

    let json = expect(&server, data.path(), &["account", "--json"], SUCCESS).json();
    assert_eq!(json["licenses"]["free_developer"], 3);
    assert_eq!(
        json["credits"],
        serde_json::json!({"balance": 2500, "currency": "USD"}),
        "minor units and the currency, as the server gives them"
    );
    assert_eq!(json, server.get_json("/account"));
}

#[test]
fn live_data_offline_exit_4_and_say_they_are_not_kept() {
    let mut server = Server::start();
    let data = tempfile::tempdir().unwrap();
    expect(&server, data.path(), &["sync"], SUCCESS);
    server.stop();

    for args in [
        &["installations", "--app", ACME][..],
        &[
            "installations",
            "approve",
            "--app",
            ACME,
            "inst-acme-crm-03",
        ][..],
        &["clients"][..],
        &["account"][..],
    ] {
        let ran = expect(&server, data.path(), args, OFFLINE);
        assert!(
            ran.stderr.contains("offline") && ran.stderr.contains("connect and try again"),
            "{args:?}: {}",
            ran.stderr
        );
    }
}
