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
    #[error("not signed in: set PWB_TOKEN or sign in ({0})")]
    NotSignedIn(RemoteError),
    #[error("cannot start the embedded sandbox: {0}")]
    Sandbox(#[from] partner_sandbox::SandboxError),
    /// No cached version has this id.
    #[error(
        "no cached version {0}: run `pwb apps` to see the cached ones, or `pwb sync` to fetch new ones"
    )]
    UnknownVersion(String),
    #[error("no data folder: this system has no standard data directory; set PWB_DATA_DIR")]
    NoDataDir,
}

/// A 401 means "no valid token", which the user fixes by signing in: its own error.
impl From<RemoteError> for WorkbenchError {
    fn from(error: RemoteError) -> Self {
        match error {
            RemoteError::Status { status: 401, .. } => WorkbenchError::NotSignedIn(error),
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
    /// Anything else: a bug or a broken installation.
    Internal,
}

impl WorkbenchError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WorkbenchError::Store(_) | WorkbenchError::NoDataDir => ErrorCode::Cache,
            WorkbenchError::Remote(e) => match e {
                RemoteError::Unreachable { .. } => ErrorCode::ServerUnreachable,
                RemoteError::Status { status: 404, .. } => ErrorCode::NotFound,
                RemoteError::Status { .. } | RemoteError::InvalidServer { .. } => {
                    ErrorCode::ServerError
                }
                RemoteError::Interrupted { .. } | RemoteError::Malformed { .. } => {
                    ErrorCode::MalformedReply
                }
            },
            WorkbenchError::NotSignedIn(_) => ErrorCode::NotSignedIn,
            WorkbenchError::UnknownVersion(_) => ErrorCode::NotFound,
            WorkbenchError::Sandbox(_) => ErrorCode::Internal,
        }
    }
}
