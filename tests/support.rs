//! What the tests share: a real sandbox on 127.0.0.1 over its own temporary folder, a real cache
//! in another, direct HTTP to see what the server serves, and a picture of the whole cache that
//! proves a failed pull changed nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use partner_api::{
    Change, ChangeKind, Page, ResourceRef, ResourceType, VersionResource, collections, paths,
};
use partner_sandbox::{Config, ReviewMode, Sandbox, Seed};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use workbench::{AppListing, PullReport, SyncState, Workbench, WorkbenchError};
use workbench_domain::{App, IconFile};
use workbench_remote::{PartnerClient, RetryPolicy, SecretToken};
use workbench_store::{CachedVersion, Store};

/// The page size of every sandbox here: small enough that the demo's four apps, and the three
/// versions of its first app, each take more than one page, so clients must follow `next`.
pub const PAGE_SIZE: u32 = 2;

/// Start times of successive pulls. Each differs, so a failed pull that wrote its time shows.
pub const T1: OffsetDateTime = datetime!(2025-03-01 09:00 UTC);
pub const T2: OffsetDateTime = datetime!(2025-03-01 10:00 UTC);
pub const T3: OffsetDateTime = datetime!(2025-03-01 11:00 UTC);

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("a UTC time formats as RFC 3339")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A running sandbox and the folder of its database.
pub struct Server {
    sandbox: Option<Sandbox>,
    base_url: String,
    http: reqwest::Client,
    /// An access token of every scope: every API route needs one.
    token: String,
    dir: TempDir,
}

impl Server {
    /// A sandbox with the demo seed: four apps, versions on every status, icons.
    pub async fn demo() -> Server {
        Server::start(Seed::Demo).await
    }

    /// A sandbox with no apps at all.
    pub async fn empty() -> Server {
        Server::start(Seed::Empty).await
    }

    /// A demo sandbox whose reviews wait for a decision (`ReviewMode::Manual`), so a version
    /// submitted stays In Review and the tests' edits are never locked by a review's outcome.
    pub async fn demo_with_manual_reviews() -> Server {
        Server::start_with(Seed::Demo, ReviewMode::Manual).await
    }

    async fn start(seed: Seed) -> Server {
        Server::start_with(seed, ReviewMode::Auto).await
    }

