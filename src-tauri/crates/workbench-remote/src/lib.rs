//! The HTTP client of the Partner Project API (SPEC §4). It knows the wire contract of
//! `partner-api` and nothing of the cache: it turns replies into domain values or a
//! [`RemoteError`] that says what went wrong and where.
//!
//! Start with [`PartnerClient`]. Collections are walked through `_links.next` only, never by
//! building page URLs; every reply body (the sign-in's included) is read with a size cap and a
//! deadline, collections and the change feed are bounded as a whole ([`bounds`]), and a
//! malformed or truncated reply is an error, never a partial result.
//!
//! The writes of a sync (`update_version`, `put_icon`, `submit`, `withdraw`, `make_available`)
//! each send `If-Match` and an `Idempotency-Key` and answer the version as the
//! server saved it, new ETag included. [`PartnerClient::with_retry`] makes every request try
//! again after a passing failure ([`RetryPolicy`]); a 412 is
//! [`RemoteError::is_precondition_failed`], never retried.

pub mod auth;
pub mod bounds;
mod client;
mod error;
mod retry;
mod token;

pub use client::{ClientSecret, FeedRead, FetchedRules, NewClient, PartnerClient};
pub use error::RemoteError;
pub use retry::RetryPolicy;
pub use token::SecretToken;
