//! The two kinds of error: [`SandboxError`], why a sandbox could not start, and [`HttpError`],
//! a request's failure as the wire's `partner_api::ApiError` body with its status.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use partner_api::{ApiError, FieldError};

/// Why [`crate::Sandbox::start`] failed. Each message names the thing to fix.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("cannot use data directory {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the sandbox database {}: {source}", path.display())]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the sandbox database {} has schema version {found}, newer than this partner-sandbox \
         understands ({supported}); use a newer partner-sandbox or another data directory",
        path.display()
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("cannot bring the sandbox database {} up to date: {reason}", path.display())]
    Migration { path: PathBuf, reason: String },
    #[error("cannot create the demo seed: {0}")]
    Seed(String),
    #[error("cannot issue a token: {0}")]
    Token(String),
    #[error(
        "refusing to listen on {0}: it is not a loopback address, so other machines could reach \
         the sandbox, whose admin routes mint tokens and break it on purpose without a token; \
         listen on 127.0.0.1 (the default), or pass --public to serve other machines with the \
         admin routes off and the sign-in pages asking for the demo partner's sign-in"
    )]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A failed request: a status and the `ApiError` body every error reply carries (boxed: with
/// the rules engine's diagnostics it is large, and every handler returns it).
#[derive(Debug, Clone)]
pub struct HttpError {
    pub status: StatusCode,
    pub body: Box<ApiError>,
}

impl HttpError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        HttpError {
            status,
            body: Box::new(ApiError {
                code: code.to_owned(),
                message: message.into(),
                description: String::new(),
                fields: Vec::new(),
                diagnostics: Vec::new(),
                not_checked: Vec::new(),
            }),
        }
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.body.description = description.into();
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn invalid_request(message: impl Into<String>, fields: Vec<FieldError>) -> Self {
        let mut error = HttpError::new(StatusCode::BAD_REQUEST, "invalid_request", message);
        error.body.fields = fields;
        error
    }

    pub fn internal() -> Self {
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the sandbox failed to handle the request",
        )
    }

    /// The error body for a status some layer produced without one (axum's rejections, 405).
    pub fn for_status(status: StatusCode) -> Self {
        let code = match status {
            StatusCode::BAD_REQUEST => "invalid_request",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::MISDIRECTED_REQUEST => "misdirected_request",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_request",
            s if s.is_server_error() => "internal_error",
            _ => "request_failed",
        };
        let message = status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase();
        HttpError::new(status, code, message)
    }
}

pub fn field(name: &str, description: impl Into<String>) -> FieldError {
    FieldError {
        name: name.to_owned(),
        description: description.into(),
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// A database failure is the sandbox's fault, never the client's: log it, answer 500.
impl From<rusqlite::Error> for HttpError {
    fn from(error: rusqlite::Error) -> Self {
        tracing::error!(%error, "database error");
        HttpError::internal()
    }
}
