use serde::Serialize;
use workbench_remote::RemoteError;
use workbench_store::StoreError;

/// Everything a use case can fail with. Each error has a stable [`ErrorCode`] that the UI and
/// the CLI's exit codes branch on; the message is for people.
#[derive(Debug, thiserror::Error)]
pub enum WorkbenchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Remote(RemoteError),
    /// The server refused the request for want of a valid token (401).
    #[error("not signed in: sign in, or set PWB_TOKEN and name its server ({0})")]
    NotSignedIn(RemoteError),
    #[error("cannot start the embedded sandbox: {0}")]
    Sandbox(#[from] partner_sandbox::SandboxError),
    /// Signing in, refreshing or revoking failed.
    #[error(transparent)]
    Auth(workbench_remote::auth::AuthError),
    /// The profile is signed out (never signed in, signed out, or the server ended the session).
    /// The cache is untouched.
    #[error("signed out: {reason}; sign in again (`pwb login`), your cached work is kept")]
    SignedOut { reason: String },
    #[error(transparent)]
    Secrets(#[from] crate::secrets::SecretsError),
    /// A settings file of the data folder cannot be read or written.
    #[error("settings: {0}")]
    Settings(String),
    /// No cached version has this id.
    #[error(
        "no cached version {0}: run `pwb apps` to see the cached ones, or `pwb sync` to fetch new ones"
    )]
    UnknownVersion(String),
    /// The version is cached, but under another app than the one named.
    #[error(
        "version {version_id} belongs to app {actual_app_id}, not {app_id}: run `pwb apps` to see each app's versions"
    )]
    WrongApp {
        version_id: String,
        app_id: String,
        actual_app_id: String,
    },
    /// A suppression that cannot be recorded; the message says why and what to do.
    #[error("cannot suppress: {0}")]
    InvalidSuppression(String),
    #[error("version {version_id} has no suppression of rule {rule}{}; `pwb validate` lists the suppressions applied", field_suffix(.field))]
    NoSuchSuppression {
        version_id: String,
        rule: String,
        field: Option<String>,
    },
    /// An icon file to validate that cannot be read.
    #[error("cannot read the icon file {}: {reason}", .path.display())]
    IconFile {
        path: std::path::PathBuf,
        reason: String,
        missing: bool,
    },
    /// The rules pack in the cache cannot be read.
    #[error("the cached rules pack cannot be read ({0}); run a sync to fetch it again")]
    CachedPack(String),
    #[error("no data folder: this system has no standard data directory; set PWB_DATA_DIR")]
    NoDataDir,
    /// No profile has this name.
    #[error(
        "no profile named {name:?} (there are: {known}); `pwb profile list` shows them, \
         `pwb profile add NAME --url URL` adds one"
    )]
    UnknownProfile { name: String, known: String },
    /// The review track locks the part an edit touches.
    #[error("cannot change the {part}: {lock}")]
    Locked {
        part: &'static str,
        lock: workbench_domain::EditLock,
    },
    /// An edit that does not fit a version (an unknown field, a value of the wrong shape).
    #[error("{0}")]
    InvalidEdit(String),
    /// The rules engine found errors: nothing was stored or queued.
    #[error("{what} breaks {} rule(s): {}", .messages.len(), .messages.join("; "))]
    ValidationFailed { what: String, messages: Vec<String> },
    /// A link the window asked to open that is not a web or mail link of the version's listing.
    #[error("not opening {url:?}: {reason}")]
    NotAListingLink { url: String, reason: String },
    /// A file to write (`pwb preview --out FILE`) that cannot be written; nothing was written.
    #[error("cannot write {}: {reason}; nothing was written", .path.display())]
    OutputFile {
        path: std::path::PathBuf,
        reason: String,
    },
    /// A file of an export folder (`pwb import`, `pwb diff`) that cannot be used: which file,
    /// and what is wrong where. Nothing was changed.
    #[error("{}: {reason}; nothing was changed", .path.display())]
    ExportFile {
        path: std::path::PathBuf,
        reason: String,
        /// The file (or the version its header names) does not exist.
        missing: bool,
    },
    /// A profile, or a change to the profiles, that is not allowed or not well formed: the
    /// message says why and what to do. Nothing was changed.
    #[error("{0}")]
    InvalidProfile(String),
    /// A request that is not well formed, refused before anything was sent: the message says
    /// what to change.
    #[error("{0}")]
    InvalidInput(String),
    /// Live data (installations, OAuth clients, the account) are not kept offline: the server
    /// must be reached to see or change them.
    #[error(
        "offline: {what} come live from the server and are not kept in the cache ({source}); connect and try again"
    )]
    LiveOffline {
        what: &'static str,
        source: RemoteError,
    },
}

