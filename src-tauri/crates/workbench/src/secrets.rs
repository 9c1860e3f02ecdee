//! Where tokens are kept (SPEC §6 "Secrets stay secret"): the OS keyring, and nowhere else
//! unless the partner explicitly asks.
//!
//! [`TokenStore::os`] uses the Secret Service (GNOME Keyring, KWallet) when it answers and the
//! Linux kernel keyring when it does not; each is probed with a real write, so a locked or absent
//! keyring is found at once rather than at the first sign-in. When neither works the caller gets
//! [`SecretsError::NoKeyring`] and may offer [`TokenStore::file`], a file readable by the user
//! alone, labelled as less safe; nothing ever falls back to it silently.
//!
//! The token set is written as one JSON value per account key. Nothing here logs a token, and
//! the only type that holds one ([`TokenSet`]) has a redacted `Debug`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use workbench_remote::SecretToken;
use workbench_remote::auth::TokenSet;

/// The service name of every keyring entry.
const SERVICE: &str = "partner-workbench";

/// Where a token store keeps tokens. Recorded (not secret) with each account, so the account
/// screen can say it and a later start reads the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vault {
    /// The desktop's Secret Service (GNOME Keyring, KWallet).
    SecretService,
    /// The Linux kernel keyring: kept in memory until the session ends or the machine restarts.
    KernelKeyring,
    /// A file readable only by this user: the explicit, less safe choice.
    File,
}

impl Vault {
    /// How the account screen and `pwb whoami` name it.
    pub fn describe(self) -> &'static str {
        match self {
            Vault::SecretService if cfg!(target_os = "linux") => {
                "the system keyring (Secret Service)"
            }
            Vault::SecretService => "the system keyring",
            Vault::KernelKeyring => {
                "the Linux kernel keyring (kept until you log out or restart; then sign in again)"
            }
            Vault::File => "a file readable only by you (less safe than a keyring; you chose it)",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "no keyring works on this machine (Secret Service: {secret_service}; kernel keyring: {kernel}); \
         start a Secret Service such as GNOME Keyring, or choose the less safe file store explicitly"
    )]
    NoKeyring {
        secret_service: String,
        kernel: String,
    },
    #[error("the token store in {vault:?} failed: {reason}")]
    Failed { vault: Vault, reason: String },
    #[error("the stored sign-in for {key} cannot be read ({reason}); sign in again")]
    Unreadable { key: String, reason: String },
}

/// A place to keep token sets by account key.
#[derive(Debug, Clone)]
pub struct TokenStore {
    vault: Vault,
    /// The file of [`Vault::File`].
    file: Option<PathBuf>,
}

/// The stored form of a [`TokenSet`]; only ever written to a vault.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    #[serde(default)]
    scopes: Vec<String>,
}

impl Stored {
    fn from_tokens(tokens: &TokenSet) -> Stored {
        Stored {
            access_token: tokens.access_token.expose().to_owned(),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            expires_at: tokens.expires_at,
            scopes: tokens.scopes.clone(),
        }
    }

    fn into_tokens(self) -> TokenSet {
        TokenSet {
            access_token: SecretToken::new(self.access_token),
            refresh_token: self.refresh_token.map(SecretToken::new),
            expires_at: self.expires_at,
            scopes: self.scopes,
        }
    }
}

impl TokenStore {
    /// The OS keyring: the Secret Service if a probe write works, else the kernel keyring.
    /// Elsewhere than Linux, the platform's own store (see [`TokenStore::entry`]).
    pub fn os() -> Result<TokenStore, SecretsError> {
        let secret_service = match TokenStore::keyring(Vault::SecretService).probe() {
            Ok(store) => return Ok(store),
            Err(e) => e,
        };
        let kernel = match TokenStore::keyring(Vault::KernelKeyring).probe() {
            Ok(store) => return Ok(store),
            Err(e) => e,
        };
        Err(SecretsError::NoKeyring {
            secret_service,
            kernel,
        })
    }

    /// The store of a vault recorded earlier: the same keyring, or the file in `data_dir`.
    pub fn at(vault: Vault, data_dir: &Path) -> TokenStore {
        match vault {
            Vault::File => TokenStore::file(data_dir),
            keyring => TokenStore::keyring(keyring),
        }
    }

    /// The explicit, less safe file store: `tokens.json` in `data_dir`, mode 0600.
    pub fn file(data_dir: &Path) -> TokenStore {
        TokenStore {
            vault: Vault::File,
            file: Some(data_dir.join("tokens.json")),
        }
    }

    fn keyring(vault: Vault) -> TokenStore {
        TokenStore { vault, file: None }
    }

    pub fn vault(&self) -> Vault {
        self.vault
    }

