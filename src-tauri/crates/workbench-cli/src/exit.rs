//! The exit codes of `pwb`. They are part of its interface (scripts branch on them) and are
//! listed in the README: never renumber one.
//!
//! `pwb validate` has its own three, as CI scripts expect of a checker: [`VALID`], [`INVALID`],
//! [`COULD_NOT_RUN`]. They agree with the general ones where they meet: 0 is success, and 2 (a
//! wrong command line, which clap reports before any command runs) is one way of not running.

use workbench::{ErrorCode, WorkbenchError};

pub const SUCCESS: u8 = 0;
/// Anything not covered below.
pub const FAILURE: u8 = 1;
/// The command line was wrong (clap exits with it too), or asked for something not allowed,
/// such as suppressing an error.
pub const USAGE: u8 = 2;
/// The local cache cannot be opened, read or written.
pub const CACHE: u8 = 3;
/// The server cannot be reached.
pub const OFFLINE: u8 = 4;
/// The server answered with an error, or a reply that cannot be read.
pub const SERVER: u8 = 5;
/// What was asked for does not exist.
pub const NOT_FOUND: u8 = 6;
/// The server wants a valid access token: sign in, or set `PWB_TOKEN`.
pub const NOT_SIGNED_IN: u8 = 7;
/// Signing in did not complete: denied on the verification page, the code expired, or the
/// server refused.
pub const SIGN_IN_FAILED: u8 = 8;
/// No keyring works to keep the tokens, or the one in use failed.
pub const KEYRING: u8 = 9;

/// The review track locks what an edit touches (In Review, published, or frozen by Talkdesk).
pub const LOCKED: u8 = 10;
/// The rules engine found errors in an icon to store or a track to submit: nothing was queued.
pub const INVALID_CONTENT: u8 = 11;
/// The server refused a queued change for good; `pwb outbox` says why (`pwb retry`, `pwb discard`).
pub const HELD: u8 = 12;
/// A sync finished but conflicts wait for you: `pwb conflicts`, then `pwb resolve`.
pub const CONFLICTS: u8 = 13;

/// `pwb validate`: no errors found (warnings and info are allowed).
pub const VALID: u8 = 0;
/// `pwb validate`: errors found.
pub const INVALID: u8 = 1;
/// `pwb validate`: the check could not run, for any reason (a wrong command line, a file that
/// cannot be read, a version not in the cache, a cache that cannot be opened); stderr says which.
pub const COULD_NOT_RUN: u8 = 2;

pub fn for_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Cache => CACHE,
        ErrorCode::ServerUnreachable => OFFLINE,
        ErrorCode::ServerError | ErrorCode::MalformedReply => SERVER,
        ErrorCode::NotFound => NOT_FOUND,
        ErrorCode::NotSignedIn => NOT_SIGNED_IN,
        ErrorCode::InvalidInput => USAGE,
        ErrorCode::SignIn => SIGN_IN_FAILED,
        ErrorCode::Keyring => KEYRING,
        ErrorCode::Locked => LOCKED,
        ErrorCode::ValidationFailed => INVALID_CONTENT,
        ErrorCode::Internal => FAILURE,
    }
}

pub fn for_error(error: &WorkbenchError) -> u8 {
    for_code(error.code())
}
