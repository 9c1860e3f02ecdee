//! The sandbox's own SQLite database: schema, seeding and the queries the routes need.
//!
//! Scalars that are looked up or constrained (ids, statuses) are columns; a version's content
//! is stored as its JSON, because the wire format already is the shape of record and the
//! sandbox never queries inside it. The schema comes from numbered migrations ([`migrations`],
//! `migrations/*.sql`); a new database is seeded in the same transaction, so it is either
//! complete or new.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use partner_api::{IconInfo, VersionResource};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use workbench_domain::{App, AppVersion, IconFile, VersionStatus};

use crate::config::Seed;
use crate::error::SandboxError;
use crate::seed;

pub mod migrations;
mod partner;

pub use partner::{
    Created, Decided, NewRequest, Requested, decide_installation, delete_oauth_client,
    installation_etag, request_installation, request_update,
};

/// What `GET .../icon` finds.
pub enum IconLookup {
    NoVersion,
    NoIcon,
    Icon(IconFile),
}

pub struct Db {
    // One connection behind a mutex: the sandbox serves one partner, so contention is low and
    // a single writer keeps SQLite simple. Callers run queries on blocking threads.
    conn: Mutex<Connection>,
}

/// A page of the rows of `table` that belong to `app_id`, in the order they were made, with
/// their total; `None` when there is no such app. `table` and `columns` are the crate's own
/// constants, never request data.
pub(crate) fn app_page<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    app_id: &str,
    (offset, limit): (u64, u32),
    from_row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<(Vec<T>, u64)>> {
    let exists = conn
        .query_row("SELECT 1 FROM apps WHERE id = ?1", [app_id], |_| Ok(()))
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {table} WHERE app_id = ?1"),
        [app_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {columns} FROM {table} WHERE app_id = ?1 ORDER BY seq LIMIT ?2 OFFSET ?3"
    ))?;
    let items = stmt
        .query_map(params![app_id, limit, clamp(offset)], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some((items, total as u64)))
}

