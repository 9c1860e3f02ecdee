use std::time::Duration;

use partner_api::ApiError;

/// Why a request to the Partner Project API failed. `Unreachable` is the offline case: the
/// caller keeps working from the cache and says so.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{reason}")]
    InvalidServer { reason: String },
    /// The caller's request is not one to send (a rejection without a reason): refused before
    /// anything went out.
    #[error("{reason}")]
    InvalidRequest { reason: String },
    #[error("cannot reach the server at {server} ({}); check the address and your network", root_cause(.source))]
    Unreachable {
        server: String,
        source: reqwest::Error,
    },
    #[error("the reply from {url} was cut off before it ended ({})", root_cause(.source))]
    Interrupted { url: String, source: reqwest::Error },
    #[error("{url} answered {status}{}", api_error_suffix(.error))]
    Status {
        url: String,
        status: u16,
        error: Option<Box<ApiError>>,
        /// The reply's `Retry-After`, in its seconds form (429 and 503 carry one).
        retry_after: Option<Duration>,
    },
    #[error("the server sent a reply Partner Workbench cannot read from {url}: {reason}")]
    Malformed { url: String, reason: String },
    /// The server broke one of the client's bounds ([`crate::bounds`]): a reply too large or too
    /// slow, a change feed or a collection that does not end. The server's fault (or a proxy's in
    /// front of it); trying again does not help, so it never is.
    #[error(
        "the server misbehaved, so Partner Workbench stopped talking to it: {reason} (at {url}); \
         this is a fault of the server or of a proxy in front of it"
    )]
    Misbehaved { url: String, reason: String },
}

/// The innermost cause ("Connection refused"), which says more than reqwest's outer message.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

fn api_error_suffix(error: &Option<Box<ApiError>>) -> String {
    match error.as_deref() {
        Some(e) if e.description.is_empty() => format!(": {}", e.message),
        Some(e) => format!(": {} ({})", e.message, e.description),
        None => String::new(),
    }
}

impl RemoteError {
    /// Whether the server could not be reached at all, as opposed to answering wrongly.
    pub fn is_offline(&self) -> bool {
        matches!(self, RemoteError::Unreachable { .. })
    }

    /// Whether the server broke one of the client's bounds ([`RemoteError::Misbehaved`]).
    pub fn is_misbehaving(&self) -> bool {
        matches!(self, RemoteError::Misbehaved { .. })
    }

    /// The HTTP status the server answered, when it answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            RemoteError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A 412: the resource changed since the `If-Match` ETag was read. Fetch it again and merge.
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(412)
    }

    /// Whether the same request is worth trying again later: the server could not be reached,
    /// the connection dropped or the reply was cut off, or it answered 429, 500, 502, 503 or
    /// 504. Everything else (a 4xx, a malformed reply, a bad server address) fails again.
    pub fn is_transient(&self) -> bool {
        match self {
            RemoteError::Unreachable { .. } | RemoteError::Interrupted { .. } => true,
            RemoteError::Status { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            RemoteError::InvalidServer { .. }
            | RemoteError::InvalidRequest { .. }
            | RemoteError::Malformed { .. }
            | RemoteError::Misbehaved { .. } => false,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`, seconds form).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RemoteError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
