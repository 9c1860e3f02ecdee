//! The `apps` table.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use workbench_domain::lifecycle::{self, merge_app};
use workbench_domain::{App, AppType, Render, ReviewStatus, VersionStatus};

use crate::versions::VersionSummary;
use crate::{Operation, StoreError, outbox};

/// An app with a summary of each of its versions, newest first: what the app list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppListing {
    pub app: App,
    pub versions: Vec<VersionSummary>,
}

/// The query behind [`list`]: one row per version (one with no version for an app without any),
/// in the list's order. Public for the `list` benchmark, whose baseline runs it bare.
pub const LIST_SQL: &str =
    "SELECT a.id, a.name, a.slug, a.display_name, a.created_type, a.app_type, a.render, a.sandbox,
        v.id, v.version_number, v.technical_status, v.marketplace_status,
        EXISTS (SELECT 1 FROM icons i WHERE i.version_id = v.id)
 FROM apps a
 -- A version deleted here and not yet on the server is not listed.
 LEFT JOIN versions v ON v.app_id = a.id AND NOT EXISTS (
     SELECT 1 FROM outbox o WHERE o.resource = v.id AND o.operation = 'delete_version')
 ORDER BY a.display_name COLLATE NOCASE, a.id, v.sort_key DESC";

/// One query for every app and version, grouped here: the list is the screen a partner waits on
/// at start-up, so it must not cost a query per app.
pub(crate) fn list(conn: &Connection) -> Result<Vec<AppListing>, StoreError> {
    let mut stmt = conn.prepare_cached(LIST_SQL)?;
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

/// How many apps and versions [`list`] lists, counted without building the list.
pub(crate) fn counts(conn: &Connection) -> Result<(usize, usize), StoreError> {
    let (apps, versions): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT COUNT(*) FROM apps),
                    (SELECT COUNT(*) FROM versions v WHERE NOT EXISTS (
                         SELECT 1 FROM outbox o
                         WHERE o.resource = v.id AND o.operation = 'delete_version'))",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok((apps.max(0) as usize, versions.max(0) as usize))
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

/// The app as the server last sent it, if it ever did.
fn base(conn: &Connection, app_id: &str) -> Result<Option<App>, StoreError> {
    let json: Option<Option<String>> = conn
        .prepare_cached("SELECT base FROM apps WHERE id = ?1")?
        .query_row([app_id], |row| row.get(0))
        .optional()?;
    json.flatten()
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(|e| StoreError::corrupt(format!("server copy of app {app_id}: {e}")))
}

/// Records `theirs` as the server's copy of the app: what the next merge starts from.
fn set_base(tx: &Transaction<'_>, theirs: &App) -> Result<(), StoreError> {
    let json = serde_json::to_string(theirs)
        .map_err(|e| StoreError::corrupt(format!("app {}: {e}", theirs.id)))?;
    tx.execute(
        "UPDATE apps SET base = ?2 WHERE id = ?1",
        params![theirs.id, json],
    )?;
    Ok(())
}

/// Whether the app's own fields have local changes: queued edits or open conflicts.
fn is_dirty(conn: &Connection, app_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM outbox WHERE resource = ?1 AND operation = 'edit_app'
             UNION ALL SELECT 1 FROM conflicts WHERE version_id = ?1 AND field LIKE 'app.%'
             LIMIT 1",
        )?
        .query_row([app_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Takes in the server's copy of an app: it replaces a clean one; into one with local changes
/// it is merged three ways from the last copy received (`lifecycle::merge_app`), a field changed
/// differently on both sides kept as the partner's and recorded as a conflict. It becomes the
/// base either way. The number of the app's open conflicts.
pub(crate) fn receive(tx: &Transaction<'_>, theirs: &App, at: &str) -> Result<usize, StoreError> {
    let mine = get(tx, &theirs.id)?;
    let working = match mine {
        Some(mine) if is_dirty(tx, &theirs.id)? => {
            // Never received (made here): the registration carried the partner's fields.
            let base = base(tx, &theirs.id)?.unwrap_or_else(|| theirs.clone());
            let (merged, conflicts) = merge_app(&base, &mine, theirs);
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO conflicts (version_id, field, base, mine, theirs, detected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for c in conflicts {
                insert.execute(params![
                    theirs.id,
                    c.field,
                    c.base.to_string(),
                    c.mine.to_string(),
                    c.theirs.to_string(),
                    at
                ])?;
            }
            // An open conflict's `theirs` follows the server.
            let open: Vec<String> = tx
                .prepare_cached(
                    "SELECT field FROM conflicts WHERE version_id = ?1 AND field LIKE 'app.%'",
                )?
                .query_map([&theirs.id], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            for field in &open {
                let name = field.trim_start_matches("app.");
                if let Some(value) = lifecycle::app_field(theirs, name) {
                    tx.execute(
                        "UPDATE conflicts SET theirs = ?3 WHERE version_id = ?1 AND field = ?2",
                        params![theirs.id, field, value.to_string()],
                    )?;
                }
            }
            App {
                name: theirs.name.clone(),
                sandbox: theirs.sandbox,
                ..merged
            }
        }
        _ => theirs.clone(),
    };
    upsert(tx, &working)?;
    set_base(tx, theirs)?;
    Ok(tx.query_row(
        "SELECT COUNT(*) FROM conflicts WHERE version_id = ?1 AND field LIKE 'app.%'",
        [&theirs.id],
        |row| row.get::<_, i64>(0),
    )? as usize)
}

/// Changes an app's own fields to `after`'s and queues the change (the fields it changed in
/// the payload), in one transaction; `false` when it changed nothing.
pub(crate) fn edit(
    conn: &mut Connection,
    after: &App,
    key: &str,
    at: &str,
) -> Result<bool, StoreError> {
    let tx = crate::sync::immediate(conn)?;
    let before = get(&tx, &after.id)?.ok_or_else(|| {
        StoreError::Invalid(format!(
            "no cached app {}: run `pwb apps` to see the cached ones",
            after.id
        ))
    })?;
    let fields: Vec<String> = lifecycle::APP_FIELDS
        .iter()
        .filter(|f| lifecycle::app_field(&before, f) != lifecycle::app_field(after, f))
        .map(|f| format!("app.{f}"))
        .collect();
    if fields.is_empty() {
        return Ok(false);
    }
    upsert(
        &tx,
        &App {
            name: before.name.clone(),
            sandbox: before.sandbox,
            ..after.clone()
        },
    )?;
    outbox::add(
        &tx,
        &after.id,
        Operation::EditApp,
        &serde_json::json!({ "fields": fields }),
        key,
        at,
    )?;
    tx.commit()?;
    Ok(true)
}

/// The server took the app's fields as `theirs`: the working copy and the base become it, and
/// the entries `done` leave the outbox.
pub(crate) fn pushed(conn: &mut Connection, theirs: &App, done: &[i64]) -> Result<(), StoreError> {
    let tx = crate::sync::immediate(conn)?;
    upsert(&tx, theirs)?;
    set_base(&tx, theirs)?;
    outbox::remove(&tx, done)?;
    tx.commit()?;
    Ok(())
}

/// Settles a conflict on an app's field with `value`: the field takes it, the conflict goes,
/// and, when it differs from the server's, it is queued to be sent.
pub(crate) fn resolve(
    conn: &mut Connection,
    app_id: &str,
    field: &str,
    value: &serde_json::Value,
    key: &str,
    at: &str,
) -> Result<(), StoreError> {
    let tx = crate::sync::immediate(conn)?;
    let removed = tx.execute(
        "DELETE FROM conflicts WHERE version_id = ?1 AND field = ?2",
        params![app_id, field],
    )?;
    if removed == 0 {
        return Err(StoreError::NoConflict {
            version_id: app_id.to_owned(),
            field: field.to_owned(),
        });
    }
    let name = field.trim_start_matches("app.");
    let mine = get(&tx, app_id)?.ok_or_else(|| StoreError::corrupt("app in conflict"))?;
    let chosen = lifecycle::set_app_field(&mine, name, value).map_err(StoreError::Invalid)?;
    upsert(&tx, &chosen)?;
    let theirs = base(&tx, app_id)?;
    let sent = theirs.as_ref().and_then(|t| lifecycle::app_field(t, name));
    if sent.as_ref() != Some(value) {
        outbox::add(
            &tx,
            app_id,
            Operation::EditApp,
            &serde_json::json!({ "fields": [field] }),
            key,
            at,
        )?;
    }
    tx.commit()?;
    Ok(())
}