    async fn start_with(seed: Seed, review: ReviewMode) -> Server {
        let dir = tempfile::tempdir().expect("a temporary folder for the sandbox");
        let mut config = Config::new(dir.path());
        config.seed = seed;
        config.review = review;
        config.page_size = PAGE_SIZE;
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let sandbox = Sandbox::start(config, listen)
            .await
            .expect("the sandbox starts on a free loopback port");
        let base_url = sandbox.base_url();
        assert!(
            base_url.starts_with("http://127.0.0.1:"),
            "tests talk to loopback only, got {base_url}"
        );
        let token = sandbox
            .issue_token(&[])
            .expect("the sandbox issues a token in-process")
            .access_token;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}")
                .parse()
                .expect("a token is a header value"),
        );
        // Never through a proxy from the environment: the server is on this machine.
        let http = reqwest::Client::builder()
            .no_proxy()
            .default_headers(headers)
            .build()
            .expect("an HTTP client");
        Server {
            sandbox: Some(sandbox),
            base_url,
            http,
            token,
            dir,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The access token the tests' clients send.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A client of this server, as the app makes one, signed in.
    pub fn client(&self) -> PartnerClient {
        self.client_without_token()
            .with_token(SecretToken::new(self.token.clone()))
    }

    /// A client of this server, signed in, that retries 429, 5xx and dropped connections as
    /// `policy` says (`Retry-After` honoured up to its `max`), as the app's connection does.
    pub fn client_with_retries(&self, policy: RetryPolicy) -> PartnerClient {
        self.client().with_retry(policy)
    }

    /// A client, signed in, of a loopback port nothing listens on: a server that is down.
    pub fn client_of_a_closed_port(&self) -> PartnerClient {
        let listener =
            std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free loopback port");
        let port = listener.local_addr().expect("its address").port();
        drop(listener);
        PartnerClient::new(&format!("http://127.0.0.1:{port}"))
            .expect("a loopback http URL is a valid server")
            .with_token(SecretToken::new(self.token.clone()))
    }

    /// A client that sends no token.
    pub fn client_without_token(&self) -> PartnerClient {
        PartnerClient::new(&self.base_url).expect("a loopback http URL is a valid server")
    }

    /// Stops the sandbox: its port refuses connections from now on.
    pub async fn stop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.stop().await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `GET path`, which must answer 200.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), 200, "GET {path} must succeed");
        response
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> T {
        self.get(path)
            .await
            .json()
            .await
            .unwrap_or_else(|e| panic!("GET {path} must be JSON of the contract: {e}"))
    }

    /// Every item of a collection, walked through `_links.next` as a client must, and the number
    /// of pages it took.
    pub async fn walk<T: DeserializeOwned>(&self, first: &str, name: &str) -> (Vec<T>, usize) {
        let mut items = Vec::new();
        let mut next = Some(first.to_owned());
        let mut pages = 0;
        while let Some(href) = next {
            pages += 1;
            assert!(pages <= 100, "the pages of {first} must end");
            let mut page: Page<T> = self.get_json(&href).await;
            items.extend(
                page.take(name)
                    .unwrap_or_else(|| panic!("{href} must embed `{name}`")),
            );
            next = page.links.next.map(|link| link.href);
        }
        (items, pages)
    }

    /// Everything the server serves now, read directly, not through the app's client.
    pub async fn served(&self) -> Served {
        let (apps, app_pages) = self.walk::<App>(paths::APPS, collections::APPS).await;
        let mut versions = BTreeMap::new();
        let mut version_pages = BTreeMap::new();
        for app in &apps {
            let (list, pages) = self
                .walk::<VersionResource>(&paths::versions(&app.id), collections::VERSIONS)
                .await;
            versions.insert(app.id.clone(), list);
            version_pages.insert(app.id.clone(), pages);
        }
        Served {
            apps,
            versions,
            app_pages,
            version_pages,
        }
    }

    /// Arms a sandbox fault: the next `times` requests whose path starts with `path_prefix` fail
    /// as `kind` says (`truncate`, `server_error`, `malformed_json`).
    pub async fn add_fault(&self, path_prefix: &str, kind: &str, times: u32) {
        let response = self
            .http
            .post(self.url("/_sandbox/faults"))
            .json(&serde_json::json!({"path_prefix": path_prefix, "kind": kind, "times": times}))
            .send()
            .await
            .expect("the fault admin route answers");
        assert_eq!(
            response.status(),
            201,
            "the sandbox must accept the fault {kind} on {path_prefix}"
        );
    }

    /// The sandbox's clock: tests move it forward instead of sleeping.
    pub fn clock(&self) -> partner_sandbox::Clock {
        self.sandbox
            .as_ref()
            .expect("the sandbox is running")
            .clock()
            .clone()
    }

    /// `POST /_sandbox/{path}` with no body, as Talkdesk's side would act; answers the status.
    pub async fn admin_post(&self, path: &str) -> u16 {
        self.http
            .post(self.url(&format!("/_sandbox/{path}")))
            .send()
            .await
            .expect("the admin route answers")
            .status()
            .as_u16()
    }

    /// `PUT /_sandbox/rules`: puts `pack` in force, as Talkdesk publishing new rules; the feed
    /// records a `rules_updated` change.
    pub async fn put_rules(&self, pack: &serde_json::Value) {
        let response = self
            .http
            .put(self.url("/_sandbox/rules"))
            .json(pack)
            .send()
            .await
            .expect("the rules admin route answers");
        assert_eq!(response.status(), 200, "the sandbox must take the pack");
    }

    /// One version as the server serves it now.
    pub async fn version(&self, app_id: &str, version_id: &str) -> VersionResource {
        self.get_json(&paths::version(app_id, version_id)).await
    }

    /// `PATCH /_sandbox/versions/{id}`: an edit made in Talkdesk's web portal (no `If-Match`),
    /// `body` holding whole sections as `PATCH` does. Answers the version as it now is.
    pub async fn portal_edit(&self, version_id: &str, body: serde_json::Value) -> VersionResource {
        let response = self
            .http
            .patch(self.url(&format!("/_sandbox/versions/{version_id}")))
            .json(&body)
            .send()
            .await
            .expect("the portal edit route answers");
        assert_eq!(
            response.status(),
            200,
            "the sandbox must take the portal edit of {version_id}"
        );
        response.json().await.expect("the edited version")
    }

    /// `PUT /_sandbox/faults`: a fault profile applied to every API request from now on (the
    /// admin routes never fault); `DELETE` (`clear_faults`) ends it.
    pub async fn set_fault_profile(&self, profile: serde_json::Value) {
        let response = self
            .http
            .put(self.url("/_sandbox/faults"))
            .json(&profile)
            .send()
            .await
            .expect("the fault admin route answers");
        assert!(
            response.status().is_success(),
            "the sandbox must take the fault profile {profile}: {}",
            response.status()
        );
    }

    /// The whole change feed, from its beginning, page by page.
    pub async fn feed(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut path = partner_api::CHANGES_PATH.to_owned();
        loop {
            let page: partner_api::ChangesPage = self.get_json(&path).await;
            if page.changes.is_empty() {
                return changes;
            }
            changes.extend(page.changes);
            path = format!("{}?cursor={}", partner_api::CHANGES_PATH, page.next_cursor);
        }
    }

    /// The faults still armed: a fault that is gone has fired.
    pub async fn armed_faults(&self) -> Vec<serde_json::Value> {
        let list: serde_json::Value = self.get_json("/_sandbox/faults").await;
        list["faults"]
            .as_array()
            .expect("the fault list has `faults`")
            .clone()
    }

    pub async fn clear_faults(&self) {
        let response = self
            .http
            .delete(self.url("/_sandbox/faults"))
            .send()
            .await
            .expect("the fault admin route answers");
        assert_eq!(response.status(), 204, "clearing faults must succeed");
    }

    /// The sandbox's own database, for changes its API cannot make yet (as the web portal or
    /// Talkdesk would make them).
    fn database(&self) -> Connection {
        let conn = Connection::open(self.dir.path().join("sandbox.sqlite3"))
            .expect("the sandbox database opens");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("a busy timeout");
        conn
    }

    /// Deletes an app and its versions on the server, as Talkdesk would (no API route does it),
    /// and records it in the change feed as such a server does: an `app_removed` change.
    pub fn remove_app(&self, app_id: &str) {
        let mut conn = self.database();
        let tx = conn.transaction().expect("a transaction");
        tx.execute("DELETE FROM versions WHERE app_id = ?1", [app_id])
            .expect("delete the versions");
        let deleted = tx
            .execute("DELETE FROM apps WHERE id = ?1", [app_id])
            .expect("delete the app");
        assert_eq!(deleted, 1, "the server must have had app {app_id}");
        record_change(
            &tx,
            ChangeKind::AppRemoved,
            ResourceRef {
                kind: ResourceType::App,
                id: app_id.to_owned(),
                app_id: None,
            },
            None,
        );
        tx.commit().expect("commit");
    }

    /// Replaces a version's icon on the server with `bytes`, and records it in the change feed as
    /// the server's icon route does: an `icon_changed` change with the version's new ETag.
    pub async fn replace_icon(&self, version_id: &str, bytes: &[u8]) {
        let app_id: String = {
            let conn = self.database();
            let changed = conn
                .execute(
                    "UPDATE versions SET icon_media_type = 'image/png', icon_bytes = ?2,
                         icon_sha256 = ?3
                     WHERE id = ?1",
                    params![version_id, bytes, sha256_hex(bytes)],
                )
                .expect("update the icon");
            assert_eq!(changed, 1, "the server must have had version {version_id}");
            conn.query_row(
                "SELECT app_id FROM versions WHERE id = ?1",
                [version_id],
                |row| row.get(0),
            )
            .expect("the version's app")
        };
        // The ETag the server now serves for the version (it covers the icon's checksum).
        let resource: VersionResource = self.get_json(&paths::version(&app_id, version_id)).await;
        record_change(
            &self.database(),
            ChangeKind::IconChanged,
            ResourceRef {
                kind: ResourceType::Version,
                id: version_id.to_owned(),
                app_id: Some(app_id),
            },
            Some(resource.etag),
        );
    }
}

