//! `partner-sandbox`: a local Partner Project API server (SPEC §4) over its own SQLite file,
//! for development, tests, demos and the desktop app's embedded default.
//!
//! Start reading at [`Sandbox::start`], which opens (creating and seeding when new) the database
//! in [`Config::data_dir`] and serves the routes of `routes.rs` in a tokio task. The wire types
//! come from `partner_api` and `workbench_domain`, so the sandbox and the client cannot drift.
//!
//! - `config.rs`: [`Config`] and [`Seed`].
//! - `db.rs`: the schema, seeding and queries; ETags.
//! - `seed.rs` and `icon.rs`: the demo partners' apps, versions, plans and generated PNG icons.
//! - `routes.rs`: the router and its layers, the read routes, HAL paging, the JSON error layer.
//! - `faults.rs`: fault injection (`/_sandbox/faults`) for testing clients against bad replies.
//! - `store.rs`, `review.rs`, `routes/{writes,body,apps_write,versions,submissions,changes}.rs`:
//!   the write side: transactions, ETags and `If-Match`, idempotency keys, the change feed,
//!   submissions and the automatic reviewer.
//! - `rules.rs`: the rules pack in force (`GET /rules`, `PUT /_sandbox/rules`) and the rules
//!   engine's verdicts on icon uploads, submissions and automatic reviews (422 `validation_failed`).
//! - `routes/`: the rules pack, installations, OAuth clients and the account; `body.rs` reads
//!   JSON bodies (64 KiB at most). Their tables are in `db/partner.rs`, their seed in
//!   `seed/partner.rs`.
//! - `faults.rs`: fault injection (`/_sandbox/faults`) for testing clients against bad replies;
//!   `faults/profile.rs` the seeded profile of `PUT /_sandbox/faults` and the `--fault-*` flags.
//! - `error.rs`: [`SandboxError`] (start-up) and the HTTP error body.
//!
//! - `oauth/`: the OAuth 2.0 authorization server and the bearer-token check of every API route;
//!   [`Sandbox::issue_token`] gives a token without a browser.
//! - `trust.rs`: the trust model: loopback unless `--public`, the `Host` check of every request
//!   (421 otherwise, against DNS rebinding), the admin area's guard (loopback peers, no other
//!   site's pages, JSON bodies only), and the demo partner's sign-in of a public sandbox.

mod config;
mod db;
mod error;
mod faults;
mod icon;
mod oauth;
mod review;
mod routes;
mod rules;
mod seed;
mod store;
mod trust;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{
    Config, DEFAULT_PAGE_SIZE, DEFAULT_REVIEW_DELAY, MAX_PAGE_SIZE, ReviewMode, Seed,
};
pub use error::SandboxError;
pub use faults::{Fault, FaultKind, FaultProfile, MAX_ARMED_FAULTS, MAX_PATH_PREFIX_LEN};
pub use oauth::{Clock, OAuthConfig};
pub use trust::{ADMIN_BODY_LIMIT, DEMO_PARTNER_LOGIN, DEMO_PARTNER_PASSWORD};

/// How long [`Sandbox::stop`] lets in-flight requests finish before it gives up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox. Dropping it also shuts the server down, without waiting.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    /// `http://HOST:PORT`: how clients reach it (see [`Sandbox::base_url`]).
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The automatic reviewer (`review.rs`), stopped with the server.
    reviewer: JoinHandle<()>,
    oauth: Arc<oauth::OAuth>,
    faults: Arc<faults::Faults>,
}

impl Sandbox {
    /// Opens (creating and seeding when new) `DIR/sandbox.sqlite3`, binds `listen` and serves
    /// in a tokio task. An existing database is reused as it is. A `listen` address that is not
    /// loopback is refused unless [`Config::public`] is set (see `trust.rs`).
    pub async fn start(config: Config, listen: SocketAddr) -> Result<Sandbox, SandboxError> {
        config.validate()?;
        if !config.public && !listen.ip().to_canonical().is_loopback() {
            return Err(SandboxError::NotLoopback(listen));
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|source| SandboxError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        // Opening runs once, takes milliseconds and must finish before serving, so it runs
        // right here rather than on a blocking thread.
        let db = db::Db::open(&config.database_path(), config.seed)?;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: listen,
            source,
        })?;
        let tokens = oauth::Store::open(&config.database_path()).map_err(|source| {
            SandboxError::Database {
                path: config.database_path(),
                source,
            }
        })?;
        // The reviewer starts last, once nothing can fail, so it never outlives a failed start.
        let rules = rules::Rules::load(&db.conn())
            .map(Arc::new)
            .map_err(|source| SandboxError::Database {
                path: config.database_path(),
                source,
            })?;
        let db = Arc::new(db);
        let reviews = Arc::new(review::Reviews::new(config.review, config.review_delay));
        let reviewer = review::spawn(db.clone(), reviews.clone(), rules.clone());
        let base_url = match &config.host_name {
            Some(name) => format!("http://{name}:{}", addr.port()),
            None => loopback_url(addr),
        };
        let oauth = Arc::new(oauth::OAuth::new(
            tokens,
            config.oauth.clone(),
            base_url.clone(),
        ));
        let faults = Arc::<faults::Faults>::default();
        let state = routes::AppState {
            db,
            faults: faults.clone(),
            page_size: config.page_size,
            reviews,
            oauth: oauth.clone(),
            rules,
            trust: Arc::new(trust::Trust::new(
                addr,
                config.host_name.as_deref(),
                config.public,
            )),
        };
        let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // A dropped sender resolves `stopped` too, so dropping the Sandbox stops serving.
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "sandbox server failed");
            }
        });
        tracing::info!(
            %addr,
            data = %config.data_dir.display(),
            public = config.public,
            "sandbox serving"
        );
        Ok(Sandbox {
            addr,
            base_url,
            shutdown: Some(shutdown),
            task: Some(task),
            reviewer,
            oauth,
            faults,
        })
    }

    /// Sets (or with `None` clears) the fault profile, as `PUT /_sandbox/faults` does.
    pub fn set_fault_profile(&self, profile: Option<FaultProfile>) {
        self.faults.set_profile(profile);
    }

    /// The address actually bound (with the real port when `listen` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`: the host name it was started with ([`Config::host_name`]), else
    /// the address bound, an unspecified one (`0.0.0.0`, `::`) given as loopback, the address a
    /// local client can reach.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Stops accepting connections, lets in-flight requests finish (up to a few seconds) and
    /// waits for the server task.
    pub async fn stop(mut self) {
        self.reviewer.abort();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            tracing::warn!("sandbox connections did not close in time; aborting them");
            task.abort();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.reviewer.abort();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// `http://HOST:PORT` of a bound address, an unspecified host (`0.0.0.0`, `::`) given as loopback.
fn loopback_url(mut addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}")
}
