//! The partner's account (SPEC §3): licenses and credit balance.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PATH: &str = "/account";
/// The licenses every developer account gets for free.
pub const FREE_DEVELOPER_LICENSES: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    pub licenses: Licenses,
    pub credits: Credits,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Licenses {
    pub total: u32,
    pub used: u32,
    /// Of `total`, how many came free with the developer account.
    pub free_developer: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Credits {
    /// In minor units of `currency` (cents for USD).
    pub balance: i64,
    /// ISO 4217.
    pub currency: String,
}
