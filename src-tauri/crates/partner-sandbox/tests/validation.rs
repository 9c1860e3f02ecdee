//! The sandbox judges with the rules engine, over real HTTP on 127.0.0.1: icon uploads and
//! submissions refused with 422 `validation_failed` (and nothing changed), the automatic reviewer
//! rejecting with rule ids unless a warning was suppressed, and the admin's rules pack.

mod common;

use std::time::Duration;

use common::{Api, complete_content, complete_marketplace, error, fixture, png};
use partner_api::rules::RulesPack;
use partner_api::{Change, ChangeKind, ChangesPage, ReviewDecision, VersionResource};
use partner_sandbox::{ReviewMode, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use workbench_domain::validation::{
    Diagnostic, Report, Suppression, ValidationInput, validate_icon, validate_submission,
};
use workbench_domain::{ReviewStatus, Track, VersionContent};

async fn sandbox(mode: ReviewMode) -> Api {
    Api::with(|config| {
        config.seed = Seed::Empty;
        config.review = mode;
        config.review_delay = Duration::ZERO;
    })
    .await
}

fn path(v: &VersionResource) -> String {
    partner_api::paths::version(&v.version.app_id, &v.version.id)
}

async fn draft(api: &Api, name: &str) -> VersionResource {
    let response = api
        .send_json(
            Method::POST,
            "/apps",
            &json!({"name": name, "slug": name, "display_name": "Zeta Notes",
                    "created_type": "Zeta Ltd", "app_type": "standalone", "render": "portal"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let app: workbench_domain::App = response.json().await.unwrap();
    let response = api
        .request(Method::POST, &format!("/apps/{}/versions", app.id))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn patch(api: &Api, v: &VersionResource, body: Value) -> VersionResource {
    let response = api
        .request(Method::PATCH, &path(v))
        .header("if-match", &v.etag)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn put_icon(
    api: &Api,
    v: &VersionResource,
    file_name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    api.request(Method::PUT, &format!("{}/icon", path(v)))
        .query(&[("filename", file_name)])
        .header("if-match", &v.etag)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn submit(api: &Api, v: &VersionResource, body: Value) -> reqwest::Response {
    api.request(Method::POST, &format!("{}/submissions", path(v)))
        .header("if-match", &v.etag)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn fetch(api: &Api, v: &VersionResource) -> VersionResource {
    api.json(&path(v)).await
}

async fn feed(api: &Api) -> Vec<Change> {
    let page: ChangesPage = api.json("/changes?limit=500").await;
    page.changes
}

/// Waits for the automatic reviewer to decide `track`, and returns the version and the outcome.
async fn reviewed(
    api: &Api,
    v: &VersionResource,
    track: Track,
) -> (VersionResource, partner_api::ReviewOutcome) {
    for _ in 0..400 {
        let now = fetch(api, v).await;
        if now.version.status.get(track) != ReviewStatus::InReview {
            let outcome = feed(api)
                .await
                .into_iter()
                .rev()
                .find(|c| c.kind == ChangeKind::Reviewed && c.resource.id == v.version.id)
                .and_then(|c| c.review)
                .expect("a review outcome in the feed");
            return (now, outcome);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the {track} review of {} was never decided", v.version.id);
}

/// The version as the tool would check a submission of it, with the default pack.
fn local(content: &VersionContent, icon: Option<&[u8]>, track: Track) -> Report {
    local_with(content, icon, &[], track, &RulesPack::default_pack())
}

fn local_with(
    content: &VersionContent,
    icon: Option<&[u8]>,
    suppressions: &[Suppression],
    track: Track,
    pack: &RulesPack,
) -> Report {
    let mut input = ValidationInput::new(content, workbench_domain::VersionStatus::NEW);
    if let Some(bytes) = icon {
        input = input.with_icon(bytes, "icon.png");
    }
    validate_submission(&input, pack, suppressions, track)
}

fn rule_ids(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.rule.as_str()).collect()
}

#[tokio::test]
async fn an_icon_the_rules_refuse_is_a_422_with_the_engines_diagnostics_and_nothing_is_stored() {
    let api = sandbox(ReviewMode::Manual).await;
    let v = draft(&api, "zeta").await;
    let before = feed(&api).await;
    let pack = RulesPack::default_pack();
    // Only safety refuses an icon: decoding limits and bytes that do not decode. The house
    // rules (shape, animation, extension, ...) are warnings.
    for name in [
        "not-an-image.png",
        "bomb-60000.png",
        // Its IHDR fails its CRC: an icon.decodes error here as in the tool.
        "broken-crc.png",
    ] {
        let bytes = fixture(name);
        let e = error(
            put_icon(&api, &v, name, bytes.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let expected = validate_icon(&bytes, name, &pack);
        assert_eq!(e.code, "validation_failed", "{name}");
        assert_eq!(e.diagnostics, expected.diagnostics, "{name}");
        assert_eq!(e.not_checked, expected.not_checked, "{name}");
        let errors: Vec<_> = expected
            .diagnostics
            .iter()
            .filter(|d| d.severity == workbench_domain::validation::Severity::Error)
            .collect();
        assert!(!errors.is_empty(), "{name}");
        assert_eq!(e.fields.len(), errors.len(), "{name}");
        for (field, d) in e.fields.iter().zip(&errors) {
            assert_eq!(field.name, "icon");
            assert_eq!(field.description, format!("{}: {}", d.rule, d.message));
        }
        assert!(e.message.contains(&pack.version), "{}", e.message);
    }
    // Nothing stored: same ETag, no icon, no feed entry.
    let now = fetch(&api, &v).await;
    assert_eq!(now.etag, v.etag);
    assert_eq!(now.icon, None);
    assert_eq!(feed(&api).await, before);
    let response = api.get(&format!("{}/icon", path(&v))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A name the route cannot take is 400.
    error(
        put_icon(&api, &v, "../icon.png", png()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // A warning does not refuse an upload; the stored type is the real format of the bytes.
    let response = put_icon(&api, &v, "corner.png", fixture("corner-content.png")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let with_icon: VersionResource = response.json().await.unwrap();
    assert_eq!(with_icon.icon.as_ref().unwrap().media_type, "image/png");
    let response = put_icon(&api, &with_icon, "valid.jpeg", fixture("valid.jpg")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let with_jpeg: VersionResource = response.json().await.unwrap();
    assert_eq!(with_jpeg.icon.as_ref().unwrap().media_type, "image/jpeg");
    // A non-square icon and an animated one are house warnings: accepted, with the real type.
    let response = put_icon(
        &api,
        &with_jpeg,
        "non-square.png",
        fixture("non-square.png"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let non_square: VersionResource = response.json().await.unwrap();
    let gif = fixture("animated.gif");
    assert!(
        validate_icon(&gif, "icon.gif", &pack)
            .diagnostics
            .iter()
            .any(|d| d.rule == "icon.animated"
                && d.severity == workbench_domain::validation::Severity::Warning)
    );
    let response = api
        .request(Method::PUT, &format!("{}/icon", path(&non_square)))
        .header("if-match", &non_square.etag)
        .header("content-type", "image/gif")
        .body(gif)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let animated: VersionResource = response.json().await.unwrap();
    assert_eq!(animated.icon.unwrap().media_type, "image/gif");
}

#[tokio::test]
async fn a_submission_with_errors_is_a_422_for_its_track_and_changes_nothing() {
    let api = sandbox(ReviewMode::Auto).await;
    let v = draft(&api, "zeta").await;
    let mut body = complete_content();
    body["general"]["slug"] = json!("Zeta Notes");
    body["marketplace"]["categories"] = json!(["Gardening"]);
    // The redirect receives authorization codes: plain HTTP is a safety error.
    body["technical"]["urls"][0]["url"] = json!("http://zeta.io/callback");
    let v = patch(&api, &v, body.clone()).await;
    let content: VersionContent = serde_json::from_value(body).unwrap();
    let before = feed(&api).await;

    // The technical track looks at the general and technical sections only.
    let e = error(
        submit(&api, &v, json!({"track": "technical"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let expected = local(&content, None, Track::Technical);
    assert_eq!(e.diagnostics, expected.diagnostics);
    // The slug is a house rule: a warning shown, not a refusal.
    assert_eq!(rule_ids(&e.diagnostics), ["listing.slug", "listing.https"]);
    assert_eq!(e.failed_rules(), ["listing.https"]);
    assert_eq!(e.fields[0].name, "technical.urls[0].url");
    assert!(e.fields[0].description.starts_with("listing.https: "));
    // The marketplace track looks at everything, the icon too (not checked without one).
    let e = error(
        submit(&api, &v, json!({"track": "marketplace"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let expected = local(&content, None, Track::Marketplace);
    assert_eq!(e.diagnostics, expected.diagnostics);
    assert_eq!(e.failed_rules(), ["listing.https"]);
    assert!(rule_ids(&e.diagnostics).contains(&"listing.categories"));
    assert_eq!(e.not_checked, expected.not_checked);
    assert!(e.not_checked.iter().any(|n| n.rule == "icon.square"));

    // An error cannot be suppressed; a suppression without a reason is a 400.
    let e = error(
        submit(
            &api,
            &v,
            json!({"track": "technical",
                   "suppressions": [{"rule": "listing.https", "reason": "we like plain HTTP"}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e.failed_rules(), ["listing.https"]);
    let e = error(
        submit(
            &api,
            &v,
            json!({"track": "technical", "suppressions": [{"rule": "listing.slug", "reason": " "}]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e.fields[0].name, "suppressions[0].reason");

    // Nothing changed: status, ETag, feed.
    let now = fetch(&api, &v).await;
    assert_eq!(now.etag, v.etag);
    assert_eq!(now.version.status, v.version.status);
    assert_eq!(feed(&api).await, before);

    // Fixed, it is accepted, and with nothing left to hold against it, approved.
    let v = patch(&api, &v, complete_content()).await;
    let response = submit(&api, &v, json!({"track": "technical"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (v, outcome) = reviewed(&api, &v, Track::Technical).await;
    assert_eq!(v.version.status.technical, ReviewStatus::Approved);
    assert_eq!(outcome.decision, ReviewDecision::Approve);
    assert!(outcome.feedback.is_empty());
}

#[tokio::test]
async fn an_unsuppressed_warning_passes_the_submission_and_the_reviewer_rejects_it_by_rule() {
    let api = sandbox(ReviewMode::Auto).await;
    let v = draft(&api, "zeta").await;
    let mut body = complete_content();
    body["marketplace"] = complete_marketplace(
        "Zeta keeps notes of every call. Every seat costs only $5 a month, whatever you pick.",
    );
    let v = patch(&api, &v, body.clone()).await;
    let v: VersionResource = put_icon(&api, &v, "icon.png", fixture("corner-content.png"))
        .await
        .json()
        .await
        .unwrap();
    let content: VersionContent = serde_json::from_value(body.clone()).unwrap();
    let icon = fixture("corner-content.png");
    let expected = local(&content, Some(&icon), Track::Marketplace);
    assert!(!expected.has_errors());

    let response = submit(&api, &v, json!({"track": "marketplace"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (v, outcome) = reviewed(&api, &v, Track::Marketplace).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Rejected);
    assert_eq!(outcome.decision, ReviewDecision::Reject);
    let named: Vec<(&str, &str)> = outcome
        .feedback
        .iter()
        .map(|f| (f.rule.as_deref().unwrap(), f.field.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            ("icon.corners_clear", "icon"),
            ("plans.quoted_prices", "marketplace.description")
        ]
    );
    let local_named: Vec<(&str, &str)> = expected
        .review_findings()
        .map(|d| (d.rule.as_str(), d.field.as_str()))
        .collect();
    assert_eq!(named, local_named);
    assert_eq!(outcome.feedback[1].message, expected.diagnostics[1].message);

    // Suppressed with reasons, the same content passes. (An edit returns Rejected to Draft.)
    let v = patch(
        &api,
        &v,
        json!({"marketplace": body["marketplace"].clone()}),
    )
    .await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Draft);
    let suppressions = json!([
        {"rule": "plans.quoted_prices", "reason": "$5 is the per-seat storage add-on sold by Zeta"},
        {"rule": "icon.corners_clear", "field": "icon", "reason": "the corner dot is part of the logo"}
    ]);
    let response = submit(
        &api,
        &v,
        json!({"track": "marketplace", "suppressions": suppressions}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (v, outcome) = reviewed(&api, &v, Track::Marketplace).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Approved);
    assert_eq!(outcome.decision, ReviewDecision::Approve);
    let suppressions: Vec<Suppression> = serde_json::from_value(suppressions).unwrap();
    let local = local_with(
        &content,
        Some(&icon),
        &suppressions,
        Track::Marketplace,
        &RulesPack::default_pack(),
    );
    assert_eq!(local.review_findings().count(), 0);
    assert_eq!(local.suppressed.len(), 2);
}

#[tokio::test]
async fn the_admin_replaces_the_pack_and_uploads_submissions_and_reviews_follow_it() {
    let api = sandbox(ReviewMode::Auto).await;
    let default = RulesPack::default_pack();
    let first = api.get("/rules").await;
    let first_etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.json::<RulesPack>().await.unwrap(), default);

    // A stricter limit: icons of at least 512 pixels a side.
    let mut strict = default.clone();
    strict.version = "2026.12.0-test".into();
    let bounds = strict
        .rules
        .iter_mut()
        .find(|r| r.id == "icon.pixel_bounds")
        .unwrap();
    bounds.params.insert("min_side".into(), json!(512));
    // An error only because a Talkdesk page (here a made-up one) would say so: a house limit
    // could only be a warning.
    bounds.severity = workbench_domain::validation::Severity::Error;
    bounds.source = Some(workbench_domain::validation::RuleSource::Page {
        url: "https://docs.talkdesk.test/icon-requirements".into(),
        quote: "Icons are at least 512 pixels a side.".into(),
    });
    let response = api
        .send_json(
            Method::PUT,
            "/_sandbox/rules",
            &serde_json::to_value(&strict).unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(etag, first_etag);
    let served = api.get("/rules").await;
    assert_eq!(served.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(served.json::<RulesPack>().await.unwrap(), strict);

    let v = draft(&api, "zeta").await;
    let e = error(
        put_icon(&api, &v, "valid.png", png()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e.failed_rules(), ["icon.pixel_bounds"]);
    assert!(e.message.contains("2026.12.0-test"), "{}", e.message);
    assert_eq!(
        e.diagnostics,
        validate_icon(&png(), "valid.png", &strict).diagnostics
    );

    // A malformed pack is 400 and the pack in force stays.
    for bad in [
        json!({"rules": []}),
        json!({"version": " ", "rules": []}),
        json!({"version": "x", "rules": [{"id": "a.b", "kind": "k", "severity": "fatal",
                                          "field": "f", "message": "m"}]}),
        json!({"version": "x", "rules": [
            {"id": "a.b", "kind": "k", "severity": "error", "field": "f", "message": "m"},
            {"id": "a.b", "kind": "k", "severity": "error", "field": "f", "message": "m"}]}),
        // A rule that says nowhere where it comes from, and a house rule that is an error
        // without a safety reason.
        json!({"version": "x", "rules": [
            {"id": "a.b", "kind": "k", "severity": "warning", "field": "f", "message": "m"}]}),
        json!({"version": "x", "rules": [
            {"id": "a.b", "kind": "k", "severity": "error", "field": "f", "message": "m",
             "source": {"kind": "house", "reason": "we like it"}}]}),
    ] {
        let response = api.send_json(Method::PUT, "/_sandbox/rules", &bad).await;
        error(response, StatusCode::BAD_REQUEST).await;
    }
    let still = api.get("/rules").await;
    assert_eq!(still.headers()["etag"].to_str().unwrap(), etag);

    // The pack in force survives a restart.
    let api = api.restart().await;
    assert_eq!(api.json::<RulesPack>("/rules").await, strict);

    // Back to the default: the same icon passes.
    let response = api
        .send_json(
            Method::PUT,
            "/_sandbox/rules",
            &serde_json::to_value(&default).unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let v = fetch(&api, &v).await;
    assert_eq!(
        put_icon(&api, &v, "valid.png", png()).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_rule_of_an_unknown_kind_is_not_checked_on_either_side_never_passed() {
    let api = sandbox(ReviewMode::Auto).await;
    let mut pack = RulesPack::default_pack();
    pack.version = "2027.1.0-test".into();
    let future: workbench_domain::validation::Rule = serde_json::from_value(json!({
        "id": "listing.video_length", "kind": "video_max_seconds", "severity": "error",
        "field": "marketplace.assets", "message": "The video is too long.",
        "params": {"max_seconds": 90}, "tracks": ["marketplace"],
        "source": {"kind": "page", "url": "https://docs.talkdesk.test/videos",
                   "quote": "Videos last at most 90 seconds."}
    }))
    .unwrap();
    pack.rules.push(future);
    let response = api
        .send_json(
            Method::PUT,
            "/_sandbox/rules",
            &serde_json::to_value(&pack).unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let v = draft(&api, "zeta").await;
    let mut body = complete_content();
    body["technical"]["urls"][0]["url"] = json!("http://zeta.io/callback");
    let v = patch(&api, &v, body.clone()).await;
    let content: VersionContent = serde_json::from_value(body).unwrap();
    let expected = local_with(&content, None, &[], Track::Marketplace, &pack);
    let unknown = |list: &[workbench_domain::validation::NotChecked]| {
        list.iter()
            .find(|n| n.rule == "listing.video_length")
            .map(|n| n.reason.clone())
    };
    let reason = unknown(&expected.not_checked).expect("the tool says it is not checked");
    // The server refuses for the plain HTTP redirect, and says the unknown rule was not checked either.
    let e = error(
        submit(&api, &v, json!({"track": "marketplace"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e.failed_rules(), ["listing.https"]);
    assert_eq!(unknown(&e.not_checked), Some(reason.clone()));
    assert_eq!(e.not_checked, expected.not_checked);

    // Fixed: accepted (an unknown rule refuses nothing) and the review outcome names the rule
    // it could not check.
    let v = patch(&api, &v, complete_content()).await;
    let response = submit(&api, &v, json!({"track": "marketplace"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (_, outcome) = reviewed(&api, &v, Track::Marketplace).await;
    assert_eq!(outcome.decision, ReviewDecision::Approve);
    assert_eq!(unknown(&outcome.not_checked), Some(reason));
    // The technical track does not run it at all.
    let technical = local_with(&content, None, &[], Track::Technical, &pack);
    assert_eq!(unknown(&technical.not_checked), None);
}
