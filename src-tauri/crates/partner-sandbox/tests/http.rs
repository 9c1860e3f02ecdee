//! The sandbox over real HTTP on 127.0.0.1: each test starts its own server on port 0 over its
//! own temporary data directory.

use std::collections::HashSet;
use std::path::Path;

use partner_api::{ApiError, Page, VersionResource};
use partner_sandbox::{Config, Sandbox, Seed};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use workbench_domain::{App, Track};

const DEMO_APPS: [&str; 4] = [
    "app-acme-crm",
    "app-beacon-analytics",
    "app-cobalt-scheduler",
    "app-delta-surveys",
];

struct Fixture {
    sandbox: Sandbox,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start() -> Fixture {
        Fixture::with(|_| {}).await
    }

    async fn with(adjust: impl FnOnce(&mut Config)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        adjust(&mut config);
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        Fixture {
            client: client(&sandbox),
            sandbox,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    async fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    async fn error(&self, method: reqwest::Method, path: &str, status: StatusCode) -> ApiError {
        let response = self
            .client
            .request(method, self.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap();
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        response.json().await.unwrap()
    }

    async fn add_fault(&self, fault: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/_sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
    }
}

/// A client that sends a token of every scope, as every API route needs one.
fn client(sandbox: &Sandbox) -> reqwest::Client {
    let token = sandbox.issue_token(&[]).unwrap().access_token;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    // Loopback only: never route through a proxy from the environment.
    reqwest::Client::builder()
        .no_proxy()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Walks a collection through `_links.next`, never building a page URL.
async fn walk<T: serde::de::DeserializeOwned>(fx: &Fixture, first: &str, name: &str) -> Vec<T> {
    let mut items = Vec::new();
    let mut next = Some(first.to_owned());
    let mut pages = 0;
    while let Some(href) = next {
        pages += 1;
        assert!(pages < 100, "paging does not end");
        let mut page: Page<T> = fx.json(&href).await;
        if pages > 1 {
            assert_eq!(
                page.links.self_.href, href,
                "a next link leads to the page it names"
            );
        }
        items.extend(page.take(name).expect("embedded items"));
        next = page.links.next.map(|link| link.href);
    }
    items
}

#[tokio::test]
async fn paging_follows_next_links_and_lists_every_app_once() {
    let fx = Fixture::with(|config| config.page_size = 2).await;
    let first: Page<App> = fx.json("/apps").await;
    assert_eq!((first.total, first.page, first.per_page), (4, 1, 2));
    assert_eq!(
        first.links.next.as_ref().unwrap().href,
        "/apps?page=2&per_page=2"
    );

    let apps: Vec<App> = walk(&fx, "/apps", "apps").await;
    let ids: Vec<_> = apps.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, DEMO_APPS);

    let last: Page<App> = fx.json("/apps?page=2&per_page=2").await;
    assert!(last.links.next.is_none());
    let past: Page<App> = fx.json("/apps?page=9&per_page=2").await;
    assert!(past.embedded["apps"].is_empty() && past.links.next.is_none());
    let capped: Page<App> = fx.json("/apps?per_page=1000").await;
    assert_eq!(capped.per_page, 100);

    let versions: Vec<VersionResource> =
        walk(&fx, "/apps/app-acme-crm/versions?per_page=1", "versions").await;
    let ids: Vec<_> = versions.iter().map(|v| v.version.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ver-acme-crm-1-0-0",
            "ver-acme-crm-1-1-0",
            "ver-acme-crm-1-2-0"
        ]
    );
    fx.sandbox.stop().await;
}

#[tokio::test]
async fn unknown_things_are_404_with_the_error_body() {
    let fx = Fixture::start().await;
    let get = reqwest::Method::GET;
    for path in [
        "/apps/app-nope",
        "/apps/app-nope/versions",
        "/apps/app-acme-crm/versions/ver-nope",
        "/apps/app-beacon-analytics/versions/ver-acme-crm-1-0-0", // another app's version
        "/apps/app-acme-crm/versions/ver-nope/icon",
        "/nope",
        "/apps/app-acme-crm/nope/deeper",
        "/_sandbox/nope",
    ] {
        let error = fx.error(get.clone(), path, StatusCode::NOT_FOUND).await;
        assert_eq!(error.code, "not_found", "{path}");
        assert!(!error.message.is_empty());
    }
    let error = fx
        .error(
            get,
            "/apps/app-delta-surveys/versions/ver-delta-surveys-1-0-0/icon",
            StatusCode::NOT_FOUND,
        )
        .await;
    assert!(error.message.contains("no icon"), "{}", error.message);
}

#[tokio::test]
async fn bad_paging_params_are_400_with_fields_and_wrong_methods_405() {
    let fx = Fixture::start().await;
    let get = reqwest::Method::GET;
    for (path, bad) in [
        ("/apps?page=0", "page"),
        ("/apps?per_page=abc", "per_page"),
        ("/apps?page=-1", "page"),
        ("/apps/app-acme-crm/versions?per_page=0", "per_page"),
    ] {
        let error = fx.error(get.clone(), path, StatusCode::BAD_REQUEST).await;
        assert_eq!(error.code, "invalid_request");
        let names: Vec<_> = error.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, [bad], "{path}");
    }
    let response = fx.client.delete(fx.url("/apps")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().contains_key(reqwest::header::ALLOW));
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(error.code, "method_not_allowed");
}

#[tokio::test]
async fn version_etag_header_equals_the_body_and_supports_if_none_match() {
    let fx = Fixture::start().await;
    let listed: Vec<VersionResource> =
        walk(&fx, "/apps/app-beacon-analytics/versions", "versions").await;
    let mut etags = HashSet::new();
    for listed in listed {
        let path = partner_api::paths::version(&listed.version.app_id, &listed.version.id);
        let response = fx.get(&path).await;
        let header = response.headers()[reqwest::header::ETAG]
            .to_str()
            .unwrap()
            .to_owned();
        let version: VersionResource = response.json().await.unwrap();
        assert_eq!(header, version.etag);
        assert_eq!(version, listed, "the collection and the item agree");
        assert!(header.starts_with('"') && header.ends_with('"') && header.len() == 34);
        assert!(etags.insert(header.clone()), "versions have distinct ETags");

        let response = fx
            .client
            .get(fx.url(&path))
            .header("If-None-Match", &header)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn icons_hash_to_their_checksum_and_decode_as_png() {
    let fx = Fixture::start().await;
    let mut checked = 0;
    for app in DEMO_APPS {
        let versions: Vec<VersionResource> =
            walk(&fx, &partner_api::paths::versions(app), "versions").await;
        for v in versions {
            let Some(info) = v.icon else { continue };
            let response = fx.get(&partner_api::paths::icon(app, &v.version.id)).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                response.headers()[reqwest::header::CONTENT_TYPE],
                "image/png"
            );
            assert!(response.headers().contains_key(reqwest::header::ETAG));
            let bytes = response.bytes().await.unwrap();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), info.sha256);
            assert_eq!(bytes.len() as u64, info.size);
            let image =
                image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
            assert_eq!((image.width(), image.height()), (256, 256));
            assert!(image.color().has_alpha());
            checked += 1;
        }
    }
    assert_eq!(
        checked, 6,
        "every demo version but the new draft has an icon"
    );
}

