//! The write side over real HTTP on 127.0.0.1: apps, versions, icons, submissions, reviews,
//! `If-Match`, `Idempotency-Key`, the change feed, restarts and bad input. Every request goes
//! through [`Fixture::send`], the one place to add an auth header.

mod common;

use std::path::Path;
use std::time::Duration;

use partner_api::{ApiError, Change, ChangeKind, ChangesPage, ResourceType, VersionResource};
use partner_sandbox::{Config, ReviewMode, Sandbox, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use workbench_domain::{App, ReviewStatus, Track};

use common::{complete_content, complete_marketplace, complete_technical, png};

struct Fixture {
    sandbox: Option<Sandbox>,
    client: reqwest::Client,
    dir: tempfile::TempDir,
    mode: ReviewMode,
    delay: Duration,
}

/// A request body.
enum Body {
    None,
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

/// A reply, read whole.
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn etag(&self) -> String {
        self.headers
            .get("etag")
            .expect("an ETag header")
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// Asserts the status and that the body is the contract's error body.
    fn error(&self, status: StatusCode) -> ApiError {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        let content_type = self.headers["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        self.json()
    }

    fn ok<T: serde::de::DeserializeOwned>(&self, status: StatusCode) -> T {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }
}

impl Fixture {
    async fn start(mode: ReviewMode, delay: Duration) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = start(dir.path(), mode, delay).await;
        Fixture {
            sandbox: Some(sandbox),
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
            dir,
            mode,
            delay,
        }
    }

    async fn manual() -> Fixture {
        Fixture::start(ReviewMode::Manual, Duration::from_secs(2)).await
    }

    async fn restart(&mut self) {
        self.sandbox.take().unwrap().stop().await;
        self.sandbox = Some(start(self.dir.path(), self.mode, self.delay).await);
    }

    /// The one helper every request goes through.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Reply {
        let sandbox = self.sandbox.as_ref().unwrap();
        let url = format!("{}{path}", sandbox.base_url());
        let token = sandbox
            .issue_token(&[])
            .expect("the sandbox issues a token")
            .access_token;
        let mut request = self.client.request(method, url).bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&value).unwrap()),
            Body::Raw(content_type, bytes) => {
                request.header("content-type", content_type).body(bytes)
            }
        };
        let response = request.send().await.unwrap();
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, Body::None, &[]).await
    }

    async fn register(&self, name: &str) -> (App, String) {
        let reply = self
            .send(Method::POST, "/apps", Body::Json(register_body(name)), &[])
            .await;
        let app: App = reply.ok(StatusCode::CREATED);
        (app, reply.etag())
    }

    async fn new_version(&self, app_id: &str) -> VersionResource {
        self.send(
            Method::POST,
            &format!("/apps/{app_id}/versions"),
            Body::None,
            &[],
        )
        .await
        .ok(StatusCode::CREATED)
    }

    async fn version(&self, v: &VersionResource) -> VersionResource {
        self.get(&version_path(v)).await.ok(StatusCode::OK)
    }

    async fn patch(&self, v: &VersionResource, body: Value) -> Reply {
        self.send(
            Method::PATCH,
            &version_path(v),
            Body::Json(body),
            &[("if-match", &v.etag)],
        )
        .await
    }

    async fn submit(&self, v: &VersionResource, track: &str) -> Reply {
        self.send(
            Method::POST,
            &format!("{}/submissions", version_path(v)),
            Body::Json(json!({ "track": track })),
            &[("if-match", &v.etag)],
        )
        .await
    }

    async fn review(
        &self,
        v: &VersionResource,
        track: &str,
        decision: &str,
        feedback: Value,
    ) -> Reply {
        self.send(
            Method::POST,
            &format!("/_sandbox/versions/{}/review", v.version.id),
            Body::Json(json!({ "track": track, "decision": decision, "feedback": feedback })),
            &[],
        )
        .await
    }

    /// `POST /_sandbox/versions/{id}/advertisement`: Talkdesk publishes it (manual mode).
    async fn publish(&self, v: &VersionResource) -> Reply {
        self.send(
            Method::POST,
            &format!("/_sandbox/versions/{}/advertisement", v.version.id),
            Body::None,
            &[],
        )
        .await
    }

    async fn post_action(&self, v: &VersionResource, what: &str) -> Reply {
        self.send(
            Method::POST,
            &format!("{}/{what}", version_path(v)),
            Body::None,
            &[("if-match", &v.etag)],
        )
        .await
    }

    /// Every change after `cursor`, `limit` at a time.
    async fn changes(&self, cursor: Option<&str>, limit: u32) -> (Vec<Change>, String) {
        let mut all = Vec::new();
        let mut cursor = cursor.map(str::to_owned);
        loop {
            let path = match &cursor {
                Some(c) => format!("/changes?cursor={c}&limit={limit}"),
                None => format!("/changes?limit={limit}"),
            };
            let page: ChangesPage = self.get(&path).await.ok(StatusCode::OK);
            assert!(page.changes.len() <= limit as usize);
            let done = page.changes.is_empty();
            all.extend(page.changes);
            cursor = Some(page.next_cursor);
            if done {
                return (all, cursor.unwrap());
            }
        }
    }

    /// A version whose technical track is Available (manual mode).
    async fn available_version(&self, app_id: &str) -> VersionResource {
        let v = self.new_version(app_id).await;
        let v: VersionResource = self.patch(&v, complete_content()).await.ok(StatusCode::OK);
        let v: VersionResource = self.submit(&v, "technical").await.ok(StatusCode::OK);
        let v: VersionResource = self
            .review(&v, "technical", "approve", json!([]))
            .await
            .ok(StatusCode::OK);
        self.post_action(&v, "availability")
            .await
            .ok(StatusCode::OK)
    }
}

