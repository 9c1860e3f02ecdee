//! How `pwb` prints: tables for people, JSON for machines.

use serde_json::{Value, json};
use workbench::{AppListing, SyncPhase, SyncStatus};

pub fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("a JSON value always serializes")
    );
}

pub fn apps_json(apps: &[AppListing], status: &SyncStatus) -> Value {
    let apps: Vec<Value> = apps
        .iter()
        .map(|listing| {
            let app = &listing.app;
            json!({
                "id": app.id,
                "name": app.name,
                "display_name": app.display_name,
                "created_type": app.created_type,
                "app_type": app.app_type,
                "versions": listing.versions.iter().map(|v| json!({
                    "id": v.id,
                    "version_number": v.version_number,
                    "technical": v.status.technical,
                    "marketplace": v.status.marketplace,
                    "has_icon": v.has_icon,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "sync": status_json(status), "apps": apps })
}

pub fn status_json(status: &SyncStatus) -> Value {
    serde_json::to_value(status).expect("a status always serializes")
}

pub fn print_apps_table(apps: &[AppListing]) {
    if apps.is_empty() {
        println!(
            "No apps in the cache yet. Run `pwb sync` to fetch your apps from Partner Project."
        );
        return;
    }
    let mut rows = vec![["APP", "VENDOR", "VERSION", "TECHNICAL", "MARKETPLACE"].map(String::from)];
    for listing in apps {
        let app = &listing.app;
        if listing.versions.is_empty() {
            rows.push([
                app.display_name.clone(),
                app.created_type.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
        }
        for (i, version) in listing.versions.iter().enumerate() {
            let (name, vendor) = if i == 0 {
                (app.display_name.clone(), app.created_type.clone())
            } else {
                Default::default()
            };
            rows.push([
                name,
                vendor,
                version.version_number.clone(),
                version.status.technical.label().to_owned(),
                version.status.marketplace.label().to_owned(),
            ]);
        }
    }
    let mut widths = [0; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
}

/// One line on stderr saying how fresh the list is, so stdout stays a clean table.
pub fn print_status_note(status: &SyncStatus) {
    let when = status.last_synced_at.as_deref().unwrap_or("never");
    match status.phase {
        SyncPhase::Offline => eprintln!(
            "offline: {}; showing the cache (last synced {when})",
            status
                .message
                .as_deref()
                .unwrap_or("the server cannot be reached")
        ),
        SyncPhase::Error => eprintln!(
            "sync failed: {}; showing the cache (last synced {when})",
            status.message.as_deref().unwrap_or("unknown error")
        ),
        SyncPhase::Idle | SyncPhase::Syncing => eprintln!("last synced {when}"),
    }
}
