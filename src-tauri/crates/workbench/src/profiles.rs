//! Profiles: which server a [`Workbench`] belongs to, each with a data folder of its own.
//!
//! A profile is a server and a data folder (cache, `account.json`, and for `sandbox` the embedded
//! sandbox's data), so caches and accounts of different servers never mix and several profiles
//! can be signed in at once. The built-in profiles are `sandbox` (the embedded sandbox, the
//! default) and Talkdesk's regions ([`REGIONS`]); custom ones are added with a base URL. One
//! profile is active; `settings.json` in the config folder records it with the custom profiles
//! ([`crate::places`] says which folder is which).
//!
//! ```text
//! config/settings.json   {"active_profile": "NAME", "custom_profiles": {"NAME": {"url": "https://…"}}}
//! config/settings.lock   held while settings.json is read, changed and rewritten
//! data/profiles/NAME/    the data folder of each named profile (built-in or custom)
//! data/servers/HOST-HASH/ the data folder of a server given by URL alone (`--server`, `PWB_SERVER`)
//! ```
//!
//! `settings.json` is rewritten whole beside itself and renamed over the old one, so a crash
//! leaves the old file or the new one. A file that cannot be read is an error that names it, and
//! is never rewritten: nothing here replaces a partner's file with defaults. Fields this build
//! does not know, at the top or in a custom profile, are kept as they are when it is rewritten.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use url::Url;
use workbench_remote::PartnerClient;
use workbench_remote::auth::SignInSettings;

use crate::account::{Account, account_in};
use crate::places::{Places, SETTINGS_FILE, Settled};
use crate::server::{Access, ServerChoice, expected_access};
use crate::{Workbench, WorkbenchError};

/// The environment variable naming the profile to use instead of the active one.
pub const PROFILE_ENV: &str = "PWB_PROFILE";
/// The profile of the embedded sandbox, active until another is chosen.
pub const SANDBOX: &str = "sandbox";
/// The folder of the named profiles' data folders, in the data root.
pub const PROFILES_DIR: &str = "profiles";
/// The folder of the data folders of servers given by URL alone, in the data root.
pub const SERVERS_DIR: &str = "servers";
const LOCK_FILE: &str = "settings.lock";
const MAX_NAME_LEN: usize = 40;

/// One of Talkdesk's regions, a built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The profile's name.
    pub name: &'static str,
    pub label: &'static str,
    /// The base URL of Talkdesk's public API in the region.
    pub url: &'static str,
}

/// Talkdesk's regions and the base URL of its public API in each: the one table of them.
/// US, EU and CA are the ones Talkdesk's developer documentation lists ("App and Talkdesk
/// Regions"); AU is not listed there, so check its URL before relying on it (a custom profile
/// can stand in meanwhile).
pub const REGIONS: [Region; 4] = [
    Region {
        name: "us",
        label: "Talkdesk US",
        url: "https://api.talkdeskapp.com",
    },
    Region {
        name: "eu",
        label: "Talkdesk EU",
        url: "https://api.talkdeskapp.eu",
    },
    Region {
        name: "ca",
        label: "Talkdesk Canada",
        url: "https://api.talkdeskappca.com",
    },
    Region {
        name: "au",
        label: "Talkdesk Australia",
        url: "https://api.talkdeskapp.com.au",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// The embedded sandbox.
    Sandbox,
    /// One of Talkdesk's [`REGIONS`].
    Region,
    /// Added with a base URL (`pwb profile add`).
    Custom,
    /// A server given by URL alone (`--server`, `PWB_SERVER`) that no profile has: named by its
    /// URL, with a data folder of its own, and not listed.
    Server,
}

/// A server and the data folder of everything local about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The name (`sandbox`, `eu`, a custom name), or the URL of a [`ProfileKind::Server`].
    pub name: String,
    pub kind: ProfileKind,
    pub server: ServerChoice,
    /// The profile's data folder: its cache, `account.json`, and the embedded sandbox's data.
    pub data_dir: PathBuf,
}

