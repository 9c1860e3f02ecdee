//! Where Partner Workbench keeps things on this machine: data, settings and the log, each in the
//! platform's folder for its kind (on Linux the XDG base directories).
//!
//! ```text
//! data      $XDG_DATA_HOME/partner-workbench     the profiles' caches and accounts (profiles.rs)
//! config    $XDG_CONFIG_HOME/partner-workbench   settings.json, window-state.json
//! state     $XDG_STATE_HOME/partner-workbench    logs/ (the desktop app's log, a file a day)
//! ```
//!
//! Debug builds use `partner-workbench-debug` for all three, so development never touches a
//! partner's real folders. `PWB_DATA_DIR` (or `pwb --data-dir`) puts all three in one folder: a
//! second checkout, a test, a portable copy. Where the platform has no state folder (macOS,
//! Windows), the log goes into the data folder.
//!
//! Before settings had a folder of their own they sat in the data folder. [`Places::settle`]
//! moves them once, byte for byte, the first time a build with separate folders starts.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::WorkbenchError;

/// The environment variable that puts data, settings and the log in one folder.
pub const DATA_DIR_ENV: &str = "PWB_DATA_DIR";
/// The settings file, in the config folder.
pub const SETTINGS_FILE: &str = "settings.json";
/// The folder of the desktop app's log files, in the state folder.
pub const LOG_DIR: &str = "logs";
/// The start of each log file's name; a UTC date follows (`partner-workbench.2026-12-07.log`).
pub const LOG_PREFIX: &str = "partner-workbench";
/// The end of each log file's name.
pub const LOG_SUFFIX: &str = "log";
/// How many days of log the desktop app keeps: older files are deleted as a new day starts.
/// Our choice: a week covers a partner's report of "since last Monday" and stays small.
pub const LOG_DAYS_KEPT: usize = 7;

/// The three folders of one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The data root: a data folder per profile under it.
    pub data: PathBuf,
    /// Settings: the profiles chosen and added, the window's size and place.
    pub config: PathBuf,
    /// The log.
    pub state: PathBuf,
}

impl Places {
    /// All three in `root`: `PWB_DATA_DIR`, `pwb --data-dir`, tests.
    pub fn all_in(root: impl Into<PathBuf>) -> Places {
        let root = root.into();
        Places {
            data: root.clone(),
            config: root.clone(),
            state: root,
        }
    }

    /// `PWB_DATA_DIR` when set, else the platform's folders.
    pub fn from_env() -> Result<Places, WorkbenchError> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Places::all_in(dir));
        }
        let name = if cfg!(debug_assertions) {
            "partner-workbench-debug"
        } else {
            "partner-workbench"
        };
        let data = dirs::data_dir()
            .ok_or(WorkbenchError::NoDataDir)?
            .join(name);
        Ok(Places {
            config: dirs::config_dir().map_or_else(|| data.clone(), |d| d.join(name)),
            state: dirs::state_dir().map_or_else(|| data.clone(), |d| d.join(name)),
            data,
        })
    }

    /// The settings file.
    pub fn settings_file(&self) -> PathBuf {
        self.config.join(SETTINGS_FILE)
    }

    /// The folder of the desktop app's log files.
    pub fn log_dir(&self) -> PathBuf {
        self.state.join(LOG_DIR)
    }

    /// Moves `settings.json` from the data folder, where builds before separate folders kept it,
    /// to the config folder: once, byte for byte, the old file removed only after the new one is
    /// on disk. Returns where settings are to be read from: the config folder, or the old place
    /// when the move could not be made (a read-only folder, say), so nothing is lost and the
    /// partner is not stopped; the move is tried again at the next start.
    pub fn settle(&self) -> Settled {
        let old = self.data.join(SETTINGS_FILE);
        let new = self.settings_file();
        if old == new {
            return Settled::InPlace;
        }
        match move_once(&old, &new) {
            Ok(true) => {
                tracing::info!(
                    "moved the settings from {} to {}",
                    old.display(),
                    new.display()
                );
                Settled::Moved { from: old }
            }
            Ok(false) => Settled::InPlace,
            Err(e) => {
                tracing::warn!(
                    "cannot move the settings from {} to {}: {e}; using them where they are",
                    old.display(),
                    new.display()
                );
                Settled::LeftAt {
                    folder: self.data.clone(),
                    reason: e.to_string(),
                }
            }
        }
    }
}

