//! Which Partner Project server to talk to. By default the app runs the sandbox embedded:
//! in-process, on a loopback port the OS picks, with its data beside the cache, so a new user
//! sees something real at first start.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use partner_sandbox::Sandbox;
use std::time::Duration;

use partner_api::oauth::scopes;
use workbench_remote::{PartnerClient, SecretToken};

use crate::WorkbenchError;

/// The environment variable that points the app and `pwb` at a server instead of the embedded sandbox.
pub const SERVER_ENV: &str = "PWB_SERVER";
/// The environment variable holding an access token for a server given by URL (CI, scripts).
pub const TOKEN_ENV: &str = "PWB_TOKEN";
/// How long the embedded sandbox's token for this process lives: longer than any session.
const EMBEDDED_TOKEN_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerChoice {
    /// The sandbox, started in-process with the demo seed.
    Embedded,
    /// A server that speaks the API contract, by base URL.
    Url(String),
}

impl ServerChoice {
    /// How the server is named in a status: its URL, or "the embedded sandbox".
    pub fn label(&self) -> &str {
        match self {
            ServerChoice::Embedded => "the embedded sandbox",
            ServerChoice::Url(url) => url,
        }
    }

    /// `--server URL` or `PWB_SERVER` when given, else the embedded sandbox.
    pub fn from_option(url: Option<String>) -> ServerChoice {
        url.or_else(|| std::env::var(SERVER_ENV).ok())
            .filter(|url| !url.trim().is_empty())
            .map_or(ServerChoice::Embedded, ServerChoice::Url)
    }
}

/// A client of the chosen server, and the embedded sandbox when that is the choice: it serves
/// as long as this value lives.
pub struct Connection {
    pub client: PartnerClient,
    pub sandbox: Option<Sandbox>,
}

impl Connection {
    /// Starts the embedded sandbox (its data in `data_dir/sandbox`) or checks the server's URL.
    pub async fn open(
        choice: &ServerChoice,
        data_dir: &Path,
    ) -> Result<Connection, WorkbenchError> {
        match choice {
            ServerChoice::Url(url) => {
                let mut client = PartnerClient::new(url)?;
                // Without a token the server's 401 becomes WorkbenchError::NotSignedIn.
                if let Some(token) = std::env::var(TOKEN_ENV)
                    .ok()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                {
                    client = client.with_token(SecretToken::new(token));
                }
                Ok(Connection {
                    client,
                    sandbox: None,
                })
            }
            ServerChoice::Embedded => {
                let config = partner_sandbox::Config::new(data_dir.join("sandbox"));
                let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let sandbox = Sandbox::start(config, listen).await?;
                // The embedded sandbox trusts its own process: a token of every scope, in-process.
                let token = sandbox.issue_token_for(&scopes::ALL, EMBEDDED_TOKEN_LIFETIME)?;
                let client = PartnerClient::new(&sandbox.base_url())?
                    .with_token(SecretToken::new(token.access_token));
                Ok(Connection {
                    client,
                    sandbox: Some(sandbox),
                })
            }
        }
    }

    /// Stops the embedded sandbox, if any, letting its requests finish.
    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.stop().await;
        }
    }
}
