//! The Tauri commands, one file per area. Each converts, calls one facade function, converts back.

pub mod apps;
pub mod sync;
pub mod versions;
