//! Authorization code with PKCE (RFC 7636, S256 only) for the public client, redirected to a
//! loopback address only (RFC 8252 §7.3): `http://127.0.0.1:PORT/...` or `http://[::1]:PORT/...`.
//!
//! `GET /oauth/authorize` checks the client and the redirect URI first: when either is wrong
//! the error is shown here (a JSON OAuth error), never sent to an unchecked URI. Every later
//! error, and the person's decision, goes back to the redirect URI with `state`.
//!
//! On a `--public` sandbox the page also asks for the demo partner's sign-in, as `/device`
//! does: a decision without it is no decision, and the page is shown again (see `trust.rs`).

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use partner_api::oauth::{errors, paths};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use super::page::{self, escape};
use super::{OAuthFailure, client_id, parse_scope};
use crate::routes::AppState;

/// The parameters of an authorization request, from the query (GET) or the form (POST).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AuthorizeParams {
    #[serde(default)]
    response_type: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    code_challenge: Option<String>,
    #[serde(default)]
    code_challenge_method: Option<String>,
    /// POST only: `approve` or `deny`.
    #[serde(default)]
    decision: Option<String>,
    /// POST only: the demo partner's sign-in, which a `--public` sandbox needs.
    #[serde(default)]
    login: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// A checked authorization request.
struct Checked {
    client_id: String,
    redirect: Url,
    scope: String,
    challenge: String,
}

/// Why a request cannot go on: shown here, or sent back to the (checked) redirect URI.
enum Refusal {
    Here(OAuthFailure),
    Redirect(Box<Url>, OAuthFailure),
}

impl Refusal {
    fn into_response(self, state: Option<&str>) -> Response {
        match self {
            Refusal::Here(failure) => failure.into_response(),
            Refusal::Redirect(url, failure) => {
                let mut url = *url;
                {
                    let mut query = url.query_pairs_mut();
                    query.append_pair("error", failure.error);
                    query.append_pair("error_description", &failure.description);
                    if let Some(state) = state {
                        query.append_pair("state", state);
                    }
                }
                redirect(&url)
            }
        }
    }
}

fn check(params: &AuthorizeParams) -> Result<Checked, Refusal> {
    let headers = HeaderMap::new();
    let client = client_id(params.client_id.as_deref(), &headers).map_err(Refusal::Here)?;
    let raw = params.redirect_uri.as_deref().unwrap_or("");
    let redirect = loopback_redirect(raw).map_err(Refusal::Here)?;
    let back = |error, description: &str| {
        Refusal::Redirect(
            Box::new(redirect.clone()),
            OAuthFailure::new(error, description),
        )
    };
    if params.response_type.as_deref() != Some("code") {
        return Err(back(
            errors::UNSUPPORTED_RESPONSE_TYPE,
            "response_type must be code",
        ));
    }
    if params.code_challenge_method.as_deref() != Some("S256") {
        return Err(back(
            errors::INVALID_REQUEST,
            "PKCE is required: code_challenge_method must be S256",
        ));
    }
    let challenge = params.code_challenge.clone().unwrap_or_default();
    let valid_challenge = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_challenge {
        return Err(back(
            errors::INVALID_REQUEST,
            "code_challenge must be the 43-character BASE64URL of a SHA-256",
        ));
    }
    let scope = parse_scope(params.scope.as_deref())
        .map_err(|e| Refusal::Redirect(Box::new(redirect.clone()), e))?
        .join(" ");
    Ok(Checked {
        client_id: client,
        redirect,
        scope,
        challenge,
    })
}

/// A redirect URI the public client may use: plain HTTP to a loopback IP literal, any port,
/// no fragment (RFC 8252 §7.3, §8.3: not `localhost`, which a resolver could send elsewhere).
pub fn loopback_redirect(raw: &str) -> Result<Url, OAuthFailure> {
    let refuse = |why: &str| {
        OAuthFailure::new(
            errors::INVALID_REQUEST,
            format!(
                "redirect_uri {raw:?} is refused: {why}; the public client may only redirect to \
                 http://127.0.0.1:PORT/... or http://[::1]:PORT/..."
            ),
        )
    };
    if raw.is_empty() {
        return Err(refuse("it is missing"));
    }
    let url = Url::parse(raw).map_err(|_| refuse("it is not an absolute URL"))?;
    if url.scheme() != "http" {
        return Err(refuse("it must use http to a loopback address"));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    if !loopback {
        return Err(refuse("its host is not 127.0.0.1 or [::1]"));
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("it has a fragment or user information"));
    }
    Ok(url)
}