/// Appends a change to the sandbox's feed as its own writes do (`partner-sandbox`'s
/// `store::record`): the `Change` as JSON, its cursor and time given by the database.
fn record_change(conn: &Connection, kind: ChangeKind, resource: ResourceRef, etag: Option<String>) {
    let change = Change {
        cursor: String::new(),
        kind,
        resource,
        at: None,
        track: None,
        review: None,
        origin: None,
        etag,
        request: None,
    };
    let body = serde_json::to_string(&change).expect("a change is JSON");
    conn.execute("INSERT INTO changes (body) VALUES (?1)", [body])
        .expect("the change is recorded in the feed");
}

/// What a server serves, read directly over HTTP.
pub struct Served {
    /// In the server's order.
    pub apps: Vec<App>,
    /// Each app's versions in the server's order, by app id.
    pub versions: BTreeMap<String, Vec<VersionResource>>,
    pub app_pages: usize,
    pub version_pages: BTreeMap<String, usize>,
}

impl Served {
    /// Every (app id, version) pair.
    pub fn all_versions(&self) -> impl Iterator<Item = (&str, &VersionResource)> {
        self.versions
            .iter()
            .flat_map(|(app, versions)| versions.iter().map(move |v| (app.as_str(), v)))
    }

    pub fn version_count(&self) -> usize {
        self.versions.values().map(Vec::len).sum()
    }

