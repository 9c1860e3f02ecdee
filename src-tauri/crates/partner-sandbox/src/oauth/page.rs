//! The plain HTML pages of the OAuth server: no script, no remote loads, every inserted text
//! escaped, framing refused (so the approve button cannot be clickjacked).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes text for an HTML element or a quoted attribute.
pub use workbench_domain::html::escape;

/// A whole page around `body`, which must already be escaped HTML.
pub fn render(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Partner sandbox</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}\
         input[type=text]{{font-size:1.5rem;letter-spacing:.15em;text-transform:uppercase;width:12rem}}\
         button{{font-size:1rem;margin:.5rem .5rem 0 0;padding:.4rem 1rem}}\
         .error{{color:#a00}} code{{font-size:1.1rem}} fieldset{{margin:1rem 0}}</style></head>\
         <body><h1>{title}</h1>\n{body}\n</body></html>\n",
        title = escape(title),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// The scopes as a list a person can read.
pub fn scope_list(scope: &str) -> String {
    let items: String = scope
        .split_whitespace()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    format!("<ul>{items}</ul>")
}

/// The demo partner's sign-in fields a `--public` sandbox's approval forms carry (see
/// `trust.rs`). The page does not show the demo credential: whoever decides must know it (the
/// guide gives it, docs/guide.md), so a passer-by on the network cannot approve a code in one click.
pub fn sign_in_fields() -> String {
    "<fieldset><legend>Sign in as the demo partner</legend>\
     <p>This sandbox serves other machines, so it asks who decides.</p>\
     <label>E-mail<br><input type=\"email\" name=\"login\" autocomplete=\"username\" \
     required></label><br>\
     <label>Password<br><input type=\"password\" name=\"password\" \
     autocomplete=\"current-password\" required></label></fieldset>"
        .to_owned()
}

/// What a page says when the sign-in of a `--public` sandbox is missing or wrong.
pub const SIGN_IN_REFUSED: &str =
    "Sign in as the demo partner to decide: the e-mail or the password is missing or wrong.";

/// A hidden form field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}
