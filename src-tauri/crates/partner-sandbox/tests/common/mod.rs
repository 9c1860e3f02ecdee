//! The sandbox over real HTTP on 127.0.0.1 for the tests of the partner resources and the fault
//! profile. Every request goes through [`Api::request`], which sends a bearer token with every
//! scope, issued in-process by the sandbox under test.

#![allow(dead_code)] // each test binary uses a different part

use partner_api::{ApiError, Page};
use partner_sandbox::{Config, Sandbox};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub struct Api {
    pub sandbox: Sandbox,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Api {
    pub async fn start() -> Api {
        Api::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Config)) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        adjust(&mut config);
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        // Loopback only: never route through a proxy from the environment.
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        Api {
            sandbox,
            client,
            _dir: dir,
        }
    }

    /// Stops the sandbox and starts a new one over the same data directory.
    pub async fn restart(self) -> Api {
        let Api {
            sandbox,
            client,
            _dir,
        } = self;
        sandbox.stop().await;
        let sandbox = Sandbox::start(Config::new(_dir.path()), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        Api {
            sandbox,
            client,
            _dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    /// Every test request starts here.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let token = self
            .sandbox
            .issue_token(&[])
            .expect("the sandbox issues a token")
            .access_token;
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.request(method, path).json(body).send().await.unwrap()
    }

    /// POSTs a decision to an installation's `…/state` route with `If-Match` set to the
    /// installation's current ETag, as a client that has just read it would (`*` when it cannot
    /// be read, so the route's own 404 answers).
    pub async fn decide(&self, state_path: &str, body: &serde_json::Value) -> reqwest::Response {
        let installation = state_path.trim_end_matches("/state");
        let etag = self
            .get(installation)
            .await
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("*")
            .to_owned();
        self.request(Method::POST, state_path)
            .header(reqwest::header::IF_MATCH, etag)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// GETs `path`, expecting 200 and a `T`.
    pub async fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// Walks a collection through `_links.next`, never building a page URL.
    pub async fn walk<T: serde::de::DeserializeOwned>(&self, first: &str, name: &str) -> Vec<T> {
        let mut items = Vec::new();
        let mut next = Some(first.to_owned());
        let mut pages = 0;
        while let Some(href) = next {
            pages += 1;
            assert!(pages < 100, "paging does not end");
            let mut page: Page<T> = self.json(&href).await;
            items.extend(page.take(name).expect("embedded items"));
            next = page.links.next.map(|link| link.href);
        }
        items
    }
}

/// Checks `response` has `status` and the JSON error body, and returns the body.
pub async fn error(response: reqwest::Response, status: StatusCode) -> ApiError {
    let url = response.url().path().to_owned();
    assert_eq!(response.status(), status, "{url}");
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{url}: {content_type}"
    );
    response.json().await.unwrap()
}

/// The names of the fields an error body blames, in order.
pub fn field_names(error: &ApiError) -> Vec<&str> {
    error.fields.iter().map(|f| f.name.as_str()).collect()
}

/// A version the default rules pack passes on both tracks.
pub fn complete_content() -> Value {
    json!({
        "general": {"display_name": "Zeta Notes", "slug": "zeta-notes"},
        "technical": complete_technical(&["apps:read"]),
        "marketplace": complete_marketplace("Zeta keeps notes of every call, so nobody has to type while they talk."),
        "subscription_types": [
            {"type": "trial", "license_type": "individual", "name": "Trial", "price": 0,
             "currency": "USD", "min_licenses": 1, "max_licenses": 10, "trial_days": 30},
            {"type": "paid", "license_type": "individual", "name": "Standard", "price": 900,
             "currency": "USD", "min_licenses": 1, "max_licenses": 100}
        ]
    })
}

/// A technical section the default rules pack passes (FAQ §11: the scopes and why, the launch
/// URL for Single Sign-On, the installation subscription for one-click installs), with `scopes`.
pub fn complete_technical(scopes: &[&str]) -> Value {
    json!({
        "scopes": scopes,
        "scopes_reason": "Reads the account's apps to show their notes.",
        "urls": [
            {"type": "redirect_uri", "url": "https://zeta.io/callback"},
            {"type": "installation_subscription", "url": "https://zeta.io/events"},
            {"type": "launch_url", "url": "https://zeta.io/launch"}
        ]
    })
}

/// A marketplace section the default rules pack passes, with `description`.
pub fn complete_marketplace(description: &str) -> Value {
    json!({
        "listing_summary": "Notes for every call",
        "description": description,
        "categories": ["Productivity"],
        "assets": [{"type": "screenshot", "description": "The notes", "url": "https://zeta.io/shot.png"}],
        "urls": [
            {"type": "privacy_policy", "url": "https://zeta.io/privacy"},
            {"type": "terms_of_service", "url": "https://zeta.io/terms"}
        ],
        "support": {"email": "help@zeta.io"}
    })
}

/// An icon file of the fixtures corpus (`tests/fixtures/icons/` at the repository's root).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/icons")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A PNG icon the default rules pack passes.
pub fn png() -> Vec<u8> {
    fixture("valid.png")
}