    pub fn icon_count(&self) -> usize {
        self.all_versions()
            .filter(|(_, v)| v.icon.is_some())
            .count()
    }

    /// Two versions whose icons differ: the first can be given the second's icon, a real PNG
    /// with another checksum.
    pub fn two_different_icons(&self) -> ((&str, &VersionResource), (&str, &VersionResource)) {
        let with_icon: Vec<_> = self
            .all_versions()
            .filter(|(_, v)| v.icon.is_some())
            .collect();
        for a in &with_icon {
            for b in &with_icon {
                if a.1.icon.as_ref().map(|i| &i.sha256) != b.1.icon.as_ref().map(|i| &i.sha256) {
                    return (*a, *b);
                }
            }
        }
        panic!("the demo seed must have at least two different icons")
    }
}

/// A cache in its own temporary folder, opened as the app opens it.
pub struct Cache {
    dir: TempDir,
    pub workbench: Workbench,
}

impl Cache {
    pub fn new() -> Cache {
        let dir = tempfile::tempdir().expect("a temporary folder for the cache");
        let workbench = Workbench::open(dir.path()).expect("a new cache opens");
        Cache { dir, workbench }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("cache.sqlite3")
    }

    pub async fn pull(
        &self,
        client: &PartnerClient,
        at: OffsetDateTime,
    ) -> Result<PullReport, WorkbenchError> {
        self.workbench.pull(client, at, |_| {}).await
    }

    pub fn list_apps(&self) -> Vec<AppListing> {
        self.workbench
            .list_apps()
            .expect("the cache lists its apps")
    }

    /// A second connection to the cache, for what the facade does not expose (a whole version).
    pub fn store(&self) -> Store {
        Store::open(&self.path()).expect("the cache opens a second time")
    }

    /// Everything the cache holds: the app list, each listed version and icon, the sync state,
    /// and every row of every table (blobs by checksum).
    pub fn image(&self) -> CacheImage {
        let apps = self.list_apps();
        let store = self.store();
        let ids: Vec<String> = apps
            .iter()
            .flat_map(|listing| listing.versions.iter().map(|v| v.id.clone()))
            .collect();
        let versions = ids
            .iter()
            .map(|id| (id.clone(), store.version(id).expect("a version reads")))
            .collect();
        let icons = ids
            .iter()
            .map(|id| (id.clone(), store.icon(id).expect("an icon reads")))
            .collect();
        CacheImage {
            apps,
            versions,
            icons,
            sync_state: self.workbench.sync_state().expect("the sync state reads"),
            rows: all_rows(&self.path()),
        }
    }
}

