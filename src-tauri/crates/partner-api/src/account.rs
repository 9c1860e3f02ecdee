//! The partner's account (SPEC §3): licenses and credit balance.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PATH: &str = "/account";
/// The licenses every developer account gets for free (Partner Project FAQ §8: "The developer
/// account includes three free licenses and $25 worth of credits").
pub const FREE_DEVELOPER_LICENSES: u32 = 3;
/// The credits every developer account starts with, in minor units of
/// [`FREE_DEVELOPER_CREDITS_CURRENCY`]: $25.00 (FAQ §8: "to be applied to purchasing the first
/// phone number and minutes charges").
pub const FREE_DEVELOPER_CREDITS: i64 = 2_500;
/// The currency of [`FREE_DEVELOPER_CREDITS`] (ISO 4217): the FAQ says "$25".
pub const FREE_DEVELOPER_CREDITS_CURRENCY: &str = "USD";

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