async fn start(dir: &Path, mode: ReviewMode, delay: Duration) -> Sandbox {
    let mut config = Config::new(dir);
    config.seed = Seed::Empty;
    config.review = mode;
    config.review_delay = delay;
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn version_path(v: &VersionResource) -> String {
    format!("/apps/{}/versions/{}", v.version.app_id, v.version.id)
}

fn register_body(name: &str) -> Value {
    json!({
        "name": name,
        "slug": name,
        "display_name": "Zeta Notes",
        "created_type": "Zeta Ltd",
        "app_type": "standalone",
        "render": "portal",
    })
}

async fn wait_for(
    fx: &Fixture,
    v: &VersionResource,
    track: Track,
    not: ReviewStatus,
) -> VersionResource {
    for _ in 0..200 {
        let now = fx.version(v).await;
        if now.version.status.get(track) != not {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the {track} review of {} stayed {not}", v.version.id);
}

#[tokio::test]
async fn apps_register_read_and_patch_with_etags() {
    let fx = Fixture::manual().await;
    let reply = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &[],
        )
        .await;
    let app: App = reply.ok(StatusCode::CREATED);
    assert_eq!(
        reply.headers["location"],
        format!("/apps/{}", app.id).as_str()
    );
    let etag = reply.etag();
    assert_eq!(
        (app.name.as_str(), app.display_name.as_str()),
        ("zeta", "Zeta Notes")
    );

    let got = fx.get(&format!("/apps/{}", app.id)).await;
    assert_eq!(got.ok::<App>(StatusCode::OK), app);
    assert_eq!(got.etag(), etag);

    // Missing fields are all named; an unusable name and a taken one are refused.
    let missing = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(json!({"name": "x", "slug": ""})),
            &[],
        )
        .await
        .error(StatusCode::BAD_REQUEST);
    assert_eq!(missing.code, "invalid_request");
    let names: Vec<_> = missing.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["slug", "display_name", "created_type", "app_type", "render"]
    );
    let bad_name = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("Not Valid!")),
            &[],
        )
        .await
        .error(StatusCode::BAD_REQUEST);
    assert_eq!(bad_name.fields[0].name, "name");
    let taken = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &[],
        )
        .await
        .error(StatusCode::CONFLICT);
    assert!(taken.message.contains("zeta"), "{}", taken.message);

    // PATCH needs If-Match: 428 without, 412 when stale, and answers the new ETag.
    let path = format!("/apps/{}", app.id);
    let change = json!({"display_name": "Zeta Notes Pro", "render": "canvas"});
    let e = fx
        .send(Method::PATCH, &path, Body::Json(change.clone()), &[])
        .await
        .error(StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(e.code, "precondition_required");
    let e = fx
        .send(
            Method::PATCH,
            &path,
            Body::Json(change.clone()),
            &[("if-match", "\"stale\"")],
        )
        .await
        .error(StatusCode::PRECONDITION_FAILED);
    assert_eq!(e.code, "precondition_failed");
    let patched = fx
        .send(
            Method::PATCH,
            &path,
            Body::Json(change.clone()),
            &[("if-match", &etag)],
        )
        .await;
    let updated: App = patched.ok(StatusCode::OK);
    assert_eq!(updated.display_name, "Zeta Notes Pro");
    assert_eq!(updated.render, workbench_domain::Render::Canvas);
    assert_ne!(patched.etag(), etag);
    assert_eq!(fx.get(&path).await.etag(), patched.etag());
    // The old ETag is stale now.
    fx.send(
        Method::PATCH,
        &path,
        Body::Json(change),
        &[("if-match", &etag)],
    )
    .await
    .error(StatusCode::PRECONDITION_FAILED);
    fx.send(
        Method::PATCH,
        "/apps/app-nope",
        Body::Json(json!({})),
        &[("if-match", "*")],
    )
    .await
    .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn versions_create_edit_and_delete() {
    let fx = Fixture::manual().await;
    let (app, _) = fx.register("zeta").await;
    let reply = fx
        .send(
            Method::POST,
            &format!("/apps/{}/versions", app.id),
            Body::Json(json!({})),
            &[],
        )
        .await;
    let v: VersionResource = reply.ok(StatusCode::CREATED);
    assert_eq!(reply.headers["location"], version_path(&v).as_str());
    assert_eq!(reply.etag(), v.etag);
    assert_eq!(v.version.version_number, "1.0.0");
    assert_eq!(v.version.content.general.display_name, "Zeta Notes");

    // The latest version is not Available: no next one.
    let e = fx
        .send(
            Method::POST,
            &format!("/apps/{}/versions", app.id),
            Body::None,
            &[],
        )
        .await
        .error(StatusCode::CONFLICT);
    assert!(e.message.contains("Available"), "{}", e.message);

    // Edit one section; the others stay.
    fx.send(
        Method::PATCH,
        &version_path(&v),
        Body::Json(complete_content()),
        &[],
    )
    .await
    .error(StatusCode::PRECONDITION_REQUIRED);
    let edited: VersionResource = fx
        .patch(
            &v,
            json!({
                "marketplace": {"listing_summary": "Short"},
                "technical": complete_technical(&["apps:read"]),
            }),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(edited.version.content.marketplace.listing_summary, "Short");
    assert_eq!(edited.version.content.general.display_name, "Zeta Notes");
    assert_ne!(edited.etag, v.etag);
    assert_eq!(fx.version(&v).await, edited);
    fx.patch(&v, json!({"general": {"display_name": "x"}}))
        .await
        .error(StatusCode::PRECONDITION_FAILED);

    // Delete: If-Match, only drafts.
    fx.send(Method::DELETE, &version_path(&v), Body::None, &[])
        .await
        .error(StatusCode::PRECONDITION_REQUIRED);
    fx.send(
        Method::DELETE,
        &version_path(&v),
        Body::None,
        &[("if-match", &v.etag)],
    )
    .await
    .error(StatusCode::PRECONDITION_FAILED);
    let submitted: VersionResource = fx.submit(&edited, "technical").await.ok(StatusCode::OK);
    let e = fx
        .send(
            Method::DELETE,
            &version_path(&v),
            Body::None,
            &[("if-match", &submitted.etag)],
        )
        .await
        .error(StatusCode::CONFLICT);
    assert!(e.message.contains("draft"), "{}", e.message);
    let back: VersionResource = fx
        .send(
            Method::DELETE,
            &format!("{}/submissions/technical", version_path(&v)),
            Body::None,
            &[("if-match", &submitted.etag)],
        )
        .await
        .ok(StatusCode::OK);
    let deleted = fx
        .send(
            Method::DELETE,
            &version_path(&v),
            Body::None,
            &[("if-match", &back.etag)],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    fx.get(&version_path(&v)).await.error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn icon_upload_needs_if_match_and_a_file_the_rules_accept() {
    let fx = Fixture::manual().await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let icon_path = format!("{}/icon", version_path(&v));
    fx.send(Method::PUT, &icon_path, Body::Raw("image/png", png()), &[])
        .await
        .error(StatusCode::PRECONDITION_REQUIRED);
    // A file that does not decode breaks a safety rule, an error: refused, nothing stored.
    let e = fx
        .send(
            Method::PUT,
            &icon_path,
            Body::Raw("image/png", b"not an image at all".to_vec()),
            &[("if-match", &v.etag)],
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.code, "validation_failed");
    assert_eq!(e.failed_rules(), ["icon.decodes"]);
    let big = vec![0u8; 1024 * 1024 + 1];
    fx.send(
        Method::PUT,
        &icon_path,
        Body::Raw("image/png", big),
        &[("if-match", &v.etag)],
    )
    .await
    .error(StatusCode::PAYLOAD_TOO_LARGE);
    let reply = fx
        .send(
            Method::PUT,
            &icon_path,
            Body::Raw("image/png", png()),
            &[("if-match", &v.etag)],
        )
        .await;
    let with_icon: VersionResource = reply.ok(StatusCode::OK);
    assert_eq!(reply.etag(), with_icon.etag);
    assert_ne!(with_icon.etag, v.etag);
    assert_eq!(with_icon.icon.as_ref().unwrap().size, png().len() as u64);
    let got = fx.get(&icon_path).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, png());
    fx.send(
        Method::PUT,
        &icon_path,
        Body::Raw("image/png", png()),
        &[("if-match", &v.etag)],
    )
    .await
    .error(StatusCode::PRECONDITION_FAILED);
    // PNG bytes named as a JPEG break the extension rule, a house rule and so a warning: the
    // upload is taken (stored as what the bytes are), and a submission reports the warning.
    let named_jpeg = fx
        .send(
            Method::PUT,
            &icon_path,
            Body::Raw("image/jpeg", png()),
            &[("if-match", &with_icon.etag)],
        )
        .await;
    let named_jpeg: VersionResource = named_jpeg.ok(StatusCode::OK);
    assert_eq!(named_jpeg.icon.as_ref().unwrap().media_type, "image/png");
}

#[tokio::test]
async fn transitions_edit_locks_and_the_next_version() {
    let fx = Fixture::manual().await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx.patch(&v, complete_content()).await.ok(StatusCode::OK);
    let icon_path = format!("{}/icon", version_path(&v));
    let v: VersionResource = fx
        .send(
            Method::PUT,
            &icon_path,
            Body::Raw("image/png", png()),
            &[("if-match", &v.etag)],
        )
        .await
        .ok(StatusCode::OK);

    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    assert_eq!(v.version.status.technical, ReviewStatus::InReview);
    // In Review: its content is locked, the other track's is not; submitting again is refused.
    let e = fx
        .patch(&v, json!({"technical": {"scopes": []}}))
        .await
        .error(StatusCode::CONFLICT);
    assert_eq!(e.code, "locked");
    assert!(e.message.contains("withdraw"), "{}", e.message);
    let e = fx
        .patch(&v, json!({"general": {"display_name": "x"}}))
        .await
        .error(StatusCode::CONFLICT);
    assert_eq!(e.code, "locked");
    let e = fx.submit(&v, "technical").await.error(StatusCode::CONFLICT);
    assert_eq!(e.code, "conflict");
    let e = fx
        .post_action(&v, "availability")
        .await
        .error(StatusCode::CONFLICT);
    assert!(e.message.contains("In Review"), "{}", e.message);

    // Rejected, then an edit returns the track to Draft.
    let v: VersionResource = fx
        .review(
            &v,
            "technical",
            "reject",
            json!([{"field": "technical.scopes", "message": "too wide"}]),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(v.version.status.technical, ReviewStatus::Rejected);
    fx.review(&v, "technical", "approve", json!([]))
        .await
        .error(StatusCode::CONFLICT);
    let v: VersionResource = fx
        .patch(
            &v,
            json!({"technical": complete_technical(&["apps:read", "calls:read"])}),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(v.version.status.technical, ReviewStatus::Draft);

    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    let v: VersionResource = fx
        .review(&v, "technical", "approve", json!([]))
        .await
        .ok(StatusCode::OK);
    // Publishing needs an Approved marketplace track and an Available technical one; it is
    // Talkdesk's step: the partner's API has no route for it.
    let e = fx.publish(&v).await.error(StatusCode::CONFLICT);
    assert_eq!(e.code, "conflict");
    fx.post_action(&v, "advertisement")
        .await
        .error(StatusCode::NOT_FOUND);
    let v: VersionResource = fx.post_action(&v, "availability").await.ok(StatusCode::OK);
    assert_eq!(v.version.status.technical, ReviewStatus::Available);
    fx.post_action(&v, "availability")
        .await
        .error(StatusCode::CONFLICT);
    let e = fx
        .patch(&v, json!({"technical": {}}))
        .await
        .error(StatusCode::CONFLICT);
    assert!(e.message.contains("new version"), "{}", e.message);
    let v: VersionResource = fx.submit(&v, "marketplace").await.ok(StatusCode::OK);
    let v: VersionResource = fx
        .review(&v, "marketplace", "approve", json!([]))
        .await
        .ok(StatusCode::OK);
    assert_eq!(
        fx.version(&v).await.version.status.marketplace,
        ReviewStatus::Approved,
        "manual mode: Talkdesk publishes when the admin route says so"
    );
    let v: VersionResource = fx.publish(&v).await.ok(StatusCode::OK);
    assert_eq!(v.version.status.marketplace, ReviewStatus::Advertised);

    // The next version: a copy (content and icon), 1.1.0, with the icon and plans frozen.
    let next = fx.new_version(&app.id).await;
    assert_eq!(next.version.version_number, "1.1.0");
    assert_eq!(next.version.content, v.version.content);
    assert_eq!(next.icon, v.icon);
    assert_eq!(next.version.status.technical, ReviewStatus::Draft);
    let e = fx
        .patch(&next, json!({"subscription_types": []}))
        .await
        .error(StatusCode::CONFLICT);
    assert!(e.message.contains("Talkdesk"), "{}", e.message);
    fx.send(
        Method::PUT,
        &format!("{}/icon", version_path(&next)),
        Body::Raw("image/png", png()),
        &[("if-match", &next.etag)],
    )
    .await
    .error(StatusCode::CONFLICT);
    let next: VersionResource = fx
        .patch(&next, json!({"marketplace": {"listing_summary": "New"}}))
        .await
        .ok(StatusCode::OK);
    // Only one draft at a time: the latest is not Available.
    fx.send(
        Method::POST,
        &format!("/apps/{}/versions", app.id),
        Body::None,
        &[],
    )
    .await
    .error(StatusCode::CONFLICT);
    // Withdraw only from In Review; unknown tracks are 400.
    fx.send(
        Method::DELETE,
        &format!("{}/submissions/technical", version_path(&next)),
        Body::None,
        &[("if-match", &next.etag)],
    )
    .await
    .error(StatusCode::CONFLICT);
    fx.send(
        Method::DELETE,
        &format!("{}/submissions/legal", version_path(&next)),
        Body::None,
        &[("if-match", &next.etag)],
    )
    .await
    .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn auto_review_approves_complete_and_rejects_incomplete_versions() {
    let fx = Fixture::start(ReviewMode::Auto, Duration::from_millis(50)).await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx.patch(&v, complete_content()).await.ok(StatusCode::OK);
    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    let v = wait_for(&fx, &v, Track::Technical, ReviewStatus::InReview).await;
    assert_eq!(v.version.status.technical, ReviewStatus::Approved);
    let v: VersionResource = fx.submit(&v, "marketplace").await.ok(StatusCode::OK);
    let v = wait_for(&fx, &v, Track::Marketplace, ReviewStatus::InReview).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Approved);

    let (other, _) = fx.register("quoted").await;
    let w = fx.new_version(&other.id).await;
    let mut content = complete_content();
    content["marketplace"] = complete_marketplace(
        "Zeta keeps notes of every call. Every seat costs only $5 a month, whatever the plan.",
    );
    let w: VersionResource = fx.patch(&w, content).await.ok(StatusCode::OK);
    let w: VersionResource = fx.submit(&w, "marketplace").await.ok(StatusCode::OK);
    let w = wait_for(&fx, &w, Track::Marketplace, ReviewStatus::InReview).await;
    assert_eq!(w.version.status.marketplace, ReviewStatus::Rejected);

    let (changes, _) = fx.changes(None, 500).await;
    let outcome = changes
        .iter()
        .rev()
        .find(|c| c.kind == ChangeKind::Reviewed)
        .and_then(|c| c.review.clone())
        .unwrap();
    assert_eq!(outcome.decision, partner_api::ReviewDecision::Reject);
    let rules: Vec<_> = outcome
        .feedback
        .iter()
        .map(|f| (f.rule.as_deref().unwrap(), f.field.as_str()))
        .collect();
    assert_eq!(
        rules,
        [("plans.quoted_prices", "marketplace.description")],
        "errors refuse the submission; a warning left unsuppressed rejects it"
    );
}

/// FAQ §15: "once your marketing content has been approved by Talkdesk, it is published". In
/// auto mode Talkdesk publishes a version by itself, the review delay after its marketplace
/// review is approved and its technical track made Available, in either order.
#[tokio::test]
async fn talkdesk_publishes_an_approved_and_available_version_by_itself() {
    let fx = Fixture::start(ReviewMode::Auto, Duration::from_millis(50)).await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx.patch(&v, complete_content()).await.ok(StatusCode::OK);
    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    let v = wait_for(&fx, &v, Track::Technical, ReviewStatus::InReview).await;
    let v: VersionResource = fx.submit(&v, "marketplace").await.ok(StatusCode::OK);
    let v = wait_for(&fx, &v, Track::Marketplace, ReviewStatus::InReview).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Approved);
    // Approved, but the technical track is not Available yet: nothing is published.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let v = fx.version(&v).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Approved);
    // Made available (the partner's step): published after the delay, with no partner action.
    let v: VersionResource = fx.post_action(&v, "availability").await.ok(StatusCode::OK);
    let v = wait_for(&fx, &v, Track::Marketplace, ReviewStatus::Approved).await;
    assert_eq!(v.version.status.marketplace, ReviewStatus::Advertised);
    let (changes, _) = fx.changes(None, 500).await;
    let last = changes.last().unwrap();
    assert_eq!(
        (last.kind, last.resource.id.as_str()),
        (ChangeKind::Advertised, v.version.id.as_str())
    );
}

#[tokio::test]
async fn withdrawn_submissions_are_not_auto_reviewed() {
    let fx = Fixture::start(ReviewMode::Auto, Duration::from_millis(100)).await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx
        .patch(&v, json!({"technical": complete_technical(&["apps:read"])}))
        .await
        .ok(StatusCode::OK);
    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    let v: VersionResource = fx
        .send(
            Method::DELETE,
            &format!("{}/submissions/technical", version_path(&v)),
            Body::None,
            &[("if-match", &v.etag)],
        )
        .await
        .ok(StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        fx.version(&v).await.version.status.technical,
        ReviewStatus::Draft
    );
}

#[tokio::test]
async fn manual_review_waits_for_the_admin() {
    let fx = Fixture::start(ReviewMode::Manual, Duration::from_millis(0)).await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx.patch(&v, complete_content()).await.ok(StatusCode::OK);
    let v: VersionResource = fx.submit(&v, "marketplace").await.ok(StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        fx.version(&v).await.version.status.marketplace,
        ReviewStatus::InReview
    );
    let e = fx
        .send(
            Method::POST,
            &format!("/_sandbox/versions/{}/review", v.version.id),
            Body::Json(json!({"track": "marketplace", "decision": "maybe"})),
            &[],
        )
        .await
        .error(StatusCode::BAD_REQUEST);
    assert_eq!(e.fields[0].name, "decision");
    fx.send(
        Method::POST,
        "/_sandbox/versions/ver-nope/review",
        Body::Json(json!({"track": "marketplace", "decision": "approve"})),
        &[],
    )
    .await
    .error(StatusCode::NOT_FOUND);
    // A cross-site page's text/plain POST decides nothing (the admin routes take only JSON),
    // and one decision carries a bounded list of feedback.
    let decision = json!({"track": "marketplace", "decision": "approve"});
    let e = fx
        .send(
            Method::POST,
            &format!("/_sandbox/versions/{}/review", v.version.id),
            Body::Raw("text/plain", decision.to_string().into_bytes()),
            &[],
        )
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(e.code, "unsupported_media_type");
    let too_much: Vec<Value> = (0..101)
        .map(|i| json!({"field": "general", "message": format!("note {i}")}))
        .collect();
    let e = fx
        .review(&v, "marketplace", "reject", json!(too_much))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert_eq!(e.fields[0].name, "feedback");
    assert_eq!(
        fx.version(&v).await.version.status.marketplace,
        ReviewStatus::InReview,
        "neither decided anything"
    );
    let v: VersionResource = fx
        .review(
            &v,
            "marketplace",
            "reject",
            json!([{"field": "marketplace.description", "message": "say more"}]),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(v.version.status.marketplace, ReviewStatus::Rejected);
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_result() {
    let fx = Fixture::manual().await;
    let key = [("idempotency-key", "register-zeta-1")];
    let first = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &key,
        )
        .await;
    let second = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &key,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.body, second.body);
    assert_eq!(first.headers["location"], second.headers["location"]);
    assert_eq!(first.etag(), second.etag());
    let page: partner_api::Page<App> = fx.get("/apps").await.ok(StatusCode::OK);
    assert_eq!(page.total, 1);
    let e = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("other")),
            &key,
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.code, "idempotency_key_reused");

    let app: App = first.json();
    let path = format!("/apps/{}/versions", app.id);
    let vkey = [("idempotency-key", "version-1")];
    let a: VersionResource = fx
        .send(Method::POST, &path, Body::None, &vkey)
        .await
        .ok(StatusCode::CREATED);
    let b: VersionResource = fx
        .send(Method::POST, &path, Body::None, &vkey)
        .await
        .ok(StatusCode::CREATED);
    assert_eq!(a.version.id, b.version.id);
    let versions: partner_api::Page<VersionResource> = fx.get(&path).await.ok(StatusCode::OK);
    assert_eq!(versions.total, 1);
    // Ready for the technical review (FAQ §11's SSO, installation and API scopes).
    let a: VersionResource = fx
        .patch(&a, json!({"technical": complete_technical(&["apps:read"])}))
        .await
        .ok(StatusCode::OK);

    // A submission replayed with its key answers the first result, not a refused transition.
    let skey = [
        ("idempotency-key", "submit-1"),
        ("if-match", a.etag.as_str()),
    ];
    let body = || Body::Json(json!({"track": "technical"}));
    let sub = format!("{}/submissions", version_path(&a));
    let s1 = fx.send(Method::POST, &sub, body(), &skey).await;
    let s2 = fx.send(Method::POST, &sub, body(), &skey).await;
    assert_eq!(s1.status, StatusCode::OK);
    assert_eq!((s2.status, &s2.body), (StatusCode::OK, &s1.body));
    let (changes, _) = fx.changes(None, 500).await;
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::AppRegistered,
            ChangeKind::VersionCreated,
            ChangeKind::VersionUpdated,
            ChangeKind::Submitted
        ]
    );
}

