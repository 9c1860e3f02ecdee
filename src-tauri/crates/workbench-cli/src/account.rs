//! `pwb login`, `pwb logout` and `pwb whoami`: the device flow in a terminal, with the code,
//! the page, a QR code of the page with the code filled in, and a countdown.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use serde_json::json;
use workbench::profiles::Profile;
use workbench::secrets::{SecretsError, TokenStore};
use workbench::server::{Access, Connection, ServerChoice};
use workbench::{Workbench, WorkbenchError};

use crate::exit;
use crate::output::{self, say, say_err};

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub async fn login(
    workbench: &Workbench,
    choice: &ServerChoice,
    file_store: bool,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let store = if file_store {
        TokenStore::file(workbench.data_dir())
    } else {
        TokenStore::os().map_err(|e| match e {
            SecretsError::NoKeyring { .. } => {
                say_err!(
                    "hint: `pwb login --file-store` keeps the tokens in a file readable only by you \
                     instead (less safe than a keyring); in CI, set PWB_TOKEN"
                );
                WorkbenchError::Secrets(e)
            }
            e => WorkbenchError::Secrets(e),
        })?
    };
    let mut connection = Connection::start(choice, workbench.data_dir()).await?;
    let result = sign_in(workbench, choice, &mut connection, &store, json).await;
    connection.close().await;
    let account = result?;
    if json {
        output::print_json(&json!({
            "signed_in": true,
            "server": choice.label(),
            "scopes": account.scopes,
            "token_kept_in": account.vault,
        }));
    } else {
        say!("Signed in to {}.", choice.label());
        say!("The tokens are kept in {}.", account.vault.describe());
    }
    Ok(exit::SUCCESS)
}

