//! The exit codes of `pwb`. They are part of its interface (scripts branch on them) and are
//! listed in the README: never renumber one.

use workbench::{ErrorCode, WorkbenchError};

pub const SUCCESS: u8 = 0;
/// Anything not covered below.
pub const FAILURE: u8 = 1;
// 2 is clap's: the command line itself was wrong.
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

pub fn for_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Cache => CACHE,
        ErrorCode::ServerUnreachable => OFFLINE,
        ErrorCode::ServerError | ErrorCode::MalformedReply => SERVER,
        ErrorCode::NotFound => NOT_FOUND,
        ErrorCode::NotSignedIn => NOT_SIGNED_IN,
        ErrorCode::Internal => FAILURE,
    }
}

pub fn for_error(error: &WorkbenchError) -> u8 {
    for_code(error.code())
}
