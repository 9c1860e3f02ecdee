//! The profiles over real files in a temporary data root: the settings file (written whole and
//! renamed, a damaged one refused and left alone, unknown fields kept), each profile's data
//! folder, and every refusal leaving the files as they were.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use super::*;
use crate::ErrorCode;
use crate::secrets::Vault;

fn root() -> (tempfile::TempDir, Profiles) {
    let dir = tempfile::tempdir().expect("a temporary data root");
    let profiles = Profiles::at(dir.path());
    (dir, profiles)
}

/// Every file under `dir`, with its bytes: what "nothing changed" compares.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
                files.insert(path, b"<dir>".to_vec());
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn settings_json(profiles: &Profiles) -> Value {
    serde_json::from_slice(&fs::read(profiles.settings_path()).unwrap()).unwrap()
}

/// An account record as `finish_sign_in` writes it; no token is needed to be "signed in" here.
fn sign_in_by_hand(profile: &Profile) {
    let account = Account {
        key: "account-test".into(),
        server: profile.server.identity(),
        vault: Vault::SecretService,
        scopes: vec!["apps:read".into()],
        signed_in_at: 1_700_000_000,
    };
    fs::create_dir_all(&profile.data_dir).unwrap();
    fs::write(
        profile.data_dir.join("account.json"),
        serde_json::to_vec(&account).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_new_data_root_has_the_sandbox_active_and_the_regions_and_reading_writes_nothing() {
    let (dir, profiles) = root();

    let list = profiles.list().unwrap();
    let active = profiles.active().unwrap();

    let names: Vec<&str> = list.iter().map(|e| e.profile.name.as_str()).collect();
    assert_eq!(names, ["sandbox", "us", "eu", "ca", "au"]);
    assert_eq!(active.name, SANDBOX);
    assert_eq!(active.server, ServerChoice::Embedded);
    assert!(list[0].active && list.iter().skip(1).all(|e| !e.active));
    assert!(list.iter().all(|e| !e.signed_in && e.problem.is_none()));
    for region in REGIONS {
        let entry = list.iter().find(|e| e.profile.name == region.name).unwrap();
        assert_eq!(entry.profile.url(), Some(region.url));
        assert_eq!(entry.profile.kind, ProfileKind::Region);
    }
    assert!(
        snapshot(dir.path()).is_empty(),
        "listing creates no file or folder"
    );
}

#[test]
fn every_profile_has_its_own_data_folder_under_profiles() {
    let (dir, profiles) = root();
    profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();

    let folders: BTreeSet<PathBuf> = profiles
        .all()
        .unwrap()
        .into_iter()
        .map(|p| p.data_dir)
        .collect();

    assert_eq!(folders.len(), 6, "no two profiles share a folder");
    for name in ["sandbox", "us", "eu", "ca", "au", "staging"] {
        assert!(folders.contains(&dir.path().join("profiles").join(name)));
    }
    let workbench = profiles
        .open_workbench(&profiles.get("staging").unwrap())
        .unwrap();
    assert_eq!(workbench.data_dir(), dir.path().join("profiles/staging"));
    assert!(dir.path().join("profiles/staging/cache.sqlite3").is_file());
}

#[test]
fn add_use_and_remove_are_written_to_the_settings_file() {
    let (dir, profiles) = root();

    let added = profiles
        .add(
            "staging",
            " https://Staging.Example.com/ ",
            &SignInSettings::default(),
        )
        .unwrap();
    assert_eq!(
        added.url(),
        Some("https://staging.example.com"),
        "kept in normal form"
    );
    assert_eq!(added.kind, ProfileKind::Custom);
    assert_eq!(
        settings_json(&profiles),
        serde_json::json!({"custom_profiles": {"staging": {"url": "https://staging.example.com"}}})
    );

    profiles.set_active("staging").unwrap();
    assert_eq!(profiles.active().unwrap().name, "staging");
    assert_eq!(settings_json(&profiles)["active_profile"], "staging");

    profiles.set_active("eu").unwrap();
    let removed = profiles.remove("staging").unwrap();
    assert_eq!(removed.name, "staging");
    assert!(matches!(
        profiles.get("staging"),
        Err(WorkbenchError::UnknownProfile { .. })
    ));
    assert_eq!(
        settings_json(&profiles),
        serde_json::json!({"active_profile": "eu"})
    );
    let left: BTreeSet<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        BTreeSet::from(["settings.json".to_owned(), "settings.lock".to_owned()]),
        "no temporary file is left beside the settings"
    );
}

#[test]
fn a_leftover_temporary_file_from_a_crash_is_ignored_and_never_reused() {
    let (dir, profiles) = root();
    profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();
    // A crash between writing a temporary file and renaming it leaves one behind. (A write that
    // fails is `atomic`'s to test: it leaves the old file, and nothing beside it.)
    let temp = dir.path().join(".settings.json.crashed.tmp");
    fs::write(&temp, b"{\"custom_profiles\": {\"half").unwrap();

    assert_eq!(
        profiles.get("staging").unwrap().url(),
        Some("https://staging.example.com"),
        "the settings in force are the last complete file"
    );
    profiles.set_active("staging").unwrap();

    assert_eq!(settings_json(&profiles)["active_profile"], "staging");
    assert_eq!(
        fs::read(&temp).unwrap(),
        b"{\"custom_profiles\": {\"half",
        "a write takes a fresh name: the leftover is never read nor written"
    );
}

#[test]
fn a_damaged_settings_file_is_a_clear_error_and_is_never_overwritten() {
    for (what, content) in [
        ("not JSON", &b"{\"active_profile\": \"eu\",, }"[..]),
        (
            "cut off",
            &b"{\"custom_profiles\": {\"a\": {\"url\": \"https://a.exa"[..],
        ),
        ("a list", &b"[\"eu\"]"[..]),
        ("a wrong type", &b"{\"active_profile\": 5}"[..]),
        (
            "a profile without URL",
            &b"{\"custom_profiles\": {\"a\": {}}}"[..],
        ),
        (
            "a name that is a path",
            &b"{\"custom_profiles\": {\"../escape\": {\"url\": \"https://a.example.com\"}}}"[..],
        ),
        (
            "plain HTTP off this machine",
            &b"{\"custom_profiles\": {\"a\": {\"url\": \"http://a.example.com\"}}}"[..],
        ),
    ] {
        let (dir, profiles) = root();
        fs::write(profiles.settings_path(), content).unwrap();
        let before = snapshot(dir.path());

        let results = [
            profiles.list().map(|_| ()),
            profiles.active().map(|_| ()),
            profiles
                .add("b", "https://b.example.com", &SignInSettings::default())
                .map(|_| ()),
            profiles.set_active("eu").map(|_| ()),
            profiles.remove("a").map(|_| ()),
            profiles.for_server("https://c.example.com").map(|_| ()),
        ];

        for result in results {
            let error = result.expect_err(what);
            assert_eq!(error.code(), ErrorCode::Cache, "{what}: {error}");
            let message = error.to_string();
            assert!(
                message.contains(&profiles.settings_path().display().to_string())
                    && message.contains("left as it is"),
                "{what}: the message names the file and says it is untouched: {message}"
            );
        }
        let after = snapshot(dir.path());
        assert_eq!(
            after.get(&profiles.settings_path()),
            before.get(&profiles.settings_path()),
            "{what}: the file is not rewritten"
        );
        assert!(
            after
                .keys()
                .all(|path| !path.starts_with(dir.path().join("profiles"))),
            "{what}: no profile folder was made"
        );
    }
}

#[test]
fn an_active_profile_that_no_longer_exists_says_how_to_choose_one() {
    let (_dir, profiles) = root();
    fs::write(profiles.settings_path(), br#"{"active_profile": "gone"}"#).unwrap();

    let error = profiles.active().unwrap_err();

    assert!(error.to_string().contains("\"gone\""), "{error}");
    assert!(error.to_string().contains("pwb profile use"), "{error}");
    profiles.set_active("us").unwrap();
    assert_eq!(
        profiles.active().unwrap().name,
        "us",
        "choosing one mends it"
    );
}

#[test]
fn fields_this_build_does_not_know_are_kept_when_the_file_is_rewritten() {
    let (_dir, profiles) = root();
    fs::write(
        profiles.settings_path(),
        br#"{
          "theme": {"dark": true},
          "custom_profiles": {"a": {"url": "https://a.example.com", "colour": "teal"}},
          "future_list": [1, 2, 3]
        }"#,
    )
    .unwrap();

    profiles
        .add("b", "https://b.example.com", &SignInSettings::default())
        .unwrap();
    profiles.set_active("a").unwrap();

    assert_eq!(
        settings_json(&profiles),
        serde_json::json!({
            "active_profile": "a",
            "theme": {"dark": true},
            "future_list": [1, 2, 3],
            "custom_profiles": {
                "a": {"url": "https://a.example.com", "colour": "teal"},
                "b": {"url": "https://b.example.com"},
            },
        })
    );
}

#[test]
fn refusals_say_why_and_change_nothing() {
    let (dir, profiles) = root();
    profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();
    profiles
        .add(
            "busy",
            "https://busy.example.com",
            &SignInSettings::default(),
        )
        .unwrap();
    profiles.set_active("staging").unwrap();
    sign_in_by_hand(&profiles.get("busy").unwrap());
    let before = snapshot(dir.path());

    let cases: Vec<(&str, Result<Profile, WorkbenchError>, ErrorCode, &str)> = vec![
        (
            "a duplicate name",
            profiles.add(
                "staging",
                "https://other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "exists already",
        ),
        (
            "a built-in name",
            profiles.add(
                "eu",
                "https://other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "built-in",
        ),
        (
            "a name with a slash",
            profiles.add(
                "a/b",
                "https://other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "lowercase letters",
        ),
        (
            "an empty name",
            profiles.add("", "https://other.example.com", &SignInSettings::default()),
            ErrorCode::InvalidInput,
            "lowercase letters",
        ),
        (
            "capitals",
            profiles.add(
                "Prod",
                "https://other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "lowercase letters",
        ),
        (
            "plain HTTP off this machine",
            profiles.add(
                "plain",
                "http://other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "https://",
        ),
        (
            "not a URL",
            profiles.add("junk", "other.example.com", &SignInSettings::default()),
            ErrorCode::InvalidInput,
            "not a server URL",
        ),
        (
            "another scheme",
            profiles.add("ftp", "ftp://other.example.com", &SignInSettings::default()),
            ErrorCode::InvalidInput,
            "use https://",
        ),
        (
            "a password in the URL",
            profiles.add(
                "creds",
                "https://me:secret@other.example.com",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "password",
        ),
        (
            "a query",
            profiles.add(
                "query",
                "https://other.example.com/?x=1",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "query",
        ),
        (
            "a region's server again",
            profiles.add(
                "prod",
                "https://api.talkdeskapp.eu/",
                &SignInSettings::default(),
            ),
            ErrorCode::InvalidInput,
            "profile eu",
        ),
        (
            "removing a built-in",
            profiles.remove("sandbox"),
            ErrorCode::InvalidInput,
            "built-in",
        ),
        (
            "removing a region",
            profiles.remove("us"),
            ErrorCode::InvalidInput,
            "built-in",
        ),
        (
            "removing the active one",
            profiles.remove("staging"),
            ErrorCode::InvalidInput,
            "active profile",
        ),
        (
            "removing a signed-in one",
            profiles.remove("busy"),
            ErrorCode::InvalidInput,
            "sign out first",
        ),
        (
            "removing an unknown one",
            profiles.remove("nope"),
            ErrorCode::NotFound,
            "no profile named",
        ),
        (
            "using an unknown one",
            profiles.set_active("nope"),
            ErrorCode::NotFound,
            "pwb profile list",
        ),
    ];

    for (what, result, code, says) in cases {
        let error = result.expect_err(what);
        assert_eq!(error.code(), code, "{what}: {error}");
        assert!(error.to_string().contains(says), "{what}: {error}");
        assert!(
            !error.to_string().contains("secret"),
            "{what}: a password is never repeated: {error}"
        );
        assert_eq!(snapshot(dir.path()), before, "{what}: nothing changed");
    }
}

#[test]
fn a_leftover_data_folder_is_not_taken_over_by_a_new_profile() {
    let (dir, profiles) = root();
    let left = dir.path().join("profiles/old");
    fs::create_dir_all(&left).unwrap();
    fs::write(left.join("cache.sqlite3"), b"someone's cache").unwrap();

    let error = profiles
        .add("old", "https://old.example.com", &SignInSettings::default())
        .unwrap_err();

    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("left from before"), "{error}");
    assert!(!profiles.settings_path().exists());
}

#[test]
fn removing_deletes_the_data_folder_but_not_while_edits_wait_to_be_sent() {
    let (_dir, profiles) = root();
    let staging = profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();
    drop(profiles.open_workbench(&staging).unwrap());
    let cache = staging.data_dir.join("cache.sqlite3");
    {
        let db = rusqlite::Connection::open(&cache).unwrap();
        db.execute(
            "INSERT INTO outbox (resource, operation, payload, idempotency_key, created_at)
             VALUES ('versions/v1', 'patch', '{}', 'key-1', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }

    let error = profiles.remove("staging").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(
        error.to_string().contains("1 edit(s) not yet sent"),
        "{error}"
    );
    assert!(profiles.get("staging").is_ok() && cache.is_file());

    rusqlite::Connection::open(&cache)
        .unwrap()
        .execute("DELETE FROM outbox", [])
        .unwrap();
    profiles.remove("staging").unwrap();
    assert!(!staging.data_dir.exists(), "its cache goes with it");
    assert!(profiles.get("staging").is_err());
}

#[test]
fn signed_in_is_per_profile_and_only_for_the_profile_s_own_server() {
    let (_dir, profiles) = root();
    profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();
    sign_in_by_hand(&profiles.get("sandbox").unwrap());
    sign_in_by_hand(&profiles.get("staging").unwrap());
    // An account of another server in a folder (moved by hand) does not count.
    let eu = profiles.get("eu").unwrap();
    sign_in_by_hand(&profiles.get("us").unwrap());
    fs::create_dir_all(&eu.data_dir).unwrap();
    fs::copy(
        profiles.get("us").unwrap().data_dir.join("account.json"),
        eu.data_dir.join("account.json"),
    )
    .unwrap();

    let signed_in: BTreeSet<String> = profiles
        .list()
        .unwrap()
        .into_iter()
        .filter(|e| e.signed_in)
        .map(|e| e.profile.name)
        .collect();

    assert_eq!(
        signed_in,
        BTreeSet::from(["sandbox".into(), "staging".into(), "us".into()])
    );
}

#[test]
fn a_damaged_account_file_shows_as_a_problem_of_that_profile_only() {
    let (_dir, profiles) = root();
    let eu = profiles.get("eu").unwrap();
    fs::create_dir_all(&eu.data_dir).unwrap();
    fs::write(eu.data_dir.join("account.json"), b"{oops").unwrap();

    let list = profiles.list().unwrap();

    for entry in list {
        assert_eq!(
            entry.problem.is_some(),
            entry.profile.name == "eu",
            "{}: {:?}",
            entry.profile.name,
            entry.problem
        );
    }
}

#[test]
fn a_server_given_by_url_is_its_profile_or_a_folder_of_its_own() {
    let (dir, profiles) = root();
    profiles
        .add(
            "staging",
            "https://staging.example.com",
            &SignInSettings::default(),
        )
        .unwrap();

    assert_eq!(
        profiles
            .for_server("https://API.talkdeskapp.eu/")
            .unwrap()
            .name,
        "eu"
    );
    assert_eq!(
        profiles
            .for_server("https://staging.example.com")
            .unwrap()
            .name,
        "staging"
    );
    let a = profiles.for_server("http://127.0.0.1:4321").unwrap();
    let a_again = profiles.for_server("http://127.0.0.1:4321/").unwrap();
    let b = profiles.for_server("http://127.0.0.1:4322").unwrap();
    let b_https = profiles.for_server("https://127.0.0.1:4322").unwrap();

    assert_eq!(a.kind, ProfileKind::Server);
    assert_eq!(a.name, "http://127.0.0.1:4321");
    assert_eq!(a.server, ServerChoice::url("http://127.0.0.1:4321"));
    assert_eq!(a, a_again);
    assert!(a.data_dir.starts_with(dir.path().join("servers")));
    assert!(
        a.data_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("127.0.0.1-4321-")
    );
    let folders = BTreeSet::from([&a.data_dir, &b.data_dir, &b_https.data_dir]);
    assert_eq!(folders.len(), 3, "every URL has its own folder");
    assert!(matches!(
        profiles.for_server("http://example.com"),
        Err(WorkbenchError::InvalidProfile(_))
    ));
}

#[test]
fn choose_takes_the_profile_or_the_server_or_the_active_one_never_both() {
    let (_dir, profiles) = root();
    profiles.set_active("ca").unwrap();

    assert_eq!(profiles.choose(None, None).unwrap().name, "ca");
    assert_eq!(profiles.choose(Some(" "), Some("")).unwrap().name, "ca");
    assert_eq!(profiles.choose(Some("eu"), None).unwrap().name, "eu");
    assert_eq!(
        profiles
            .choose(None, Some("https://api.talkdeskapp.com"))
            .unwrap()
            .name,
        "us"
    );
    let both = profiles
        .choose(Some("eu"), Some("https://api.talkdeskapp.com"))
        .unwrap_err();
    assert_eq!(both.code(), ErrorCode::InvalidInput);
    assert!(both.to_string().contains("give one"), "{both}");
    assert_eq!(
        profiles.choose(Some("nope"), None).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn a_talkdesk_account_profile_signs_in_at_its_issuer_beside_the_regions_built_in_one() {
    let (dir, profiles) = root();
    let sign_in = SignInSettings {
        issuer: Some(" https://Acme.TalkdeskID.com/ ".into()),
        client_id: Some("abc123".into()),
        scopes: Some(vec!["apps:read".into()]),
    };
    let added = profiles
        .add("acme-us", "https://api.talkdeskapp.com", &sign_in)
        .unwrap();
    assert_eq!(added.url(), Some("https://api.talkdeskapp.com"));
    let kept = added.server.sign_in();
    assert_eq!(
        kept.issuer.as_deref(),
        Some("https://acme.talkdeskid.com"),
        "normal form"
    );
    assert_eq!(kept.client_id(), "abc123");
    assert_eq!(kept.scopes, Some(vec!["apps:read".to_owned()]));
    // Read back from settings.json, as the next start does.
    assert_eq!(profiles.get("acme-us").unwrap(), added);
    // The built-in profile of that server still signs in at the server itself, and a server
    // given by URL alone is still the built-in one.
    assert_eq!(
        profiles.get("us").unwrap().server.sign_in(),
        SignInSettings::default()
    );
    assert_eq!(
        profiles
            .choose(None, Some("https://api.talkdeskapp.com"))
            .unwrap()
            .name,
        "us"
    );

    // The very same again is refused, and changes nothing.
    let before = snapshot(dir.path());
    let again = profiles.add("acme-again", "https://api.talkdeskapp.com", &sign_in);
    assert!(again.is_err());
    assert_eq!(snapshot(dir.path()), before);
    // So are an issuer over plain HTTP off this machine and a client id with a space.
    for bad in [
        SignInSettings {
            issuer: Some("http://acme.talkdeskid.com".into()),
            ..SignInSettings::default()
        },
        SignInSettings {
            client_id: Some("two words".into()),
            ..SignInSettings::default()
        },
        SignInSettings {
            scopes: Some(vec!["apps read".into()]),
            ..SignInSettings::default()
        },
    ] {
        let refused = profiles.add("other", "https://other.example.com", &bad);
        assert_eq!(
            refused.unwrap_err().code(),
            ErrorCode::InvalidInput,
            "{bad:?}"
        );
        assert_eq!(snapshot(dir.path()), before);
    }
}
