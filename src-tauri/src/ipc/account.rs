//! The account screen's and the sign-in screen's types. What crosses to the window is what a
//! person may see: the server's name, the scopes, where the tokens are kept, the user code, the
//! verification pages, the code's expiry and the states of a sign-in. Never a token, the device
//! code or a refresh token: nothing here is built from a `TokenSet`, and the device flow's
//! [`PendingSignIn`] gives only its user code and pages.

use base64::Engine;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;
use workbench::account::{Account, PendingSignIn, SignOut};
use workbench::secrets::Vault;
use workbench::server::{Access as CoreAccess, ServerChoice};

/// How the server lets this app's requests in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// With the token of the account signed in to this server.
    Account,
    /// With the token in `PWB_TOKEN`.
    Environment,
    /// Not signed in to the embedded sandbox, which lets the app in as its demo partner.
    Demo,
    /// Not at all: the server will say "not signed in".
    None,
}

impl From<CoreAccess> for Access {
    fn from(access: CoreAccess) -> Self {
        match access {
            CoreAccess::Account => Access::Account,
            CoreAccess::Environment => Access::Environment,
            CoreAccess::Demo => Access::Demo,
            CoreAccess::None => Access::None,
        }
    }
}

/// Where an account's tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenVault {
    SecretService,
    KernelKeyring,
    File,
}

impl From<Vault> for TokenVault {
    fn from(vault: Vault) -> Self {
        match vault {
            Vault::SecretService => TokenVault::SecretService,
            Vault::KernelKeyring => TokenVault::KernelKeyring,
            Vault::File => TokenVault::File,
        }
    }
}

/// The account signed in to this profile: no secret in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignedInAccount {
    /// The server signed in to, as a person reads it.
    pub server: String,
    /// Whether that is the server this window works with (an account of another server is not
    /// used here, and can only be signed out of).
    pub current_server: bool,
    pub scopes: Vec<String>,
    /// RFC 3339.
    pub signed_in_at: String,
    pub vault: TokenVault,
    /// Where the tokens are kept, in words.
    pub token_kept_in: String,
}

impl SignedInAccount {
    pub fn new(account: Account, choice: &ServerChoice) -> SignedInAccount {
        // The vault key names an entry of the keyring: not secret, but of no use to the window.
        let Account {
            key: _,
            server,
            vault,
            scopes,
            signed_in_at,
        } = account;
        let current_server = server == choice.identity();
        SignedInAccount {
            server: if current_server {
                choice.label().to_owned()
            } else {
                server
            },
            current_server,
            scopes,
            signed_in_at: rfc3339(signed_in_at),
            vault: vault.into(),
            token_kept_in: vault.describe().to_owned(),
        }
    }
}

/// What the account screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountView {
    /// The server this window works with, as a person reads it.
    pub server: String,
    /// Whether that is the sandbox embedded in the app.
    pub embedded: bool,
    /// How its requests are let in now.
    pub access: Access,
    pub account: Option<SignedInAccount>,
    /// Where this app keeps its settings and its log, when the platform has such folders.
    pub folders: Option<Folders>,
}

/// The folders of [`workbench::places`], as the account screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Folders {
    pub settings_file: String,
    /// The folder of the log files, a file a day.
    pub log_folder: String,
    /// The data root: a data folder per profile under it.
    pub data_folder: String,
}

impl AccountView {
    /// The view of `account` on `choice`, with this machine's folders ([`workbench::Places`]).
    pub fn new(choice: &ServerChoice, account: Option<Account>) -> AccountView {
        let account = account.map(|account| SignedInAccount::new(account, choice));
        let signed_in_here = account.as_ref().is_some_and(|a| a.current_server);
        AccountView {
            server: choice.label().to_owned(),
            embedded: *choice == ServerChoice::Embedded,
            access: workbench::server::expected_access(choice, signed_in_here).into(),
            account,
            folders: workbench::Places::from_env().ok().map(|places| Folders {
                settings_file: places.settings_file().display().to_string(),
                log_folder: places.log_dir().display().to_string(),
                data_folder: places.data.display().to_string(),
            }),
        }
    }
}

/// A sign-in that has started and waits for the person, by the way the server offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SignInStarted {
    /// The device flow: the person approves the code on the verification page, here or on
    /// another device.
    Device {
        /// Tells this sign-in's events from those of an earlier one.
        attempt: u32,
        server: String,
        /// The code to type on the verification page, like `WDJB-MJHT`.
        user_code: String,
        verification_uri: String,
        /// The page with the code filled in, when the server gives one.
        verification_uri_complete: Option<String>,
        /// A QR code of `verification_uri_complete`, as a `data:image/svg+xml` URL.
        qr_code: Option<String>,
        /// RFC 3339: when the code stops working.
        expires_at: String,
    },
    /// The browser with PKCE, for a server without the device flow: the authorization page is
    /// open in the browser, which comes back to this machine.
    Browser {
        attempt: u32,
        server: String,
        /// The authorization page, to open again or copy if the browser did not come up.
        authorize_url: String,
    },
}

impl SignInStarted {
    pub fn device(attempt: u32, server: &str, pending: &PendingSignIn) -> SignInStarted {
        let device = &pending.device;
        let complete = device.verification_uri_complete().map(str::to_owned);
        SignInStarted::Device {
            attempt,
            server: server.to_owned(),
            user_code: device.user_code().to_owned(),
            verification_uri: device.verification_uri().to_owned(),
            qr_code: complete.as_deref().and_then(qr_code),
            verification_uri_complete: complete,
            expires_at: rfc3339(device.expires_at),
        }
    }
}

/// The states a sign-in goes through after it started, announced as `sign-in` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignInState {
    /// Approved: the tokens are kept, and a sync follows at once.
    SignedIn,
    /// The person chose Deny on the verification page.
    Denied,
    /// The code (or the wait for the browser) ran out before anyone approved.
    Expired,
    /// Anything else went wrong; the message says what.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignInEvent {
    pub attempt: u32,
    pub state: SignInState,
    /// For people: what happened and what to do.
    pub message: Option<String>,
    /// The account when signed in.
    pub account: Option<AccountView>,
}

/// What signing out did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignOutResult {
    pub was_signed_in: bool,
    /// Why the server could not be told to revoke the tokens, if it could not; they are deleted
    /// here all the same.
    pub not_revoked: Option<String>,
    /// The account screen after it.
    pub account: AccountView,
}

impl SignOutResult {
    pub fn new(done: SignOut, account: AccountView) -> SignOutResult {
        let SignOut {
            was_signed_in,
            not_revoked,
        } = done;
        SignOutResult {
            was_signed_in,
            not_revoked,
            account,
        }
    }
}

/// RFC 3339 of Unix seconds; out-of-range times (never from a real clock) read as the epoch.
fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// A QR code of `text` as a `data:` URL of an SVG image: drawn here, so the window needs no QR
/// library, and shown by an `<img>` (an SVG there runs no script; the CSP allows `data:` images).
pub fn qr_code(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let data = base64::engine::general_purpose::STANDARD.encode(image);
    Some(format!("data:image/svg+xml;base64,{data}"))
}

#[cfg(test)]
mod tests;
