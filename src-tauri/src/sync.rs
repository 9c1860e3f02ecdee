//! The background sync: on start, a couple of seconds after the partner's last edit, every minute,
//! and, while the server cannot be reached or keeps failing, again after an exponential backoff
//! with jitter (1 s doubling to 5 min), so the app catches up on its own when the network returns.
//! "Sync now", a sign-in and a profile switch sync at once through the same [`sync`].
//!
//! Each change of status is announced to the window as a `sync-status` event (with the counts of
//! unsent changes, held changes and conflicts), and each step of a running sync as a
//! `sync-progress` event, so the indicator, the progress bar and the offline banner follow it.

use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use tokio::sync::{MutexGuard, Notify};
use tokio::time::Instant;
use workbench::server::{Access, Connection};
use workbench::{ErrorCode, SyncPhase, SyncStatus, Workbench, WorkbenchError};

use crate::AppState;
use crate::ipc::{self, CommandError};
use crate::state::Session;

pub const STATUS_EVENT: &str = "sync-status";
pub const PROGRESS_EVENT: &str = "sync-progress";

/// How often the app syncs when nothing else asks it to.
pub const PERIOD: Duration = Duration::from_secs(60);
/// How long after the partner's last edit its sync starts: typing on does not send every key.
pub const AFTER_EDIT: Duration = Duration::from_secs(2);
/// The first wait after a failed sync, doubled after each further failure up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The wait before the next try after `failures` failed syncs in a row (at least one): the
/// ceiling doubles from [`FIRST_BACKOFF`] to [`MAX_BACKOFF`], and the wait is between half the
/// ceiling and all of it, by `unit` (in `0.0..=1.0`), so many windows coming back online at once
/// do not all ask the server in the same second.
pub fn backoff(failures: u32, unit: f64) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let ceiling = FIRST_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF);
    ceiling.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

/// A number in `0.0..1.0` that differs from call to call: the jitter of [`backoff`]. The standard
/// library's hasher keys are random per process and change with every `RandomState`.
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// How a sync ended, as far as the next one is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Synced: the next one in a [`PERIOD`].
    Synced,
    /// Offline or failing: try again after a backoff.
    Failed,
    /// Waiting for the partner (not signed in, no cache): trying sooner would not help.
    Waiting,
}

impl Outcome {
    fn of(status: &SyncStatus) -> Outcome {
        match status.phase {
            SyncPhase::Idle | SyncPhase::Syncing => Outcome::Synced,
            SyncPhase::Error if status.error_code == Some(ErrorCode::NotSignedIn) => {
                Outcome::Waiting
            }
            SyncPhase::Offline | SyncPhase::Error => Outcome::Failed,
        }
    }
}

/// When the background sync runs next. Every sync reports to it how it ended; an edit moves the
/// next sync to [`AFTER_EDIT`] from now.
pub struct Schedule {
    plan: Mutex<Plan>,
    wake: Notify,
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    next: Instant,
    after_edit: Option<Instant>,
    failures: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            plan: Mutex::new(Plan {
                next: Instant::now(),
                after_edit: None,
                failures: 0,
            }),
            wake: Notify::new(),
        }
    }
}

impl Schedule {
    fn plan(&self) -> std::sync::MutexGuard<'_, Plan> {
        self.plan.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The partner changed something: sync once they have paused for [`AFTER_EDIT`].
    pub fn edited(&self) {
        self.plan().after_edit = Some(Instant::now() + AFTER_EDIT);
        self.wake.notify_one();
    }

    /// A sync starts: the edits made so far go with it.
    fn starting(&self) {
        self.plan().after_edit = None;
    }

    /// A sync ended with `outcome`; answers the wait before the next one.
    fn ended(&self, outcome: Outcome) -> Duration {
        let wait = {
            let mut plan = self.plan();
            let wait = match outcome {
                Outcome::Synced | Outcome::Waiting => {
                    plan.failures = 0;
                    PERIOD
                }
                Outcome::Failed => {
                    plan.failures = plan.failures.saturating_add(1);
                    backoff(plan.failures, jitter())
                }
            };
            plan.next = Instant::now() + wait;
            wait
        };
        self.wake.notify_one();
        wait
    }

    fn due(&self) -> Instant {
        let plan = self.plan();
        match plan.after_edit {
            Some(edit) => edit.min(plan.next),
            None => plan.next,
        }
    }

