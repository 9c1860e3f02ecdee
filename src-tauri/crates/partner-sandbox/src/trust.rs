//! What the sandbox trusts, and the layers that enforce it.
//!
//! The sandbox is meant for one partner's own machine. Its admin routes (`/_sandbox/...`) mint
//! tokens of every scope, decide device codes and reviews, replace the rules pack and break the
//! server on purpose, with no token at all. So who may reach it is the whole of its security:
//!
//! 1. **It listens on loopback unless told otherwise.** A non-loopback `--listen` (`0.0.0.0`, a
//!    LAN address) is refused at start-up unless `--public` is given ([`Config::public`]).
//! 2. **Every request must be addressed to it** ([`check_host`], on the whole router): `Host`
//!    names a loopback address (`127.0.0.1`, any `127.x.y.z`, `[::1]`, `localhost`) or the name
//!    it was started with, and its actual port; anything else is 421 Misdirected Request. A web
//!    page whose name was rebound to 127.0.0.1 (DNS rebinding) still sends its own name as
//!    `Host`, so it is refused before any route runs; the browser's same-origin rule already
//!    keeps every other page from reading the sandbox's replies.
//! 3. **The admin routes answer only programs on this machine** ([`admin_guard`]): the peer must
//!    be a loopback address; a request that carries a browser's `Origin` of another site is
//!    refused (403), and a POST, PUT or PATCH with a body must be `Content-Type:
//!    application/json` (415), which a cross-site form or `fetch` cannot send without a CORS
//!    preflight the sandbox never grants. So a page can neither arm faults nor mint tokens with
//!    a "simple" `text/plain` POST. A POST with no body and no `Content-Type` passes (the
//!    device-code decisions take none, and scripts call them so); a browser would still name
//!    its page in `Origin`. What the routes keep is capped: `faults.rs`'s `MAX_ARMED_FAULTS`
//!    and `MAX_PATH_PREFIX_LEN`, `routes/writes.rs`'s `MAX_REVIEW_FEEDBACK`, and the body
//!    limit [`ADMIN_BODY_LIMIT`].
//! 4. **With `--public`** the sandbox serves other machines: the admin routes are off (404), and
//!    the sign-in pages (`/device`, `/oauth/authorize`) approve only after the demo partner's
//!    sign-in ([`DEMO_PARTNER_LOGIN`], [`DEMO_PARTNER_PASSWORD`]). That is a published demo
//!    credential: it stops a passer-by's one click, not someone who read the guide, so a
//!    public sandbox must hold demo data only.
//!
//! The embedded sandbox of the desktop app listens on 127.0.0.1 and is reached as
//! `http://127.0.0.1:PORT`, like every test and script, so none of this changes what they do.
//!
//! [`Config::public`]: crate::Config::public

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::HttpError;
use crate::routes::{ADMIN_PREFIX, AppState};
pub use crate::seed::partner::{DEMO_PARTNER_LOGIN, DEMO_PARTNER_PASSWORD};

/// The largest body an admin route reads unless its route sets its own (64 KiB): fault
/// requests, token requests and review decisions are a few hundred bytes, so anything larger
/// is a mistake or an attack, refused (413) before it is buffered. `PUT /_sandbox/rules` (a
/// whole pack) and `PATCH /_sandbox/versions/{id}` (whole sections, as the partner's own
/// `PATCH`) keep the JSON limit of the write routes.
pub const ADMIN_BODY_LIMIT: usize = 64 * 1024;

/// The hosts and port a request may be addressed to, fixed when the sandbox binds.
#[derive(Debug, Clone)]
pub struct Trust {
    /// The port actually bound: a `Host` naming another port was meant for another server
    /// (or rebound from one), so it is refused even when the host is loopback.
    port: u16,
    /// The name the sandbox was started with (`--listen NAME:PORT`), lower case, trusted
    /// besides loopback; `None` when it was started with an IP address.
    name: Option<String>,
    /// The IP address bound when it is neither loopback nor unspecified (a LAN address given
    /// with `--public`): clients name it as their `Host`.
    listen_ip: Option<IpAddr>,
    /// Bound to every interface (`0.0.0.0`, `::`) with `--public`: clients name the machine by
    /// any of its addresses, which the sandbox cannot list, so any IP literal is taken. An IP
    /// literal cannot be rebound, so this keeps the DNS-rebinding defence.
    any_ip: bool,
    /// Started with `--public`: the admin routes are off and the sign-in pages ask for the demo
    /// partner's sign-in.
    pub public: bool,
}

