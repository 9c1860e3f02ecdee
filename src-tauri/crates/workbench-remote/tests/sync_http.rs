//! The sync side of `PartnerClient` against the real sandbox over HTTP on 127.0.0.1: the
//! writes with `If-Match` and `Idempotency-Key`, the change feed, and the retry policy under
//! the sandbox's injected faults (`PUT /_sandbox/faults`, one-shot `POST /_sandbox/faults`).

use std::time::{Duration, Instant};

use partner_api::{ChangeKind, ChangesPage, Submission, UpdateVersion, VersionResource};
use partner_sandbox::{Config, ReviewMode, Sandbox, Seed};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use workbench_domain::{IconFile, ReviewStatus, Track};
use workbench_remote::{PartnerClient, RemoteError, RetryPolicy, SecretToken};

struct Server {
    sandbox: Sandbox,
    http: reqwest::Client,
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    /// An empty sandbox whose reviews wait for the admin route.
    async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.seed = Seed::Empty;
        config.review = ReviewMode::Manual;
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let token = sandbox.issue_token(&[]).unwrap().access_token;
        Server {
            sandbox,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            token,
            _dir: dir,
        }
    }

    fn client(&self, policy: RetryPolicy) -> PartnerClient {
        PartnerClient::new(&self.sandbox.base_url())
            .unwrap()
            .with_token(SecretToken::new(self.token.clone()))
            .with_retry(policy)
    }

    /// A request of the test itself (setup and admin routes), never faulted by a profile
    /// when it goes to `/_sandbox/`.
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.sandbox.base_url()))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// A new app with its first version, a Draft on both tracks.
    async fn draft(&self, name: &str) -> VersionResource {
        let app: Value = self
            .send(
                Method::POST,
                "/apps",
                Some(json!({
                    "name": name, "slug": name, "display_name": "Zeta Notes",
                    "created_type": "Zeta Ltd", "app_type": "standalone", "render": "portal"
                })),
            )
            .await
            .json()
            .await
            .unwrap();
        let app_id = app["id"].as_str().unwrap();
        let response = self
            .send(Method::POST, &format!("/apps/{app_id}/versions"), None)
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn approve(&self, v: &VersionResource, track: &str) -> VersionResource {
        let response = self
            .send(
                Method::POST,
                &format!("/_sandbox/versions/{}/review", v.version.id),
                Some(json!({"track": track, "decision": "approve"})),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Talkdesk publishes the version on AppConnect (the sandbox's manual mode).
    async fn publish(&self, v: &VersionResource) -> VersionResource {
        let response = self
            .send(
                Method::POST,
                &format!("/_sandbox/versions/{}/advertisement", v.version.id),
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn set_faults(&self, profile: Value) {
        let response = self
            .send(Method::PUT, "/_sandbox/faults", Some(profile))
            .await;
        assert_eq!(
            response.status(),
            200,
            "the sandbox takes the fault profile"
        );
    }

    /// Arms a one-shot fault on the next `times` requests under `path_prefix`.
    async fn arm(&self, path_prefix: &str, kind: &str, times: u32) {
        let fault = json!({"path_prefix": path_prefix, "kind": kind, "times": times});
        let response = self
            .send(Method::POST, "/_sandbox/faults", Some(fault))
            .await;
        assert_eq!(response.status(), 201);
    }

    async fn armed(&self) -> usize {
        let list: Value = self
            .send(Method::GET, "/_sandbox/faults", None)
            .await
            .json()
            .await
            .unwrap();
        list["faults"].as_array().unwrap().len()
    }

    async fn clear_faults(&self) {
        let response = self.send(Method::DELETE, "/_sandbox/faults", None).await;
        assert_eq!(response.status(), 204);
    }

    /// Every change of the feed, read by the test itself.
    async fn feed(&self) -> Vec<partner_api::Change> {
        let page: ChangesPage = self
            .send(Method::GET, "/changes?limit=500", None)
            .await
            .json()
            .await
            .unwrap();
        page.changes
    }
}

/// A version the default rules pack passes on both tracks (as the sandbox's tests use).
fn complete() -> UpdateVersion {
    serde_json::from_value(json!({
        "general": {"display_name": "Zeta Notes", "slug": "zeta-notes"},
        "technical": {
            "scopes": ["apps:read"],
            "scopes_reason": "Reads the account's apps to show their notes.",
            "urls": [
                {"type": "redirect_uri", "url": "https://zeta.io/callback"},
                {"type": "installation_subscription", "url": "https://zeta.io/events"},
                {"type": "launch_url", "url": "https://zeta.io/launch"}
            ]
        },
        "marketplace": {
            "listing_summary": "Notes for every call",
            "description": "Zeta keeps notes of every call, so nobody has to type while they talk.",
            "categories": ["Productivity"],
            "assets": [{"type": "screenshot", "description": "The notes", "url": "https://zeta.io/shot.png"}],
            "urls": [
                {"type": "privacy_policy", "url": "https://zeta.io/privacy"},
                {"type": "terms_of_service", "url": "https://zeta.io/terms"}
            ],
            "support": {"email": "help@zeta.io"}
        },
        "subscription_types": [
            {"type": "trial", "license_type": "individual", "name": "Trial", "price": 0,
             "currency": "USD", "min_licenses": 1, "max_licenses": 10, "trial_days": 30},
            {"type": "paid", "license_type": "individual", "name": "Standard", "price": 900,
             "currency": "USD", "min_licenses": 1, "max_licenses": 100}
        ]
    }))
    .unwrap()
}

/// A listing summary edit: only the marketplace section, with `summary`.
fn summary(summary: &str) -> UpdateVersion {
    let mut marketplace = complete().marketplace.unwrap();
    marketplace.listing_summary = summary.to_owned();
    UpdateVersion {
        marketplace: Some(marketplace),
        ..UpdateVersion::default()
    }
}

/// The PNG icon of the repository's fixtures that the default rules pack passes.
fn icon() -> IconFile {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/icons/valid.png");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    IconFile {
        media_type: "image/png".into(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
    }
}

/// Quick to retry, for tests: many tries, millisecond backoff, `Retry-After` waited up to 2 s.
fn patient() -> RetryPolicy {
    RetryPolicy {
        attempts: 20,
        base: Duration::from_millis(2),
        max: Duration::from_secs(2),
    }
}

fn ids(v: &VersionResource) -> (&str, &str) {
    (&v.version.app_id, &v.version.id)
}

#[tokio::test]
async fn every_write_sends_if_match_and_a_key_and_answers_the_new_version() {
    let server = Server::start().await;
    let client = server.client(RetryPolicy::none());
    let v = server.draft("zeta").await;
    let (app_id, version_id) = ids(&v);

    let read = client.version(app_id, version_id).await.unwrap();
    assert_eq!(read, v);
    let app = client.app(app_id).await.unwrap();
    assert_eq!(app.name, "zeta");

    let edited = client
        .update_version(app_id, version_id, &v.etag, "k-edit", &complete())
        .await
        .unwrap();
    assert_ne!(edited.etag, v.etag, "a new ETag");
    assert_eq!(edited.version.content.general.slug, "zeta-notes");
    assert_eq!(client.version(app_id, version_id).await.unwrap(), edited);

    // The old ETag is stale now: 412, which is not worth retrying.
    let stale = client
        .update_version(app_id, version_id, &v.etag, "k-stale", &summary("Stale"))
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed(), "{stale}");
    assert_eq!(stale.status(), Some(412));
    assert!(!stale.is_transient());

    let icon = icon();
    let with_icon = client
        .put_icon(
            app_id,
            version_id,
            &edited.etag,
            "k-icon",
            &icon,
            "zeta.png",
        )
        .await
        .unwrap();
    assert_eq!(with_icon.icon.as_ref().unwrap().sha256, icon.sha256);
    // An icon the rules refuse (bytes that do not decode: a safety error) is a 422, nothing
    // stored. (A PNG named .jpg is only a house warning, `icon.extension`, since every rule
    // gained a source.)
    let mut broken = icon.clone();
    broken.bytes.truncate(40);
    broken.sha256 = hex::encode(Sha256::digest(&broken.bytes));
    let refused = client
        .put_icon(
            app_id,
            version_id,
            &with_icon.etag,
            "k-icon-2",
            &broken,
            "zeta.png",
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(422), "{refused}");

    let submitted = client
        .submit(
            app_id,
            version_id,
            &with_icon.etag,
            "k-submit",
            &Submission::new(Track::Technical),
        )
        .await
        .unwrap();
    assert_eq!(submitted.version.status.technical, ReviewStatus::InReview);
    let withdrawn = client
        .withdraw(
            app_id,
            version_id,
            Track::Technical,
            &submitted.etag,
            "k-withdraw",
        )
        .await
        .unwrap();
    assert_eq!(withdrawn.version.status.technical, ReviewStatus::Draft);
    let submitted = client
        .submit(
            app_id,
            version_id,
            &withdrawn.etag,
            "k-submit-2",
            &Submission::new(Track::Technical),
        )
        .await
        .unwrap();
    let approved = server.approve(&submitted, "technical").await;
    let available = client
        .make_available(app_id, version_id, &approved.etag, "k-available")
        .await
        .unwrap();
    assert_eq!(available.version.status.technical, ReviewStatus::Available);
    let submitted = client
        .submit(
            app_id,
            version_id,
            &available.etag,
            "k-submit-3",
            &Submission::new(Track::Marketplace),
        )
        .await
        .unwrap();
    server.approve(&submitted, "marketplace").await;
    let advertised = server.publish(&submitted).await;
    assert_eq!(
        advertised.version.status.marketplace,
        ReviewStatus::Advertised
    );
    assert_eq!(
        client.version(app_id, version_id).await.unwrap(),
        advertised
    );

    // The feed through the client: everything from the start, then nothing after the end.
    let page = client.changes(None).await.unwrap();
    let kinds: Vec<_> = page.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::AppRegistered,
            ChangeKind::VersionCreated,
            ChangeKind::VersionUpdated,
            ChangeKind::IconChanged,
            ChangeKind::Submitted,
            ChangeKind::Withdrawn,
            ChangeKind::Submitted,
            ChangeKind::Reviewed,
            ChangeKind::MadeAvailable,
            ChangeKind::Submitted,
            ChangeKind::Reviewed,
            ChangeKind::Advertised,
        ]
    );
    assert_eq!(
        page.changes.last().unwrap().etag.as_deref(),
        Some(advertised.etag.as_str())
    );
    let latest = client.changes(Some("latest")).await.unwrap();
    assert!(latest.changes.is_empty());
    assert_eq!(latest.next_cursor, page.next_cursor);
    let idle = client.changes(Some(&latest.next_cursor)).await.unwrap();
    assert!(idle.changes.is_empty());
    assert_eq!(idle.next_cursor, latest.next_cursor);
    let bad = client.changes(Some("not-a-cursor")).await.unwrap_err();
    assert_eq!(bad.status(), Some(400));
}

#[tokio::test]
async fn bad_keys_and_ids_are_refused_before_anything_is_sent() {
    let server = Server::start().await;
    let client = server.client(RetryPolicy::none());
    let v = server.draft("zeta").await;
    let (app_id, version_id) = ids(&v);
    let too_long = "k".repeat(256);
    for key in ["", "has space", "line\nbreak", "é", too_long.as_str()] {
        let error = client
            .update_version(app_id, version_id, &v.etag, key, &summary("x"))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("Idempotency-Key"),
            "{key:?}: {error}"
        );
        assert!(!error.is_transient());
    }
    let error = client
        .update_version(app_id, version_id, "bad\netag", "k", &summary("x"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("If-Match"), "{error}");
    // An id is one path segment: it cannot lead to another route.
    let error = client
        .version(app_id, &format!("{version_id}/icon"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
    assert!(client.version(app_id, "..").await.is_err());
    // Nothing reached the server.
    assert_eq!(server.feed().await.len(), 2, "registered and created only");
    assert_eq!(client.version(app_id, version_id).await.unwrap(), v);
}

/// A write whose reply is cut off after the server applied it: the client sends it again with
/// the same key and If-Match, gets the first reply instead of a 412, and the server applied it
/// once. Each write of the sync is checked.
#[tokio::test]
async fn a_write_replayed_after_its_reply_was_lost_is_applied_once() {
    let server = Server::start().await;
    let v = server.draft("zeta").await;
    let (app_id, version_id) = ids(&v);
    let path = format!("/apps/{app_id}/versions/{version_id}");

    // Without retries the loss is the caller's to see: an interrupted reply, worth retrying.
    server.arm(&path, "truncate", 1).await;
    let once = server.client(RetryPolicy::none());
    let lost = once
        .update_version(app_id, version_id, &v.etag, "k-edit", &complete())
        .await
        .unwrap_err();
    assert!(matches!(lost, RemoteError::Interrupted { .. }), "{lost}");
    assert!(lost.is_transient() && !lost.is_offline());
    // The caller's own replay, with the key, gets the first result...
    let edited = once
        .update_version(app_id, version_id, &v.etag, "k-edit", &complete())
        .await
        .unwrap();
    // ...where a new request with the same stale ETag is refused.
    let fresh = once
        .update_version(app_id, version_id, &v.etag, "k-other", &complete())
        .await
        .unwrap_err();
    assert!(fresh.is_precondition_failed(), "{fresh}");

    // With retries the client replays by itself.
    let client = server.client(patient());
    server.arm(&format!("{path}/icon"), "truncate", 1).await;
    let v = client
        .put_icon(app_id, version_id, &edited.etag, "k-icon", &icon(), "z.png")
        .await
        .unwrap();
    assert_eq!(server.armed().await, 0, "the fault fired");
    server
        .arm(&format!("{path}/submissions"), "truncate", 1)
        .await;
    let v = client
        .submit(
            app_id,
            version_id,
            &v.etag,
            "k-submit",
            &Submission::new(Track::Technical),
        )
        .await
        .unwrap();
    assert_eq!(server.armed().await, 0);
    server
        .arm(&format!("{path}/submissions"), "truncate", 1)
        .await;
    let v = client
        .withdraw(app_id, version_id, Track::Technical, &v.etag, "k-withdraw")
        .await
        .unwrap();
    assert_eq!(server.armed().await, 0);
    let v = client
        .submit(
            app_id,
            version_id,
            &v.etag,
            "k-submit-2",
            &Submission::new(Track::Technical),
        )
        .await
        .unwrap();
    let v = server.approve(&v, "technical").await;
    server
        .arm(&format!("{path}/availability"), "truncate", 1)
        .await;
    let v = client
        .make_available(app_id, version_id, &v.etag, "k-available")
        .await
        .unwrap();
    assert_eq!(server.armed().await, 0);
    let v = client
        .submit(
            app_id,
            version_id,
            &v.etag,
            "k-submit-3",
            &Submission::new(Track::Marketplace),
        )
        .await
        .unwrap();
    let v = server.approve(&v, "marketplace").await;
    let v = server.publish(&v).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Advertised);

    let kinds: Vec<_> = server.feed().await.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::AppRegistered,
            ChangeKind::VersionCreated,
            ChangeKind::VersionUpdated,
            ChangeKind::IconChanged,
            ChangeKind::Submitted,
            ChangeKind::Withdrawn,
            ChangeKind::Submitted,
            ChangeKind::Reviewed,
            ChangeKind::MadeAvailable,
            ChangeKind::Submitted,
            ChangeKind::Reviewed,
            ChangeKind::Advertised,
        ],
        "every write applied exactly once"
    );
}

/// 30% 503 with `Retry-After`, 10% dropped connections, every 20th request a 429 with
/// `Retry-After`, and some replies cut off after the write was applied: a run of edits and
/// reads still goes through, each edit applied once, the last one standing.
#[tokio::test]
async fn edits_and_reads_converge_under_injected_faults() {
    let server = Server::start().await;
    let v = server.draft("zeta").await;
    let (app_id, version_id) = (v.version.app_id.clone(), v.version.id.clone());
    server
        .set_faults(json!({
            "unavailable_rate": 0.3, "drop_rate": 0.1, "truncate_rate": 0.05,
            "rate_limit": {"every_nth": 20}, "retry_after_s": 1, "seed": 2026
        }))
        .await;
    // Retry-After (1 s) is cut to 300 ms here, to keep the test short; the exact wait is
    // checked by `retry_after_is_waited_up_to_the_policy_max_and_reported`.
    let client = server.client(RetryPolicy {
        max: Duration::from_millis(300),
        ..patient()
    });
    let started = Instant::now();
    let start = client.changes(Some("latest")).await.unwrap().next_cursor;
    let mut etag = client.version(&app_id, &version_id).await.unwrap().etag;
    let edits = 8;
    for i in 0..edits {
        let edit = if i == 0 {
            complete()
        } else {
            summary(&format!("Notes for every call, take {i}"))
        };
        let saved = client
            .update_version(&app_id, &version_id, &etag, &format!("edit-{i}"), &edit)
            .await
            .unwrap_or_else(|e| panic!("edit {i}: {e}"));
        etag = saved.etag;
        let read = client.version(&app_id, &version_id).await.unwrap();
        assert_eq!(read.etag, etag, "edit {i}: the server has what it answered");
    }
    let feed = client.changes(Some(&start)).await.unwrap();
    let took = started.elapsed();
    server.clear_faults().await;
    // 19 calls, so at least 20 requests with the retries: the 20th was a 429 that was waited.
    assert!(took >= Duration::from_millis(300), "{took:?}");

    let updates: Vec<_> = feed
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::VersionUpdated)
        .collect();
    assert_eq!(updates.len(), edits, "each edit once: {:?}", feed.changes);
    assert_eq!(feed.changes.len(), edits, "and nothing else");
    assert_eq!(updates.last().unwrap().etag.as_deref(), Some(etag.as_str()));
    let last = server.client(RetryPolicy::none());
    let last = last.version(&app_id, &version_id).await.unwrap();
    assert_eq!(
        last.version.content.marketplace.listing_summary,
        format!("Notes for every call, take {}", edits - 1)
    );
}

