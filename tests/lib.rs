//! Nothing here: the tests live in `main.rs` and its modules.
