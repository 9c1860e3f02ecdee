//! Metadata (RFC 8414), the token endpoint, revocation (RFC 7009) and the admin token route.

use axum::extract::State;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use partner_api::oauth::{
    AuthorizationServerMetadata, PUBLIC_CLIENT_ID, RevocationRequest, SandboxTokenRequest,
    TokenRequest, errors, grant_types, paths, scopes,
};

use super::{Failure, OAuthFailure, client_id, no_store, parse_scope};
use crate::error::HttpError;
use crate::routes::AppState;

pub async fn metadata(State(state): State<AppState>) -> Json<AuthorizationServerMetadata> {
    let oauth = &state.oauth;
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    Json(AuthorizationServerMetadata {
        issuer: oauth.issuer.clone(),
        authorization_endpoint: oauth.url(paths::AUTHORIZE),
        token_endpoint: oauth.url(paths::TOKEN),
        device_authorization_endpoint: oauth
            .config
            .device_flow
            .then(|| oauth.url(paths::DEVICE_AUTHORIZATION)),
        revocation_endpoint: Some(oauth.url(paths::REVOKE)),
        scopes_supported: strings(&scopes::ALL),
        response_types_supported: strings(&["code"]),
        grant_types_supported: strings(&[
            grant_types::DEVICE_CODE,
            grant_types::REFRESH_TOKEN,
            grant_types::AUTHORIZATION_CODE,
        ]),
        token_endpoint_auth_methods_supported: strings(&["none"]),
        revocation_endpoint_auth_methods_supported: strings(&["none"]),
        code_challenge_methods_supported: strings(&["S256"]),
    })
}

/// The form could not be read: wrong content type or a missing field.
pub(super) fn bad_form(rejection: FormRejection) -> OAuthFailure {
    OAuthFailure::new(
        errors::INVALID_REQUEST,
        format!(
            "the body must be an application/x-www-form-urlencoded form with the required fields: {}",
            rejection.body_text()
        ),
    )
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OAuthFailure> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthFailure::new(errors::INVALID_REQUEST, format!("{name} is missing")))
}

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Response {
    match exchange(&state, &headers, form).await {
        Ok(tokens) => (StatusCode::OK, no_store(), Json(tokens)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

async fn exchange(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Result<partner_api::oauth::TokenResponse, Failure> {
    let Form(request) = form.map_err(bad_form)?;
    let client = client_id(request.client_id.as_deref(), headers)?;
    match request.grant_type.as_str() {
        grant_types::DEVICE_CODE => {
            let device_code = required(&request.device_code, "device_code")?.to_owned();
            state
                .oauth
                .run(move |store, config| store.poll_device(config, &client, &device_code))
                .await
        }
        grant_types::REFRESH_TOKEN => {
            let refresh_token = required(&request.refresh_token, "refresh_token")?.to_owned();
            let scope = request.scope.filter(|s| !s.trim().is_empty());
            state
                .oauth
                .run(move |store, config| {
                    store.refresh(config, &client, &refresh_token, scope.as_deref())
                })
                .await
        }
        grant_types::AUTHORIZATION_CODE => {
            let code = required(&request.code, "code")?.to_owned();
            let redirect_uri = required(&request.redirect_uri, "redirect_uri")?.to_owned();
            let verifier = required(&request.code_verifier, "code_verifier")?.to_owned();
            state
                .oauth
                .run(move |store, config| {
                    store.exchange_code(config, &client, &code, &redirect_uri, &verifier)
                })
                .await
        }
        other => Err(OAuthFailure::new(
            errors::UNSUPPORTED_GRANT_TYPE,
            format!(
                "grant_type {other:?} is not supported; use {}, {} or {}",
                grant_types::DEVICE_CODE,
                grant_types::REFRESH_TOKEN,
                grant_types::AUTHORIZATION_CODE
            ),
        )
        .into()),
    }
}

/// RFC 7009: 200 whether or not the token was known, so the endpoint reveals nothing.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<RevocationRequest>, FormRejection>,
) -> Response {
    let result: Result<(), Failure> = async {
        let Form(request) = form.map_err(bad_form)?;
        client_id(request.client_id.as_deref(), &headers)?;
        let token = request.token;
        state
            .oauth
            .run(move |store, _| Ok(store.revoke(&token)?))
            .await
    }
    .await;
    match result {
        Ok(()) => (StatusCode::OK, no_store()).into_response(),
        Err(failure) => failure.into_response(),
    }
}

/// `POST /_sandbox/tokens` `{scopes: [...]}`: a token response without a browser.
pub async fn admin_issue(
    State(state): State<AppState>,
    body: Result<Json<SandboxTokenRequest>, JsonRejection>,
) -> Result<Response, HttpError> {
    let Json(request) = body.map_err(|e| {
        // A body past the admin limit keeps its 413; any other problem is the body's shape.
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return HttpError::for_status(e.status()).with_description(e.body_text());
        }
        HttpError::invalid_request("the body must be JSON: {\"scopes\": [...]}", vec![])
            .with_description(e.body_text())
    })?;
    let scopes = request.scopes.unwrap_or_default().join(" ");
    let scope = parse_scope(Some(&scopes))
        .map_err(|e| {
            HttpError::invalid_request(
                "unknown scope",
                vec![crate::error::field("scopes", e.description)],
            )
        })?
        .join(" ");
    let oauth = state.oauth.clone();
    let tokens = oauth
        .run(move |store, config| {
            store.issue(config, PUBLIC_CLIENT_ID, &scope, config.access_token_ttl)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot issue a sandbox token");
            HttpError::internal()
        })?;
    Ok((StatusCode::OK, no_store(), Json(tokens)).into_response())
}
