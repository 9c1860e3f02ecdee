use partner_api::ApiError;

/// Why a request to the Partner Project API failed. `Unreachable` is the offline case: the
/// caller keeps working from the cache and says so.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{reason}")]
    InvalidServer { reason: String },
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
    },
    #[error("the server sent a reply Partner Workbench cannot read from {url}: {reason}")]
    Malformed { url: String, reason: String },
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
}
