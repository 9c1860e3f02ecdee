//! `GET /changes?cursor=C[&limit=N]`: the change feed (see `store::changes_after`).
//!
//! `cursor=latest` answers no changes and, as `next_cursor`, the current end of the feed: a
//! client that is about to make a full copy asks for it first, then reads the feed from that
//! cursor, so it neither replays history it has copied nor misses a change made meanwhile.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::Uri;
use partner_api::{ChangesPage, MAX_CHANGES_PER_PAGE};

use super::AppState;
use crate::error::{HttpError, field};

pub async fn list(State(state): State<AppState>, uri: Uri) -> Result<Json<ChangesPage>, HttpError> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&uri).map_err(|e| {
        HttpError::invalid_request("the query string is malformed", vec![])
            .with_description(e.body_text())
    })?;
    let mut cursor = None;
    let mut limit = MAX_CHANGES_PER_PAGE;
    for (name, value) in pairs {
        match name.as_str() {
            "cursor" => cursor = Some(value),
            "limit" => {
                limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_CHANGES_PER_PAGE).contains(n))
                    .ok_or_else(|| {
                        HttpError::invalid_request(
                            "invalid limit",
                            vec![field(
                                "limit",
                                format!("must be a whole number from 1 to {MAX_CHANGES_PER_PAGE}"),
                            )],
                        )
                    })?;
            }
            _ => {}
        }
    }
    let db = state.db.clone();
    let page = tokio::task::spawn_blocking(move || {
        db.read(|conn| crate::store::changes_after(conn, cursor.as_deref(), limit))
    })
    .await
    .map_err(|_| HttpError::internal())??;
    Ok(Json(page))
}
