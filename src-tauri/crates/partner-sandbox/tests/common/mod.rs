//! The sandbox over real HTTP on 127.0.0.1 for the tests of the partner resources and the fault
//! profile. Every request goes through [`Api::request`], which sends a bearer token with every
//! scope, issued in-process by the sandbox under test.

#![allow(dead_code)] // each test binary uses a different part

use partner_api::{ApiError, Page};
use partner_sandbox::{Config, Sandbox};
use reqwest::{Method, StatusCode};

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
