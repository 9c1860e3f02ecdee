//! The HTTP client of the Partner Project API (SPEC §4). It knows the wire contract of
//! `partner-api` and nothing of the cache: it turns replies into domain values or a
//! [`RemoteError`] that says what went wrong and where.
//!
//! Start with [`PartnerClient`]. Collections are walked through `_links.next` only, never by
//! building page URLs; every reply body is read with a size cap, and a malformed or truncated
//! reply is an error, never a partial result.

pub mod auth;
mod client;
mod error;
mod token;

pub use client::{FetchedRules, PartnerClient};
pub use error::RemoteError;
pub use token::SecretToken;
