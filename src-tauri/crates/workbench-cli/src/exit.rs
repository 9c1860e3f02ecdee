//! The exit codes of `pwb`. They are part of its interface (scripts branch on them): never
//! renumber one. [`CODES`] and [`VALIDATE_CODES`] are the one list of them with their meaning:
//! `pwb --help` prints them ([`help`]) and a test checks the guide's tables (docs/guide.md) say the same.
//!
//! `pwb validate` has its own three, as CI scripts expect of a checker: [`VALID`], [`INVALID`],
//! [`COULD_NOT_RUN`]. They agree with the general ones where they meet: 0 is success, and 2 (a
//! wrong command line, which clap reports before any command runs) is one way of not running.

use workbench::{ErrorCode, WorkbenchError};

pub const SUCCESS: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const CACHE: u8 = 3;
pub const OFFLINE: u8 = 4;
pub const SERVER: u8 = 5;
pub const NOT_FOUND: u8 = 6;
pub const NOT_SIGNED_IN: u8 = 7;
pub const SIGN_IN_FAILED: u8 = 8;
pub const KEYRING: u8 = 9;
pub const LOCKED: u8 = 10;
pub const INVALID_CONTENT: u8 = 11;
pub const HELD: u8 = 12;
pub const CONFLICTS: u8 = 13;

pub const VALID: u8 = 0;
pub const INVALID: u8 = 1;
pub const COULD_NOT_RUN: u8 = 2;

/// An exit code and what it means, as the guide's table and `pwb --help` say it.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: u8,
    pub meaning: &'static str,
}

/// Every exit code of `pwb` but `pwb validate`, in order.
pub const CODES: &[Code] = &[
    Code {
        code: SUCCESS,
        meaning: "success (for `pwb apps` and `pwb diff`, also when offline: the cache was shown \
                  or compared, and stderr says so)",
    },
    Code {
        code: FAILURE,
        meaning: "any other failure (among them: the version changed while `pwb import` ran; \
                  nothing was applied, run it again)",
    },
    Code {
        code: USAGE,
        meaning: "the command line was wrong, or asked for something not allowed (suppressing an \
                  error, a suppression without a reason or of a rule the pack does not have; a \
                  profile change refused, a bad server URL, `--profile` with `--server`; a `pwb \
                  preview --out` file that cannot be written; a `pwb export` folder that is \
                  neither empty nor an earlier export of the version; a `pwb import` or `pwb \
                  diff` folder whose files cannot be used)",
    },
    Code {
        code: CACHE,
        meaning: "the local cache or settings cannot be opened, read or written (for example, a \
                  cache written by a newer Partner Workbench, or a damaged `settings.json`)",
    },
    Code {
        code: OFFLINE,
        meaning: "the server cannot be reached (for `pwb installations`, `pwb clients` and \
                  `pwb account`: they are live data, not kept offline)",
    },
    Code {
        code: SERVER,
        meaning: "the server answered with an error or a reply that cannot be read",
    },
    Code {
        code: NOT_FOUND,
        meaning: "what was asked for does not exist (a version, also the one a `pwb import` or \
                  `pwb diff` folder names; a suppression, a profile; that folder)",
    },
    Code {
        code: NOT_SIGNED_IN,
        meaning: "not signed in: the server wants a valid access token (set `PWB_TOKEN`, or sign in)",
    },
    Code {
        code: SIGN_IN_FAILED,
        meaning: "signing in did not complete: denied on the verification page, the code expired, \
                  or the server refused",
    },
    Code {
        code: KEYRING,
        meaning: "no keyring works to keep the tokens (or the one in use failed); see \
                  `pwb login --help`",
    },
    Code {
        code: LOCKED,
        meaning: "the review track locks what an edit touches (In Review, published, or frozen by \
                  Talkdesk); nothing changed",
    },
    Code {
        code: INVALID_CONTENT,
        meaning: "the rules engine found errors in an icon to store or a track to submit; nothing \
                  was queued",
    },
    Code {
        code: HELD,
        meaning: "the server refused a queued change for good: `pwb outbox` says why (`pwb retry`, \
                  `pwb discard`)",
    },
    Code {
        code: CONFLICTS,
        meaning: "`pwb sync` finished, but conflicts wait for you: `pwb conflicts`, then `pwb resolve`",
    },
];

/// `pwb validate`'s own three codes: a CI step can tell "the version has errors" from "the check
/// did not happen".
pub const VALIDATE_CODES: &[Code] = &[
    Code {
        code: VALID,
        meaning: "no errors found (warnings and info may remain, and are printed)",
    },
    Code {
        code: INVALID,
        meaning: "errors found",
    },
    Code {
        code: COULD_NOT_RUN,
        meaning: "could not run, whatever the reason: a wrong command line, a file that cannot be \
                  read, a version not in the cache or not of that app, a cache that cannot be \
                  opened; stderr says which",
    },
];

/// The width `pwb --help` wraps the exit codes' meanings to.
const HELP_WIDTH: usize = 100;

/// The exit codes as `pwb --help` ends: every code with its meaning, then `pwb validate`'s.
pub fn help() -> String {
    let mut out = String::from("Exit codes (stable: scripts can rely on them):\n");
    list(&mut out, CODES);
    out.push_str("\n`pwb validate` has three of its own:\n");
    list(&mut out, VALIDATE_CODES);
    out
}

/// `pwb validate --help`'s ending: its three codes.
pub fn validate_help() -> String {
    let mut out = String::from("Exit codes:\n");
    list(&mut out, VALIDATE_CODES);
    out
}

/// Each code right-aligned, its meaning wrapped under itself.
fn list(out: &mut String, codes: &[Code]) {
    const INDENT: usize = 6;
    for code in codes {
        let mut line = format!("{:>4}  ", code.code);
        for word in code.meaning.split_whitespace() {
            if line.len() > INDENT && line.len() + 1 + word.len() > HELP_WIDTH {
                out.push_str(line.trim_end());
                out.push('\n');
                line = " ".repeat(INDENT);
            } else if line.len() > INDENT {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_listed_once_each_in_order() {
        for codes in [CODES, VALIDATE_CODES] {
            let numbers: Vec<u8> = codes.iter().map(|c| c.code).collect();
            let expected: Vec<u8> = (0..numbers.len() as u8).collect();
            assert_eq!(numbers, expected, "codes from 0, none skipped or repeated");
        }
    }

    #[test]
    fn every_code_an_error_maps_to_is_listed() {
        use ErrorCode::*;
        for code in [
            Cache,
            ServerUnreachable,
            ServerError,
            MalformedReply,
            NotFound,
            NotSignedIn,
            InvalidInput,
            SignIn,
            Keyring,
            Locked,
            ValidationFailed,
            Internal,
        ] {
            let exit = for_code(code);
            assert!(
                CODES.iter().any(|c| c.code == exit),
                "{code:?} exits {exit}, which the table lists"
            );
        }
    }

    #[test]
    fn help_wraps_each_meaning_under_itself() {
        let help = help();
        assert!(help.lines().all(|line| line.chars().count() <= HELP_WIDTH));
        assert!(help.contains("\n  13  `pwb sync` finished, but conflicts wait for you"));
        assert!(help.contains("\n   2  could not run, whatever the reason"));
        let words: Vec<&str> = help.split_whitespace().collect();
        for code in CODES.iter().chain(VALIDATE_CODES) {
            let meaning: Vec<&str> = code.meaning.split_whitespace().collect();
            assert!(
                words
                    .windows(meaning.len())
                    .any(|w| w == meaning.as_slice()),
                "the help says {:?} whole",
                code.meaning
            );
        }
    }
}
