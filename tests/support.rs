//! What the tests share: a real sandbox on 127.0.0.1 over its own temporary folder, a real cache
//! in another, direct HTTP to see what the server serves, and a picture of the whole cache that
//! proves a failed pull changed nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use partner_api::{Page, VersionResource, collections, paths};
use partner_sandbox::{Config, Sandbox, Seed};
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
use workbench_remote::{PartnerClient, SecretToken};
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

    async fn start(seed: Seed) -> Server {
        let dir = tempfile::tempdir().expect("a temporary folder for the sandbox");
        let mut config = Config::new(dir.path());
        config.seed = seed;
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

    /// A client of this server, as the app makes one, signed in.
    pub fn client(&self) -> PartnerClient {
        self.client_without_token()
            .with_token(SecretToken::new(self.token.clone()))
    }

    /// A client of this server that sends no token.
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

    /// Deletes an app and its versions on the server.
    pub fn remove_app(&self, app_id: &str) {
        let mut conn = self.database();
        let tx = conn.transaction().expect("a transaction");
        tx.execute("DELETE FROM versions WHERE app_id = ?1", [app_id])
            .expect("delete the versions");
        let deleted = tx
            .execute("DELETE FROM apps WHERE id = ?1", [app_id])
            .expect("delete the app");
        tx.commit().expect("commit");
        assert_eq!(deleted, 1, "the server must have had app {app_id}");
    }

    /// Replaces a version's icon on the server with `bytes`.
    pub fn replace_icon(&self, version_id: &str, bytes: &[u8]) {
        let changed = self
            .database()
            .execute(
                "UPDATE versions SET icon_media_type = 'image/png', icon_bytes = ?2, icon_sha256 = ?3
                 WHERE id = ?1",
                params![version_id, bytes, sha256_hex(bytes)],
            )
            .expect("update the icon");
        assert_eq!(changed, 1, "the server must have had version {version_id}");
    }
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