/// What [`Places::settle`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Settings are in the config folder (or there are none yet).
    InPlace,
    /// They were moved there now from this file.
    Moved { from: PathBuf },
    /// They could not be moved and stay in this folder for now.
    LeftAt { folder: PathBuf, reason: String },
}

/// The move itself: `Ok(true)` when it moved the file now.
fn move_once(old: &Path, new: &Path) -> io::Result<bool> {
    let bytes = match fs::read(old) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let folder = new.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    match fs::read(new) {
        // Moved before, and a crash came between the write and the removal: the new file is the
        // one in use. The old one goes only when it says the same, else it stays for the partner.
        Ok(current) => {
            if current == bytes {
                fs::remove_file(old)?;
            } else {
                tracing::warn!(
                    "{} and {} both exist and differ; the second is in use, the first is left as it is",
                    old.display(),
                    new.display()
                );
            }
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            crate::atomic::write(new, &bytes, 0o644)?;
            fs::remove_file(old)?;
            Ok(true)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(root: &Path) -> Places {
        Places {
            data: root.join("data"),
            config: root.join("config"),
            state: root.join("state"),
        }
    }

    #[test]
    fn settings_move_from_the_data_folder_once_byte_for_byte() {
        let root = tempfile::tempdir().unwrap();
        let places = split(root.path());
        fs::create_dir_all(&places.data).unwrap();
        // Written by hand, with a field this build does not know: the move must not reformat it.
        let bytes = b"{ \"active_profile\": \"eu\",\n  \"future\": [1, 2] }\n";
        fs::write(places.data.join(SETTINGS_FILE), bytes).unwrap();

        assert_eq!(
            places.settle(),
            Settled::Moved {
                from: places.data.join(SETTINGS_FILE)
            }
        );
        assert_eq!(fs::read(places.settings_file()).unwrap(), bytes);
        assert!(!places.data.join(SETTINGS_FILE).exists());

        // Once: later starts find nothing to move, and a newer file is never replaced.
        fs::write(places.settings_file(), b"{}").unwrap();
        assert_eq!(places.settle(), Settled::InPlace);
        assert_eq!(fs::read(places.settings_file()).unwrap(), b"{}");
    }

    #[test]
    fn a_move_cut_short_by_a_crash_is_finished_and_a_different_old_file_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let places = split(root.path());
        fs::create_dir_all(&places.data).unwrap();
        fs::create_dir_all(&places.config).unwrap();
        let old = places.data.join(SETTINGS_FILE);

        fs::write(&old, b"{\"active_profile\":\"us\"}").unwrap();
        fs::write(places.settings_file(), b"{\"active_profile\":\"us\"}").unwrap();
        assert_eq!(places.settle(), Settled::InPlace);
        assert!(!old.exists(), "the same bytes: the old copy goes");

        fs::write(&old, b"{\"active_profile\":\"eu\"}").unwrap();
        assert_eq!(places.settle(), Settled::InPlace);
        assert_eq!(fs::read(&old).unwrap(), b"{\"active_profile\":\"eu\"}");
        assert_eq!(
            fs::read(places.settings_file()).unwrap(),
            b"{\"active_profile\":\"us\"}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn settings_that_cannot_move_stay_where_they_are_and_are_used_there() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let places = split(root.path());
        fs::create_dir_all(&places.data).unwrap();
        fs::write(places.data.join(SETTINGS_FILE), b"{}").unwrap();
        // A config folder that is a file: nothing can be written under it, whoever runs this.
        fs::write(&places.config, b"not a folder").unwrap();
        let before = fs::metadata(places.data.join(SETTINGS_FILE))
            .unwrap()
            .permissions()
            .mode();

        match places.settle() {
            Settled::LeftAt { folder, .. } => assert_eq!(folder, places.data),
            other => panic!("expected the settings left in the data folder, got {other:?}"),
        }
        assert_eq!(fs::read(places.data.join(SETTINGS_FILE)).unwrap(), b"{}");
        let after = fs::metadata(places.data.join(SETTINGS_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(before, after);
    }

    #[test]
    fn one_folder_for_all_moves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let places = Places::all_in(root.path());
        fs::write(places.settings_file(), b"{}").unwrap();
        assert_eq!(places.settle(), Settled::InPlace);
        assert_eq!(fs::read(places.settings_file()).unwrap(), b"{}");
        assert_eq!(places.log_dir(), root.path().join(LOG_DIR));
    }
}