/// PKCE S256: `BASE64URL(SHA256(verifier)) == challenge`, for a well-formed verifier
/// (43 to 128 unreserved characters, RFC 7636 §4.1).
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn redirect(url: &Url) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, url.as_str().to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// `GET /oauth/authorize`: the approve/deny page.
pub async fn authorize_page(
    State(state): State<AppState>,
    query: Result<Query<AuthorizeParams>, QueryRejection>,
) -> Response {
    let params = match query {
        Ok(Query(params)) => params,
        Err(rejection) => {
            return OAuthFailure::new(errors::INVALID_REQUEST, rejection.body_text())
                .into_response();
        }
    };
    let checked = match check(&params) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.into_response(params.state.as_deref()),
    };
    consent_page(&params, &checked, state.trust.public, None)
}

/// The approve/deny page of a checked request (with the sign-in of a public sandbox, and
/// `error` when the last one was refused).
fn consent_page(
    params: &AuthorizeParams,
    checked: &Checked,
    public: bool,
    error: Option<&str>,
) -> Response {
    let fields: String = [
        ("response_type", "code"),
        ("client_id", checked.client_id.as_str()),
        ("redirect_uri", params.redirect_uri.as_deref().unwrap_or("")),
        ("scope", checked.scope.as_str()),
        ("code_challenge", checked.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]
    .into_iter()
    .chain(params.state.as_deref().map(|s| ("state", s)))
    .map(|(name, value)| page::hidden(name, value))
    .collect();
    let body = format!(
        "{error}<p>The application <strong>{client}</strong> asks to use the Partner Project API.</p>\
         <p>It asks for:</p>{scopes}\
         <p>After your answer, this page goes back to <code>{redirect}</code> on this computer.</p>\
         <form method=\"post\" action=\"{action}\">{fields}{sign_in}\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
        client = escape(&checked.client_id),
        scopes = page::scope_list(&checked.scope),
        redirect = escape(checked.redirect.as_str()),
        action = paths::AUTHORIZE,
        sign_in = if public {
            page::sign_in_fields()
        } else {
            String::new()
        },
        error = error
            .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
            .unwrap_or_default(),
    );
    page::render(StatusCode::OK, "Authorize an application", &body)
}

/// `POST /oauth/authorize`: the person's decision, back to the redirect URI.
pub async fn authorize_submit(
    State(state): State<AppState>,
    form: Result<Form<AuthorizeParams>, FormRejection>,
) -> Response {
    let params = match form {
        Ok(Form(params)) => params,
        Err(rejection) => return super::tokens::bad_form(rejection).into_response(),
    };
    let checked = match check(&params) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.into_response(params.state.as_deref()),
    };
    let decided = matches!(params.decision.as_deref(), Some("approve" | "deny"));
    let signed_in = crate::trust::is_demo_partner(
        params.login.as_deref().unwrap_or(""),
        params.password.as_deref().unwrap_or(""),
    );
    if decided && state.trust.public && !signed_in {
        tracing::info!("an authorization decision without the demo partner's sign-in was refused");
        return consent_page(&params, &checked, true, Some(page::SIGN_IN_REFUSED));
    }
    let mut url = checked.redirect.clone();
    match params.decision.as_deref() {
        Some("approve") => {
            let (client, uri) = (checked.client_id.clone(), params.redirect_uri.clone());
            let (challenge, scope) = (checked.challenge.clone(), checked.scope.clone());
            let created = state
                .oauth
                .run(move |store, config| {
                    store.create_authorization_code(
                        config,
                        &client,
                        uri.as_deref().unwrap_or(""),
                        &challenge,
                        &scope,
                    )
                })
                .await;
            let code = match created {
                Ok(code) => code,
                Err(failure) => return failure.into_response(),
            };
            url.query_pairs_mut().append_pair("code", &code);
        }
        Some("deny") => {
            url.query_pairs_mut()
                .append_pair("error", errors::ACCESS_DENIED)
                .append_pair("error_description", "the user denied the request");
        }
        _ => {
            return Refusal::Redirect(
                Box::new(checked.redirect),
                OAuthFailure::new(errors::INVALID_REQUEST, "decision must be approve or deny"),
            )
            .into_response(params.state.as_deref());
        }
    }
    if let Some(state) = params.state.as_deref() {
        url.query_pairs_mut().append_pair("state", state);
    }
    redirect(&url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verifier_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!verifier_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
        assert!(!verifier_matches(
            "too-short",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }

    #[test]
    fn only_loopback_ip_literals_over_http() {
        for ok in [
            "http://127.0.0.1:8123/callback",
            "http://[::1]:5000/cb?x=1",
            "http://127.0.0.1/cb",
        ] {
            assert!(loopback_redirect(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:8123/cb",
            "http://localhost:8123/cb",
            "http://127.0.0.2:8123/cb",
            "http://evil.example/cb",
            "http://127.0.0.1:8123/cb#frag",
            "http://user@127.0.0.1:8123/cb",
            "/relative",
            "",
        ] {
            assert!(loopback_redirect(bad).is_err(), "{bad}");
        }
    }
}
