//! How a sandbox is configured: where its database lives, what it starts with, how it pages.

use std::path::PathBuf;

use std::time::Duration;

use crate::error::SandboxError;
use crate::oauth::OAuthConfig;
pub use crate::review::{DEFAULT_REVIEW_DELAY, ReviewMode};

/// The page size used when a request gives no `per_page`.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest `per_page` a request gets; larger requests are capped to it, not refused,
/// so a client asking for "everything" still gets a well-formed page.
pub const MAX_PAGE_SIZE: u32 = 100;

/// What a new database starts with. An existing database is never re-seeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// Four fictional partner apps with versions on every review status, plans and icons.
    Demo,
    /// No apps at all.
    Empty,
    /// 1,000 apps × 5 versions made from the demo apps, for benchmarks of a full pull.
    Scale,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The directory holding `sandbox.sqlite3`; created when missing.
    pub data_dir: PathBuf,
    pub seed: Seed,
    /// The default `per_page` of collections, 1 to [`MAX_PAGE_SIZE`].
    pub page_size: u32,
    /// How submitted tracks are decided: automatically after `review_delay`, or by an admin.
    pub review: ReviewMode,
    /// How long an automatic review takes.
    pub review_delay: Duration,
    /// Token and device code lifetimes, the polling interval, the OAuth clock.
    pub oauth: OAuthConfig,
    /// Serve other machines (`--public`): without it [`crate::Sandbox::start`] refuses a
    /// non-loopback address, since the admin routes mint tokens and break the server on
    /// purpose with no token at all. With it the admin routes are off and the approval pages
    /// ask for the demo partner's sign-in (see `trust.rs`).
    pub public: bool,
    /// The host name the sandbox was started with (`--listen NAME:PORT`), if it was a name and
    /// not an address: requests may name it in `Host` besides loopback, and the sandbox's URLs
    /// (its OAuth issuer, the sign-in page's address) use it.
    pub host_name: Option<String>,
}

impl Config {
    /// A configuration with the demo seed and the default page size.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            seed: Seed::Demo,
            page_size: DEFAULT_PAGE_SIZE,
            review: ReviewMode::Auto,
            review_delay: DEFAULT_REVIEW_DELAY,
            oauth: OAuthConfig::default(),
            public: false,
            host_name: None,
        }
    }

    /// The database file inside [`Config::data_dir`].
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("sandbox.sqlite3")
    }

    pub(crate) fn validate(&self) -> Result<(), SandboxError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(SandboxError::Config(format!(
                "page size must be between 1 and {MAX_PAGE_SIZE}, not {}",
                self.page_size
            )));
        }
        self.oauth.validate().map_err(SandboxError::Config)?;
        Ok(())
    }
}