impl Trust {
    pub fn new(bound: SocketAddr, name: Option<&str>, public: bool) -> Trust {
        let ip = bound.ip().to_canonical();
        Trust {
            port: bound.port(),
            name: name
                .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
                .filter(|n| !n.is_empty()),
            listen_ip: (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip),
            any_ip: public && ip.is_unspecified(),
            public,
        }
    }

    /// Whether `authority` (a `Host` header or an HTTP/2 `:authority`) names this sandbox.
    pub fn allows(&self, authority: &str) -> bool {
        let Some((host, port)) = split_authority(authority) else {
            return false;
        };
        // No port means HTTP's default one.
        if port.unwrap_or(80) != self.port {
            return false;
        }
        let host = host.to_ascii_lowercase();
        if let Ok(ip) = host.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            return ip.is_loopback() || self.any_ip || self.listen_ip == Some(ip);
        }
        host == "localhost" || self.name.as_deref() == Some(host.as_str())
    }

    /// The hosts a client may name, for error messages: `a, b or c`.
    fn advice(&self) -> String {
        let port = self.port;
        let mut hosts = Vec::new();
        if let Some(name) = &self.name {
            hosts.push(format!("{name}:{port}"));
        }
        match self.listen_ip {
            Some(IpAddr::V6(ip)) => hosts.push(format!("[{ip}]:{port}")),
            Some(ip) => hosts.push(format!("{ip}:{port}")),
            None if self.any_ip => hosts.push(format!("any address of this machine, port {port}")),
            None => {}
        }
        hosts.extend([
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
            format!("localhost:{port}"),
        ]);
        let last = hosts.pop().unwrap_or_default();
        format!("{} or {last}", hosts.join(", "))
    }
}

/// Splits `host[:port]` or `[v6][:port]`; `None` when it is not an authority at all (empty,
/// user information, a bad port, an IPv6 address without brackets).
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let authority = authority.trim();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, rest) = if let Some(inner) = authority.strip_prefix('[') {
        let (host, rest) = inner.split_once(']')?;
        // Only an IPv6 literal goes in brackets.
        host.parse::<std::net::Ipv6Addr>().ok()?;
        (host, rest)
    } else {
        match authority.find(':') {
            Some(colon) => authority.split_at(colon),
            None => (authority, ""),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match rest {
        "" => None,
        rest => Some(rest.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    Some((host, port))
}

/// The layer on the whole router: 421 Misdirected Request unless the request is addressed to
/// this sandbox (see the module documentation). It runs before everything else, faults
/// included, so a refused request has no effect at all.
pub async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let trust = &state.trust;
    // HTTP/1.1 sends `Host`; HTTP/2 may send only `:authority`, which hyper puts in the URI.
    let authority = match request.headers().get(header::HOST) {
        Some(value) => value.to_str().ok().map(str::to_owned),
        None => request.uri().authority().map(|a| a.as_str().to_owned()),
    };
    if authority.as_deref().is_some_and(|a| trust.allows(a)) {
        return next.run(request).await;
    }
    let named = match &authority {
        Some(authority) => format!("Host {authority:?}"),
        None => "no Host".to_owned(),
    };
    tracing::warn!(%named, path = request.uri().path(), "refused a misdirected request");
    HttpError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "misdirected_request",
        format!(
            "this sandbox answers only requests addressed to it, and this one has {named}; \
             address it as {}",
            trust.advice(),
        ),
    )
    .with_description(
        "the Host header must name a loopback address or the name the sandbox was started \
         with, and its port: this refuses web pages that rebind their own name to this \
         machine (DNS rebinding). A proxy in front of the sandbox must pass the original Host.",
    )
    .into_response()
}

/// The admin area's guard (see the module documentation): off with `--public` (404), loopback
/// peers only (403), no request from another site's page (403), JSON bodies only (415).
pub async fn admin_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_admin = path == ADMIN_PREFIX || path.starts_with(&format!("{ADMIN_PREFIX}/"));
    if !is_admin {
        return next.run(request).await;
    }
    if state.trust.public {
        return HttpError::not_found(format!("no route {path}"))
            .with_description(
                "the sandbox admin routes are off: this sandbox was started with --public, so \
                 other machines reach it; start it on loopback without --public to use them",
            )
            .into_response();
    }
    // No connection info means an in-process caller we cannot vouch for: refuse it too.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return forbidden("the sandbox admin routes answer only loopback clients");
    }
    if let Some(origin) = foreign_origin(request.headers(), &state.trust) {
        return forbidden(&format!(
            "the sandbox admin routes do not answer web pages (this request came from \
             {origin:?}); call them from a program or a script on this machine"
        ));
    }
    if let Some(refusal) = not_json(request.method(), request.headers()) {
        return refusal.into_response();
    }
    next.run(request).await
}