#[tokio::test]
async fn retry_after_is_waited_up_to_the_policy_max_and_reported() {
    let server = Server::start().await;
    let v = server.draft("zeta").await;
    let (app_id, version_id) = ids(&v);
    // Every second request is a 429 asking for 1 s; the backoff alone would wait a millisecond.
    server
        .set_faults(json!({"rate_limit": {"every_nth": 2}, "retry_after_s": 1}))
        .await;
    let client = server.client(RetryPolicy {
        attempts: 3,
        base: Duration::from_millis(1),
        max: Duration::from_secs(5),
    });
    client.version(app_id, version_id).await.unwrap(); // request 1
    let started = Instant::now();
    client.version(app_id, version_id).await.unwrap(); // 2: 429, then 3
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");

    // Without retries the 429 is the caller's, with its Retry-After.
    let once = server.client(RetryPolicy::none());
    let error = once.version(app_id, version_id).await.unwrap_err(); // 4
    assert_eq!(error.status(), Some(429), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(error.is_transient() && !error.is_precondition_failed());

    // A Retry-After beyond the policy's max is cut to max.
    let short = server.client(RetryPolicy {
        attempts: 2,
        base: Duration::from_millis(1),
        max: Duration::from_millis(100),
    });
    short.version(app_id, version_id).await.unwrap(); // 5
    let started = Instant::now();
    short.version(app_id, version_id).await.unwrap(); // 6: 429, then 7
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(100), "{waited:?}");
    assert!(waited < Duration::from_millis(900), "{waited:?}");

    // 503s with Retry-After: tried `attempts` times, then the last 503 is reported.
    server
        .set_faults(json!({"unavailable_rate": 1.0, "retry_after_s": 1}))
        .await;
    let started = Instant::now();
    let error = short.version(app_id, version_id).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[tokio::test]
async fn server_errors_are_retried_other_4xx_and_an_unreachable_server_are_not() {
    let server = Server::start().await;
    let v = server.draft("zeta").await;
    let (app_id, version_id) = ids(&v);
    let client = server.client(patient());
    let path = format!("/apps/{app_id}/versions/{version_id}");
    server.arm(&path, "server_error", 3).await;
    assert_eq!(client.version(app_id, version_id).await.unwrap(), v);
    assert_eq!(server.armed().await, 0, "three 500s, then the version");
    // More 500s than tries: the last one is reported.
    server.arm(&path, "server_error", 3).await;
    let three = server.client(RetryPolicy {
        attempts: 3,
        ..patient()
    });
    let error = three.version(app_id, version_id).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(error.is_transient());
    assert_eq!(server.armed().await, 0, "exactly three tries");

    // Waits of up to 5 s each: a retry would show.
    let slow = RetryPolicy {
        attempts: 5,
        base: Duration::from_secs(5),
        max: Duration::from_secs(5),
    };
    let client = server.client(slow);
    let started = Instant::now();
    let error = client.version(app_id, "ver-none").await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(!error.is_transient());
    let stale = client
        .update_version(app_id, version_id, "\"stale\"", "k", &summary("x"))
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no retry of a 4xx"
    );

    // Nothing listens: offline, reported at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gone = PartnerClient::new(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .with_retry(slow);
    let started = Instant::now();
    let error = gone.changes(None).await.unwrap_err();
    assert!(error.is_offline(), "{error}");
    assert!(error.is_transient(), "worth trying later");
    assert_eq!(error.status(), None);
    assert!(started.elapsed() < Duration::from_secs(2), "not retried");
}
