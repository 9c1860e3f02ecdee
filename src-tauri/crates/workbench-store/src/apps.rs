//! The `apps` table.

use rusqlite::{Connection, Row, Transaction, params};
use workbench_domain::{App, AppType, Render, ReviewStatus, VersionStatus};

use crate::StoreError;
use crate::versions::VersionSummary;

/// An app with a summary of each of its versions, newest first: what the app list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppListing {
    pub app: App,
    pub versions: Vec<VersionSummary>,
}

/// One query for every app and version, grouped here: the list is the screen a partner waits on
/// at start-up, so it must not cost a query per app.
pub(crate) fn list(conn: &Connection) -> Result<Vec<AppListing>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.slug, a.display_name, a.created_type, a.app_type, a.render, a.sandbox,
                v.id, v.version_number, v.technical_status, v.marketplace_status,
                EXISTS (SELECT 1 FROM icons i WHERE i.version_id = v.id)
         FROM apps a
         -- A version deleted here and not yet on the server is not listed.
         LEFT JOIN versions v ON v.app_id = a.id AND NOT EXISTS (
             SELECT 1 FROM outbox o WHERE o.resource = v.id AND o.operation = 'delete_version')
         ORDER BY a.display_name COLLATE NOCASE, a.id, v.sort_key DESC",
    )?;
    let mut rows = stmt.query([])?;
    let mut listings: Vec<AppListing> = Vec::new();
    while let Some(row) = rows.next()? {
        let app_id: &str = row.get_ref(0)?.as_str()?;
        let same_app = listings.last().is_some_and(|last| last.app.id == app_id);
        if !same_app {
            listings.push(AppListing {
                app: app_from_row(row)?,
                versions: Vec::new(),
            });
        }
        let Some(version_id) = row.get::<_, Option<String>>(8)? else {
            continue;
        };
        let listing = listings.last_mut().expect("pushed above");
        listing.versions.push(VersionSummary {
            id: version_id,
            version_number: row.get(9)?,
            status: VersionStatus {
                technical: status(row.get_ref(10)?.as_str()?)?,
                marketplace: status(row.get_ref(11)?.as_str()?)?,
            },
            has_icon: row.get(12)?,
        });
    }
    Ok(listings)
}

/// One cached app.
pub(crate) fn get(conn: &Connection, app_id: &str) -> Result<Option<App>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, slug, display_name, created_type, app_type, render, sandbox
         FROM apps WHERE id = ?1",
    )?;
    let mut rows = stmt.query([app_id])?;
    rows.next()?.map(app_from_row).transpose()
}

fn app_from_row(row: &Row<'_>) -> Result<App, StoreError> {
    let app_type: &str = row.get_ref(5)?.as_str()?;
    let render: &str = row.get_ref(6)?.as_str()?;
    Ok(App {
        id: row.get(0)?,
        name: row.get(1)?,
        slug: row.get(2)?,
        display_name: row.get(3)?,
        created_type: row.get(4)?,
        app_type: AppType::parse(app_type)
            .ok_or_else(|| StoreError::corrupt(format!("app type {app_type:?}")))?,
        render: Render::parse(render)
            .ok_or_else(|| StoreError::corrupt(format!("render {render:?}")))?,
        sandbox: row.get(7)?,
    })
}

pub(crate) fn status(s: &str) -> Result<ReviewStatus, StoreError> {
    ReviewStatus::parse(s).ok_or_else(|| StoreError::corrupt(format!("review status {s:?}")))
}

/// Inserts an app, or updates it in place (never a delete: its versions hang off it).
pub(crate) fn upsert(tx: &Transaction<'_>, app: &App) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO apps (id, name, slug, display_name, created_type, app_type, render, sandbox)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, slug = excluded.slug,
             display_name = excluded.display_name, created_type = excluded.created_type,
             app_type = excluded.app_type, render = excluded.render, sandbox = excluded.sandbox",
    )?
    .execute(params![
        app.id,
        app.name,
        app.slug,
        app.display_name,
        app.created_type,
        app.app_type.as_str(),
        app.render.as_str(),
        app.sandbox,
    ])?;
    Ok(())
}