async fn sign_in(
    workbench: &Workbench,
    choice: &ServerChoice,
    connection: &mut Connection,
    store: &TokenStore,
    json: bool,
) -> Result<workbench::account::Account, WorkbenchError> {
    let auth = connection.auth_server().await?.clone();
    if !auth.has_device_flow() {
        return sign_in_with_browser(workbench, choice, &auth, store, json).await;
    }
    let pending = workbench
        .start_sign_in(auth, &choice.identity(), now())
        .await?;
    let device = &pending.device;
    if json {
        // One line to act on at once; the result follows when the sign-in ends.
        output::print_json_line(&json!({
            "user_code": device.user_code(),
            "verification_uri": device.verification_uri(),
            "verification_uri_complete": device.verification_uri_complete(),
            "expires_at": device.expires_at,
        }));
    } else {
        say!("To sign in to {}, open", choice.label());
        say!();
        say!("    {}", device.verification_uri());
        say!();
        say!("and enter the code");
        say!();
        say!("    {}", device.user_code());
        say!();
        if let Some(complete) = device.verification_uri_complete() {
            say!("or scan this QR code, or open {complete}");
            if let Ok(code) = QrCode::new(complete.as_bytes()) {
                say!("{}", code.render::<Dense1x2>().quiet_zone(true).build());
            }
        }
    }
    let countdown = output::progress(!json, "{spinner} {msg}");
    let expires_at = device.expires_at;
    let ticker = {
        let countdown = countdown.clone();
        tokio::spawn(async move {
            loop {
                let left = (expires_at - now()).max(0);
                countdown.set_message(format!(
                    "waiting for approval; the code expires in {}:{:02} (Ctrl+C to cancel)",
                    left / 60,
                    left % 60
                ));
                countdown.tick();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let result = workbench
        .finish_sign_in(pending, store, tokio::time::sleep, now)
        .await;
    ticker.abort();
    countdown.finish_and_clear();
    result
}

/// The second way in, for a server without the device flow: the authorization code with PKCE,
/// the browser coming back to a loopback port of this machine.
async fn sign_in_with_browser(
    workbench: &Workbench,
    choice: &ServerChoice,
    auth: &workbench::AuthServer,
    store: &TokenStore,
    json: bool,
) -> Result<workbench::account::Account, WorkbenchError> {
    let show = |url: &str| {
        if json {
            output::print_json_line(&json!({ "authorize_url": url }));
        } else {
            say!(
                "{} has no device sign-in; open this page in a browser on this machine:",
                choice.label()
            );
            say!();
            say!("    {url}");
            say!();
            say!(
                "Waiting for the browser to come back (up to {} minutes; Ctrl+C to cancel)…",
                BROWSER_WAIT.as_secs() / 60
            );
        }
    };
    workbench
        .sign_in_with_browser(auth, &choice.identity(), store, show, BROWSER_WAIT, now)
        .await
}

/// How long a browser sign-in is waited for.
const BROWSER_WAIT: Duration = Duration::from_secs(10 * 60);

pub async fn logout(
    workbench: &Workbench,
    choice: &ServerChoice,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let Some(account) = workbench.account()? else {
        if json {
            output::print_json(&json!({"signed_out": true, "was_signed_in": false}));
        } else {
            say!("Not signed in; nothing to do.");
        }
        return Ok(exit::SUCCESS);
    };
    // Revoke on the server the account belongs to, when that is the one chosen and it answers.
    let mut connection = if account.server == choice.identity() {
        Connection::start(choice, workbench.data_dir()).await.ok()
    } else {
        None
    };
    let auth = match connection.as_mut() {
        Some(connection) => connection.auth_server().await.ok().cloned(),
        None => None,
    };
    let signed_out = workbench.sign_out(auth.as_ref()).await;
    if let Some(connection) = connection {
        connection.close().await;
    }
    let signed_out = signed_out?;
    if json {
        output::print_json(&json!({
            "signed_out": true,
            "was_signed_in": signed_out.was_signed_in,
            "revoked": signed_out.not_revoked.is_none(),
            "not_revoked_because": signed_out.not_revoked,
        }));
    } else {
        say!(
            "Signed out of {}; the tokens are deleted from {}.",
            account.server,
            account.vault.describe()
        );
        if let Some(why) = &signed_out.not_revoked {
            say!("The server could not be told to revoke them ({why}); they expire on their own.");
        }
        say!("Your cached apps and drafts are kept.");
    }
    Ok(exit::SUCCESS)
}

/// Which profile, who it is signed in as, where, and how requests will be let in. Works offline.
pub fn whoami(workbench: &Workbench, profile: &Profile, json: bool) -> Result<u8, WorkbenchError> {
    let choice = &profile.server;
    let account = workbench
        .account()?
        .filter(|account| account.server == choice.identity());
    let access = workbench::server::expected_access(choice, account.is_some());
    if json {
        output::print_json(&json!({
            "profile": profile.name,
            "data_dir": profile.data_dir,
            "server": choice.label(),
            "signed_in": account.is_some(),
            "access": access,
            "scopes": account.as_ref().map(|a| &a.scopes),
            "signed_in_at": account.as_ref().map(|a| a.signed_in_at),
            "token_kept_in": account.as_ref().map(|a| a.vault),
        }));
        return Ok(if account.is_some() || access != Access::None {
            exit::SUCCESS
        } else {
            exit::NOT_SIGNED_IN
        });
    }
    say!("profile: {}", profile.name);
    say!("server: {}", choice.label());
    match (&account, access) {
        (Some(account), _) => {
            say!("signed in: yes, with scopes {}", account.scopes.join(" "));
            say!("tokens kept in: {}", account.vault.describe());
        }
        (None, Access::Environment) => say!("signed in: with the token in PWB_TOKEN"),
        (None, Access::Demo) => say!(
            "signed in: no; the embedded sandbox lets you in as its demo partner (`pwb login` to sign in properly)"
        ),
        (None, _) => {
            say!("signed in: no (`pwb login` to sign in)");
            return Ok(exit::NOT_SIGNED_IN);
        }
    }
    Ok(exit::SUCCESS)
}
