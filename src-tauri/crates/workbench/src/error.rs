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
    Remote(#[from] RemoteError),
    #[error("cannot start the embedded sandbox: {0}")]
    Sandbox(#[from] partner_sandbox::SandboxError),
    #[error("no data folder: this system has no standard data directory; set PWB_DATA_DIR")]
    NoDataDir,
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
            WorkbenchError::Sandbox(_) => ErrorCode::Internal,
        }
    }
}