impl Db {
    /// Opens `path`, creating the schema and the seed when the database is new.
    pub fn open(path: &Path, seed: Seed) -> Result<Db, SandboxError> {
        let db_error = |source| SandboxError::Database {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_error)?;
        // The schema version first, before anything writes: a newer database is left exactly as
        // it is (even switching it to WAL would rewrite its header). Reading it also proves the
        // file is a SQLite database.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(db_error)?;
        let supported = migrations::latest_version();
        if found > supported {
            return Err(SandboxError::SchemaTooNew {
                path: path.to_owned(),
                found,
                supported,
            });
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_error)?;
        conn.pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))
            .map_err(db_error)?;
        // With WAL, NORMAL keeps the database consistent through a crash of the process or the
        // machine and skips an fsync per commit; only the last commits before a power cut can be
        // lost, which a local development server can afford (a test suite makes thousands).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_error)?;
        migrations::migrations(seed)
            .to_latest(&mut conn)
            .map_err(|e| SandboxError::Migration {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        if found == 0 {
            tracing::info!(path = %path.display(), ?seed, "created sandbox database");
        }
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn list_apps(&self, offset: u64, limit: u32) -> rusqlite::Result<(Vec<App>, u64)> {
        let conn = self.conn();
        let total: i64 = conn.query_row("SELECT COUNT(*) FROM apps", [], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {APP_COLUMNS} FROM apps ORDER BY seq LIMIT ?1 OFFSET ?2"
        ))?;
        let apps = stmt
            .query_map(params![limit, clamp(offset)], app_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((apps, total as u64))
    }

    pub fn get_app(&self, app_id: &str) -> rusqlite::Result<Option<App>> {
        self.conn()
            .query_row(
                &format!("SELECT {APP_COLUMNS} FROM apps WHERE id = ?1"),
                [app_id],
                app_from_row,
            )
            .optional()
    }

    /// The page of versions of `app_id` and their total, or `None` when there is no such app.
    pub fn list_versions(
        &self,
        app_id: &str,
        offset: u64,
        limit: u32,
    ) -> rusqlite::Result<Option<(Vec<VersionResource>, u64)>> {
        app_page(
            &self.conn(),
            "versions",
            VERSION_COLUMNS,
            app_id,
            (offset, limit),
            version_from_row,
        )
    }

    pub fn get_version(
        &self,
        app_id: &str,
        version_id: &str,
    ) -> rusqlite::Result<Option<VersionResource>> {
        self.conn()
            .query_row(
                &format!("SELECT {VERSION_COLUMNS} FROM versions WHERE app_id = ?1 AND id = ?2"),
                [app_id, version_id],
                version_from_row,
            )
            .optional()
    }

    pub fn get_icon(&self, app_id: &str, version_id: &str) -> rusqlite::Result<IconLookup> {
        let row = self
            .conn()
            .query_row(
                "SELECT icon_media_type, icon_bytes, icon_sha256 FROM versions
                 WHERE app_id = ?1 AND id = ?2",
                [app_id, version_id],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?;
        Ok(match row {
            None => IconLookup::NoVersion,
            Some((Some(media_type), Some(bytes), Some(sha256))) => IconLookup::Icon(IconFile {
                media_type,
                bytes,
                sha256,
            }),
            Some(_) => IconLookup::NoIcon,
        })
    }
}

/// The strong ETag of a version: a digest of everything a write can change (status, content
/// and the icon's checksum), quoted as HTTP wants it.
pub fn version_etag(
    status: &VersionStatus,
    content_json: &str,
    icon_sha256: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(status).unwrap_or_default());
    hasher.update(b"\n");
    hasher.update(content_json.as_bytes());
    hasher.update(b"\n");
    hasher.update(icon_sha256.unwrap_or("").as_bytes());
    format!("\"{}\"", &hex::encode(hasher.finalize())[..32])
}

/// The ETag of an icon's bytes, from their checksum.
pub fn icon_etag(sha256: &str) -> String {
    format!("\"{}\"", &sha256[..sha256.len().min(32)])
}

pub(crate) const APP_COLUMNS: &str =
    "id, name, slug, display_name, created_type, app_type, render, sandbox";

pub(crate) fn app_from_row(row: &Row<'_>) -> rusqlite::Result<App> {
    Ok(App {
        id: row.get(0)?,
        name: row.get(1)?,
        slug: row.get(2)?,
        display_name: row.get(3)?,
        created_type: row.get(4)?,
        app_type: enum_from(row, 5)?,
        render: enum_from(row, 6)?,
        sandbox: row.get(7)?,
    })
}

pub(crate) const VERSION_COLUMNS: &str = "id, app_id, version_number, technical_status, marketplace_status, \
                               content, icon_media_type, length(icon_bytes), icon_sha256";

pub(crate) fn version_from_row(row: &Row<'_>) -> rusqlite::Result<VersionResource> {
    let status = VersionStatus {
        technical: enum_from(row, 3)?,
        marketplace: enum_from(row, 4)?,
    };
    let content_json: String = row.get(5)?;
    let content = serde_json::from_str(&content_json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let icon = match (
        row.get::<_, Option<String>>(6)?,
        row.get::<_, Option<i64>>(7)?,
        row.get::<_, Option<String>>(8)?,
    ) {
        (Some(media_type), Some(size), Some(sha256)) => Some(IconInfo {
            media_type,
            sha256,
            size: size as u64,
        }),
        _ => None,
    };
    let etag = version_etag(
        &status,
        &content_json,
        icon.as_ref().map(|i| i.sha256.as_str()),
    );
    Ok(VersionResource {
        version: AppVersion {
            id: row.get(0)?,
            app_id: row.get(1)?,
            version_number: row.get(2)?,
            status,
            content,
        },
        etag,
        icon,
    })
}

/// Seeds a database just made by migration 1 with `seed`'s apps, versions, installations and
/// account, inside the migrations' transaction.
fn seed_new(tx: &rusqlite::Transaction, seed: Seed) -> Result<(), String> {
    let apps = match seed {
        Seed::Demo => seed::demo().map_err(|e| e.to_string())?,
        Seed::Empty => Vec::new(),
        Seed::Scale => seed::scale().map_err(|e| e.to_string())?,
    };
    for seeded in &apps {
        insert_app(tx, &seeded.app).map_err(|e| e.to_string())?;
        for version in &seeded.versions {
            insert_version(tx, &version.version, version.icon.as_ref())
                .map_err(|e| e.to_string())?;
        }
    }
    partner::seed(tx, seed).map_err(|e| e.to_string())
}

pub(crate) fn insert_app(conn: &Connection, app: &App) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO apps (id, name, slug, display_name, created_type, app_type, render, sandbox)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            app.id,
            app.name,
            app.slug,
            app.display_name,
            app.created_type,
            enum_to(&app.app_type)?,
            enum_to(&app.render)?,
            app.sandbox
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_version(
    conn: &Connection,
    version: &AppVersion,
    icon: Option<&IconFile>,
) -> rusqlite::Result<()> {
    let content = serde_json::to_string(&version.content)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "INSERT INTO versions (id, app_id, version_number, technical_status, marketplace_status,
                               content, icon_media_type, icon_bytes, icon_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            version.id,
            version.app_id,
            version.version_number,
            version.status.technical.as_str(),
            version.status.marketplace.as_str(),
            content,
            icon.map(|i| &i.media_type),
            icon.map(|i| &i.bytes),
            icon.map(|i| &i.sha256),
        ],
    )?;
    Ok(())
}

/// SQLite's OFFSET is a signed 64-bit integer; an absurd page number just reads past the end.
fn clamp(offset: u64) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

/// The wire name of a unit enum (`"standalone"`), which is also how the database stores it.
pub(crate) fn enum_to<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(rusqlite::Error::ToSqlConversionFailure(
            format!("expected a unit enum, got {other}").into(),
        )),
        Err(e) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
    }
}

fn enum_from<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_value(serde_json::Value::String(text)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}
