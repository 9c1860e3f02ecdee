//! The baseline of the `pwb apps --offline --json` benchmark (`tests/benches/cli.mjs`): given a
//! cache file, prints what `pwb apps --offline --json` prints for it, byte for byte (the
//! benchmark checks), with nothing between the SQL and the JSON: no profile, no migrations, no
//! domain types. Its queries are written out here on purpose, not shared with the store, so it
//! stays the floor however the store changes.

use std::collections::HashMap;

use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: minimal-list CACHE.sqlite3");
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the cache opens");

    // Per version: (unsent, held) outbox entries, and open conflicts.
    let mut outbox: HashMap<String, (u64, u64)> = HashMap::new();
    let (mut pending, mut held_total) = (0, 0);
    let mut stmt = conn.prepare("SELECT resource, held FROM outbox").unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let held: bool = row.get(1).unwrap();
        let counts = outbox.entry(row.get(0).unwrap()).or_default();
        counts.0 += 1;
        counts.1 += u64::from(held);
        pending += 1;
        held_total += u64::from(held);
    }
    let mut conflicts: HashMap<String, u64> = HashMap::new();
    let mut conflicts_total = 0;
    let mut stmt = conn.prepare("SELECT version_id FROM conflicts").unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        *conflicts.entry(row.get(0).unwrap()).or_default() += 1;
        conflicts_total += 1;
    }

    let mut stmt = conn
        .prepare(
            "SELECT a.id, a.name, a.display_name, a.created_type, a.app_type,
                    v.id, v.version_number, v.technical_status, v.marketplace_status,
                    EXISTS (SELECT 1 FROM icons i WHERE i.version_id = v.id)
             FROM apps a
             LEFT JOIN versions v ON v.app_id = a.id AND NOT EXISTS (
                 SELECT 1 FROM outbox o WHERE o.resource = v.id AND o.operation = 'delete_version')
             ORDER BY a.display_name COLLATE NOCASE, a.id, v.sort_key DESC",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut apps: Vec<Value> = Vec::new();
    let mut last_app = String::new();
    while let Some(row) = rows.next().unwrap() {
        let id: String = row.get(0).unwrap();
        if id != last_app {
            apps.push(json!({
                "id": id,
                "not_sent": id.starts_with("local-"),
                "name": row.get::<_, String>(1).unwrap(),
                "display_name": row.get::<_, String>(2).unwrap(),
                "created_type": row.get::<_, String>(3).unwrap(),
                "app_type": row.get::<_, String>(4).unwrap(),
                "versions": [],
            }));
            last_app = id;
        }
        let Some(version) = row.get::<_, Option<String>>(5).unwrap() else {
            continue;
        };
        let (unsent, held) = outbox.get(&version).copied().unwrap_or_default();
        let versions = apps.last_mut().unwrap()["versions"].as_array_mut().unwrap();
        versions.push(json!({
            "not_sent": version.starts_with("local-"),
            "version_number": row.get::<_, String>(6).unwrap(),
            "technical": row.get::<_, String>(7).unwrap(),
            "marketplace": row.get::<_, String>(8).unwrap(),
            "has_icon": row.get::<_, bool>(9).unwrap(),
            "local": {
                "unsent": unsent,
                "held": held,
                "conflicts": conflicts.get(&version).copied().unwrap_or_default(),
            },
            "id": version,
        }));
    }

    let (server, last_synced_at): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT server, last_synced_at FROM sync_state WHERE id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap_or_default();
    let output = json!({
        "sync": {
            "phase": "idle",
            "server": server,
            "last_synced_at": last_synced_at,
            "message": null,
            "error_code": null,
            "pending": pending,
            "held": held_total,
            "conflicts": conflicts_total,
        },
        "apps": apps,
    });
    println!("{}", serde_json::to_string_pretty(&output).unwrap());
}
