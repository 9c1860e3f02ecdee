//! One running app per data folder: a second launch shows the first window and exits.
//!
//! Two apps on one data folder would each start an embedded sandbox on the same sandbox data,
//! each run a sync loop against the same cache and outbox, and each hold a window that the other
//! changes behind its back. So a second launch hands over to the first: the first window is
//! unminimized, shown and focused, and the second process exits with status 0 before it builds a
//! window, opens the cache or starts anything (Tauri initializes plugins before it runs the app's
//! own setup, and this plugin is registered first).
//!
//! The check is `tauri-plugin-single-instance`'s. On Linux it owns a well-known name on the
//! D-Bus session bus: taking a name is atomic, the bus drops it the moment its owner dies (a
//! crash or `SIGKILL` leaves nothing stale behind, unlike a lock file with a PID in it), and the
//! second launch calls the first over the same name to show its window. Without a session bus the
//! plugin cannot see other instances and the app starts as usual (it logs a warning).
//!
//! **The identity is the data folder, not the app.** By default the plugin names the instance
//! after the bundle identifier alone: one app per desktop session. That is wrong here twice:
//! `PWB_DATA_DIR` gives an app a data folder of its own (a developer's second checkout, a
//! partner's test account), and those apps share nothing that could collide; and the desktop
//! tests start an app per test file, each with its own `PWB_DATA_DIR`, several files at once
//! (`node --test` runs files in parallel where cores allow) and all on one private session bus
//! (`./dev test` runs the suite inside one `dbus-run-session`): keyed on the identifier, the
//! second test's app would exit and focus the first test's window. So the name is the bundle
//! identifier followed by a hash of the data root (`PWB_DATA_DIR`, else the platform's data
//! folder: [`workbench::default_data_root`]), made canonical first (created if missing, symlinks
//! and `..` resolved) so every spelling of one folder is one instance. A hash, because a path
//! holds characters a bus name may not; FNV-1a, fixed here rather than std's hasher (whose output
//! may change between Rust releases), so a release and the next agree on the name.
//!
//! A second launch can still meet a first app that is dying at that moment (its name not yet
//! released): the call to it then fails and the second launch fails to start, rather than start
//! beside it; launched again a moment later, it starts as the only app.
//!
//! Elsewhere the plugin keys on the bundle identifier only (a named mutex on Windows, a socket
//! named after it on macOS): one app per user there, whatever the data folder, which is stricter
//! and still never two apps on one folder.

use std::path::{Path, PathBuf};

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};

/// The single-instance plugin for the app with the bundle identifier `identifier` on the default
/// data root. Register it before any other plugin.
pub fn plugin<R: Runtime>(identifier: &str) -> TauriPlugin<R> {
    let builder = tauri_plugin_single_instance::Builder::new()
        .callback(|app: &AppHandle<R>, _argv, _cwd| show_first_window(app));
    match workbench::default_data_root() {
        Ok(root) => builder
            .dbus_id(instance_id(identifier, &canonical_root(&root)))
            .build(),
        // No data folder at all: the app cannot open a cache either; one per session then.
        Err(_) => builder.build(),
    }
}

/// What the first app does when the same data folder is launched again: bring its window back.
fn show_first_window<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!(
        "Partner Workbench was launched again on this data folder: showing this window instead"
    );
    if let Some(window) = app.get_webview_window("main") {
        for (what, result) in [
            ("unminimize", window.unminimize()),
            ("show", window.show()),
            ("focus", window.set_focus()),
        ] {
            if let Err(e) = result {
                tracing::warn!("could not {what} the window: {e}");
            }
        }
    }
}

/// `root` as one name for the folder: created when missing (the app creates it anyway), then
/// canonical; else absolute; else as given.
fn canonical_root(root: &Path) -> PathBuf {
    let _ = std::fs::create_dir_all(root);
    std::fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_owned())
}

/// The D-Bus id of the app on the data root `root` (the plugin appends `.SingleInstance`):
/// `identifier.data_` and 16 hex digits. A valid well-known bus name for any path, as long as
/// `identifier` is a valid bundle identifier.
fn instance_id(identifier: &str, root: &Path) -> String {
    format!(
        "{identifier}.data_{:016x}",
        fnv1a(root.as_os_str().as_encoded_bytes())
    )
}

/// The 64-bit FNV-1a hash: fixed, so the same folder gives the same name in every build.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENTIFIER: &str = "com.partnerworkbench.desktop";

    /// The D-Bus specification's rules for a well-known bus name.
    fn is_well_known_bus_name(name: &str) -> bool {
        let elements: Vec<&str> = name.split('.').collect();
        name.len() <= 255
            && elements.len() >= 2
            && elements.iter().all(|element| {
                !element.is_empty()
                    && !element.starts_with(|c: char| c.is_ascii_digit())
                    && element
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_id_is_a_bus_name_for_any_folder() {
        for root in [
            "/home/partner/.local/share/partner-workbench",
            "/tmp/pwb test/dätä ✓/..//x",
            "relative",
            "",
        ] {
            let id = instance_id(IDENTIFIER, Path::new(root));
            assert!(id.starts_with("com.partnerworkbench.desktop.data_"), "{id}");
            assert!(is_well_known_bus_name(&id), "{id}");
            assert!(is_well_known_bus_name(&format!("{id}.SingleInstance")));
        }
    }

    #[test]
    fn one_folder_is_one_instance_and_two_are_two() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        // Created when missing, so the first launch and the next name the folder alike.
        let first = canonical_root(&a);
        assert!(a.is_dir());
        let again = canonical_root(&dir.path().join("b").join("..").join("a"));
        assert_eq!(
            instance_id(IDENTIFIER, &first),
            instance_id(IDENTIFIER, &again)
        );
        assert_ne!(
            instance_id(IDENTIFIER, &first),
            instance_id(IDENTIFIER, &canonical_root(&b))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_the_folder_is_the_same_instance() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(
            instance_id(IDENTIFIER, &canonical_root(&link)),
            instance_id(IDENTIFIER, &canonical_root(&real))
        );
    }
}
