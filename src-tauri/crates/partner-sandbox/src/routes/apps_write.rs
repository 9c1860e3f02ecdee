//! `POST /apps` (register) and `PATCH /apps/{app_id}` (app-level fields).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use partner_api::{ChangeKind, FieldError, RegisterApp, UpdateApp, paths};
use rusqlite::OptionalExtension;
use workbench_domain::{App, lifecycle};

use super::body::{self, JSON_LIMIT, Reply};
use super::{AppState, app_not_found, path};
use crate::error::{HttpError, field};
use crate::store::{self, NewChange, app_etag};

pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let key = body::idempotency_key(&headers)?;
    let value: serde_json::Value = body::json(&headers, &raw, None)?;
    let missing: Vec<FieldError> = RegisterApp::REQUIRED
        .iter()
        .filter(|name| {
            value
                .get(**name)
                .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
        })
        .map(|name| field(name, "is required"))
        .collect();
    if !missing.is_empty() {
        return Err(HttpError::invalid_request(
            "the app is missing required fields",
            missing,
        ));
    }
    let request: RegisterApp = body::typed(value)?;
    let problems: Vec<FieldError> = lifecycle::registration_problems(
        &request.name,
        &request.slug,
        &request.display_name,
        &request.created_type,
    )
    .into_iter()
    .map(|(name, problem)| field(name, problem))
    .collect();
    if !problems.is_empty() {
        return Err(HttpError::invalid_request("invalid app", problems));
    }
    let fingerprint = body::fingerprint("POST", paths::APPS, &raw);
    body::write(&state, move |conn| {
        body::idempotent(conn, key.as_deref(), &fingerprint, |conn| {
            let taken = conn
                .query_row(
                    "SELECT 1 FROM apps WHERE name = ?1",
                    [&request.name],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if taken {
                return Err(HttpError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    format!("an app named {} already exists", request.name),
                )
                .with_description("app names are unique; choose another name"));
            }
            let app = App {
                id: store::new_id("app"),
                name: request.name,
                slug: request.slug,
                display_name: request.display_name,
                created_type: request.created_type,
                app_type: request.app_type,
                render: request.render,
                sandbox: false,
            };
            crate::db::insert_app(conn, &app)?;
            store::record(conn, NewChange::app(ChangeKind::AppRegistered, &app))?;
            let etag = app_etag(&app);
            Ok(Reply::json(
                StatusCode::CREATED,
                &app,
                Some(&etag),
                Some(&paths::app(&app.id)),
            ))
        })
    })
    .await
}

pub async fn update(
    State(state): State<AppState>,
    app_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Reply, HttpError> {
    let app_id = path(app_id)?;
    let raw = body::bytes(raw, JSON_LIMIT)?;
    let request: UpdateApp = body::json(&headers, &raw, None)?;
    let wanted = body::if_match(&headers)?;
    let mut texts = Vec::new();
    for (name, value) in [
        ("slug", &request.slug),
        ("display_name", &request.display_name),
        ("created_type", &request.created_type),
    ] {
        if let Some(value) = value {
            texts.push((name, value));
        }
    }
    let problems = text_problems(&texts);
    if !problems.is_empty() {
        return Err(HttpError::invalid_request("invalid app fields", problems));
    }
    body::write(&state, move |conn| {
        let mut app = store::load_app(conn, &app_id)?.ok_or_else(|| app_not_found(&app_id))?;
        body::check_etag(&wanted, &app_etag(&app))?;
        let before = app.clone();
        if let Some(v) = request.slug {
            app.slug = v;
        }
        if let Some(v) = request.display_name {
            app.display_name = v;
        }
        if let Some(v) = request.created_type {
            app.created_type = v;
        }
        if let Some(v) = request.app_type {
            app.app_type = v;
        }
        if let Some(v) = request.render {
            app.render = v;
        }
        if app != before {
            conn.execute(
                "UPDATE apps SET slug = ?2, display_name = ?3, created_type = ?4, app_type = ?5,
                 render = ?6 WHERE id = ?1",
                rusqlite::params![
                    app.id,
                    app.slug,
                    app.display_name,
                    app.created_type,
                    app.app_type.as_str(),
                    app.render.as_str()
                ],
            )?;
            store::record(conn, NewChange::app(ChangeKind::AppUpdated, &app))?;
        }
        let etag = app_etag(&app);
        Ok(Reply::json(StatusCode::OK, &app, Some(&etag), None))
    })
    .await
}

fn text_problems(texts: &[(&str, &String)]) -> Vec<FieldError> {
    texts
        .iter()
        .filter_map(|(name, value)| lifecycle::text_problem(value).map(|p| field(name, p)))
        .collect()
}
