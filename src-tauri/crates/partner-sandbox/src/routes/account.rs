//! `GET /account`: the partner's licenses and credit balance.

use axum::Json;
use axum::extract::State;
use partner_api::account::Account;

use super::AppState;
use crate::error::HttpError;

pub async fn get(State(state): State<AppState>) -> Result<Json<Account>, HttpError> {
    Ok(Json(state.query(|db| db.account()).await?))
}