/// Every version write a sync client makes, sent twice with one key and the If-Match of the
/// first try, as a client does when the first reply was lost: the replay gets the first reply
/// (not a 412), and the feed shows each write once.
#[tokio::test]
async fn every_version_write_replays_its_first_reply_under_its_key() {
    let fx = Fixture::manual().await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;

    // Sends one write twice with `key` and `v`'s ETag; both answer 200 with the same body.
    async fn twice(
        fx: &Fixture,
        method: Method,
        path: &str,
        body: impl Fn() -> Body,
        key: &str,
        v: &VersionResource,
    ) -> VersionResource {
        let headers = [("idempotency-key", key), ("if-match", v.etag.as_str())];
        let first = fx.send(method.clone(), path, body(), &headers).await;
        let again = fx.send(method, path, body(), &headers).await;
        let done: VersionResource = first.ok(StatusCode::OK);
        assert_eq!(
            again.status,
            StatusCode::OK,
            "{key}: the replay is not a 412"
        );
        assert_eq!(again.body, first.body, "{key}: the first reply, again");
        assert_eq!(again.etag(), done.etag, "{key}");
        assert_ne!(done.etag, v.etag, "{key}: the write changed the version");
        done
    }

    let path = version_path(&v);
    let v = twice(
        &fx,
        Method::PATCH,
        &path,
        || Body::Json(complete_content()),
        "patch-1",
        &v,
    )
    .await;
    // The same key with another body is another request: refused, nothing applied.
    let e = fx
        .send(
            Method::PATCH,
            &path,
            Body::Json(json!({"general": {"display_name": "Other", "slug": "other"}})),
            &[("idempotency-key", "patch-1"), ("if-match", &v.etag)],
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.code, "idempotency_key_reused");

    let icon = format!("{path}/icon?filename=zeta.png");
    let v = twice(
        &fx,
        Method::PUT,
        &icon,
        || Body::Raw("image/png", png()),
        "icon-1",
        &v,
    )
    .await;
    // The file name is part of the request.
    let e = fx
        .send(
            Method::PUT,
            &format!("{path}/icon?filename=other.png"),
            Body::Raw("image/png", png()),
            &[("idempotency-key", "icon-1"), ("if-match", &v.etag)],
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.code, "idempotency_key_reused");

    let submissions = format!("{path}/submissions");
    let technical = || Body::Json(json!({"track": "technical"}));
    let v = twice(&fx, Method::POST, &submissions, technical, "submit-1", &v).await;
    assert_eq!(v.version.status.technical, ReviewStatus::InReview);
    let v = twice(
        &fx,
        Method::DELETE,
        &format!("{submissions}/technical"),
        || Body::None,
        "withdraw-1",
        &v,
    )
    .await;
    assert_eq!(v.version.status.technical, ReviewStatus::Draft);
    let v = twice(&fx, Method::POST, &submissions, technical, "submit-2", &v).await;
    let v: VersionResource = fx
        .review(&v, "technical", "approve", json!([]))
        .await
        .ok(StatusCode::OK);
    let v = twice(
        &fx,
        Method::POST,
        &format!("{path}/availability"),
        || Body::None,
        "available-1",
        &v,
    )
    .await;
    assert_eq!(v.version.status.technical, ReviewStatus::Available);
    let marketplace = || Body::Json(json!({"track": "marketplace"}));
    let v = twice(&fx, Method::POST, &submissions, marketplace, "submit-3", &v).await;
    let v: VersionResource = fx
        .review(&v, "marketplace", "approve", json!([]))
        .await
        .ok(StatusCode::OK);
    let v: VersionResource = fx.publish(&v).await.ok(StatusCode::OK);
    assert_eq!(v.version.status.marketplace, ReviewStatus::Advertised);

    let (changes, _) = fx.changes(None, 500).await;
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
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
        "each write once, however often it was sent"
    );
}

