//! `pwb doctor`: what this installation uses and whether each part works, for a bug report or a
//! first look when something is off. Every line is found out now, not read from a setting: the
//! keyring is probed with a real write (then deleted), the notification server is asked who it
//! is, the server is reached for its sign-in metadata (the embedded sandbox is started for it).
//! It changes nothing the partner keeps and always exits 0 when it could report.

use serde_json::json;
use workbench::profiles::Profile;
use workbench::secrets::TokenStore;
use workbench::server::Connection;
use workbench::{Places, Workbench, WorkbenchError};

use crate::exit;
use crate::output::{self, say};

/// Runs every check and prints the report.
pub async fn run(
    places: &Places,
    settings_file: &std::path::Path,
    profile: &Profile,
    workbench: &Workbench,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let keyring = TokenStore::os()
        .map(|store| store.vault().describe().to_owned())
        .map_err(|e| e.to_string());
    let notifications = notification_server();
    let schema = workbench.cache_schema_version()?;
    let server = reach(profile, workbench).await;
    if json {
        let part = |result: &Result<String, String>| match result {
            Ok(found) => json!({"ok": true, "found": found}),
            Err(problem) => json!({"ok": false, "problem": problem}),
        };
        output::print_json(&json!({
            "version": env!("CARGO_PKG_VERSION"),
            "profile": profile.name,
            "server": profile.server.label(),
            "settings_file": settings_file,
            "data_folder": profile.data_dir,
            "log_folder": places.log_dir(),
            "cache_schema_version": schema,
            "keyring": part(&keyring),
            "notification_server": part(&notifications),
            "server_reachable": part(&server),
        }));
        return Ok(exit::SUCCESS);
    }
    let line = |result: &Result<String, String>| match result {
        Ok(found) => found.clone(),
        Err(problem) => format!("NOT WORKING: {problem}"),
    };
    say!("pwb {}", env!("CARGO_PKG_VERSION"));
    say!("profile: {} ({})", profile.name, profile.server.label());
    say!("settings: {}", settings_file.display());
    say!("data: {}", profile.data_dir.display());
    say!(
        "log: {} (the desktop app's, a file a day)",
        places.log_dir().display()
    );
    say!("cache: schema version {schema}");
    say!("keyring: {}", line(&keyring));
    say!("notifications: {}", line(&notifications));
    say!("server: {}", line(&server));
    Ok(exit::SUCCESS)
}

/// Who shows desktop notifications, asked over D-Bus.
#[cfg(target_os = "linux")]
fn notification_server() -> Result<String, String> {
    notify_rust::get_server_information()
        .map(|info| format!("{} {} by {}", info.name, info.version, info.vendor))
        .map_err(|e| format!("no notification server answers on the session bus ({e})"))
}

#[cfg(not(target_os = "linux"))]
fn notification_server() -> Result<String, String> {
    Ok("the system's notification centre".to_owned())
}

/// Whether the profile's server answers with its sign-in metadata.
async fn reach(profile: &Profile, workbench: &Workbench) -> Result<String, String> {
    let mut connection = Connection::start(&profile.server, workbench.data_dir())
        .await
        .map_err(|e| e.to_string())?;
    let reached = connection
        .auth_server()
        .await
        .map(|_| format!("{} answers", profile.server.label()))
        .map_err(|e| e.to_string());
    connection.close().await;
    reached
}
