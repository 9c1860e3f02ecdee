//! The `versions` table: each version's working copy, its review status, and the untouched server
//! copy (`base`, with its ETag) that later three-way merges start from.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{from_str, to_string};
use workbench_domain::{AppVersion, VersionContent, VersionStatus, version_sort_key};

use crate::apps::status;
use crate::{StoreError, plans};

/// What the app list shows of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    pub id: String,
    pub version_number: String,
    pub status: VersionStatus,
    pub has_icon: bool,
}

/// A version as cached: the working copy, and the server's copy with its ETag when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedVersion {
    pub version: AppVersion,
    pub etag: Option<String>,
    pub base: Option<AppVersion>,
}

/// The server's ETag of a cached version, without reading the rest of it (`None`: not cached,
/// or never on the server).
pub(crate) fn etag(conn: &Connection, version_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT etag FROM versions WHERE id = ?1")?
        .query_row([version_id], |row| row.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

pub(crate) fn get(
    conn: &Connection,
    version_id: &str,
) -> Result<Option<CachedVersion>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT id, app_id, version_number, technical_status, marketplace_status,
                    general, technical, marketplace, etag, base
             FROM versions WHERE id = ?1",
        )?
        .query_row([version_id], |row| {
            Ok((
                (
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ),
                (row.get::<_, String>(3)?, row.get::<_, String>(4)?),
                (
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                ),
                (
                    row.get::<_, Option<String>>(8)?,
                    row.get::<_, Option<String>>(9)?,
                ),
            ))
        })
        .optional()?;
    let Some((
        (id, app_id, version_number),
        (technical_status, marketplace_status),
        sections,
        (etag, base),
    )) = row
    else {
        return Ok(None);
    };
    let corrupt = |what: &str| {
        let what = format!("{what} of version {id}");
        move |e: serde_json::Error| StoreError::corrupt(format!("{what}: {e}"))
    };
    let content = VersionContent {
        general: from_str(&sections.0).map_err(corrupt("general section"))?,
        technical: from_str(&sections.1).map_err(corrupt("technical section"))?,
        marketplace: from_str(&sections.2).map_err(corrupt("marketplace section"))?,
        subscription_types: plans::list(conn, &id)?,
    };
    let base = base
        .map(|json| from_str(&json))
        .transpose()
        .map_err(corrupt("server copy"))?;
    let status = VersionStatus {
        technical: status(&technical_status)?,
        marketplace: status(&marketplace_status)?,
    };
    Ok(Some(CachedVersion {
        version: AppVersion {
            id,
            app_id,
            version_number,
            status,
            content,
        },
        etag,
        base,
    }))
}

/// Stores a version as the server has it, when the cache holds no local change of it: the
/// working copy and the base both become the server's (inserted, or replaced in place).
pub(crate) fn put_from_server(
    tx: &Transaction<'_>,
    version: &AppVersion,
    etag: &str,
) -> Result<(), StoreError> {
    put(tx, version, Some(etag))
}

/// Stores a version made here, which the server does not have yet: no ETag, no base.
pub(crate) fn put_local(tx: &Transaction<'_>, version: &AppVersion) -> Result<(), StoreError> {
    put(tx, version, None)
}

/// The row of `version` with its content as the working copy; with `etag`, the version is the
/// server's and its base too.
fn put(tx: &Transaction<'_>, version: &AppVersion, etag: Option<&str>) -> Result<(), StoreError> {
    let json = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| StoreError::corrupt(format!("version {}: {e}", version.id)))
    };
    let content = &version.content;
    let base = etag.map(|_| json(to_string(version))).transpose()?;
    // An upsert, never a delete and insert: the version's icon and plans hang off the row.
    tx.prepare_cached(
        "INSERT INTO versions (id, app_id, version_number, sort_key, technical_status,
                               marketplace_status, general, technical, marketplace, etag, base)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (id) DO UPDATE SET
             app_id = excluded.app_id, version_number = excluded.version_number,
             sort_key = excluded.sort_key, technical_status = excluded.technical_status,
             marketplace_status = excluded.marketplace_status, general = excluded.general,
             technical = excluded.technical, marketplace = excluded.marketplace,
             etag = excluded.etag, base = excluded.base",
    )?
    .execute(params![
        version.id,
        version.app_id,
        version.version_number,
        version_sort_key(&version.version_number),
        version.status.technical.as_str(),
        version.status.marketplace.as_str(),
        json(to_string(&content.general))?,
        json(to_string(&content.technical))?,
        json(to_string(&content.marketplace))?,
        etag,
        base,
    ])?;
    plans::replace_all(tx, &version.id, &content.subscription_types)
}

/// Replaces a version's working copy of its content (not its base, ETag or status).
pub(crate) fn write_working(
    tx: &Transaction<'_>,
    version_id: &str,
    content: &VersionContent,
) -> Result<(), StoreError> {
    let json = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| StoreError::corrupt(format!("version {version_id}: {e}")))
    };
    tx.prepare_cached(
        "UPDATE versions SET general = ?2, technical = ?3, marketplace = ?4 WHERE id = ?1",
    )?
    .execute(params![
        version_id,
        json(to_string(&content.general))?,
        json(to_string(&content.technical))?,
        json(to_string(&content.marketplace))?,
    ])?;
    plans::replace_all(tx, version_id, &content.subscription_types)
}

/// Records the server's copy of a version (its base for the next merge), its ETag and its
/// review status; the working copy of the content is left as it is.
pub(crate) fn set_base(
    tx: &Transaction<'_>,
    version: &AppVersion,
    etag: &str,
) -> Result<(), StoreError> {
    let base = to_string(version)
        .map_err(|e| StoreError::corrupt(format!("version {}: {e}", version.id)))?;
    tx.prepare_cached(
        "UPDATE versions SET etag = ?2, base = ?3, technical_status = ?4, marketplace_status = ?5
         WHERE id = ?1",
    )?
    .execute(params![
        version.id,
        etag,
        base,
        version.status.technical.as_str(),
        version.status.marketplace.as_str(),
    ])?;
    Ok(())
}