/// `cursor=latest` is where a client that has just copied everything starts; a new rules pack
/// is a change in the feed.
#[tokio::test]
async fn the_feed_starts_at_latest_and_announces_a_new_rules_pack() {
    async fn latest(fx: &Fixture) -> String {
        let page: ChangesPage = fx.get("/changes?cursor=latest").await.ok(StatusCode::OK);
        assert!(page.changes.is_empty(), "latest lists nothing");
        page.next_cursor
    }
    let fx = Fixture::manual().await;
    assert_eq!(latest(&fx).await, "c0", "an empty feed ends at its start");
    fx.register("zeta").await;
    fx.register("eta").await;
    let end = latest(&fx).await;
    let (all, last) = fx.changes(None, 500).await;
    assert_eq!(all.len(), 2);
    assert_eq!(end, last, "latest is the cursor of the newest change");
    let (after, _) = fx.changes(Some(&end), 500).await;
    assert!(after.is_empty(), "nothing after the end");

    let mut pack: Value = serde_json::from_str(partner_api::rules::DEFAULT_PACK_JSON).unwrap();
    pack["version"] = json!("2099.1.1");
    let put = fx
        .send(Method::PUT, "/_sandbox/rules", Body::Json(pack), &[])
        .await;
    assert_eq!(put.status, StatusCode::OK);
    // A pack refused records nothing.
    fx.send(
        Method::PUT,
        "/_sandbox/rules",
        Body::Json(json!({"version": " ", "rules": []})),
        &[],
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    let (after, _) = fx.changes(Some(&end), 500).await;
    assert_eq!(after.len(), 1, "{after:?}");
    let change = &after[0];
    assert_eq!(change.kind, ChangeKind::RulesUpdated);
    assert_eq!(change.resource.kind, ResourceType::Rules);
    assert_eq!(change.resource.id, "2099.1.1");
    assert_eq!(change.resource.app_id, None);
    let served = fx.get("/rules").await;
    assert_eq!(change.etag.as_deref(), Some(served.etag().as_str()));
    assert_eq!(change.etag.as_deref(), Some(put.etag().as_str()));
}

#[tokio::test]
async fn the_change_feed_lists_every_mutation_once_in_order_across_pages() {
    let fx = Fixture::manual().await;
    let (empty, start) = fx.changes(None, 500).await;
    assert!(empty.is_empty());
    assert_eq!(start, "c0");

    let (app, etag) = fx.register("zeta").await;
    fx.send(
        Method::PATCH,
        &format!("/apps/{}", app.id),
        Body::Json(json!({"display_name": "Zeta 2"})),
        &[("if-match", &etag)],
    )
    .await
    .ok::<App>(StatusCode::OK);
    let v = fx.available_version(&app.id).await; // created, updated, submitted, reviewed, available
    let v: VersionResource = fx.submit(&v, "marketplace").await.ok(StatusCode::OK);
    let v: VersionResource = fx
        .review(
            &v,
            "marketplace",
            "reject",
            json!([{"field": "marketplace.description", "message": "say more"}]),
        )
        .await
        .ok(StatusCode::OK);
    let portal: VersionResource = fx
        .send(
            Method::PATCH,
            &format!("/_sandbox/versions/{}", v.version.id),
            Body::Json(json!({"marketplace": complete_marketplace(
                "Zeta keeps notes of every call, and now it says more about how it does that."
            )})),
            &[],
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(portal.version.status.marketplace, ReviewStatus::Draft);
    // The portal's edit made the client's ETag stale.
    fx.patch(&v, json!({"marketplace": {}}))
        .await
        .error(StatusCode::PRECONDITION_FAILED);
    let v: VersionResource = fx.submit(&portal, "marketplace").await.ok(StatusCode::OK);
    let v: VersionResource = fx
        .review(&v, "marketplace", "approve", json!([]))
        .await
        .ok(StatusCode::OK);
    let v: VersionResource = fx.publish(&v).await.ok(StatusCode::OK);
    let next = fx.new_version(&app.id).await;
    fx.send(
        Method::DELETE,
        &version_path(&next),
        Body::None,
        &[("if-match", &next.etag)],
    )
    .await;
    // A refused request records nothing.
    fx.publish(&v).await.error(StatusCode::CONFLICT);

    let expected = [
        ChangeKind::AppRegistered,
        ChangeKind::AppUpdated,
        ChangeKind::VersionCreated,
        ChangeKind::VersionUpdated,
        ChangeKind::Submitted,
        ChangeKind::Reviewed,
        ChangeKind::MadeAvailable,
        ChangeKind::Submitted,
        ChangeKind::Reviewed,
        ChangeKind::VersionUpdated,
        ChangeKind::Submitted,
        ChangeKind::Reviewed,
        ChangeKind::Advertised,
        ChangeKind::VersionCreated,
        ChangeKind::VersionDeleted,
    ];
    let (all, last) = fx.changes(None, 500).await;
    let kinds: Vec<_> = all.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, expected);
    // Pages of 4 give the same list, each change once.
    let (paged, paged_last) = fx.changes(None, 4).await;
    assert_eq!(paged, all);
    assert_eq!(paged_last, last);
    // Reading from the middle gives the rest.
    let (rest, _) = fx.changes(Some(&all[9].cursor), 3).await;
    assert_eq!(rest, all[10..]);

    assert_eq!(all[0].resource.kind, ResourceType::App);
    assert_eq!(all[2].resource.app_id.as_deref(), Some(app.id.as_str()));
    assert!(all.iter().all(|c| c.at.is_some()));
    let rejected = all[8].review.as_ref().unwrap();
    assert_eq!(rejected.track, Track::Marketplace);
    assert_eq!(rejected.feedback[0].field, "marketplace.description");
    assert_eq!(all[9].origin.as_deref(), Some("portal"));
    assert_eq!(all[9].etag.as_deref(), Some(portal.etag.as_str()));
    assert_eq!(all[4].track, Some(Track::Technical));
    assert_eq!(all[14].etag, None);

    // Nothing new: one small reply with the same cursor.
    let idle = fx.get(&format!("/changes?cursor={last}")).await;
    let page: ChangesPage = idle.ok(StatusCode::OK);
    assert!(page.changes.is_empty());
    assert_eq!(page.next_cursor, last);
    assert!(idle.body.len() < 64, "{}", idle.body.len());

    for bad in ["nope", "c-1", "c99999", "c1x", "", "limit=0"] {
        let path = if bad.starts_with("limit") {
            format!("/changes?{bad}")
        } else {
            format!("/changes?cursor={bad}")
        };
        fx.get(&path).await.error(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn concurrent_writers_with_the_same_etag_one_wins() {
    let fx = Fixture::manual().await;
    let (app, _) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let mut statuses = Vec::new();
    let replies = futures_join(&fx, &v).await;
    for reply in &replies {
        statuses.push(reply.status);
    }
    let wins = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let stale = statuses
        .iter()
        .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((wins, stale), (1, replies.len() - 1), "{statuses:?}");
    let (changes, _) = fx.changes(None, 500).await;
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.kind == ChangeKind::VersionUpdated)
            .count(),
        1
    );
}

async fn futures_join(fx: &Fixture, v: &VersionResource) -> Vec<Reply> {
    let a = fx.patch(v, json!({"general": {"display_name": "A"}}));
    let b = fx.patch(v, json!({"general": {"display_name": "B"}}));
    let c = fx.patch(v, json!({"general": {"display_name": "C"}}));
    let d = fx.patch(v, json!({"general": {"display_name": "D"}}));
    let (a, b, c, d) = tokio::join!(a, b, c, d);
    vec![a, b, c, d]
}

#[tokio::test]
async fn restart_keeps_everything_and_still_decides_due_reviews() {
    let mut fx = Fixture::start(ReviewMode::Auto, Duration::from_millis(400)).await;
    let key = [("idempotency-key", "k1")];
    let first = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &key,
        )
        .await;
    let app: App = first.ok(StatusCode::CREATED);
    let v = fx.new_version(&app.id).await;
    let v: VersionResource = fx.patch(&v, complete_content()).await.ok(StatusCode::OK);
    let v: VersionResource = fx.submit(&v, "technical").await.ok(StatusCode::OK);
    fx.restart().await;

    let again = fx
        .send(
            Method::POST,
            "/apps",
            Body::Json(register_body("zeta")),
            &key,
        )
        .await;
    assert_eq!(
        (again.status, &again.body),
        (StatusCode::CREATED, &first.body)
    );
    let decided = wait_for(&fx, &v, Track::Technical, ReviewStatus::InReview).await;
    assert_eq!(decided.version.status.technical, ReviewStatus::Approved);
    assert_eq!(decided.version.content, v.version.content);
    let (changes, _) = fx.changes(None, 500).await;
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::AppRegistered,
            ChangeKind::VersionCreated,
            ChangeKind::VersionUpdated,
            ChangeKind::Submitted,
            ChangeKind::Reviewed
        ]
    );
}

