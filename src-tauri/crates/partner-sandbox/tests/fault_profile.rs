//! The fault profile of `PUT /_sandbox/faults` over real HTTP: reproducible from its seed,
//! `Retry-After` on 429 and 503, latency, and drops and truncations that a reqwest client
//! really sees as failures.

mod common;

use std::time::{Duration, Instant};

use common::{Api, error, field_names};
use partner_api::Page;
use partner_sandbox::FaultProfile;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use workbench_domain::App;

async fn put_profile(api: &Api, profile: Value) -> reqwest::Response {
    api.send_json(Method::PUT, "/_sandbox/faults", &profile)
        .await
}

/// What a client saw for one request: a status, or a transport error.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Status(u16),
    BodyFailed(u16),
    NoResponse,
}

async fn outcome(api: &Api, path: &str) -> Outcome {
    match api.request(Method::GET, path).send().await {
        Err(_) => Outcome::NoResponse,
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => Outcome::Status(status),
                Err(_) => Outcome::BodyFailed(status),
            }
        }
    }
}

async fn sequence(api: &Api, profile: &Value, n: usize) -> Vec<Outcome> {
    assert_eq!(
        put_profile(api, profile.clone()).await.status(),
        StatusCode::OK
    );
    let mut outcomes = Vec::new();
    for _ in 0..n {
        outcomes.push(outcome(api, "/apps").await);
    }
    outcomes
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let api = Api::start().await;
    let profile = json!({
        "error_rate": 0.2, "rate_limit": {"rate": 0.15}, "drop_rate": 0.1,
        "truncate_rate": 0.1, "seed": 2026
    });
    let first = sequence(&api, &profile, 60).await;
    // Setting the profile again restarts its generator; a new sandbox gives the same too.
    assert_eq!(sequence(&api, &profile, 60).await, first);
    let other = Api::start().await;
    assert_eq!(sequence(&other, &profile, 60).await, first);
    let mut reseeded = profile.clone();
    reseeded["seed"] = json!(2027);
    assert_ne!(sequence(&api, &reseeded, 60).await, first);

    for expected in [
        Outcome::Status(200),
        Outcome::Status(429),
        Outcome::Status(500),
        Outcome::Status(503),
        Outcome::BodyFailed(200),
        Outcome::NoResponse,
    ] {
        assert!(
            first.contains(&expected),
            "{expected:?} never happened in {first:?}"
        );
    }
}

#[tokio::test]
async fn rate_limits_and_unavailability_carry_retry_after_and_the_error_body() {
    let api = Api::start().await;
    let profile = json!({"rate_limit": {"every_nth": 2}, "retry_after_s": 7});
    assert_eq!(put_profile(&api, profile).await.status(), StatusCode::OK);
    let first = api.get("/apps").await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = api.get("/apps").await;
    assert_eq!(second.headers()[header::RETRY_AFTER], "7");
    assert_eq!(
        error(second, StatusCode::TOO_MANY_REQUESTS).await.code,
        "rate_limited"
    );

    // error_rate 1: every request is a 500 or a 503, and every 503 says when to come back.
    let profile = json!({"error_rate": 1.0, "retry_after_s": 3, "seed": 5});
    assert_eq!(put_profile(&api, profile).await.status(), StatusCode::OK);
    let mut seen = Vec::new();
    for _ in 0..20 {
        let response = api.get("/account").await;
        let status = response.status();
        seen.push(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(response.headers()[header::RETRY_AFTER], "3");
        }
        let body = error(response, status).await;
        assert!(!body.code.is_empty());
    }
    assert!(seen.contains(&StatusCode::SERVICE_UNAVAILABLE), "{seen:?}");
    assert!(
        seen.contains(&StatusCode::INTERNAL_SERVER_ERROR),
        "{seen:?}"
    );

    // Admin routes never fault, so the profile can always be cleared.
    let listed: Value = api.json("/_sandbox/faults").await;
    assert_eq!(listed["profile"]["error_rate"], 1.0);
    let cleared = api
        .request(Method::DELETE, "/_sandbox/faults")
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    let listed: Value = api.json("/_sandbox/faults").await;
    assert_eq!(listed, json!({"faults": []}));
    let _: Page<App> = api.json("/apps").await;
}