#[derive(Debug)]
pub struct CacheImage {
    pub apps: Vec<AppListing>,
    pub versions: BTreeMap<String, Option<CachedVersion>>,
    pub icons: BTreeMap<String, Option<IconFile>>,
    pub sync_state: SyncState,
    /// Each table's rows as text, sorted; blobs by length and checksum.
    pub rows: BTreeMap<String, Vec<String>>,
}

impl CacheImage {
    /// Panics, naming the first part that differs, unless the cache is exactly as `before`.
    pub fn assert_unchanged_since(&self, before: &CacheImage, why: &str) {
        assert_eq!(
            self.sync_state, before.sync_state,
            "the sync state changed: {why}"
        );
        assert_eq!(self.apps, before.apps, "the app list changed: {why}");
        assert_eq!(
            self.versions, before.versions,
            "a cached version changed: {why}"
        );
        for (id, icon) in &before.icons {
            assert!(
                self.icons.get(id) == Some(icon),
                "the icon of {id} changed: {why}"
            );
        }
        assert_eq!(
            self.icons.len(),
            before.icons.len(),
            "icons came or went: {why}"
        );
        let tables: BTreeSet<_> = self.rows.keys().chain(before.rows.keys()).collect();
        for table in tables {
            assert_eq!(
                self.rows.get(table),
                before.rows.get(table),
                "the rows of table {table} changed: {why}"
            );
        }
    }
}

/// Every row of every table of the database at `path`, read through a read-only connection.
fn all_rows(path: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the cache opens read-only");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect())
        .expect("the cache lists its tables");
    let mut rows = BTreeMap::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("a table reads");
        let columns = stmt.column_count();
        let mut texts: Vec<String> = stmt
            .query_map([], |row| {
                (0..columns)
                    .map(|i| row.get::<_, Value>(i).map(|value| cell(&value)))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|cells| cells.join(" | "))
            })
            .and_then(|rows| rows.collect())
            .expect("the rows read");
        texts.sort();
        rows.insert(table, texts);
    }
    let user_version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("the schema version reads");
    rows.insert("(user_version)".into(), vec![user_version.to_string()]);
    rows
}

fn cell(value: &Value) -> String {
    match value {
        Value::Blob(bytes) => format!(
            "blob of {} bytes, sha256 {}",
            bytes.len(),
            sha256_hex(bytes)
        ),
        other => format!("{other:?}"),
    }
}

/// An HTTP proxy on 127.0.0.1 in front of a server that forwards every request as it is and
/// notes it (`METHOD /path?query`): how the tests count the requests a sync makes.
pub struct CountingProxy {
    base_url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

struct ProxyState {
    target: String,
    http: reqwest::Client,
    seen: Arc<Mutex<Vec<String>>>,
}

impl CountingProxy {
    pub async fn start(target: &str) -> CountingProxy {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a free loopback port for the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(ProxyState {
            target: target.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("an HTTP client"),
            seen: seen.clone(),
        });
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        CountingProxy {
            base_url: format!("http://{addr}"),
            seen,
            task,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests forwarded since the last call, in order.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().expect("the proxy's log"))
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    axum::extract::State(state): axum::extract::State<Arc<ProxyState>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    state
        .seen
        .lock()
        .expect("the proxy's log")
        .push(format!("{} {path}", parts.method));
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .expect("the request body reads");
    let mut upstream = state
        .http
        .request(parts.method.clone(), format!("{}{path}", state.target))
        .body(body);
    for (name, value) in &parts.headers {
        if name != reqwest::header::HOST {
            upstream = upstream.header(name, value);
        }
    }
    let reply = upstream
        .send()
        .await
        .expect("the server behind the proxy answers");
    let mut response = axum::response::Response::builder().status(reply.status());
    for (name, value) in reply.headers() {
        if name != reqwest::header::CONTENT_LENGTH && name != reqwest::header::TRANSFER_ENCODING {
            response = response.header(name, value);
        }
    }
    let bytes = reply.bytes().await.expect("the reply body reads");
    response
        .body(axum::body::Body::from(bytes))
        .expect("a response")
}
