//! The Tauri commands, one file per area. Each converts, calls one facade function, converts back,
//! and answers through `ipc::reply` (the one way out, traced on request).

pub mod account;
pub mod apps;
pub mod edit;
pub mod live;
pub mod outcomes;
pub mod preview;
pub mod profiles;
pub mod sync;
pub mod versions;