fn forbidden(message: &str) -> Response {
    HttpError::new(StatusCode::FORBIDDEN, "forbidden", message).into_response()
}

/// The `Origin` of a request sent by a web page of another site, if it is one. Browsers send
/// `Origin` on every cross-origin POST, even a form's or a `no-cors` `fetch`'s without a body;
/// programs (curl, reqwest, Node's `fetch`) send none. `Origin: null` (a sandboxed frame, a
/// file) is foreign too.
fn foreign_origin(headers: &HeaderMap, trust: &Trust) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().unwrap_or("(unreadable)");
    let own = text
        .strip_prefix("http://")
        .is_some_and(|authority| trust.allows(authority));
    (!own).then(|| text.to_owned())
}

/// 415 for a POST, PUT or PATCH whose body is not `application/json` (parameters such as
/// `charset` allowed). A browser sends a body without a CORS preflight only as `text/plain`,
/// a form or multipart, so this is what stops a page from arming faults or minting tokens. A
/// request with no body and no `Content-Type` passes: the device-code decisions take none.
fn not_json(method: &Method, headers: &HeaderMap) -> Option<HttpError> {
    if !matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        return None;
    }
    let content_type = headers.get(header::CONTENT_TYPE);
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    let media_type = content_type.map(|value| {
        value
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match media_type.as_deref() {
        Some("application/json") => None,
        None if !has_body => None,
        _ => Some(
            HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the sandbox admin routes take only Content-Type: application/json bodies",
            )
            .with_description(format!(
                "this request sent {}; send the body as JSON with Content-Type: \
                 application/json (a route without a body takes no Content-Type at all)",
                match content_type {
                    Some(value) => format!("Content-Type {:?}", value.to_str().unwrap_or("?")),
                    None => "a body without a Content-Type".to_owned(),
                }
            )),
        ),
    }
}