    /// A real write and delete, under a key of its own so probes running at once never meet.
    fn probe(self) -> Result<TokenStore, String> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| e.to_string())?;
        let key = format!("probe-{}-{}", std::process::id(), hex::encode(nonce));
        let entry = self.entry(&key).map_err(|e| e.to_string())?;
        entry.set_password("probe").map_err(|e| e.to_string())?;
        entry.delete_credential().map_err(|e| e.to_string())?;
        Ok(self)
    }

    #[cfg(target_os = "linux")]
    fn entry(&self, key: &str) -> keyring::Result<keyring::Entry> {
        let credential: Box<keyring::Credential> = match self.vault {
            Vault::SecretService => Box::new(
                keyring::secret_service::SsCredential::new_with_target(None, SERVICE, key)?,
            ),
            Vault::KernelKeyring | Vault::File => Box::new(
                keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, key)?,
            ),
        };
        Ok(keyring::Entry::new_with_credential(credential))
    }

    /// Not on Linux: the platform's own store, the macOS Keychain or the Windows Credential
    /// Manager, for [`Vault::SecretService`] (the system keyring); the kernel keyring is Linux's,
    /// so its probe fails there and [`TokenStore::os`] never picks it.
    #[cfg(not(target_os = "linux"))]
    fn entry(&self, key: &str) -> keyring::Result<keyring::Entry> {
        match self.vault {
            Vault::SecretService => keyring::Entry::new(SERVICE, key),
            Vault::KernelKeyring | Vault::File => Err(keyring::Error::PlatformFailure(
                "the kernel keyring is Linux's".into(),
            )),
        }
    }

    fn failed(&self, reason: impl std::fmt::Display) -> SecretsError {
        SecretsError::Failed {
            vault: self.vault,
            reason: reason.to_string(),
        }
    }

    /// Saves `tokens` under `key`, replacing what was there.
    pub fn save(&self, key: &str, tokens: &TokenSet) -> Result<(), SecretsError> {
        let stored = Stored::from_tokens(tokens);
        match &self.file {
            Some(path) => {
                let _lock = self.lock_file(path)?;
                let mut all = self.read_file()?;
                all.insert(key.to_owned(), stored);
                self.write_file(path, &all)
            }
            None => {
                let json = serde_json::to_string(&stored).map_err(|e| self.failed(e))?;
                self.entry(key)
                    .and_then(|entry| entry.set_password(&json))
                    .map_err(|e| self.failed(e))
            }
        }
    }

    /// The tokens saved under `key`, if any.
    pub fn load(&self, key: &str) -> Result<Option<TokenSet>, SecretsError> {
        let unreadable = |reason: String| SecretsError::Unreadable {
            key: key.to_owned(),
            reason,
        };
        match &self.file {
            Some(_) => Ok(self.read_file()?.remove(key).map(Stored::into_tokens)),
            None => {
                let json = match self.entry(key).and_then(|entry| entry.get_password()) {
                    Ok(json) => json,
                    Err(keyring::Error::NoEntry) => return Ok(None),
                    Err(e) => return Err(self.failed(e)),
                };
                serde_json::from_str::<Stored>(&json)
                    .map(|stored| Some(stored.into_tokens()))
                    .map_err(|e| {
                        unreadable(format!("not a stored token set: {}", e.classify_name()))
                    })
            }
        }
    }

    /// Forgets the tokens under `key`; nothing there is not an error.
    pub fn delete(&self, key: &str) -> Result<(), SecretsError> {
        match &self.file {
            Some(path) => {
                let _lock = self.lock_file(path)?;
                let mut all = self.read_file()?;
                if all.remove(key).is_some() {
                    self.write_file(path, &all)?;
                }
                Ok(())
            }
            None => match self.entry(key).and_then(|entry| entry.delete_credential()) {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(self.failed(e)),
            },
        }
    }

    /// Holds `tokens.json.lock` for a read-modify-write of the file, so two programs saving at
    /// once (each a different account key, or a refresh and a sign-out) never lose each other's
    /// entry. Held only for local file I/O, never across a request.
    fn lock_file(&self, path: &Path) -> Result<fs::File, SecretsError> {
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path.with_extension("json.lock"))
            .map_err(|e| self.failed(e))?;
        lock.lock().map_err(|e| self.failed(e))?;
        Ok(lock)
    }

    fn read_file(&self) -> Result<BTreeMap<String, Stored>, SecretsError> {
        let Some(path) = &self.file else {
            return Ok(BTreeMap::new());
        };
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SecretsError::Unreadable {
                key: path.display().to_string(),
                reason: format!("not a token file: {}", e.classify_name()),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Replaces the whole file, with mode 0600, whole or not at all (`atomic`).
    fn write_file(&self, path: &Path, all: &BTreeMap<String, Stored>) -> Result<(), SecretsError> {
        let json = serde_json::to_vec_pretty(all).map_err(|e| self.failed(e))?;
        crate::atomic::write(path, &json, 0o600).map_err(|e| self.failed(e))
    }
}

/// The name of a serde_json error's category, never its text: the text can quote the input,
/// which here is a token.
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "input/output error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected content",
            serde_json::error::Category::Eof => "cut off",
        }
    }
}