    /// Waits until the next sync is due, following every change of plan meanwhile.
    async fn until_due(&self) {
        loop {
            let due = self.due();
            if due <= Instant::now() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}

/// How long the first sync waits for the window's first painted list.
const FIRST_SYNC_WAIT: Duration = Duration::from_secs(2);

/// Starts the background sync: one once the window has painted its first list, then whenever
/// [`Schedule`] says.
pub fn spawn_background<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        after_first_paint(&app).await;
        loop {
            app.state::<Schedule>().until_due().await;
            if let Err(e) = sync(&app).await {
                tracing::warn!("background sync did not run: {}", e.message);
                app.state::<Schedule>().ended(Outcome::Waiting);
            }
        }
    });
}

/// The first sync waits until the window has painted its first list (at most [`FIRST_SYNC_WAIT`]),
/// so that it does not compete with the start for the cores: the list comes from the cache, and
/// the sync only brings it up to date. With nothing cached there is nothing to paint first, and it
/// starts at once.
async fn after_first_paint<R: Runtime>(app: &AppHandle<R>) {
    let cached = app
        .state::<AppState>()
        .workbench()
        .ok()
        .and_then(|workbench| workbench.counts().ok())
        .is_some_and(|(apps, _)| apps > 0);
    if let (true, Some(startup)) = (cached, app.try_state::<crate::startup::Startup>()) {
        startup.first_paint_or(FIRST_SYNC_WAIT).await;
    }
}

/// Syncs once in the background (after a profile switch), as a start does.
pub fn spawn_startup_sync<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        if let Err(e) = sync(&app).await {
            tracing::warn!("start-up sync did not run: {}", e.message);
        }
    });
}

/// Pushes the outbox and pulls from the server into the cache, announcing each step. A failed
/// sync leaves the cache as its last completed step left it; the final status says offline or
/// what went wrong, and the [`Schedule`] sets the next try from it.
pub async fn sync<R: Runtime>(app: &AppHandle<R>) -> Result<SyncStatus, CommandError> {
    let state = app.state::<AppState>();
    let schedule = app.state::<Schedule>();
    let session = state.session();
    let workbench = session.workbench()?;
    let startup = app.try_state::<crate::startup::Startup>();
    let mark = |step| startup.as_ref().inspect(|s| s.mark(step));
    schedule.starting();
    mark("sync_started");
    let status = run(app, &state, &session, &workbench).await;
    mark("sync_done");
    schedule.ended(Outcome::of(&status));
    Ok(status)
}

async fn run<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    session: &Arc<Session>,
    workbench: &Workbench,
) -> SyncStatus {
    let mut connection = match connection(session, workbench).await {
        Ok(connection) => connection,
        Err(error) => {
            let status = workbench.status_after(session.server.label(), &Err(error));
            announce(app, state, session, status.clone());
            crate::notify::announce(app, session, workbench);
            return status;
        }
    };
    let connection = connection.as_mut().expect("opened by connection()");
    let server = connection.client.server().to_owned();
    announce(app, state, session, workbench.status_syncing(&server));
    let result = workbench
        .sync(connection, OffsetDateTime::now_utc(), |progress| {
            if state.is_current(session)
                && let Err(e) = ipc::emit(app, PROGRESS_EVENT, ipc::SyncProgress::from(progress))
            {
                tracing::warn!("cannot tell the window how far the sync is: {e}");
            }
        })
        .await;
    if let Err(e) = &result {
        tracing::warn!("sync failed: {e}");
        if e.code() == ErrorCode::NotSignedIn && connection.access == Access::Account {
            // The server ended the session (the account is forgotten, the cache kept): the next
            // sync goes in as the server now allows, the embedded sandbox's demo access included.
            if let Err(e) = connection
                .authorize(&session.server, workbench, crate::state::now())
                .await
            {
                tracing::warn!("after the session ended: {e}");
            }
        }
    }
    let status = workbench.status_after(&server, &result);
    announce(app, state, session, status.clone());
    // Also after a failed sync: another process's sync may have recorded outcomes meanwhile.
    crate::notify::announce(app, session, workbench);
    status
}