impl From<workbench_remote::auth::AuthError> for WorkbenchError {
    fn from(error: workbench_remote::auth::AuthError) -> Self {
        match error {
            workbench_remote::auth::AuthError::Remote(e) => e.into(),
            e => WorkbenchError::Auth(e),
        }
    }
}

/// A 401 means "no valid token", which the user fixes by signing in: its own error.
impl From<RemoteError> for WorkbenchError {
    fn from(error: RemoteError) -> Self {
        match error {
            RemoteError::Status { status: 401, .. } => WorkbenchError::NotSignedIn(error),
            RemoteError::InvalidRequest { reason } => WorkbenchError::InvalidInput(reason),
            error => WorkbenchError::Remote(error),
        }
    }
}

/// The stable codes of [`WorkbenchError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The local cache cannot be opened, read or written.
    Cache,
    /// The server cannot be reached: work goes on from the cache.
    ServerUnreachable,
    /// The server answered with an error.
    ServerError,
    /// The server's reply was cut off or unreadable.
    MalformedReply,
    NotFound,
    /// The server wants a valid access token: sign in (or set `PWB_TOKEN`).
    NotSignedIn,
    /// What was asked is not allowed or not well formed (a suppression of an error, without a
    /// reason, of a rule the pack does not have; a file that cannot be read): the message says
    /// what to change.
    InvalidInput,
    /// The review track does not allow the change now (In Review, published, or frozen).
    Locked,
    /// The rules engine found errors in what was to be stored or submitted.
    ValidationFailed,
    /// Signing in did not complete: denied, expired, or refused by the server.
    SignIn,
    /// No keyring works, or the one in use failed.
    Keyring,
    /// Anything else: a version that changed while a command ran (run it again), a bug, or a
    /// broken installation.
    Internal,
}

impl WorkbenchError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WorkbenchError::Store(StoreError::ChangedMeanwhile { .. }) => ErrorCode::Internal,
            WorkbenchError::Store(_)
            | WorkbenchError::NoDataDir
            | WorkbenchError::CachedPack(_) => ErrorCode::Cache,
            WorkbenchError::Remote(e) => match e {
                RemoteError::Unreachable { .. } => ErrorCode::ServerUnreachable,
                RemoteError::Status { status: 404, .. } => ErrorCode::NotFound,
                // A server that broke a bound (too large, too slow, a feed or collection that
                // does not end) answered wrongly: the server's fault, like an error status.
                RemoteError::Status { .. }
                | RemoteError::InvalidServer { .. }
                | RemoteError::Misbehaved { .. } => ErrorCode::ServerError,
                RemoteError::Interrupted { .. } | RemoteError::Malformed { .. } => {
                    ErrorCode::MalformedReply
                }
                RemoteError::InvalidRequest { .. } => ErrorCode::InvalidInput,
            },
            WorkbenchError::UnknownVersion(_)
            | WorkbenchError::WrongApp { .. }
            | WorkbenchError::NoSuchSuppression { .. }
            | WorkbenchError::IconFile { missing: true, .. }
            | WorkbenchError::ExportFile { missing: true, .. }
            | WorkbenchError::UnknownProfile { .. } => ErrorCode::NotFound,
            WorkbenchError::Locked { .. } => ErrorCode::Locked,
            WorkbenchError::ValidationFailed { .. } => ErrorCode::ValidationFailed,
            WorkbenchError::InvalidSuppression(_)
            | WorkbenchError::InvalidEdit(_)
            | WorkbenchError::IconFile { .. }
            | WorkbenchError::ExportFile { .. }
            | WorkbenchError::InvalidProfile(_)
            | WorkbenchError::NotAListingLink { .. }
            | WorkbenchError::OutputFile { .. }
            | WorkbenchError::InvalidInput(_) => ErrorCode::InvalidInput,
            WorkbenchError::LiveOffline { .. } => ErrorCode::ServerUnreachable,
            WorkbenchError::NotSignedIn(_) | WorkbenchError::SignedOut { .. } => {
                ErrorCode::NotSignedIn
            }
            WorkbenchError::Auth(_) => ErrorCode::SignIn,
            WorkbenchError::Secrets(_) => ErrorCode::Keyring,
            WorkbenchError::Settings(_) => ErrorCode::Cache,
            WorkbenchError::Sandbox(_) => ErrorCode::Internal,
        }
    }
}

fn field_suffix(field: &Option<String>) -> String {
    match field {
        Some(field) => format!(" on field {field}"),
        None => " for every field".to_owned(),
    }
}
