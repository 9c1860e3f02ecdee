//! The numbered migrations of the sandbox's database, as the cache has them
//! (`rusqlite_migration` on `user_version`). Each file under `migrations/` is listed here exactly
//! once (a test checks it) and is never edited once landed. All pending migrations run in one
//! transaction, and a new database is seeded in that same transaction (migration 1's hook), so a
//! database is either complete or new.

use rusqlite::Transaction;
use rusqlite_migration::{HookError, M, Migrations};

use super::partner;
use crate::config::Seed;

/// (file name, SQL) of every migration, in order.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_schema.sql",
        include_str!("../../migrations/0001_schema.sql"),
    ),
    (
        "0002_columns_added_in_place.sql",
        include_str!("../../migrations/0002_columns_added_in_place.sql"),
    ),
];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The migrations, with the hooks that seed a new database with `seed` (migration 1) and bring
/// an older one's columns up to date (migration 2).
pub fn migrations(seed: Seed) -> Migrations<'static> {
    let [(_, schema), (_, columns)] = MIGRATIONS else {
        unreachable!("the hooks below are written for these two migrations");
    };
    Migrations::new(vec![
        M::up_with_hook(schema, move |tx: &Transaction| {
            super::seed_new(tx, seed).map_err(HookError::Hook)
        }),
        M::up_with_hook(columns, |tx: &Transaction| {
            partner::bring_columns_up_to_date(tx)?;
            Ok(())
        }),
    ])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_migration_file_is_listed_once_in_order() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let files: BTreeSet<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            files.iter().map(String::as_str).collect::<Vec<_>>(),
            listed,
            "each file under migrations/ is listed once, in order"
        );
        for (i, name) in listed.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", i + 1)),
                "{name} is numbered {}",
                i + 1
            );
        }
    }

    /// A database as builds before numbered migrations left it: version 1, every table there
    /// (each start created the missing ones), but an installations table from before update
    /// states with a `pending` installation in it, OAuth clients from before redirect URIs, and
    /// no account row.
    fn old_database(path: &std::path::Path) {
        let conn = rusqlite::Connection::open(path).unwrap();
        let schema = MIGRATIONS[0]
            .1
            .replace(
                "    reason TEXT,\n    update_state TEXT CHECK (update_state IN ('updating', 'failed'))\n",
                "    reason TEXT\n",
            )
            .replace("CHECK (state IN ('installing',", "CHECK (state IN ('pending', 'installing',")
            .replace(
                "    redirect_uris TEXT NOT NULL DEFAULT '[]',\n    grant_types TEXT NOT NULL DEFAULT '[\"client_credentials\"]',\n",
                "",
            );
        assert_ne!(schema, MIGRATIONS[0].1, "the old schema differs");
        conn.execute_batch(&schema).unwrap();
        conn.execute_batch(
            "INSERT INTO apps (id, name, slug, display_name, created_type, app_type, render)
                 VALUES ('app-1', 'one', 'one', 'One', 'Acme', 'standalone', 'portal');
             INSERT INTO versions (id, app_id, version_number, technical_status,
                                   marketplace_status, content)
                 VALUES ('ver-1', 'app-1', '1.0.0', 'available', 'draft', '{}');
             INSERT INTO installations (id, app_id, account_name, app_version_id, state, licenses)
                 VALUES ('inst-1', 'app-1', 'Globex', 'ver-1', 'pending', 3);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }

    #[test]
    fn a_database_from_before_numbered_migrations_is_brought_up_to_date_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandbox.sqlite3");
        old_database(&path);

        let db = crate::db::Db::open(&path, Seed::Demo).unwrap();
        let conn = db.conn();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
        let apps: i64 = conn
            .query_row("SELECT count(*) FROM apps", [], |row| row.get(0))
            .unwrap();
        assert_eq!(apps, 1, "never re-seeded");
        let (state, update): (String, Option<String>) = conn
            .query_row(
                "SELECT state, update_state FROM installations WHERE id = 'inst-1'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!((state.as_str(), update), ("installing", None));
        let grants: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('oauth_clients') WHERE name IN ('redirect_uris', 'grant_types')",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(grants, 2);
        let accounts: i64 = conn
            .query_row("SELECT count(*) FROM account", [], |row| row.get(0))
            .unwrap();
        assert_eq!(accounts, 1);
    }

    #[test]
    fn a_new_database_is_migrated_and_seeded_at_once_and_a_newer_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandbox.sqlite3");
        {
            let db = crate::db::Db::open(&path, Seed::Demo).unwrap();
            let conn = db.conn();
            let (version, apps): (i64, i64) = conn
                .query_row(
                    "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM apps)",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .unwrap();
            assert_eq!(version, latest_version());
            assert!(apps >= 3, "the demo seed: {apps}");
        }

        let newer = dir.path().join("newer.sqlite3");
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
        drop(conn);
        let before = std::fs::read(&newer).unwrap();
        match crate::db::Db::open(&newer, Seed::Demo) {
            Err(crate::error::SandboxError::SchemaTooNew { found: 99, .. }) => {}
            Err(other) => panic!("expected SchemaTooNew, got {other}"),
            Ok(_) => panic!("expected SchemaTooNew, got a database"),
        }
        assert_eq!(std::fs::read(&newer).unwrap(), before, "left as it was");
    }

    #[test]
    fn the_migrations_are_valid() {
        migrations(Seed::Empty).validate().unwrap();
    }
}
