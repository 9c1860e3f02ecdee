use std::path::PathBuf;

/// Everything that can go wrong in the cache. Messages say what happened and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the cache folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the cache at {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "{path} is not a Partner Workbench cache (not an SQLite database); move it away or set PWB_DATA_DIR to another folder"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "the cache at {path} was written by a newer Partner Workbench (schema {found}; this build knows schema {supported} at most). It was left unchanged: update Partner Workbench, or set PWB_DATA_DIR to use another folder"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot upgrade the cache schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("cache error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the cache holds a value of the wrong type: {0}; run a sync to refill it")]
    Value(#[from] rusqlite::types::FromSqlError),
    #[error(
        "version {version_id} is not in the cache; run a sync, or check the id with `pwb apps`"
    )]
    NoVersion { version_id: String },
    #[error("version {version_id} has no open conflict on {field}; `pwb conflicts` lists them")]
    NoConflict { version_id: String, field: String },
    #[error("{0}")]
    Invalid(String),
    /// A change checked against a version that an edit or a sync changed before it was
    /// written: nothing was written, and running it again checks it anew.
    #[error(
        "version {version_id} changed while this ran (an edit or a sync); nothing was applied: run it again"
    )]
    ChangedMeanwhile { version_id: String },
    #[error("the cache holds a value it cannot read ({what}); run a sync to refill it")]
    Corrupt { what: String },
}

impl StoreError {
    pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt { what: what.into() }
    }
}