/// After the partner changed the cache (an edit, an undo, a resolution, a queued action): tells
/// the window the new counts of unsent changes and conflicts, and schedules a sync for when
/// they pause.
pub fn after_local_change<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>) {
    let state = app.state::<AppState>();
    if let Ok(workbench) = session.workbench() {
        let status = workbench.with_local_counts(state.status());
        announce(app, &state, session, status);
    }
    app.state::<Schedule>().edited();
}

/// The app's connection to its server, opened (and, for the embedded sandbox, started) on first
/// use, then kept: while the guard lives, no sync, sign-in or sign-out uses it. A session the
/// window has switched away from opens none.
pub async fn connection<'a>(
    session: &'a Session,
    workbench: &Workbench,
) -> Result<MutexGuard<'a, Option<Connection>>, WorkbenchError> {
    let mut connection = session.connection.lock().await;
    if session.is_closed() {
        return Err(WorkbenchError::Settings(format!(
            "the window switched away from profile {} while this was waiting; try again",
            session.profile
        )));
    }
    if connection.is_none() {
        *connection =
            Some(Connection::open(&session.server, workbench, crate::state::now()).await?);
    }
    Ok(connection)
}

/// Tells the window `status`, unless it is about a profile the window has switched away from.
pub fn announce<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    session: &Arc<Session>,
    status: SyncStatus,
) {
    if !state.is_current(session) {
        return;
    }
    if let Err(e) = ipc::emit(app, STATUS_EVENT, ipc::SyncStatus::from(status.clone())) {
        tracing::warn!("cannot tell the window about the sync: {e}");
    }
    state.set_status(status);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_one_second_to_five_minutes() {
        let ceilings: Vec<u64> = (1..=12).map(|n| backoff(n, 1.0).as_secs()).collect();
        assert_eq!(
            ceilings,
            vec![1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
        );
        assert_eq!(
            backoff(u32::MAX, 1.0),
            MAX_BACKOFF,
            "no overflow after many failures"
        );
    }

    #[test]
    fn the_jitter_keeps_each_wait_between_half_the_ceiling_and_all_of_it() {
        assert_eq!(backoff(4, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(4, 0.5), Duration::from_secs(6));
        for _ in 0..200 {
            let unit = jitter();
            assert!((0.0..1.0).contains(&unit), "{unit}");
            let wait = backoff(3, unit);
            assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_secs(4));
        }
        let draws: std::collections::HashSet<u64> = (0..50).map(|_| jitter().to_bits()).collect();
        assert!(draws.len() > 40, "the jitter must vary between calls");
    }

    fn status(phase: SyncPhase, code: Option<ErrorCode>) -> SyncStatus {
        SyncStatus {
            phase,
            server: None,
            last_synced_at: None,
            message: None,
            error_code: code,
            pending: 0,
            held: 0,
            conflicts: 0,
        }
    }

    #[test]
    fn offline_and_failing_syncs_back_off_and_a_good_one_resets_the_backoff() {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                let schedule = Schedule::default();
                let offline = Outcome::of(&status(
                    SyncPhase::Offline,
                    Some(ErrorCode::ServerUnreachable),
                ));
                assert_eq!(offline, Outcome::Failed);
                let waits: Vec<Duration> = (0..4).map(|_| schedule.ended(offline)).collect();
                assert!(waits[0] <= Duration::from_secs(1));
                assert!(waits[3] >= Duration::from_secs(4) && waits[3] <= Duration::from_secs(8));
                assert_eq!(schedule.ended(Outcome::Synced), PERIOD);
                assert!(schedule.ended(offline) <= Duration::from_secs(1));
                let signed_out =
                    Outcome::of(&status(SyncPhase::Error, Some(ErrorCode::NotSignedIn)));
                assert_eq!(
                    schedule.ended(signed_out),
                    PERIOD,
                    "retrying sooner cannot sign anyone in"
                );
            });
    }

    #[test]
    fn an_edit_brings_the_next_sync_forward_to_two_seconds_after_it() {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                let schedule = Schedule::default();
                schedule.ended(Outcome::Synced);
                let before = Instant::now();
                assert!(schedule.due() >= before + PERIOD - Duration::from_secs(1));
                schedule.edited();
                let due = schedule.due();
                assert!(due >= before + AFTER_EDIT && due <= Instant::now() + AFTER_EDIT);
                schedule.starting();
                assert!(
                    schedule.due() >= before + PERIOD - Duration::from_secs(1),
                    "a sync that started takes the edits with it"
                );
            });
    }
}
