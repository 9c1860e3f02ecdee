use std::collections::HashSet;
use std::time::Duration;

use partner_api::rules::RulesPack;
use partner_api::{
    ApiError, CHANGES_PATH, Change, ChangesPage, CreateVersion, Page, RegisterApp, Submission,
    UpdateApp, UpdateVersion, VersionResource, collections, paths,
};
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, HeaderName, HeaderValue, IF_MATCH};
use reqwest::{Method, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tokio::time::Instant;
use url::Url;
use workbench_domain::{App, IconFile, Track};

mod partner;

pub use partner::{ClientSecret, NewClient};

use crate::bounds::{
    MAX_COLLECTION_BYTES, MAX_COLLECTION_ITEMS, MAX_COLLECTION_PAGES, MAX_FEED_BYTES,
    MAX_FEED_CHANGES, MAX_FEED_PAGES, MAX_ICON_BYTES, MAX_JSON_BYTES, MAX_RESOURCE_BYTES,
    MAX_RULES_BYTES, MAX_VERSION_BYTES, REPLY_DEADLINE,
};
use crate::retry::RetryPolicy;
use crate::{RemoteError, SecretToken};

/// The header that makes a write safe to repeat: the server answers a repeat with the first reply.
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// The longest `Idempotency-Key` the contract allows.
const MAX_KEY_LEN: usize = 255;

/// A rules pack as a server served it: parsed and checked, and its JSON exactly as received,
/// so fields this build does not know are kept for a later one.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedRules {
    pub pack: RulesPack,
    pub json: String,
}

/// The change feed read from a cursor to its current end ([`PartnerClient::changes_after`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRead {
    /// Every change after the cursor, oldest first.
    pub changes: Vec<Change>,
    /// The cursor to ask with next time.
    pub next_cursor: String,
    /// The pages read.
    pub pages: usize,
}

/// When everything a client does must have ended ([`PartnerClient::with_deadline`]).
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    /// The time it allowed, for the message that says it passed.
    allowed: Duration,
}

/// A client of one Partner Project server.
#[derive(Debug, Clone)]
pub struct PartnerClient {
    http: reqwest::Client,
    base: Url,
    /// Sent as `Authorization: Bearer` on every request when set.
    token: Option<SecretToken>,
    /// How a request that failed for a passing reason is tried again.
    retry: RetryPolicy,
    /// Requests sent (each attempt of a retried one counts), shared by this client's clones: what
    /// a sync cost in round trips, for its report and the benchmarks.
    sent: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// When every request of this client (a sync's) must have ended, retries included.
    deadline: Option<Deadline>,
}

/// One request, kept whole so it can be sent again as it was.
struct Call {
    method: Method,
    url: Url,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
}