impl Profile {
    /// The server's base URL; `None` for the embedded sandbox, whose port changes each run.
    pub fn url(&self) -> Option<&str> {
        match &self.server {
            ServerChoice::Embedded => None,
            ServerChoice::Url(url, _) => Some(url),
        }
    }

    /// The account signed in to this profile's server, if any. Read without opening the cache.
    pub fn account(&self) -> Result<Option<Account>, WorkbenchError> {
        Ok(account_in(&self.data_dir)?.filter(|account| account.server == self.server.identity()))
    }
}

/// A profile as `pwb profile list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEntry {
    pub profile: Profile,
    pub active: bool,
    /// An account is signed in to it (its tokens in a keyring, or the file store).
    pub signed_in: bool,
    /// How its requests would be let in now (`PWB_TOKEN` counts).
    pub access: Access,
    /// Why its sign-in state cannot be read, when it cannot (its `account.json` is damaged).
    pub problem: Option<String>,
}

/// `settings.json`, as read and written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The active profile; `sandbox` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_profile: Option<String>,
    /// The custom profiles by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_profiles: BTreeMap<String, CustomProfile>,
    /// Fields this build does not know: kept as they are when the file is rewritten.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomProfile {
    /// The server's base URL.
    pub url: String,
    /// The authorization server's issuer URL, when partners sign in elsewhere than the API
    /// server (Talkdesk: `https://ACCOUNT.talkdeskid.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The OAuth client id to sign in as; this tool's public client when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The scopes to ask for; every scope of the API when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Fields this build does not know: kept as they are.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl CustomProfile {
    /// Where and as whom this profile's partners sign in.
    pub fn sign_in(&self) -> SignInSettings {
        SignInSettings {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

/// Checks a profile's sign-in settings, and gives them in normal form: the issuer a base URL
/// that is HTTPS unless on this machine (as a server's), the client id and scopes printable
/// words without spaces (RFC 6749 §A.1, §3.3).
pub fn check_sign_in(sign_in: &SignInSettings) -> Result<SignInSettings, WorkbenchError> {
    let invalid = |reason: String| WorkbenchError::InvalidProfile(reason);
    let word = |what: &str, text: &str| -> Result<String, WorkbenchError> {
        let text = text.trim();
        if text.is_empty() || text.len() > 200 || !text.chars().all(|c| c.is_ascii_graphic()) {
            return Err(invalid(format!(
                "{what} {text:?} must be 1 to 200 printable characters without spaces"
            )));
        }
        Ok(text.to_owned())
    };
    Ok(SignInSettings {
        issuer: sign_in
            .issuer
            .as_deref()
            .map(|issuer| normalize_url(issuer).map_err(|e| invalid(format!("the issuer: {e}"))))
            .transpose()?,
        client_id: sign_in
            .client_id
            .as_deref()
            .map(|id| word("the client id", id))
            .transpose()?,
        scopes: match &sign_in.scopes {
            Some(scopes) if scopes.is_empty() => None,
            Some(scopes) => Some(
                scopes
                    .iter()
                    .map(|scope| word("the scope", scope))
                    .collect::<Result<_, _>>()?,
            ),
            None => None,
        },
    })
}

impl Settings {
    /// The active profile's name: `sandbox` until another is chosen.
    pub fn active_name(&self) -> &str {
        self.active_profile.as_deref().unwrap_or(SANDBOX)
    }

    /// What a hand edit may have got wrong: a custom profile's name or URL.
    fn check(&self) -> Result<(), String> {
        for (name, custom) in &self.custom_profiles {
            check_name(name).map_err(|e| format!("custom profile {name:?}: {e}"))?;
            normalize_url(&custom.url).map_err(|e| format!("custom profile {name:?}: {e}"))?;
            check_sign_in(&custom.sign_in())
                .map_err(|e| format!("custom profile {name:?}: {e}"))?;
        }
        Ok(())
    }
}

/// The profiles of one data root.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// The data root: the profiles' data folders.
    root: PathBuf,
    /// Where `settings.json` is.
    config: PathBuf,
}

impl Profiles {
    /// The profiles whose data folders and settings live in `root`.
    pub fn at(root: impl Into<PathBuf>) -> Profiles {
        let root = root.into();
        Profiles {
            config: root.clone(),
            root,
        }
    }

    /// The profiles of `places`, their settings first moved to the config folder if an earlier
    /// build left them in the data folder ([`Places::settle`]).
    pub fn open(places: &Places) -> Profiles {
        let config = match places.settle() {
            Settled::LeftAt { folder, .. } => folder,
            Settled::InPlace | Settled::Moved { .. } => places.config.clone(),
        };
        Profiles {
            root: places.data.clone(),
            config,
        }
    }

    /// The profiles of this machine's folders ([`Places::from_env`], `PWB_DATA_DIR`).
    pub fn open_default() -> Result<Profiles, WorkbenchError> {
        Ok(Profiles::open(&Places::from_env()?))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn settings_path(&self) -> PathBuf {
        self.config.join(SETTINGS_FILE)
    }

    /// `settings.json`, or the defaults when there is none yet. A file that cannot be read, or
    /// whose custom profiles have a bad name or URL, is an error naming it; it is left as it is.
    pub fn settings(&self) -> Result<Settings, WorkbenchError> {
        let path = self.settings_path();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(io_error(&path, e)),
        };
        let settings: Settings =
            serde_json::from_slice(&bytes).map_err(|e| unreadable(&path, &e.to_string()))?;
        settings
            .check()
            .map_err(|reason| unreadable(&path, &reason))?;
        Ok(settings)
    }

    /// Whether this is the first start on this machine: no settings written yet, and no cache of
    /// the embedded sandbox. The window then offers the demo or a Talkdesk sign-in instead of
    /// opening the demo silently. Read before the active profile's cache is opened (which makes
    /// it); any choice writes the settings, so it is asked once.
    pub fn is_first_start(&self) -> bool {
        !self.settings_path().exists()
            && !self
                .root
                .join(PROFILES_DIR)
                .join(SANDBOX)
                .join(crate::CACHE_FILE)
                .exists()
    }

    /// Every profile: `sandbox`, the regions, then the custom ones by name.
    pub fn all(&self) -> Result<Vec<Profile>, WorkbenchError> {
        Ok(self.all_of(&self.settings()?))
    }

    fn all_of(&self, settings: &Settings) -> Vec<Profile> {
        let mut all = vec![self.named(SANDBOX, ProfileKind::Sandbox, ServerChoice::Embedded)];
        all.extend(REGIONS.iter().map(|region| {
            self.named(
                region.name,
                ProfileKind::Region,
                ServerChoice::url(region.url),
            )
        }));
        all.extend(settings.custom_profiles.iter().map(|(name, custom)| {
            // `check` has seen the URL is good; its normal form is what accounts are kept against.
            let url = normalize_url(&custom.url).unwrap_or_else(|_| custom.url.clone());
            let sign_in = check_sign_in(&custom.sign_in()).unwrap_or_else(|_| custom.sign_in());
            self.named(name, ProfileKind::Custom, ServerChoice::Url(url, sign_in))
        }));
        all
    }

    fn named(&self, name: &str, kind: ProfileKind, server: ServerChoice) -> Profile {
        Profile {
            name: name.to_owned(),
            kind,
            server,
            data_dir: self.root.join(PROFILES_DIR).join(name),
        }
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Result<Profile, WorkbenchError> {
        find(&self.all()?, name)
    }

    /// The active profile: `sandbox` until another is chosen with [`Profiles::set_active`].
    pub fn active(&self) -> Result<Profile, WorkbenchError> {
        let settings = self.settings()?;
        let name = settings.active_name();
        find(&self.all_of(&settings), name).map_err(|_| {
            WorkbenchError::Settings(format!(
                "{} names {name:?} as the active profile, but there is no such profile; \
                 choose one with `pwb profile use NAME` (`pwb profile list` shows them)",
                self.settings_path().display()
            ))
        })
    }

    /// Every profile, with which is active and which are signed in.
    pub fn list(&self) -> Result<Vec<ProfileEntry>, WorkbenchError> {
        let settings = self.settings()?;
        let active = settings.active_name();
        Ok(self
            .all_of(&settings)
            .into_iter()
            .map(|profile| {
                let (signed_in, problem) = match profile.account() {
                    Ok(account) => (account.is_some(), None),
                    Err(e) => (false, Some(e.to_string())),
                };
                ProfileEntry {
                    active: profile.name == active,
                    signed_in,
                    access: expected_access(&profile.server, signed_in),
                    problem,
                    profile,
                }
            })
            .collect())
    }

    /// Adds a custom profile, signed in to as `sign_in` says. Refused, with nothing changed: a
    /// name that is taken, built in or not usable as a folder name; a URL (the server's or the
    /// issuer's) that is not a base URL or uses plain HTTP off this machine; a client id or a
    /// scope with spaces; the server of another profile signed in to the same way; a data
    /// folder left under that name.
    pub fn add(
        &self,
        name: &str,
        url: &str,
        sign_in: &SignInSettings,
    ) -> Result<Profile, WorkbenchError> {
        let sign_in = check_sign_in(sign_in)?;
        check_name(name).map_err(WorkbenchError::InvalidProfile)?;
        if is_builtin(name) {
            return Err(WorkbenchError::InvalidProfile(format!(
                "{name} is a built-in profile; choose another name"
            )));
        }
        let url = normalize_url(url)?;
        self.update(|settings| {
            if let Some(existing) = settings.custom_profiles.get(name) {
                return Err(WorkbenchError::InvalidProfile(format!(
                    "a profile named {name} exists already (server {}); choose another name, \
                     or remove it first (`pwb profile remove {name}`)",
                    existing.url
                )));
            }
            // The same server may have several profiles when they sign in differently (a
            // Talkdesk account's issuer beside the region's built-in profile); the very same
            // twice is one profile.
            if let Some(same) = self.all_of(settings).into_iter().find(|profile| {
                profile.url() == Some(url.as_str()) && profile.server.sign_in() == sign_in
            }) {
                return Err(WorkbenchError::InvalidProfile(format!(
                    "{url} is already the server of profile {0}; use that one (`pwb profile use {0}`)",
                    same.name
                )));
            }
            let profile = self.named(
                name,
                ProfileKind::Custom,
                ServerChoice::Url(url.clone(), sign_in.clone()),
            );
            if is_non_empty_dir(&profile.data_dir) {
                return Err(WorkbenchError::InvalidProfile(format!(
                    "a data folder for {name} is left from before at {}; delete it, or choose another name",
                    profile.data_dir.display()
                )));
            }
            settings.custom_profiles.insert(
                name.to_owned(),
                CustomProfile {
                    url: url.clone(),
                    issuer: sign_in.issuer.clone(),
                    client_id: sign_in.client_id.clone(),
                    scopes: sign_in.scopes.clone(),
                    other: Map::new(),
                },
            );
            Ok(profile)
        })
    }

    /// Removes a custom profile and deletes its data folder. Refused, with nothing changed: a
    /// built-in profile, the active one, one that is signed in (sign out first: that revokes the
    /// tokens), one whose cache holds edits not yet sent.
    pub fn remove(&self, name: &str) -> Result<Profile, WorkbenchError> {
        if is_builtin(name) {
            return Err(WorkbenchError::InvalidProfile(format!(
                "{name} is a built-in profile and cannot be removed; only profiles added with \
                 `pwb profile add` can"
            )));
        }
        let profile = self.update(|settings| {
            let profile = find(&self.all_of(settings), name)?;
            if settings.active_name() == name {
                return Err(WorkbenchError::InvalidProfile(format!(
                    "{name} is the active profile; switch to another first \
                     (`pwb profile use {SANDBOX}`), then remove it"
                )));
            }
            if account_in(&profile.data_dir)?.is_some() {
                return Err(WorkbenchError::InvalidProfile(format!(
                    "{name} is signed in; sign out first (`pwb --profile {name} logout`, which \
                     revokes the tokens), then remove it"
                )));
            }
            let cache = profile.data_dir.join(crate::CACHE_FILE);
            if cache.exists() {
                let pending = Workbench::open(&profile.data_dir)?
                    .store()
                    .pending_edits()?;
                if pending > 0 {
                    return Err(WorkbenchError::InvalidProfile(format!(
                        "{name}'s cache holds {pending} edit(s) not yet sent to its server; \
                         sync them first (`pwb --profile {name} sync`), then remove it"
                    )));
                }
            }
            settings.custom_profiles.remove(name);
            Ok(profile)
        })?;
        match fs::remove_dir_all(&profile.data_dir) {
            Ok(()) => Ok(profile),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(profile),
            Err(e) => Err(WorkbenchError::Settings(format!(
                "profile {name} is removed, but its data folder {} could not be deleted ({e}); \
                 delete it by hand",
                profile.data_dir.display()
            ))),
        }
    }

    /// Makes `name` the active profile.
    pub fn set_active(&self, name: &str) -> Result<Profile, WorkbenchError> {
        self.update(|settings| {
            let profile = find(&self.all_of(settings), name)?;
            settings.active_profile = Some(profile.name.clone());
            Ok(profile)
        })
    }

    /// The profile of the server at `url`: the profile that has it (a region, a custom one), or
    /// else a [`ProfileKind::Server`] profile named by the URL with a data folder of its own.
    pub fn for_server(&self, url: &str) -> Result<Profile, WorkbenchError> {
        let url = normalize_url(url)?;
        if let Some(profile) = self
            .all()?
            .into_iter()
            .find(|profile| profile.url() == Some(url.as_str()))
        {
            return Ok(profile);
        }
        Ok(Profile {
            data_dir: self.root.join(SERVERS_DIR).join(server_folder(&url)),
            name: url.clone(),
            kind: ProfileKind::Server,
            server: ServerChoice::url(url),
        })
    }

    /// The profile a command runs on: `profile` (`--profile`, `PWB_PROFILE`), else the server
    /// at `server` (`--server`, `PWB_SERVER`), else the active one. Both at once is refused.
    pub fn choose(
        &self,
        profile: Option<&str>,
        server: Option<&str>,
    ) -> Result<Profile, WorkbenchError> {
        match (given(profile), given(server)) {
            (Some(name), Some(url)) => Err(WorkbenchError::InvalidProfile(format!(
                "both a profile ({name}) and a server ({url}) are given; give one: \
                 --profile / {PROFILE_ENV}, or --server / {}",
                crate::server::SERVER_ENV
            ))),
            (Some(name), None) => self.get(name),
            (None, Some(url)) => self.for_server(url),
            (None, None) => self.active(),
        }
    }

    /// [`Profiles::choose`] with what the environment says (`PWB_PROFILE`, `PWB_SERVER`).
    pub fn choose_from_environment(&self) -> Result<Profile, WorkbenchError> {
        let profile = std::env::var(PROFILE_ENV).ok();
        let server = std::env::var(crate::server::SERVER_ENV).ok();
        self.choose(profile.as_deref(), server.as_deref())
    }

    /// Opens the profile's [`Workbench`], creating its data folder and cache when missing.
    pub fn open_workbench(&self, profile: &Profile) -> Result<Workbench, WorkbenchError> {
        Workbench::open(&profile.data_dir)
    }

    /// Reads `settings.json` under a lock held until it is rewritten, applies `change`, and
    /// writes it back only when `change` succeeds.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<T, WorkbenchError>,
    ) -> Result<T, WorkbenchError> {
        fs::create_dir_all(&self.config).map_err(|e| io_error(&self.config, e))?;
        let lock_path = self.config.join(LOCK_FILE);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(&lock_path, e))?;
        match lock.lock() {
            Ok(()) => {}
            // A file system without locks: two changes at the same instant may lose one.
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {}
            Err(e) => return Err(io_error(&lock_path, e)),
        }
        let mut settings = self.settings()?;
        let answer = change(&mut settings)?;
        write_settings(&self.settings_path(), &settings)?;
        Ok(answer)
    }
}

