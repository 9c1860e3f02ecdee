//! The domain of Partner Workbench: a partner's apps, their versions with the general, technical
//! and marketplace sections and the subscription plans, and the two review tracks a version goes through.
//!
//! Everything here is pure: data in, data out, no I/O and no clock, so nothing here can fail
//! for a reason outside its arguments. Start with [`model`] for the shapes (field names follow
//! Talkdesk's public Apps API) and [`review`] for the review tracks, their transitions and the
//! edit-lock rule, [`merge`] for the field-level three-way merge of offline edits with the
//! server's copy, and [`validation`] for the rules pack and the engine that checks a version against it.
//! [`card`] has the marketplace card's stated rules (summary truncation, price line, trial mark),
//! which the window's preview tells in TypeScript too.

pub mod badges;
pub mod card;
pub mod html;
pub mod installation;
pub mod lifecycle;
pub mod merge;
pub mod model;
pub mod review;
pub mod validation;

pub use model::*;
pub use review::*;