#[tokio::test]
async fn served_statuses_belong_to_their_tracks() {
    let fx = Fixture::start().await;
    for app in DEMO_APPS {
        let versions: Vec<VersionResource> =
            walk(&fx, &partner_api::paths::versions(app), "versions").await;
        assert!((1..=3).contains(&versions.len()));
        for v in versions {
            for track in Track::ALL {
                assert!(
                    v.version.status.get(track).belongs_to(track),
                    "{}",
                    v.version.id
                );
            }
        }
    }
}

#[tokio::test]
async fn data_persists_across_restarts_without_reseeding() {
    let dir = tempfile::tempdir().unwrap();
    let listen = "127.0.0.1:0".parse().unwrap();
    let sandbox = Sandbox::start(Config::new(dir.path()), listen)
        .await
        .unwrap();
    sandbox.stop().await;
    // Change the data behind the sandbox's back: a re-seed would undo it.
    let db = rusqlite::Connection::open(dir.path().join("sandbox.sqlite3")).unwrap();
    db.execute(
        "UPDATE apps SET display_name = 'Acme CRM Connector (renamed)' WHERE id = 'app-acme-crm'",
        [],
    )
    .unwrap();
    db.execute(
        "DELETE FROM versions WHERE app_id = 'app-delta-surveys'",
        [],
    )
    .unwrap();
    db.execute("DELETE FROM apps WHERE id = 'app-delta-surveys'", [])
        .unwrap();
    drop(db);

    let config = Config {
        seed: Seed::Empty,
        ..Config::new(dir.path())
    };
    let sandbox = Sandbox::start(config, listen).await.unwrap();
    let client = client(&sandbox);
    let page: Page<App> = client
        .get(format!("{}/apps", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        page.embedded["apps"][0].display_name,
        "Acme CRM Connector (renamed)"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn empty_seed_serves_no_apps() {
    let fx = Fixture::with(|config| config.seed = Seed::Empty).await;
    let page: Page<App> = fx.json("/apps").await;
    assert_eq!(page.total, 0);
    assert!(page.embedded["apps"].is_empty() && page.links.next.is_none());
}

#[tokio::test]
async fn truncate_fault_breaks_the_body_exactly_times_times() {
    let fx = Fixture::start().await;
    let response = fx
        .add_fault(json!({"path_prefix": "/apps/app-acme-crm", "kind": "truncate", "times": 2}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // Other paths are untouched.
    let _: Page<App> = fx.json("/apps").await;
    for _ in 0..2 {
        let response = fx.get("/apps/app-acme-crm/versions").await;
        assert_eq!(response.status(), StatusCode::OK);
        let announced = response.content_length().unwrap();
        assert!(announced > 100);
        assert!(
            response.bytes().await.is_err(),
            "the body must be incomplete"
        );
    }
    let page: Page<VersionResource> = fx.json("/apps/app-acme-crm/versions").await;
    assert_eq!(page.total, 3);
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(listed, json!({"faults": []}));
}

#[tokio::test]
async fn truncate_fault_sends_about_half_the_bytes_then_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fx = Fixture::start().await;
    fx.add_fault(json!({"path_prefix": "/apps", "kind": "truncate", "times": 1}))
        .await;
    let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
        .await
        .unwrap();
    let token = fx.sandbox.issue_token(&[]).unwrap().access_token;
    let host = fx.sandbox.addr();
    let request =
        format!("GET /apps HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut received),
    );
    // The server aborts the connection: the read ends at EOF or with a reset.
    let _ = read.await.expect("the server closes the connection");
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").expect("a full head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(body.len(), length / 2, "half of {length} bytes");
}

#[tokio::test]
async fn server_error_and_malformed_json_faults() {
    let fx = Fixture::start().await;
    fx.add_fault(json!({"path_prefix": "/apps", "kind": "server_error", "times": 1}))
        .await;
    let error = fx
        .error(
            reqwest::Method::GET,
            "/apps",
            StatusCode::INTERNAL_SERVER_ERROR,
        )
        .await;
    assert_eq!(error.code, "internal_error");

    fx.add_fault(json!({"path_prefix": "/apps/", "kind": "malformed_json", "times": 1}))
        .await;
    let response = fx.get("/apps/app-acme-crm").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[reqwest::header::CONTENT_TYPE],
        "application/json"
    );
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    let _: App = fx.json("/apps/app-acme-crm").await;
}

#[tokio::test]
async fn fault_admin_validates_lists_and_clears() {
    let fx = Fixture::start().await;
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(listed, json!({"faults": []}));

    let response = fx
        .add_fault(json!({"path_prefix": "apps", "kind": "explode", "times": 0}))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: ApiError = response.json().await.unwrap();
    let names: Vec<_> = error.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["path_prefix", "kind", "times"]);
    let response = fx
        .client
        .post(fx.url("/_sandbox/faults"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let fault = json!({"path_prefix": "/apps", "kind": "server_error", "times": 3});
    fx.add_fault(fault.clone()).await;
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(listed, json!({"faults": [fault]}));
    let response = fx
        .client
        .delete(fx.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let _: Page<App> = fx.json("/apps").await;
}

#[tokio::test]
async fn start_reports_an_unusable_data_dir_and_a_bad_database() {
    let dir = tempfile::tempdir().unwrap();
    let listen = "127.0.0.1:0".parse().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let error = Sandbox::start(Config::new(&file), listen)
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("data directory"), "{error}");

    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("sandbox.sqlite3"), vec![7u8; 4096]).unwrap();
    let error = Sandbox::start(Config::new(&corrupt), listen)
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("sandbox.sqlite3"), "{error}");

    let config = Config {
        page_size: 0,
        ..Config::new(dir.path())
    };
    assert!(Sandbox::start(config, listen).await.is_err());
}

fn assert_is_dir(path: &Path) {
    assert!(path.is_dir(), "{}", path.display());
}

#[tokio::test]
async fn start_creates_a_missing_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b");
    let sandbox = Sandbox::start(Config::new(&nested), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_is_dir(&nested);
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert_ne!(sandbox.addr().port(), 0);
    sandbox.stop().await;
}

/// One HTTP/1.1 request written by hand, so its `Host` (and every other header) is exactly
/// what the test says: the status and the body of the reply.
async fn raw(
    fx: &Fixture,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
        .await
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {reply:?}"));
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_request_addressed_to_another_host_or_port_is_421_and_does_nothing() {
    let fx = Fixture::start().await;
    let port = fx.sandbox.addr().port();
    let token = fx.sandbox.issue_token(&[]).unwrap().access_token;
    let bearer = format!("Bearer {token}");
    let fault = r#"{"path_prefix": "/apps", "kind": "server_error", "times": 1}"#;
    let wrong_port = format!("127.0.0.1:{}", if port == 65535 { 1 } else { port + 1 });
    let foreign = [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        wrong_port,
        format!("localhost.evil.example:{port}"),
        format!("192.0.2.7:{port}"),
    ];
    for host in &foreign {
        for (method, path, body) in [
            ("GET", "/apps", ""),
            ("GET", "/device", ""),
            ("GET", "/.well-known/oauth-authorization-server", ""),
            ("POST", "/_sandbox/faults", fault),
            ("POST", "/_sandbox/tokens", "{}"),
        ] {
            let headers = [
                ("Host", host.as_str()),
                ("Authorization", bearer.as_str()),
                ("Content-Type", "application/json"),
            ];
            let (status, body) = raw(&fx, method, path, &headers, body).await;
            assert_eq!(status, 421, "{method} {path} with Host {host}: {body}");
            let error: ApiError = serde_json::from_str(&body).unwrap();
            assert_eq!(error.code, "misdirected_request");
            assert!(
                error.message.contains(&format!("127.0.0.1:{port}")),
                "{}",
                error.message
            );
        }
    }
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(
        listed,
        json!({"faults": []}),
        "no misdirected request armed a fault"
    );

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        let headers = [("Host", host.as_str()), ("Authorization", bearer.as_str())];
        let (status, body) = raw(&fx, "GET", "/apps", &headers, "").await;
        assert_eq!(status, 200, "Host {host}: {body}");
        let (status, _) = raw(&fx, "GET", "/device", &[("Host", host.as_str())], "").await;
        assert_eq!(status, 200, "the approval page answers Host {host}");
    }
    // What reqwest sends (`Host: 127.0.0.1:PORT`) is taken, as every test here shows.
    let _: Page<App> = fx.json("/apps").await;
}

#[tokio::test]
async fn admin_routes_take_only_json_bodies_and_no_other_site_pages() {
    let fx = Fixture::start().await;
    let fault = json!({"path_prefix": "/apps", "kind": "server_error", "times": 1}).to_string();
    // What a page of another site can send without a CORS preflight: text/plain, a form,
    // multipart, or a body with no Content-Type at all.
    for content_type in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        for (method, path) in [
            (reqwest::Method::POST, "/_sandbox/faults"),
            (reqwest::Method::PUT, "/_sandbox/faults"),
            (reqwest::Method::POST, "/_sandbox/tokens"),
        ] {
            let mut request = fx
                .client
                .request(method.clone(), fx.url(path))
                .body(fault.clone());
            if let Some(content_type) = content_type {
                request = request.header(reqwest::header::CONTENT_TYPE, content_type);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{method} {path} as {content_type:?}"
            );
            let error: ApiError = response.json().await.unwrap();
            assert_eq!(error.code, "unsupported_media_type");
            assert!(
                error.message.contains("application/json"),
                "{}",
                error.message
            );
        }
    }
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(
        listed,
        json!({"faults": []}),
        "no fault armed, no profile set"
    );
    let _: Page<App> = fx.json("/apps").await;

    // A browser names the page's site in `Origin`, even on a POST without a body.
    for (path, body) in [
        ("/_sandbox/faults", Some(fault.as_str())),
        ("/_sandbox/device-codes/ABCD-EFGH/approve", None),
    ] {
        let mut request = fx
            .client
            .post(fx.url(path))
            .header(reqwest::header::ORIGIN, "https://evil.example");
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let error: ApiError = response.json().await.unwrap();
        assert!(error.message.contains("evil.example"), "{}", error.message);
    }
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(listed, json!({"faults": []}));

    // Programs: JSON, or no body at all for the routes that take none.
    let response = fx
        .client
        .post(fx.url("/_sandbox/device-codes/ABCD-EFGH/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "no such code, but heard"
    );
    assert_eq!(
        fx.add_fault(serde_json::from_str(&fault).unwrap())
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn admin_routes_cap_what_they_keep_and_read() {
    let fx = Fixture::start().await;
    let fault = json!({"path_prefix": "/never", "kind": "server_error", "times": 1});
    for _ in 0..partner_sandbox::MAX_ARMED_FAULTS {
        assert_eq!(
            fx.add_fault(fault.clone()).await.status(),
            StatusCode::CREATED
        );
    }
    let response = fx.add_fault(fault.clone()).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: ApiError = response.json().await.unwrap();
    assert!(
        error.description.contains("DELETE /_sandbox/faults"),
        "{}",
        error.description
    );
    let listed: serde_json::Value = fx.json("/_sandbox/faults").await;
    assert_eq!(
        listed["faults"].as_array().unwrap().len(),
        partner_sandbox::MAX_ARMED_FAULTS
    );
    fx.client
        .delete(fx.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        fx.add_fault(fault).await.status(),
        StatusCode::CREATED,
        "room again once cleared"
    );

    let long = format!("/{}", "a".repeat(partner_sandbox::MAX_PATH_PREFIX_LEN));
    let response = fx
        .add_fault(json!({"path_prefix": long, "kind": "truncate", "times": 1}))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Bodies past the admin limit are refused before they are read.
    let huge =
        json!({"scopes": ["apps:read"], "padding": "x".repeat(partner_sandbox::ADMIN_BODY_LIMIT)});
    for path in ["/_sandbox/faults", "/_sandbox/tokens"] {
        let response = fx
            .client
            .post(fx.url(path))
            .json(&huge)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
}

#[tokio::test]
async fn only_loopback_listens_without_public() {
    let dir = tempfile::tempdir().unwrap();
    for listen in ["0.0.0.0:0", "[::]:0"] {
        let error = Sandbox::start(
            Config::new(dir.path().join("data")),
            listen.parse().unwrap(),
        )
        .await
        .err()
        .unwrap();
        let message = error.to_string();
        assert!(
            message.contains("--public") && message.contains("loopback"),
            "{message}"
        );
    }
    assert!(
        !dir.path().join("data").exists(),
        "nothing is made before the refusal"
    );
}
