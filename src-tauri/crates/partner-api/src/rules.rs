//! The rules pack on the wire (SPEC §5): `GET /rules` serves it. The format and the shipped
//! default pack belong to the validation engine in `workbench_domain::validation`, which the
//! client and the sandbox both run, so the pack the server serves and the pack the engine reads
//! cannot disagree.

pub use workbench_domain::validation::{DEFAULT_PACK_JSON, Rule, RulesPack, Severity};

/// Where the sandbox serves the current pack.
pub const PATH: &str = "/rules";

/// The pack that ships with the app and that the sandbox serves.
pub fn default_pack() -> RulesPack {
    RulesPack::default_pack()
}
