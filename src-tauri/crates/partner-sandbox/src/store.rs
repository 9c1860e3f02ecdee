//! The write side of the database: write transactions, the change feed, idempotency keys,
//! pending reviews, submissions' suppressions and the admin's rules pack, plus the lookups the
//! write routes make inside a transaction.
//!
//! Every mutation runs in one `BEGIN IMMEDIATE` transaction ([`Db::write`]) that also records
//! its change ([`record`]) and, for creating requests, its idempotency key, so the feed lists
//! each mutation exactly once and a failed request leaves nothing half-written.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use partner_api::{Change, ChangeKind, ResourceRef, ResourceType, ReviewOutcome, VersionResource};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use workbench_domain::{App, IconFile, Track};

use crate::db::{APP_COLUMNS, Db, VERSION_COLUMNS, app_from_row, version_from_row};
use crate::error::HttpError;

impl Db {
    /// Runs `f` in a `BEGIN IMMEDIATE` transaction: committed when it returns `Ok`, rolled back
    /// otherwise. Blocking; callers run it on a blocking thread.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, HttpError>,
    ) -> Result<T, HttpError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs read-only `f` on the connection.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, HttpError>,
    ) -> Result<T, HttpError> {
        let conn = self.conn();
        f(&conn)
    }
}

/// A fresh, unguessable-enough id such as `ver-5f0c...`: the clock, a counter and the process.
pub fn new_id(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = Sha256::new();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.update(nanos.to_le_bytes());
    hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    format!("{prefix}-{}", &hex::encode(hasher.finalize())[..20])
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The strong ETag of an app: a digest of its fields.
pub fn app_etag(app: &App) -> String {
    let digest = Sha256::digest(serde_json::to_vec(app).unwrap_or_default());
    format!("\"{}\"", &hex::encode(digest)[..32])
}

pub fn load_app(conn: &Connection, app_id: &str) -> rusqlite::Result<Option<App>> {
    conn.query_row(
        &format!("SELECT {APP_COLUMNS} FROM apps WHERE id = ?1"),
        [app_id],
        app_from_row,
    )
    .optional()
}

/// A version with its `seq` (creation order within the database).
pub fn load_version(
    conn: &Connection,
    app_id: &str,
    version_id: &str,
) -> rusqlite::Result<Option<(i64, VersionResource)>> {
    conn.query_row(
        &format!("SELECT {VERSION_COLUMNS}, seq FROM versions WHERE app_id = ?1 AND id = ?2"),
        [app_id, version_id],
        |row| Ok((row.get(9)?, version_from_row(row)?)),
    )
    .optional()
}

/// A version found by id alone (admin routes).
pub fn load_version_by_id(
    conn: &Connection,
    version_id: &str,
) -> rusqlite::Result<Option<(i64, VersionResource)>> {
    conn.query_row(
        &format!("SELECT {VERSION_COLUMNS}, seq FROM versions WHERE id = ?1"),
        [version_id],
        |row| Ok((row.get(9)?, version_from_row(row)?)),
    )
    .optional()
}

/// The newest version of an app, if it has any.
pub fn latest_version(
    conn: &Connection,
    app_id: &str,
) -> rusqlite::Result<Option<(i64, VersionResource)>> {
    conn.query_row(
        &format!(
            "SELECT {VERSION_COLUMNS}, seq FROM versions WHERE app_id = ?1 ORDER BY seq DESC LIMIT 1"
        ),
        [app_id],
        |row| Ok((row.get(9)?, version_from_row(row)?)),
    )
    .optional()
}

/// Whether a version older than `seq` of the same app has been published (technical track
/// Available).
pub fn follows_published(conn: &Connection, app_id: &str, seq: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM versions WHERE app_id = ?1 AND seq < ?2 AND technical_status = 'available'",
            params![app_id, seq],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A version's stored icon, if it has one.
pub fn load_icon(conn: &Connection, version_id: &str) -> rusqlite::Result<Option<IconFile>> {
    Ok(conn
        .query_row(
            "SELECT icon_media_type, icon_bytes, icon_sha256 FROM versions WHERE id = ?1",
            [version_id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()?
        .and_then(|row| match row {
            (Some(media_type), Some(bytes), Some(sha256)) => Some(IconFile {
                media_type,
                bytes,
                sha256,
            }),
            _ => None,
        }))
}

/// Saves a version's status and content (not its icon).
pub fn save_version(conn: &Connection, version: &VersionResource) -> rusqlite::Result<()> {
    let content = serde_json::to_string(&version.version.content)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "UPDATE versions SET technical_status = ?2, marketplace_status = ?3, content = ?4
         WHERE id = ?1",
        params![
            version.version.id,
            version.version.status.technical.as_str(),
            version.version.status.marketplace.as_str(),
            content
        ],
    )?;
    Ok(())
}

/// What a mutation records in the feed; `cursor` and `at` are the database's.
pub struct NewChange {
    pub kind: ChangeKind,
    pub resource: ResourceRef,
    pub track: Option<Track>,
    pub review: Option<ReviewOutcome>,
    pub origin: Option<String>,
    pub etag: Option<String>,
    pub request: Option<partner_api::InstallationRequest>,
}

impl NewChange {
    pub fn app(kind: ChangeKind, app: &App) -> NewChange {
        NewChange {
            kind,
            resource: ResourceRef {
                kind: ResourceType::App,
                id: app.id.clone(),
                app_id: None,
            },
            track: None,
            review: None,
            origin: None,
            etag: Some(app_etag(app)),
            request: None,
        }
    }

    pub fn version(
        kind: ChangeKind,
        app_id: &str,
        version_id: &str,
        etag: Option<String>,
    ) -> NewChange {
        NewChange {
            kind,
            resource: ResourceRef {
                kind: ResourceType::Version,
                id: version_id.to_owned(),
                app_id: Some(app_id.to_owned()),
            },
            track: None,
            review: None,
            origin: None,
            etag,
            request: None,
        }
    }

    /// A change of a resource that is neither an app nor a version (an installation, an OAuth
    /// client), with the app it belongs to when it has one.
    pub fn other(
        kind: ChangeKind,
        resource: ResourceType,
        id: &str,
        app_id: Option<&str>,
        etag: Option<String>,
    ) -> NewChange {
        NewChange {
            kind,
            resource: ResourceRef {
                kind: resource,
                id: id.to_owned(),
                app_id: app_id.map(str::to_owned),
            },
            track: None,
            review: None,
            origin: None,
            etag,
            request: None,
        }
    }

    pub fn track(mut self, track: Track) -> NewChange {
        self.track = Some(track);
        self
    }
}

/// Appends a change to the feed; call it inside the mutation's transaction.
pub fn record(conn: &Connection, change: NewChange) -> rusqlite::Result<()> {
    let body = Change {
        cursor: String::new(),
        kind: change.kind,
        resource: change.resource,
        at: None,
        track: change.track,
        review: change.review,
        origin: change.origin,
        etag: change.etag,
        request: change.request,
    };
    let body = serde_json::to_string(&body)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute("INSERT INTO changes (body) VALUES (?1)", [body])?;
    Ok(())
}

/// The opaque cursor of position `seq`.
pub fn cursor(seq: i64) -> String {
    format!("c{seq}")
}

fn parse_cursor(cursor: &str) -> Option<i64> {
    let digits = cursor.strip_prefix('c')?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The changes after `after` (a cursor, `None` = from the beginning), at most `limit`.
/// [`partner_api::LATEST_CURSOR`] gives no changes and the cursor of the newest one, where a
/// client that has just copied everything starts reading.
pub fn changes_after(
    conn: &Connection,
    after: Option<&str>,
    limit: u32,
) -> Result<partner_api::ChangesPage, HttpError> {
    let last: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |r| {
        r.get(0)
    })?;
    let from = match after {
        None => 0,
        Some(partner_api::LATEST_CURSOR) => {
            return Ok(partner_api::ChangesPage {
                changes: Vec::new(),
                next_cursor: cursor(last),
            });
        }
        Some(text) => match parse_cursor(text) {
            Some(seq) if seq <= last => seq,
            _ => {
                return Err(HttpError::invalid_request(
                    "the cursor is not one this server gave out",
                    vec![crate::error::field(
                        "cursor",
                        "pass back a next_cursor from an earlier reply, or omit it to read from the beginning",
                    )],
                ));
            }
        },
    };
    let mut stmt = conn
        .prepare_cached("SELECT seq, at, body FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt
        .query_map(params![from, limit], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut changes = Vec::with_capacity(rows.len());
    let mut next = from;
    for (seq, at, body) in rows {
        let mut change: Change = serde_json::from_str(&body).map_err(|error| {
            tracing::error!(%error, seq, "unreadable change");
            HttpError::internal()
        })?;
        change.cursor = cursor(seq);
        change.at = Some(at);
        changes.push(change);
        next = seq;
    }
    Ok(partner_api::ChangesPage {
        changes,
        next_cursor: cursor(next),
    })
}

/// A stored reply of a creating request.
pub struct StoredReply {
    pub fingerprint: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn find_idempotent(conn: &Connection, key: &str) -> rusqlite::Result<Option<StoredReply>> {
    conn.query_row(
        "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE key = ?1",
        [key],
        |row| {
            let headers: String = row.get(2)?;
            Ok(StoredReply {
                fingerprint: row.get(0)?,
                status: row.get(1)?,
                headers: serde_json::from_str(&headers).unwrap_or_default(),
                body: row.get(3)?,
            })
        },
    )
    .optional()
}

pub fn store_idempotent(conn: &Connection, key: &str, reply: &StoredReply) -> rusqlite::Result<()> {
    let headers = serde_json::to_string(&reply.headers)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "INSERT INTO idempotency_keys (key, fingerprint, status, headers, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, reply.fingerprint, reply.status, headers, reply.body],
    )?;
    Ok(())
}