/// A bad request: method, path, body, headers and the expected status.
type Case<'a> = (Method, String, Body, &'a [(&'a str, &'a str)], StatusCode);

#[tokio::test]
async fn bad_input_is_a_4xx_with_the_error_body_and_writes_nothing() {
    let fx = Fixture::manual().await;
    let (app, app_etag) = fx.register("zeta").await;
    let v = fx.new_version(&app.id).await;
    let (before, _) = fx.changes(None, 500).await;
    let vp = version_path(&v);
    let app_path = format!("/apps/{}", app.id);
    let raw = |text: &str| Body::Raw("application/json", text.as_bytes().to_vec());
    let m = &[("if-match", v.etag.as_str())][..];
    let am = &[("if-match", app_etag.as_str())][..];
    let long_key = "k".repeat(300);
    let lk = &[("idempotency-key", long_key.as_str())][..];
    let huge = format!(
        "{{\"general\": {{\"notes\": \"{}\"}}}}",
        "x".repeat(300 * 1024)
    );
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/apps".into(),
            raw("{\"name\": "),
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/apps".into(),
            raw("[1, 2]"),
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/apps".into(),
            Body::None,
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/apps".into(),
            Body::Raw("text/plain", b"{}".to_vec()),
            &[],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::POST,
            "/apps".into(),
            Body::Json(
                json!({"name": "n", "slug": "s", "display_name": "d", "created_type": "c", "app_type": "robot", "render": "portal"}),
            ),
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/apps".into(),
            Body::Json(
                json!({"name": 7, "slug": "s", "display_name": "d", "created_type": "c", "app_type": "atlas", "render": "portal"}),
            ),
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/apps".into(),
            Body::Json(register_body("big")),
            lk,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            app_path.clone(),
            raw("{\"render\": \"hologram\"}"),
            am,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            app_path.clone(),
            raw("{\"display_name\": \"\"}"),
            am,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw("{\"general\": 5}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw("{\"technical\": {\"urls\": [{\"type\": \"gopher\", \"url\": \"x\"}]}}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw("{\"subscription_types\": [{\"type\": \"trial\"}]}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw(
                "{\"subscription_types\": [{\"type\": \"trial\", \"license_type\": \"individual\", \"name\": \"t\", \"price\": \"free\", \"currency\": \"USD\", \"min_licenses\": 1, \"max_licenses\": 2}]}",
            ),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw(&huge),
            m,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::PATCH,
            vp.clone(),
            raw("{\"general\": {\"display_name\": \"\\ud800\"}}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            format!("{vp}/submissions"),
            raw("{\"track\": \"legal\"}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            format!("{vp}/submissions"),
            raw("{}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            format!("{vp}/submissions"),
            raw("{\"track\": null}"),
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/apps/{}/versions/ver-nope", app.id),
            raw("{}"),
            m,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PATCH,
            format!("/apps/app-nope/versions/{}", v.version.id),
            raw("{}"),
            m,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/apps/%2e%2e/versions".into(),
            Body::None,
            &[],
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/apps/{}/versions", "a".repeat(4000)),
            Body::None,
            &[],
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/apps/%00/versions/%FF".into(),
            Body::None,
            m,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            format!("/apps/{}/versions", app.id),
            raw("{\"x\":"),
            &[],
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PUT,
            format!("{vp}/submissions"),
            Body::None,
            m,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::POST,
            "/_sandbox/versions/%20/review".into(),
            raw("{\"track\": \"technical\", \"decision\": \"approve\"}"),
            &[],
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PATCH,
            "/_sandbox/versions/ver-nope".into(),
            raw("{}"),
            &[],
            StatusCode::NOT_FOUND,
        ),
    ];
    for (method, path, body, headers, status) in cases {
        let label = format!("{method} {}", &path[..path.len().min(80)]);
        let reply = fx.send(method, &path, body, headers).await;
        assert_eq!(
            reply.status,
            status,
            "{label}: {}",
            String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)])
        );
        let error: ApiError = reply.error(status);
        assert!(
            !error.code.is_empty() && !error.message.is_empty(),
            "{label}"
        );
    }
    let (after, _) = fx.changes(None, 500).await;
    assert_eq!(after, before, "bad requests wrote nothing");
    assert_eq!(fx.version(&v).await, v);
}
