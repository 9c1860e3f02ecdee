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

/// Inserts a version received from the server: its working copy and its base are the same.
pub(crate) fn insert_from_server(
    tx: &Transaction<'_>,
    version: &AppVersion,
    etag: &str,
) -> Result<(), StoreError> {
    let json = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| StoreError::corrupt(format!("version {}: {e}", version.id)))
    };
    let content = &version.content;
    tx.prepare_cached(
        "INSERT INTO versions (id, app_id, version_number, sort_key, technical_status,
                               marketplace_status, general, technical, marketplace, etag, base)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
        json(to_string(version))?,
    ])?;
    plans::insert_all(tx, &version.id, &content.subscription_types)
}
