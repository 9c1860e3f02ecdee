//! The device authorization grant (RFC 8628): the device authorization endpoint, the HTML
//! verification page where a person enters the user code and approves or denies, and the
//! admin routes that do the same for tests.
//!
//! The pages answer 200 even for a wrong code (the form is shown again with the reason), so
//! the JSON error layer of the router leaves them as HTML.
//!
//! On a `--public` sandbox the decision form also asks for the demo partner's sign-in, and a
//! decision without it (or with a wrong one) decides nothing: the form is shown again (see
//! `trust.rs`).

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use partner_api::oauth::{DeviceAuthorizationRequest, DeviceAuthorizationResponse, errors, paths};
use serde::Deserialize;

use super::page::{self, escape};
use super::store::DecideError;
use super::tokens::bad_form;
use super::{Failure, OAuthFailure, client_id, no_store, parse_scope};
use crate::error::HttpError;
use crate::routes::AppState;

pub async fn device_authorization(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<DeviceAuthorizationRequest>, FormRejection>,
) -> Response {
    let result: Result<DeviceAuthorizationResponse, Failure> = async {
        if !state.oauth.config.device_flow {
            return Err(OAuthFailure::new(
                errors::UNAUTHORIZED_CLIENT,
                "this server does not offer the device flow; use the authorization code with PKCE",
            )
            .into());
        }
        let Form(request) = form.map_err(bad_form)?;
        let client = client_id(request.client_id.as_deref(), &headers)?;
        let scope = parse_scope(request.scope.as_deref())?.join(" ");
        let oauth = state.oauth.clone();
        let codes = oauth
            .run(move |store, config| store.create_device_code(config, &client, &scope))
            .await?;
        let verification_uri = oauth.url(paths::DEVICE_VERIFICATION);
        Ok(DeviceAuthorizationResponse {
            verification_uri_complete: Some(format!(
                "{verification_uri}?user_code={}",
                codes.user_code
            )),
            verification_uri,
            device_code: codes.device_code,
            user_code: codes.user_code,
            expires_in: oauth.config.device_code_ttl.as_secs(),
            interval: oauth.config.device_interval.as_secs(),
        })
    }
    .await;
    match result {
        Ok(codes) => (StatusCode::OK, no_store(), Json(codes)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VerificationQuery {
    #[serde(default)]
    user_code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct VerificationForm {
    /// Required: the page's forms always send it, so a request without it is no form of ours.
    user_code: String,
    /// `approve` or `deny`; absent means "look the code up" and show what it asks for.
    #[serde(default)]
    decision: Option<String>,
    /// The demo partner's sign-in, which a `--public` sandbox needs with a decision.
    #[serde(default)]
    login: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// `GET /device[?user_code=...]`: the form, with the code filled in when given.
pub async fn verification_page(
    State(state): State<AppState>,
    query: Result<Query<VerificationQuery>, QueryRejection>,
) -> Response {
    let code = query
        .ok()
        .and_then(|Query(q)| q.user_code)
        .unwrap_or_default();
    if code.is_empty() {
        return enter_code_page("", None);
    }
    show_code(&state, &code, None).await
}

/// Shows the request of a pending code with approve/deny buttons (and the sign-in of a public
/// sandbox, with `error` when the last one was refused), or the form again.
async fn show_code(state: &AppState, code: &str, error: Option<&str>) -> Response {
    let lookup = code.to_owned();
    let now = state.oauth.config.clock.now_ms();
    let pending = state
        .oauth
        .run(move |store, _| Ok(store.pending_device(now, &lookup)?))
        .await;
    match pending {
        Ok(Some(pending)) => {
            let body = format!(
                "{error}<p>A device asks to use the Partner Project API with the code \
                 <strong><code>{code}</code></strong>. Check that it is the code your device shows.</p>\
                 <p>It asks for:</p>{scopes}\
                 <form method=\"post\" action=\"{action}\">{hidden}{sign_in}\
                 <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
                 <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
                code = escape(&pending.user_code),
                scopes = page::scope_list(&pending.scope),
                action = paths::DEVICE_VERIFICATION,
                hidden = page::hidden("user_code", &pending.user_code),
                sign_in = if state.trust.public {
                    page::sign_in_fields()
                } else {
                    String::new()
                },
                error = error
                    .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
                    .unwrap_or_default(),
            );
            page::render(StatusCode::OK, "Sign in a device", &body)
        }
        Ok(None) => enter_code_page(
            code,
            Some("That code is unknown, expired or already used. Check it and try again."),
        ),
        Err(failure) => failure.into_response(),
    }
}

fn enter_code_page(code: &str, error: Option<&str>) -> Response {
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "{error}<form method=\"post\" action=\"{action}\">\
         <label>Enter the code your device shows<br>\
         <input type=\"text\" name=\"user_code\" value=\"{code}\" autocomplete=\"off\" \
         autocapitalize=\"characters\" spellcheck=\"false\" required></label><br>\
         <button type=\"submit\">Continue</button></form>",
        action = paths::DEVICE_VERIFICATION,
        code = escape(code),
    );
    page::render(StatusCode::OK, "Sign in a device", &body)
}

/// `POST /device`: look a code up, or approve or deny it.
pub async fn verification_submit(
    State(state): State<AppState>,
    form: Result<Form<VerificationForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        // Not a form, or no `user_code`: the page again, as the client's mistake (400).
        let page = enter_code_page(
            "",
            Some("The form could not be read; enter the code again."),
        );
        return (StatusCode::BAD_REQUEST, page).into_response();
    };
    let approve = match form.decision.as_deref() {
        None => return show_code(&state, &form.user_code, None).await,
        Some("approve") => true,
        Some("deny") => false,
        Some(_) => return enter_code_page(&form.user_code, Some("Choose approve or deny.")),
    };
    // A public sandbox decides only for the demo partner: anyone on the network reaches it.
    let signed_in = crate::trust::is_demo_partner(
        form.login.as_deref().unwrap_or(""),
        form.password.as_deref().unwrap_or(""),
    );
    if state.trust.public && !signed_in {
        tracing::info!("a device decision without the demo partner's sign-in was refused");
        return show_code(&state, &form.user_code, Some(page::SIGN_IN_REFUSED)).await;
    }
    let code = form.user_code.clone();
    let now = state.oauth.config.clock.now_ms();
    let decided = state
        .oauth
        .run(move |store, _| Ok(store.decide_device(now, &code, approve)?))
        .await;
    match decided {
        Ok(Ok(())) if approve => page::render(
            StatusCode::OK,
            "Device approved",
            "<p>The device is signed in. You can close this page and go back to it.</p>",
        ),
        Ok(Ok(())) => page::render(
            StatusCode::OK,
            "Sign-in denied",
            "<p>The device was refused. You can close this page.</p>",
        ),
        Ok(Err(error)) => enter_code_page(&form.user_code, Some(decide_message(&error))),
        Err(failure) => failure.into_response(),
    }
}

fn decide_message(error: &DecideError) -> &'static str {
    match error {
        DecideError::Unknown => "That code is unknown. Check it and try again.",
        DecideError::Expired => "That code has expired. Start the sign-in again on your device.",
        DecideError::AlreadyDecided => "That code has already been approved or denied.",
    }
}

pub async fn admin_approve(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, HttpError> {
    admin_decide(state, code, true).await
}

pub async fn admin_deny(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, HttpError> {
    admin_decide(state, code, false).await
}

/// 204 when decided; 404 for an unknown code, 409 for an expired or already decided one.
async fn admin_decide(
    state: AppState,
    code: Result<Path<String>, PathRejection>,
    approve: bool,
) -> Result<StatusCode, HttpError> {
    let Path(code) = code.map_err(|e| {
        HttpError::invalid_request("the path is malformed", vec![]).with_description(e.body_text())
    })?;
    let now = state.oauth.config.clock.now_ms();
    let lookup = code.clone();
    let decided = state
        .oauth
        .run(move |store, _| Ok(store.decide_device(now, &lookup, approve)?))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot decide a device code");
            HttpError::internal()
        })?;
    match decided {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(DecideError::Unknown) => Err(HttpError::not_found(format!(
            "no device code with user code {code}"
        ))),
        Err(error) => Err(HttpError::new(
            StatusCode::CONFLICT,
            "conflict",
            decide_message(&error),
        )),
    }
}
