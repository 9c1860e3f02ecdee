//! `pwb preview`, the real binary against a cache a real sandbox filled: the page it writes (or
//! prints), its exit codes, and that a failed run leaves no file behind and an old one as it was.
//! What the page holds, element by element, is tested in the facade (`workbench::preview`).

mod common;

use std::path::Path;

use common::{ACME, DELTA, NOT_FOUND, SUCCESS, USAGE, expect, synced};

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder lists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn preview_args<'a>(app: &'a str, version: &'a str, out: &'a str) -> Vec<&'a str> {
    vec!["preview", "--app", app, "--version", version, "--out", out]
}

#[test]
fn preview_writes_one_self_contained_page_of_the_card_and_listing() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let out_dir = tempfile::tempdir().expect("a folder for the page");
    let out = out_dir.path().join("card.html");
    let out_arg = out.to_str().expect("a UTF-8 path");

    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, &version, out_arg),
        SUCCESS,
    );
    assert!(
        ran.stdout.contains("card.html"),
        "says where: {}",
        ran.stdout
    );
    assert_eq!(
        entries(out_dir.path()),
        ["card.html"],
        "no temporary file is left"
    );

    let page = std::fs::read_to_string(&out).expect("the page is written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"
    ));
    assert!(page.contains("Acme CRM Connector"));
    assert!(
        page.contains("data:image/png;base64,"),
        "the icon is embedded"
    );
    for class in [
        "card small light",
        "card small dark",
        "card large light",
        "card large dark",
    ] {
        assert!(page.contains(class), "has the {class} card");
    }
    assert!(
        !page.to_ascii_lowercase().contains("<script"),
        "no script at all"
    );
    // Self-contained: nothing is fetched but the version's declared screenshots, whose origins
    // are the only ones the policy lets images come from.
    let served = server.version(&app, &version);
    let declared: Vec<&str> = served["marketplace"]["assets"]
        .as_array()
        .expect("the demo declares assets")
        .iter()
        .filter(|a| a["type"] == "screenshot")
        .filter_map(|a| a["url"].as_str())
        .collect();
    assert!(
        !declared.is_empty(),
        "the demo version declares a screenshot"
    );
    let sources: Vec<&str> = page
        .split("src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|src| !src.starts_with("data:image/"))
        .collect();
    assert_eq!(sources, declared, "only the declared screenshots load");
    assert!(page.contains("img-src data: https://cdn.acme-corp.example;"));
}

#[test]
fn preview_to_stdout_prints_the_same_page() {
    let (server, data) = synced();
    let (app, version) = server.find(DELTA);
    let out_dir = tempfile::tempdir().expect("a folder");
    let out = out_dir.path().join("delta.html");
    expect(
        &server,
        data.path(),
        &preview_args(&app, &version, out.to_str().unwrap()),
        SUCCESS,
    );

    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, &version, "-"),
        SUCCESS,
    );

    assert_eq!(ran.stdout, std::fs::read_to_string(&out).unwrap());
    assert!(ran.stdout.contains("Delta Insights"), "the vendor is shown");
    assert!(ran.stdout.contains("<h2>Hear from every caller</h2>"));
}

#[test]
fn preview_works_offline_and_shows_the_working_copy_escaped() {
    let (mut server, data) = synced();
    let (app, version) = server.find(DELTA);
    expect(
        &server,
        data.path(),
        &[
            "edit",
            "--app",
            &app,
            "--version",
            &version,
            "--set",
            "marketplace.description=Hi <script>alert(1)</script> [x](javascript:alert(2)) ![t](https://evil.example/t.png)",
            "--set",
            "general.display_name=Delta <img src=x onerror=alert(3)>",
        ],
        SUCCESS,
    );
    server.stop();

    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, &version, "-"),
        SUCCESS,
    );

    let page = ran.stdout.to_ascii_lowercase();
    assert!(!page.contains("<script"), "{}", ran.stdout);
    assert!(!page.contains("<img src=x"), "{}", ran.stdout);
    assert!(
        !page.contains("javascript:alert(2)\""),
        "no javascript: address"
    );
    assert!(
        !page.contains("evil.example"),
        "the image is its alt text only"
    );
    assert!(
        ran.stdout
            .contains("Hi &lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        ran.stdout
            .contains("Delta &lt;img src=x onerror=alert(3)&gt;")
    );
}

#[test]
fn an_unknown_version_exits_6_and_writes_nothing() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let (other_app, _) = server.find(DELTA);
    let out_dir = tempfile::tempdir().expect("a folder");
    let out = out_dir.path().join("card.html");
    std::fs::write(&out, "an older page").unwrap();
    let out_arg = out.to_str().unwrap();

    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, "no-such-version", out_arg),
        NOT_FOUND,
    );
    assert!(
        ran.stderr.contains("no cached version no-such-version"),
        "{}",
        ran.stderr
    );
    let ran = expect(
        &server,
        data.path(),
        &preview_args(&other_app, &version, out_arg),
        NOT_FOUND,
    );
    assert!(ran.stderr.contains("belongs to app"), "{}", ran.stderr);

    assert_eq!(std::fs::read_to_string(&out).unwrap(), "an older page");
    assert_eq!(entries(out_dir.path()), ["card.html"]);
}

#[test]
fn an_unwritable_path_exits_2_with_a_clear_error_and_leaves_nothing() {
    let (server, data) = synced();
    let (app, version) = server.find(ACME);
    let out_dir = tempfile::tempdir().expect("a folder");

    let missing = out_dir.path().join("no-such-folder").join("card.html");
    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, &version, missing.to_str().unwrap()),
        USAGE,
    );
    assert!(ran.stderr.contains("does not exist"), "{}", ran.stderr);
    assert!(ran.stderr.contains("nothing was written"), "{}", ran.stderr);

    let ran = expect(
        &server,
        data.path(),
        &preview_args(&app, &version, out_dir.path().to_str().unwrap()),
        USAGE,
    );
    assert!(ran.stderr.contains("is a folder"), "{}", ran.stderr);

    assert!(
        entries(out_dir.path()).is_empty(),
        "nothing was left behind"
    );
}
