//! The numbered migrations of the cache, in order. Each file under `migrations/` is listed here
//! exactly once (a test checks it), is never edited once landed, and never drops the outbox.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

/// (file name, SQL) of every migration, in order.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        include_str!("../migrations/0001_initial.sql"),
    ),
    (
        "0002_rules_and_suppressions.sql",
        include_str!("../migrations/0002_rules_and_suppressions.sql"),
    ),
    ("0003_sync.sql", include_str!("../migrations/0003_sync.sql")),
    (
        "0004_in_flight_writes.sql",
        include_str!("../migrations/0004_in_flight_writes.sql"),
    ),
    (
        "0005_timeline.sql",
        include_str!("../migrations/0005_timeline.sql"),
    ),
    (
        "0006_announcements.sql",
        include_str!("../migrations/0006_announcements.sql"),
    ),
    (
        "0007_created_here.sql",
        include_str!("../migrations/0007_created_here.sql"),
    ),
    (
        "0008_talkdesk_publishes.sql",
        include_str!("../migrations/0008_talkdesk_publishes.sql"),
    ),
    (
        "0009_installation_requests.sql",
        include_str!("../migrations/0009_installation_requests.sql"),
    ),
];

pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// The schema version recorded in the database (`user_version`), 0 for a new file.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    migrations().to_latest(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        migrations()
            .validate()
            .expect("every migration applies cleanly to an empty database");
    }

    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            files, listed,
            "a migration file that is not listed would never run"
        );
        for (i, name) in listed.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", i + 1)),
                "{name} must be numbered {}",
                i + 1
            );
        }
    }

    #[test]
    fn no_migration_drops_the_outbox() {
        for (name, sql) in MIGRATIONS {
            let sql = sql.to_lowercase();
            assert!(
                !sql.contains("drop table outbox"),
                "{name} drops the outbox, losing unsent edits"
            );
        }
    }
}
