//! What the desktop app keeps while it runs: the open profile (its cache, server and connection),
//! replaceable as a whole when the person switches profiles, and the last sync status.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use workbench::profiles::{PROFILE_ENV, Profile, ProfileKind, Profiles};
use workbench::server::{Connection, SERVER_ENV, ServerChoice};
use workbench::{SyncStatus, Workbench, WorkbenchError};

use crate::ipc::CommandError;

/// One open profile. Commands take the current one ([`AppState::session`]) and work with it to
/// the end, so a switch in the middle never mixes one profile's cache with another's server.
pub struct Session {
    /// The profile's name (`sandbox`, `eu`, a custom name), or the URL given by `PWB_SERVER`.
    pub profile: String,
    pub kind: ProfileKind,
    /// The environment variable that chose it at start, like `PWB_PROFILE=eu`; `None` for the
    /// active profile and for one switched to.
    pub chosen_by: Option<String>,
    /// The open cache, or why it could not be opened (the window still starts and says so).
    pub workbench: Result<Arc<Workbench>, CommandError>,
    pub server: ServerChoice,
    /// The server connection, opened by the first sync and kept: it owns the embedded sandbox.
    /// Held across a whole sync, so two syncs never run at once.
    pub connection: tokio::sync::Mutex<Option<Connection>>,
    /// Set when the window has switched away: no connection is opened for it again.
    closed: AtomicBool,
}

impl Session {
    fn open(profiles: &Profiles, profile: Profile) -> Result<Session, WorkbenchError> {
        let workbench = profiles.open_workbench(&profile)?;
        Ok(Session::new(profile, Ok(Arc::new(workbench))))
    }

    fn new(profile: Profile, workbench: Result<Arc<Workbench>, CommandError>) -> Session {
        Session {
            profile: profile.name,
            kind: profile.kind,
            chosen_by: None,
            workbench,
            server: profile.server,
            connection: tokio::sync::Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }

    pub fn workbench(&self) -> Result<Arc<Workbench>, CommandError> {
        self.workbench.clone()
    }

    /// The window has switched to another profile since this one was taken.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Closes the connection (stopping the embedded sandbox, letting its requests finish) once
    /// the sync or sign-in step using it is done, and keeps it closed.
    async fn close(&self) {
        let mut connection = self.connection.lock().await;
        self.closed.store(true, Ordering::SeqCst);
        if let Some(connection) = connection.take() {
            connection.close().await;
        }
    }
}

pub struct AppState {
    session: RwLock<Arc<Session>>,
    /// The last status announced to the window.
    pub status: Mutex<SyncStatus>,
    /// The first start on this machine, until the partner chooses the demo or another profile.
    welcome: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// The profile `PWB_PROFILE` or `PWB_SERVER` names, else the active one, in the default data
    /// root (`PWB_DATA_DIR`).
    pub fn open() -> AppState {
        let profile = std::env::var(PROFILE_ENV).ok();
        let server = std::env::var(SERVER_ENV).ok();
        let profiles = Profiles::open_default();
        AppState::open_in(profiles, profile.as_deref(), server.as_deref())
    }

    /// The profile `profile` or `server` names, else the active one, of `profiles`.
    pub fn open_in(
        profiles: Result<Profiles, WorkbenchError>,
        profile: Option<&str>,
        server: Option<&str>,
    ) -> AppState {
        let chosen_by = match (given(profile), given(server)) {
            (Some(name), _) => Some(format!("{PROFILE_ENV}={name}")),
            (None, Some(url)) => Some(format!("{SERVER_ENV}={url}")),
            (None, None) => None,
        };
        let welcome = chosen_by.is_none()
            && profiles
                .as_ref()
                .is_ok_and(|profiles| profiles.is_first_start());
        let opened = profiles.and_then(|profiles| {
            let chosen = profiles.choose(profile, server)?;
            Session::open(&profiles, chosen)
        });
        let mut session = opened.unwrap_or_else(|e| {
            tracing::error!("cannot open the cache: {e}");
            let profile = Profile {
                name: workbench::profiles::SANDBOX.to_owned(),
                kind: ProfileKind::Sandbox,
                server: ServerChoice::Embedded,
                data_dir: Default::default(),
            };
            Session::new(profile, Err(CommandError::from(e)))
        });
        session.chosen_by = chosen_by;
        let status = status_of(&session);
        AppState {
            session: RwLock::new(Arc::new(session)),
            status: Mutex::new(status),
            welcome: welcome.into(),
        }
    }

    /// Whether the window offers the first start's choice (see
    /// [`Profiles::is_first_start`](workbench::profiles::Profiles::is_first_start)).
    pub fn welcome(&self) -> bool {
        self.welcome.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The partner chose: the choice is not offered again.
    pub fn dismiss_welcome(&self) {
        self.welcome
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// The profile the window works with now.
    pub fn session(&self) -> Arc<Session> {
        self.session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether `session` is still the one the window works with.
    pub fn is_current(&self, session: &Arc<Session>) -> bool {
        Arc::ptr_eq(&self.session(), session)
    }

    pub fn workbench(&self) -> Result<Arc<Workbench>, CommandError> {
        self.session().workbench()
    }

    pub fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_status(&self, status: SyncStatus) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }

    /// Makes `name` the active profile of `profiles` and this window's: opens its own cache,
    /// records it in `settings.json`, then closes the connection of the profile before
    /// (stopping its embedded sandbox, after the sync using it ends). Answers the cached status
    /// of the new profile, or whether nothing changed (`name` is the current profile already).
    /// An unknown profile, a cache that cannot be opened or settings that cannot be written
    /// change nothing.
    pub async fn switch_to(
        &self,
        profiles: &Profiles,
        name: &str,
    ) -> Result<Switched, WorkbenchError> {
        let before = self.session();
        let profile = profiles.get(name)?;
        if profile.name == before.profile && before.workbench.is_ok() {
            profiles.set_active(name)?;
            return Ok(Switched::Already);
        }
        let session = Session::open(profiles, profile)?;
        profiles.set_active(name)?;
        let status = status_of(&session);
        *self.session.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(session);
        self.set_status(status.clone());
        before.close().await;
        Ok(Switched::To(status))
    }
}

/// What [`AppState::switch_to`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Switched {
    /// The window works with the new profile; its cached status.
    To(SyncStatus),
    /// It was the window's profile already.
    Already,
}

fn status_of(session: &Session) -> SyncStatus {
    match &session.workbench {
        Ok(workbench) => workbench.status_cached(),
        Err(_) => SyncStatus {
            phase: workbench::SyncPhase::Error,
            server: None,
            last_synced_at: None,
            message: None,
            error_code: None,
            pending: 0,
            held: 0,
            conflicts: 0,
        },
    }
}

/// A value given in the environment; blank is not given.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Unix seconds now: the facade reads no clock, so the shell passes it in.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests;
