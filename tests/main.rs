//! The one integration-test binary: the crates together, over a real SQLite cache and real HTTP
//! to a real sandbox on 127.0.0.1. Each test starts its own sandbox on a free port over its own
//! temporary folders, so tests run in parallel and leave nothing behind.

/// The sandbox, the cache and the helpers every test shares.
mod support;

/// Pulls that succeed: paging, plans, icons, ETags and base copies; icons reused; apps removed.
mod pull;

/// Pulls cut off, unreadable or refused by the server: the right error code, the cache unchanged.
mod interrupted;

/// A server that is down: offline, and the cache still listed.
mod offline;

/// Live data through the facade: installations with their badges, decisions, OAuth clients
/// (the secret written nowhere), the account, and offline said as such.
mod live;

/// The rules pack cached by a pull (and kept when it cannot be read), and suppressions.
mod rules;

/// Two-way sync: offline and portal edits merged, conflicts, plans, queued submissions, faults,
/// and the cost of a sync with nothing to do.
mod sync;

/// A server that wants a token: without one (or with a bad one) the pull is "not signed in".
mod auth;

/// Signing in with the device flow, tokens in the real OS keyring, refresh and sign-out.
mod signin;

/// Server parity: for 1,000 generated versions, the sandbox's verdicts over HTTP (icon upload,
/// submission, automatic review) equal the tool's own rules engine.
mod parity;

/// Layout rules checked on the repository's files: no tauri in the core, binary names,
/// commented members, Tauri imports only in ui/src/ipc, no ignored tests.
mod guards;