/// Whether `login` and `password` are the demo partner's sign-in. The login is compared
/// without regard to case or surrounding spaces, as an e-mail address is typed; the password
/// exactly, in time that does not depend on where it differs.
pub fn is_demo_partner(login: &str, password: &str) -> bool {
    let login_ok = login.trim().eq_ignore_ascii_case(DEMO_PARTNER_LOGIN);
    let expected = DEMO_PARTNER_PASSWORD.as_bytes();
    let given = password.as_bytes();
    let mut diff = u8::from(given.len() != expected.len());
    for (i, b) in expected.iter().enumerate() {
        diff |= b ^ given.get(i).copied().unwrap_or(0);
    }
    login_ok && diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> Trust {
        Trust::new("127.0.0.1:8123".parse().unwrap(), None, false)
    }

    #[test]
    fn loopback_hosts_with_the_right_port() {
        let trust = loopback();
        for ok in [
            "127.0.0.1:8123",
            "[::1]:8123",
            "localhost:8123",
            "LocalHost:8123",
            "127.0.0.2:8123",
            "[::ffff:127.0.0.1]:8123",
        ] {
            assert!(trust.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "127.0.0.1:8124",
            "127.0.0.1",
            "localhost",
            "localhost.evil.example:8123",
            "192.168.1.5:8123",
            "::1:8123",
            "[localhost]:8123",
            "user@127.0.0.1:8123",
            "127.0.0.1:8123:1",
            "127.0.0.1:",
            ":8123",
            "",
        ] {
            assert!(!trust.allows(bad), "{bad}");
        }
    }

    #[test]
    fn the_start_name_and_public_addresses() {
        let named = Trust::new("192.168.1.5:80".parse().unwrap(), Some("Box.LAN."), true);
        for ok in ["box.lan", "BOX.lan:80", "192.168.1.5", "127.0.0.1:80"] {
            assert!(named.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "192.168.1.6:80", "box.lan:81"] {
            assert!(!named.allows(bad), "{bad}");
        }
        let everywhere = Trust::new("0.0.0.0:9000".parse().unwrap(), None, true);
        assert!(everywhere.allows("10.1.2.3:9000"));
        assert!(everywhere.allows("[fe80::1]:9000"));
        assert!(
            !everywhere.allows("rebound.example:9000"),
            "names still refused"
        );
        assert!(!everywhere.allows("10.1.2.3:9001"));
    }

    #[test]
    fn json_bodies_only() {
        let with = |content_type: Option<&str>, length: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = content_type {
                headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            }
            if let Some(value) = length {
                headers.insert(header::CONTENT_LENGTH, value.parse().unwrap());
            }
            headers
        };
        let json = with(Some("application/json; charset=utf-8"), Some("2"));
        assert!(not_json(&Method::POST, &json).is_none());
        assert!(not_json(&Method::POST, &with(None, None)).is_none());
        assert!(not_json(&Method::POST, &with(None, Some("0"))).is_none());
        for refused in [
            with(Some("text/plain"), Some("40")),
            with(Some("text/plain"), Some("0")),
            with(Some("application/x-www-form-urlencoded"), Some("3")),
            with(Some("multipart/form-data; boundary=x"), Some("90")),
            with(None, Some("5")),
        ] {
            for method in [Method::POST, Method::PUT, Method::PATCH] {
                let error = not_json(&method, &refused).expect("refused");
                assert_eq!(error.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            }
        }
        let plain = with(Some("text/plain"), Some("4"));
        assert!(not_json(&Method::GET, &plain).is_none());
        assert!(not_json(&Method::DELETE, &plain).is_none());
    }

    #[test]
    fn only_programs_and_the_sandbox_own_pages_reach_the_admin_routes() {
        let trust = loopback();
        let origin = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ORIGIN, value.parse().unwrap());
            headers
        };
        assert_eq!(foreign_origin(&HeaderMap::new(), &trust), None);
        assert_eq!(
            foreign_origin(&origin("http://127.0.0.1:8123"), &trust),
            None
        );
        for foreign in [
            "https://evil.example",
            "http://127.0.0.1:8124",
            "null",
            "https://127.0.0.1:8123",
        ] {
            assert!(
                foreign_origin(&origin(foreign), &trust).is_some(),
                "{foreign}"
            );
        }
    }

    #[test]
    fn the_demo_partner_sign_in() {
        assert!(is_demo_partner(DEMO_PARTNER_LOGIN, DEMO_PARTNER_PASSWORD));
        assert!(is_demo_partner(
            " Demo@Partner.Example ",
            DEMO_PARTNER_PASSWORD
        ));
        assert!(!is_demo_partner(DEMO_PARTNER_LOGIN, ""));
        assert!(!is_demo_partner(DEMO_PARTNER_LOGIN, "sandbox-dem"));
        assert!(!is_demo_partner(DEMO_PARTNER_LOGIN, "sandbox-demo!"));
        assert!(!is_demo_partner(
            "someone@else.example",
            DEMO_PARTNER_PASSWORD
        ));
    }
}