#[tokio::test]
async fn latency_stays_within_its_bounds() {
    let api = Api::start().await;
    let profile = json!({"latency_ms": {"min": 120, "max": 160}, "seed": 1});
    assert_eq!(put_profile(&api, profile).await.status(), StatusCode::OK);
    for _ in 0..3 {
        let started = Instant::now();
        let _: Page<App> = api.json("/apps").await;
        let took = started.elapsed();
        // The lower bound is exact; the upper one is loose, for a busy machine.
        assert!(took >= Duration::from_millis(120), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

#[tokio::test]
async fn a_dropped_connection_is_an_error_without_a_response() {
    let api = Api::start().await;
    assert_eq!(
        put_profile(&api, json!({"drop_rate": 1.0})).await.status(),
        StatusCode::OK
    );
    for path in ["/apps", "/account", "/no-such-route"] {
        let result = api.request(Method::GET, path).send().await;
        let error = result.expect_err("a dropped connection gives no response");
        assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
        assert!(
            error.is_request() || error.is_connect() || error.is_body(),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_truncated_body_fails_the_client_read() {
    let api = Api::start().await;
    assert_eq!(
        put_profile(&api, json!({"truncate_rate": 1.0}))
            .await
            .status(),
        StatusCode::OK
    );
    let response = api.get("/apps").await;
    assert_eq!(response.status(), StatusCode::OK);
    let declared = response.content_length().unwrap();
    assert!(declared > 0);
    assert!(response.bytes().await.is_err(), "the body is cut short");
    let response = api.get("/apps").await;
    assert!(response.json::<Page<App>>().await.is_err());
}

#[tokio::test]
async fn bad_profiles_are_400_and_leave_the_old_one() {
    let api = Api::start().await;
    assert_eq!(
        put_profile(&api, json!({"seed": 3})).await.status(),
        StatusCode::OK
    );
    let cases = [
        (json!({"error_rate": 2}), vec!["error_rate"]),
        (json!({"drop_rate": "often"}), vec!["drop_rate"]),
        (
            json!({"latency_ms": {"min": 50, "max": 10}}),
            vec!["latency_ms"],
        ),
        (json!({"latency_ms": 10}), vec!["latency_ms"]),
        (
            json!({"rate_limit": {"every_nth": 0}}),
            vec!["rate_limit.every_nth"],
        ),
        (json!({"rate_limit": {"rate": -0.1}}), vec!["rate"]),
        (json!({"seed": -4}), vec!["seed"]),
        (json!({"retry_after_s": 1.5}), vec!["retry_after_s"]),
        (json!({"eror_rate": 0.5}), vec!["eror_rate"]),
        (json!([1]), vec!["profile"]),
    ];
    for (body, fields) in cases {
        let response = put_profile(&api, body.clone()).await;
        let error = error(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(field_names(&error), fields, "{body}");
    }
    let response = api
        .request(Method::PUT, "/_sandbox/faults")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST).await;
    let listed: Value = api.json("/_sandbox/faults").await;
    assert_eq!(listed["profile"]["seed"], 3);
}

#[tokio::test]
async fn the_profile_can_be_set_through_the_library() {
    let api = Api::start().await;
    let profile = FaultProfile::from_json(&json!({"rate_limit": {"every_nth": 1}})).unwrap();
    api.sandbox.set_fault_profile(Some(profile));
    error(api.get("/apps").await, StatusCode::TOO_MANY_REQUESTS).await;
    api.sandbox.set_fault_profile(None);
    let _: Page<App> = api.json("/apps").await;
}