/// Replaces `path` with `settings`, whole or not at all (`atomic`).
fn write_settings(path: &Path, settings: &Settings) -> Result<(), WorkbenchError> {
    let mut json = serde_json::to_vec_pretty(settings).expect("settings serialize");
    json.push(b'\n');
    crate::atomic::write(path, &json, 0o644).map_err(|e| io_error(path, e))
}

/// A value given on the command line or in the environment; blank is not given.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn find(all: &[Profile], name: &str) -> Result<Profile, WorkbenchError> {
    all.iter()
        .find(|profile| profile.name == name)
        .cloned()
        .ok_or_else(|| WorkbenchError::UnknownProfile {
            name: name.to_owned(),
            known: all
                .iter()
                .map(|profile| profile.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn is_builtin(name: &str) -> bool {
    name == SANDBOX || REGIONS.iter().any(|region| region.name == name)
}

fn is_non_empty_dir(path: &Path) -> bool {
    fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some())
}

/// A profile's name is its folder's name too: lowercase letters, digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if first_ok && rest_ok && name.len() <= MAX_NAME_LEN {
        Ok(())
    } else {
        Err(format!(
            "{name:?} cannot name a profile: use 1 to {MAX_NAME_LEN} lowercase letters, digits, \
             '-' or '_', starting with a letter or a digit"
        ))
    }
}