impl Call {
    fn get(url: Url) -> Call {
        Call {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `POST` of `body` as JSON under `key` as its `Idempotency-Key`: what creates a resource,
    /// safe to send again (the server answers a repeat with its first reply).
    fn create<T: serde::Serialize>(url: Url, key: &str, body: &T) -> Result<Call, RemoteError> {
        let (content_type, body) = json_body(body)?;
        Ok(Call {
            method: Method::POST,
            url,
            headers: vec![
                (IDEMPOTENCY_KEY, idempotency_key(key)?),
                (CONTENT_TYPE, content_type),
            ],
            body: Some(body),
        })
    }
}

/// A successful reply, read whole.
struct Exchange {
    headers: HeaderMap,
    body: Vec<u8>,
}

impl PartnerClient {
    /// A client of the server at `base_url`. Plain HTTP is accepted only for a loopback address
    /// (the sandbox); every other server must use HTTPS.
    pub fn new(base_url: &str) -> Result<PartnerClient, RemoteError> {
        let invalid = |reason: String| RemoteError::InvalidServer { reason };
        let mut base = Url::parse(base_url)
            .map_err(|e| invalid(format!("{base_url:?} is not a server URL: {e}")))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(invalid(format!(
                    "{base_url} uses plain HTTP; only a server on this machine (127.0.0.1, localhost) may, every other server must use https://"
                )));
            }
            other => {
                return Err(invalid(format!(
                    "{base_url} has scheme {other:?}; use https://"
                )));
            }
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // Each request also gets its own timeout (the rest of its deadline); this one covers
            // any request sent without it. It runs to the end of the body, not only the headers.
            .timeout(REPLY_DEADLINE)
            .user_agent(concat!("partner-workbench/", env!("CARGO_PKG_VERSION")))
            // Never follow redirects: links are followed explicitly (and checked to stay on the
            // server), and an OAuth endpoint that redirects could forward a code or a token.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&base) {
            // A server on this machine (the embedded sandbox) is reached directly: a proxy from
            // the environment (HTTP_PROXY) cannot reach our loopback, and would make it look offline.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| invalid(format!("cannot set up HTTP: {e}")))?;
        Ok(PartnerClient {
            http,
            base,
            token: None,
            retry: RetryPolicy::none(),
            sent: Default::default(),
            deadline: None,
        })
    }

    /// This client, giving up on any request still running `allowed` from now, retries and
    /// the waits between them included, with [`RemoteError::Misbehaved`]: how a sync is bounded
    /// as a whole ([`crate::bounds::SYNC_DEADLINE`]). Each reply is bounded on its own too
    /// ([`REPLY_DEADLINE`]). An earlier deadline already set is kept.
    pub fn with_deadline(mut self, allowed: Duration) -> PartnerClient {
        let at = Instant::now() + allowed;
        if self.deadline.is_none_or(|d| at < d.at) {
            self.deadline = Some(Deadline { at, allowed });
        }
        self
    }

    /// This client, trying each request (reads and writes) up to `policy.attempts` times while
    /// it fails for a passing reason: a connection dropped or cut off, 429, 500, 502, 503 or
    /// 504. It waits between tries with exponential backoff and full jitter, or the reply's
    /// `Retry-After` on 429 and 503 (at most `policy.max`). A server that cannot be reached at
    /// all ([`RemoteError::Unreachable`], offline) and every other 4xx are reported at once.
    /// Writes are safe to repeat: each carries an `Idempotency-Key`. Without this, a client
    /// tries once ([`RetryPolicy::none`]).
    pub fn with_retry(mut self, policy: RetryPolicy) -> PartnerClient {
        self.retry = policy;
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// This client, sending `token` as `Authorization: Bearer` on every request.
    pub fn with_token(mut self, token: SecretToken) -> PartnerClient {
        self.token = Some(token);
        self
    }

    /// Whether this client sends a token.
    /// How many requests this client and its clones have sent (retries included). Sign-in
    /// requests, which go through `auth`, are not counted.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The token this client sends, if any: after a 401, the one the server rejected.
    pub fn token(&self) -> Option<&SecretToken> {
        self.token.as_ref()
    }

    /// The server's base URL, without a trailing slash.
    pub fn server(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Every app of the partner, across all pages.
    pub async fn list_apps(&self) -> Result<Vec<App>, RemoteError> {
        self.collect(paths::APPS, collections::APPS).await
    }

    /// Every version of an app, across all pages.
    pub async fn list_versions(&self, app_id: &str) -> Result<Vec<VersionResource>, RemoteError> {
        let url = self.segments(&["apps", app_id, "versions"])?;
        self.collect_url(url, collections::VERSIONS).await
    }

    /// The icon of a version. `expected_sha256` is what the version said of it; bytes that do not
    /// match are refused, so a cut or swapped download never reaches the cache.
    pub async fn icon(
        &self,
        app_id: &str,
        version_id: &str,
        expected_sha256: &str,
    ) -> Result<IconFile, RemoteError> {
        let url = self.version_url(app_id, version_id, &["icon"])?;
        let reply = self
            .exchange(&Call::get(url.clone()), MAX_ICON_BYTES)
            .await?;
        let media_type = reply
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = reply.body;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if sha256 != expected_sha256 {
            return Err(RemoteError::Malformed {
                url: url.to_string(),
                reason: format!(
                    "the icon's checksum is {sha256}, the version said {expected_sha256}"
                ),
            });
        }
        Ok(IconFile {
            media_type,
            bytes,
            sha256,
        })
    }

    /// The server's current rules pack (`GET /rules`). A reply that is not a usable pack (not
    /// JSON, not a pack, no version, rules without an id or with the same id twice) is
    /// [`RemoteError::Malformed`].
    pub async fn rules(&self) -> Result<FetchedRules, RemoteError> {
        let url = self.url(partner_api::rules::PATH)?;
        let body = self
            .exchange(&Call::get(url.clone()), MAX_RULES_BYTES)
            .await?
            .body;
        parse_rules(body).map_err(|reason| malformed(&url, &format!("the rules pack {reason}")))
    }

    /// One version as the server has it now, with its ETag (`GET .../versions/{version_id}`).
    pub async fn version(
        &self,
        app_id: &str,
        version_id: &str,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.version_url(app_id, version_id, &[])?;
        let reply = self
            .exchange(&Call::get(url.clone()), MAX_VERSION_BYTES)
            .await?;
        read_version(&url, reply)
    }

    /// One app (`GET /apps/{app_id}`).
    pub async fn app(&self, app_id: &str) -> Result<App, RemoteError> {
        let url = self.segments(&["apps", app_id])?;
        self.get_json(&url).await
    }

    /// Registers an app (`POST /apps`) under `key` as its `Idempotency-Key`: a request sent
    /// again after its reply was lost answers the app it registered the first time.
    pub async fn register_app(&self, app: &RegisterApp, key: &str) -> Result<App, RemoteError> {
        let url = self.url(paths::APPS)?;
        let call = Call::create(url.clone(), key, app)?;
        let reply = self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        serde_json::from_slice(&reply.body)
            .map_err(|e| malformed(&url, &format!("the reply is not an app: {e}")))
    }

    /// Starts an app's next version (`POST /apps/{app_id}/versions`, an empty body): the first
    /// one empty, a later one a copy of the latest, which must be Available. Under `key` as its
    /// `Idempotency-Key`, so a retry after a lost reply creates no second version.
    pub async fn create_version(
        &self,
        app_id: &str,
        key: &str,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.segments(&["apps", app_id, "versions"])?;
        let call = Call::create(url.clone(), key, &CreateVersion {})?;
        let reply = self.exchange(&call, MAX_VERSION_BYTES).await?;
        read_version(&url, reply)
    }

    /// Deletes a draft version (`DELETE .../versions/{version_id}`) if it is still at
    /// `if_match`.
    pub async fn delete_version(
        &self,
        app_id: &str,
        version_id: &str,
        if_match: &str,
        key: &str,
    ) -> Result<(), RemoteError> {
        let url = self.version_url(app_id, version_id, &[])?;
        let call = Call {
            method: Method::DELETE,
            url,
            headers: vec![
                (IF_MATCH, header_value("the If-Match ETag", if_match)?),
                (IDEMPOTENCY_KEY, idempotency_key(key)?),
            ],
            body: None,
        };
        self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        Ok(())
    }

    /// One app with its ETag (`GET /apps/{app_id}`): what an edit of its fields is sent against.
    pub async fn app_with_etag(&self, app_id: &str) -> Result<(App, String), RemoteError> {
        let url = self.segments(&["apps", app_id])?;
        let reply = self
            .exchange(&Call::get(url.clone()), MAX_RESOURCE_BYTES)
            .await?;
        read_app(&url, reply)
    }

    /// Edits an app's own fields (`PATCH /apps/{app_id}`) if it is still at `if_match`: the
    /// fields present in `update` replace the server's. The app as saved, with its new ETag.
    pub async fn update_app(
        &self,
        app_id: &str,
        if_match: &str,
        key: &str,
        update: &UpdateApp,
    ) -> Result<(App, String), RemoteError> {
        let url = self.segments(&["apps", app_id])?;
        let (content_type, body) = json_body(update)?;
        let call = Call {
            method: Method::PATCH,
            url: url.clone(),
            headers: vec![
                (IF_MATCH, header_value("the If-Match ETag", if_match)?),
                (IDEMPOTENCY_KEY, idempotency_key(key)?),
                (CONTENT_TYPE, content_type),
            ],
            body: Some(body),
        };
        let reply = self.exchange(&call, MAX_RESOURCE_BYTES).await?;
        read_app(&url, reply)
    }

    /// Edits a version's content (`PATCH`): the sections present in `update` replace the
    /// server's. Answers the version as the server saved it; its `etag` is the new ETag.
    pub async fn update_version(
        &self,
        app_id: &str,
        version_id: &str,
        if_match: &str,
        key: &str,
        update: &UpdateVersion,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.version_url(app_id, version_id, &[])?;
        self.write(Method::PATCH, url, if_match, key, Some(json_body(update)?))
            .await
    }

    /// Uploads a version's icon (`PUT .../icon?filename=`), sent as `icon.media_type`. The server
    /// runs its icon rules on the bytes, judging the extension of `file_name`.
    pub async fn put_icon(
        &self,
        app_id: &str,
        version_id: &str,
        if_match: &str,
        key: &str,
        icon: &IconFile,
        file_name: &str,
    ) -> Result<VersionResource, RemoteError> {
        let mut url = self.version_url(app_id, version_id, &["icon"])?;
        url.query_pairs_mut().append_pair("filename", file_name);
        let content_type = header_value("the icon's media type", &icon.media_type)?;
        self.write(
            Method::PUT,
            url,
            if_match,
            key,
            Some((content_type, icon.bytes.clone())),
        )
        .await
    }

    /// Submits one track for review (`POST .../submissions`).
    pub async fn submit(
        &self,
        app_id: &str,
        version_id: &str,
        if_match: &str,
        key: &str,
        submission: &Submission,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.version_url(app_id, version_id, &["submissions"])?;
        self.write(
            Method::POST,
            url,
            if_match,
            key,
            Some(json_body(submission)?),
        )
        .await
    }

    /// Withdraws a track from review (`DELETE .../submissions/{track}`): back to Draft.
    pub async fn withdraw(
        &self,
        app_id: &str,
        version_id: &str,
        track: Track,
        if_match: &str,
        key: &str,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.version_url(app_id, version_id, &["submissions", track.as_str()])?;
        self.write(Method::DELETE, url, if_match, key, None).await
    }

    /// Makes an approved version available (`POST .../availability`).
    pub async fn make_available(
        &self,
        app_id: &str,
        version_id: &str,
        if_match: &str,
        key: &str,
    ) -> Result<VersionResource, RemoteError> {
        let url = self.version_url(app_id, version_id, &["availability"])?;
        self.write(Method::POST, url, if_match, key, None).await
    }

    /// One page of the change feed after `cursor`: `None` reads from the beginning, a
    /// `next_cursor` of an earlier page from there, and [`partner_api::LATEST_CURSOR`]
    /// (`"latest"`) gives no changes and the current end of the feed, where a client that is
    /// about to copy everything starts. An empty page means nothing is new yet; its
    /// `next_cursor` is the one to ask with next time.
    pub async fn changes(&self, cursor: Option<&str>) -> Result<ChangesPage, RemoteError> {
        let mut url = self.url(CHANGES_PATH)?;
        if let Some(cursor) = cursor {
            url.query_pairs_mut().append_pair("cursor", cursor);
        }
        Ok(self.changes_page(url).await?.0)
    }

    /// The change feed from `cursor` to its current end, page after page while pages come full
    /// ([`partner_api::MAX_CHANGES_PER_PAGE`]). A feed that does not end is stopped with
    /// [`RemoteError::Misbehaved`]: a `next_cursor` that comes again (the feed goes round), or
    /// more than [`MAX_FEED_PAGES`] pages, [`MAX_FEED_CHANGES`] changes or [`MAX_FEED_BYTES`]
    /// bytes in all.
    pub async fn changes_after(&self, cursor: &str) -> Result<FeedRead, RemoteError> {
        let mut cursor = cursor.to_owned();
        let mut seen = HashSet::from([cursor.clone()]);
        let mut changes = Vec::new();
        let mut bytes = 0;
        let mut pages = 0;
        loop {
            let mut url = self.url(CHANGES_PATH)?;
            url.query_pairs_mut().append_pair("cursor", &cursor);
            if pages == MAX_FEED_PAGES {
                return Err(misbehaved(
                    &url,
                    format!("the change feed did not end after {MAX_FEED_PAGES} full pages"),
                ));
            }
            let (page, len) = self.changes_page(url.clone()).await?;
            pages += 1;
            bytes += len;
            if bytes > MAX_FEED_BYTES {
                return Err(misbehaved(
                    &url,
                    format!(
                        "the change feed ran past {} MiB before it ended",
                        MAX_FEED_BYTES >> 20
                    ),
                ));
            }
            if changes.len() + page.changes.len() > MAX_FEED_CHANGES {
                return Err(misbehaved(
                    &url,
                    format!("the change feed ran past {MAX_FEED_CHANGES} changes before it ended"),
                ));
            }
            let full = page.changes.len() >= partner_api::MAX_CHANGES_PER_PAGE as usize;
            changes.extend(page.changes);
            if !full {
                return Ok(FeedRead {
                    changes,
                    next_cursor: page.next_cursor,
                    pages,
                });
            }
            // A full page means more may follow, from a cursor never asked with before.
            if !seen.insert(page.next_cursor.clone()) {
                return Err(misbehaved(
                    &url,
                    format!(
                        "the change feed gave a cursor it had given before ({:?}) after a full page: it goes round in a circle",
                        shorten(&page.next_cursor)
                    ),
                ));
            }
            cursor = page.next_cursor;
        }
    }

    /// One page of the feed at `url`, and the size of its body.
    async fn changes_page(&self, url: Url) -> Result<(ChangesPage, usize), RemoteError> {
        let body = self
            .exchange(&Call::get(url.clone()), MAX_JSON_BYTES)
            .await?
            .body;
        let page: ChangesPage = serde_json::from_slice(&body)
            .map_err(|e| malformed(&url, &format!("invalid JSON: {e}")))?;
        if page.next_cursor.is_empty() {
            return Err(malformed(&url, "the change feed gave no next_cursor"));
        }
        Ok((page, body.len()))
    }

    /// Sends a write with `If-Match` and `Idempotency-Key` and reads the version it answers.
    async fn write(
        &self,
        method: Method,
        url: Url,
        if_match: &str,
        key: &str,
        body: Option<(HeaderValue, Vec<u8>)>,
    ) -> Result<VersionResource, RemoteError> {
        let mut headers = vec![
            (IF_MATCH, header_value("the If-Match ETag", if_match)?),
            (IDEMPOTENCY_KEY, idempotency_key(key)?),
        ];
        let body = body.map(|(content_type, bytes)| {
            headers.push((CONTENT_TYPE, content_type));
            bytes
        });
        let call = Call {
            method,
            url: url.clone(),
            headers,
            body,
        };
        let reply = self.exchange(&call, MAX_VERSION_BYTES).await?;
        read_version(&url, reply)
    }

    /// The URL of a version, or of `tail` below it, each id one path segment (escaped), so an
    /// id can never reach another route.
    fn version_url(
        &self,
        app_id: &str,
        version_id: &str,
        tail: &[&str],
    ) -> Result<Url, RemoteError> {
        let mut segments = vec!["apps", app_id, "versions", version_id];
        segments.extend_from_slice(tail);
        self.segments(&segments)
    }

    /// The base URL with `segments` appended, each escaped as one path segment.
    fn segments(&self, segments: &[&str]) -> Result<Url, RemoteError> {
        if let Some(bad) = segments
            .iter()
            .find(|s| s.is_empty() || **s == "." || **s == "..")
        {
            return Err(RemoteError::InvalidServer {
                reason: format!("cannot build a request path: the id {bad:?} is not usable"),
            });
        }
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| RemoteError::InvalidServer {
                reason: format!("{} cannot hold a path", self.base),
            })?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Walks a HAL collection from `first` through `_links.next` and gathers the items embedded
    /// under `name`. Only links to this same server are followed.
    async fn collect<T: DeserializeOwned>(
        &self,
        first: &str,
        name: &str,
    ) -> Result<Vec<T>, RemoteError> {
        self.collect_url(self.url(first)?, name).await
    }

    /// [`Self::collect`] from a URL already built (ids escaped as path segments). A collection
    /// that does not end is stopped with [`RemoteError::Misbehaved`]: a `next` link to a page
    /// already read, or more than [`MAX_COLLECTION_PAGES`] pages, [`MAX_COLLECTION_ITEMS`] items
    /// or [`MAX_COLLECTION_BYTES`] bytes in all.
    async fn collect_url<T: DeserializeOwned>(
        &self,
        first: Url,
        name: &str,
    ) -> Result<Vec<T>, RemoteError> {
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut bytes = 0;
        let mut next = Some(first);
        while let Some(url) = next.take() {
            if !seen.insert(url.clone()) {
                return Err(misbehaved(
                    &url,
                    "the collection's next links go round in a circle (a page came again)".into(),
                ));
            }
            if seen.len() > MAX_COLLECTION_PAGES {
                return Err(misbehaved(
                    &url,
                    format!(
                        "the collection's next links did not end after {MAX_COLLECTION_PAGES} pages"
                    ),
                ));
            }
            let body = self
                .exchange(&Call::get(url.clone()), MAX_JSON_BYTES)
                .await?
                .body;
            bytes += body.len();
            if bytes > MAX_COLLECTION_BYTES {
                return Err(misbehaved(
                    &url,
                    format!(
                        "the collection ran past {} MiB before it ended",
                        MAX_COLLECTION_BYTES >> 20
                    ),
                ));
            }
            let mut page: Page<T> = serde_json::from_slice(&body)
                .map_err(|e| malformed(&url, &format!("invalid JSON: {e}")))?;
            drop(body);
            let embedded = page.take(name).ok_or_else(|| {
                malformed(&url, &format!("the page has no `_embedded.{name}` list"))
            })?;
            if items.len() + embedded.len() > MAX_COLLECTION_ITEMS {
                return Err(misbehaved(
                    &url,
                    format!("the collection ran past {MAX_COLLECTION_ITEMS} items before it ended"),
                ));
            }
            items.extend(embedded);
            if let Some(link) = page.links.next {
                next = Some(self.follow(&url, &link.href)?);
            }
        }
        Ok(items)
    }

    /// The reqwest client, shared by the sign-in requests (`auth`).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Whether `url` is on this server (same scheme, host and port).
    pub(crate) fn owns(&self, url: &str) -> bool {
        Url::parse(url).is_ok_and(|url| url.origin() == self.base.origin())
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url, RemoteError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| RemoteError::InvalidServer {
                reason: format!("bad path {path:?}: {e}"),
            })
    }

    /// Resolves a link the server gave, refusing one that leaves the server.
    fn follow(&self, from: &Url, href: &str) -> Result<Url, RemoteError> {
        let url = from
            .join(href)
            .map_err(|e| malformed(from, &format!("bad link {href:?}: {e}")))?;
        if url.origin() != self.base.origin() {
            return Err(malformed(
                from,
                &format!("a link leads to another server ({url})"),
            ));
        }
        Ok(url)
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<T, RemoteError> {
        self.get_json_capped(url, MAX_JSON_BYTES).await
    }

    /// [`Self::get_json`] of a reply of at most `cap` bytes.
    pub(crate) async fn get_json_capped<T: DeserializeOwned>(
        &self,
        url: &Url,
        cap: usize,
    ) -> Result<T, RemoteError> {
        let bytes = self.exchange(&Call::get(url.clone()), cap).await?.body;
        serde_json::from_slice(&bytes).map_err(|e| malformed(url, &format!("invalid JSON: {e}")))
    }

    /// This client as the sign-in's requests use it: no token (the token endpoint gets what
    /// oauth2 sends, nothing more) and no retry (a device code is polled by oauth2 itself).
    pub(crate) fn for_sign_in(&self) -> PartnerClient {
        PartnerClient {
            token: None,
            retry: RetryPolicy::none(),
            ..self.clone()
        }
    }

    /// Sends a request built elsewhere (the sign-in's, by oauth2) once, and reads its reply
    /// whatever its status, through the same capped reader and deadline as every other reply:
    /// at most `cap` bytes. The status and headers are the caller's to judge.
    pub(crate) async fn execute_capped(
        &self,
        mut request: reqwest::Request,
        cap: usize,
    ) -> Result<(reqwest::StatusCode, HeaderMap, Vec<u8>), RemoteError> {
        let url = request.url().clone();
        self.check_deadline(&url)?;
        let deadline = self.try_deadline();
        *request.timeout_mut() = Some(deadline.saturating_duration_since(Instant::now()));
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|source| self.send_error(&url, source))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = self.read_capped(response, &url, cap, deadline).await?;
        Ok((status, headers, body))
    }

    /// Sends `call` and reads its whole reply (at most `cap` bytes), trying again under the
    /// retry policy while it fails for a passing reason ([`RetryPolicy`]), but never past the
    /// client's deadline ([`PartnerClient::with_deadline`]).
    async fn exchange(&self, call: &Call, cap: usize) -> Result<Exchange, RemoteError> {
        let mut tries = 0;
        loop {
            tries += 1;
            self.check_deadline(&call.url)?;
            let error = match self.once(call, cap).await {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            if tries >= self.retry.attempts.max(1) || !worth_retrying_now(&error) {
                return Err(error);
            }
            let retry_after = match error.status() {
                Some(429 | 503) => error.retry_after(),
                _ => None,
            };
            let wait = self.retry.delay(tries, retry_after, rand::random::<f64>());
            if self.deadline.is_some_and(|d| Instant::now() + wait >= d.at) {
                // The next try could not end in time: say what the last one met.
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// [`RemoteError::Misbehaved`] once the client's deadline has passed.
    fn check_deadline(&self, url: &Url) -> Result<(), RemoteError> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline.at => Err(misbehaved(
                url,
                format!(
                    "the sync did not end within {} s, the most one may take",
                    deadline.allowed.as_secs()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// When a try started now must have ended: [`REPLY_DEADLINE`] from now, or the client's
    /// deadline when that comes first.
    fn try_deadline(&self) -> Instant {
        let reply = Instant::now() + REPLY_DEADLINE;
        match self.deadline {
            Some(deadline) => reply.min(deadline.at),
            None => reply,
        }
    }

    /// The error of a try that ran past `deadline`: the client's deadline, or the reply's.
    fn too_slow(&self, url: &Url) -> RemoteError {
        self.check_deadline(url).err().unwrap_or_else(|| {
            misbehaved(
                url,
                format!(
                    "the reply did not arrive whole within {} s: the server sends it too slowly or never ends it",
                    REPLY_DEADLINE.as_secs()
                ),
            )
        })
    }

    /// What a request that got no reply failed with: the client's deadline passed, the server
    /// cannot be reached (no connection, or no reply within [`REPLY_DEADLINE`]), or the
    /// connection dropped.
    fn send_error(&self, url: &Url, source: reqwest::Error) -> RemoteError {
        if source.is_timeout() && self.check_deadline(url).is_err() {
            self.too_slow(url)
        } else if source.is_connect() || source.is_timeout() {
            RemoteError::Unreachable {
                server: self.server().to_owned(),
                source,
            }
        } else {
            RemoteError::Interrupted {
                url: url.to_string(),
                source,
            }
        }
    }

    /// One try of `call`: sends it and reads the whole reply, all before the try's deadline.
    async fn once(&self, call: &Call, cap: usize) -> Result<Exchange, RemoteError> {
        let deadline = self.try_deadline();
        let response = self.send(call, deadline).await?;
        let headers = response.headers().clone();
        let body = self.read_capped(response, &call.url, cap, deadline).await?;
        Ok(Exchange { headers, body })
    }

    /// Sends `call` once and turns any non-success status into [`RemoteError::Status`] with
    /// the server's error body when it has one, and its `Retry-After`.
    async fn send(&self, call: &Call, deadline: Instant) -> Result<Response, RemoteError> {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let url = &call.url;
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .timeout(deadline.saturating_duration_since(Instant::now()));
        if let Some(token) = &self.token {
            // reqwest marks the header sensitive, so it never appears in debug output.
            request = request.bearer_auth(token.expose());
        }
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &call.body {
            request = request.body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|source| self.send_error(url, source))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = retry_after(response.headers());
        // An error body is a few hundred bytes; one that is not is ignored.
        let body = self
            .read_capped(response, url, MAX_RESOURCE_BYTES, deadline)
            .await
            .unwrap_or_default();
        let error = serde_json::from_slice::<ApiError>(&body).ok().map(Box::new);
        Err(RemoteError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            error,
            retry_after,
        })
    }
}

/// Whether the client tries `error`'s request again at once: a passing failure, but not a
/// server that cannot be reached at all (offline: the caller is told at once).
fn worth_retrying_now(error: &RemoteError) -> bool {
    error.is_transient() && !error.is_offline()
}

/// `Retry-After` in its seconds form; the date form and anything else is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The version a write or a GET answered. Its `etag` must agree with the `ETag` header when
/// the reply has one: a server whose two ETags disagree cannot be written to safely.
/// An app and the ETag its reply carried (which it must carry: edits are sent against it).
fn read_app(url: &Url, reply: Exchange) -> Result<(App, String), RemoteError> {
    let app: App = serde_json::from_slice(&reply.body)
        .map_err(|e| malformed(url, &format!("the reply is not an app: {e}")))?;
    let etag = reply
        .headers
        .get(ETAG)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .ok_or_else(|| malformed(url, "the app has no ETag header"))?;
    Ok((app, etag.to_owned()))
}

fn read_version(url: &Url, reply: Exchange) -> Result<VersionResource, RemoteError> {
    let version: VersionResource = serde_json::from_slice(&reply.body)
        .map_err(|e| malformed(url, &format!("the reply is not a version: {e}")))?;
    if version.etag.is_empty() {
        return Err(malformed(url, "the version has no etag"));
    }
    if let Some(header) = reply.headers.get(ETAG) {
        let header = header.to_str().unwrap_or_default();
        if header != version.etag {
            return Err(malformed(
                url,
                &format!(
                    "the ETag header {header:?} differs from the version's etag {:?}",
                    version.etag
                ),
            ));
        }
    }
    Ok(version)
}

/// A JSON request body with its content type.
fn json_body<T: serde::Serialize>(value: &T) -> Result<(HeaderValue, Vec<u8>), RemoteError> {
    let bytes = serde_json::to_vec(value).map_err(|e| RemoteError::InvalidServer {
        reason: format!("cannot write the request as JSON: {e}"),
    })?;
    Ok((HeaderValue::from_static("application/json"), bytes))
}

/// A header value from the caller, refused before anything is sent when it cannot be one.
fn header_value(what: &str, value: &str) -> Result<HeaderValue, RemoteError> {
    HeaderValue::from_str(value)
        .ok()
        .filter(|_| !value.trim().is_empty())
        .ok_or_else(|| RemoteError::InvalidServer {
            reason: format!(
                "cannot send the request: {what} {value:?} is not a usable header value"
            ),
        })
}

/// An `Idempotency-Key` as the contract allows it: 1 to 255 visible ASCII characters.
fn idempotency_key(key: &str) -> Result<HeaderValue, RemoteError> {
    let fine =
        !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic());
    if !fine {
        return Err(RemoteError::InvalidServer {
            reason: format!(
                "cannot send the request: the Idempotency-Key {key:?} must be 1 to {MAX_KEY_LEN} visible ASCII characters"
            ),
        });
    }
    header_value("the Idempotency-Key", key)
}

/// Checks a served rules pack: what the engine needs to read it, rule ids that name one rule
/// each (suppressions and the server's refusals name rules by id), and a source for every rule.
fn parse_rules(body: Vec<u8>) -> Result<FetchedRules, String> {
    let json = String::from_utf8(body).map_err(|_| "is not UTF-8 text".to_owned())?;
    let pack: RulesPack =
        serde_json::from_str(&json).map_err(|e| format!("cannot be read: {e}"))?;
    if pack.version.trim().is_empty() {
        return Err("has no version".into());
    }
    let mut ids = HashSet::new();
    for (i, rule) in pack.rules.iter().enumerate() {
        if rule.id.trim().is_empty() {
            return Err(format!("has a rule without an id (rule {})", i + 1));
        }
        if !ids.insert(rule.id.as_str()) {
            return Err(format!("has two rules with the id {}", rule.id));
        }
    }
    // Every rule says where it comes from; a house rule is an error only for safety.
    if let Some((at, problem)) = pack.problems().into_iter().next() {
        return Err(format!("has an unfit rule source at {at}: {problem}"));
    }
    Ok(FetchedRules { pack, json })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn malformed(url: &Url, reason: &str) -> RemoteError {
    RemoteError::Malformed {
        url: url.to_string(),
        reason: reason.to_owned(),
    }
}

/// [`RemoteError::Misbehaved`]: the server broke one of the client's bounds.
fn misbehaved(url: &Url, reason: String) -> RemoteError {
    RemoteError::Misbehaved {
        url: url.to_string(),
        reason,
    }
}

/// At most the first 80 characters of a server's string, for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `cap` in words: "32 MiB", "64 KiB", "100 bytes".
fn size(cap: usize) -> String {
    if cap >= 1 << 20 && cap.is_multiple_of(1 << 20) {
        format!("{} MiB", cap >> 20)
    } else if cap >= 1 << 10 && cap.is_multiple_of(1 << 10) {
        format!("{} KiB", cap >> 10)
    } else {
        format!("{cap} bytes")
    }
}

impl PartnerClient {
    /// Reads a whole body, but no more than `cap` bytes and not past `deadline`: every reply,
    /// the sign-in's included, is read here. A body larger than `cap`, or still arriving at
    /// `deadline`, is [`RemoteError::Misbehaved`]; a connection that drops mid-body is
    /// [`RemoteError::Interrupted`]. Never a short result.
    pub(crate) async fn read_capped(
        &self,
        mut response: Response,
        url: &Url,
        cap: usize,
        deadline: Instant,
    ) -> Result<Vec<u8>, RemoteError> {
        let too_large = || misbehaved(url, format!("the reply is larger than {}", size(cap)));
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            let chunk = tokio::time::timeout_at(deadline, response.chunk())
                .await
                .map_err(|_| self.too_slow(url))?;
            match chunk {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > cap {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(source) if source.is_timeout() => return Err(self.too_slow(url)),
                Err(source) => {
                    return Err(RemoteError::Interrupted {
                        url: url.to_string(),
                        source,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://api.talkdeskapp.com",
        ] {
            assert!(PartnerClient::new(ok).is_ok(), "{ok} must be accepted");
        }
        for bad in [
            "http://api.talkdeskapp.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            let err = PartnerClient::new(bad).expect_err(bad);
            assert!(
                matches!(err, RemoteError::InvalidServer { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn the_shipped_pack_is_a_valid_served_pack_and_keeps_unknown_fields() {
        let mut value: serde_json::Value =
            serde_json::from_str(partner_api::rules::DEFAULT_PACK_JSON).unwrap();
        value["rules"][0]["introduced_in"] = serde_json::json!("2027.1.1");
        let json = serde_json::to_string(&value).unwrap();
        let fetched = parse_rules(json.clone().into_bytes()).expect("the shipped pack is valid");
        assert_eq!(fetched.pack, partner_api::rules::default_pack());
        assert_eq!(
            fetched.json, json,
            "kept as received, unknown fields included"
        );
    }

    #[test]
    fn a_served_pack_that_is_not_usable_is_refused_saying_why() {
        let rule = |id: &str| {
            format!(
                r#"{{"id": "{id}", "kind": "icon_square", "severity": "error", "field": "icon", "message": "m"}}"#
            )
        };
        let cases: &[(&[u8], &str)] = &[
            (b"\xff\xfe", "not UTF-8"),
            (br#"{"total": 1, "_embedded": {"apps": [{"id": "app-"#, "cannot be read"),
            (br#"{"rules": []}"#, "cannot be read"),
            (br#"[1, 2, 3]"#, "cannot be read"),
            (br#"{"version": "  ", "rules": []}"#, "no version"),
            (
                br#"{"version": "1", "rules": [{"id": "a", "kind": "k", "severity": "fatal", "field": "f", "message": "m"}]}"#,
                "cannot be read",
            ),
        ];
        for (body, why) in cases {
            let err = parse_rules(body.to_vec()).expect_err(why);
            assert!(err.contains(why), "{why}: {err}");
        }
        let twice = format!(
            r#"{{"version": "1", "rules": [{}, {}]}}"#,
            rule("a"),
            rule("a")
        );
        let err = parse_rules(twice.into_bytes()).unwrap_err();
        assert!(err.contains("two rules with the id a"), "{err}");
        let unnamed = format!(
            r#"{{"version": "1", "rules": [{}, {}]}}"#,
            rule("a"),
            rule("")
        );
        let err = parse_rules(unnamed.into_bytes()).unwrap_err();
        assert!(err.contains("without an id (rule 2)"), "{err}");
    }

    #[test]
    fn links_never_lead_to_another_server() {
        let client = PartnerClient::new("http://127.0.0.1:8080/api").unwrap();
        let from = client.url("/apps").unwrap();
        assert_eq!(
            from.as_str(),
            "http://127.0.0.1:8080/api/apps",
            "paths are relative to the base"
        );
        assert!(client.follow(&from, "/api/apps?page=2").is_ok());
        assert!(
            client
                .follow(&from, "http://127.0.0.1:9999/apps?page=2")
                .is_err()
        );
        assert!(client.follow(&from, "https://evil.example/apps").is_err());
    }
}