/// A server's base URL in the one form accounts and profiles are compared in (the host in
/// lowercase, no default port, no trailing slash). Refused: what is not a URL, a user name or
/// password in it, a query or fragment, plain HTTP off this machine (as [`PartnerClient::new`]).
pub fn normalize_url(input: &str) -> Result<String, WorkbenchError> {
    let input = input.trim();
    let invalid = |reason: String| WorkbenchError::InvalidProfile(reason);
    let url = Url::parse(input).map_err(|e| {
        invalid(format!(
            "{input:?} is not a server URL ({e}); give its base URL, such as https://api.example.com"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!(
            "{} has a user name or password in it; give the URL without them (sign in with `pwb login`)",
            url.host_str().unwrap_or(input)
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "{input} has a query or a fragment; give the server's base URL alone"
        )));
    }
    PartnerClient::new(url.as_str()).map_err(|e| invalid(e.to_string()))?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The folder of a server given by URL alone: readable (host, port, path) and, through a hash of
/// the whole URL, distinct for every URL.
fn server_folder(url: &str) -> String {
    let readable = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .to_ascii_lowercase();
    let mut slug = String::new();
    for c in readable.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if !(c == '-' && slug.ends_with('-')) {
            slug.push(c);
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(MAX_NAME_LEN).collect();
    let hash = hex::encode(Sha256::digest(url.as_bytes()));
    format!("{slug}-{}", &hash[..12])
}

fn io_error(path: &Path, e: std::io::Error) -> WorkbenchError {
    WorkbenchError::Settings(format!("{}: {e}", path.display()))
}

fn unreadable(path: &Path, reason: &str) -> WorkbenchError {
    WorkbenchError::Settings(format!(
        "{} cannot be read ({reason}); it is left as it is: fix it, or move it away to start \
         again with the built-in profiles",
        path.display()
    ))
}

#[cfg(test)]
mod tests;
