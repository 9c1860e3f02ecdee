//! The window's types of the partner's live data: installations with their badges, OAuth
//! clients (a created one's secret, once), and the account's licenses and credits.

use partner_api::account::Account;
use partner_api::installations::Installation;
use partner_api::oauth_clients::OAuthClient;
use serde::Serialize;
use ts_rs::TS;
use workbench::InstallationView;
use workbench::live::{CREDITS_HELP_URL, FAILED_UPDATE_HELP, format_credits};
pub use workbench_domain::badges::Badge;
use workbench_domain::badges::Badges;
pub use workbench_domain::installation::{InstallationState, UpdateState, Waiting};

/// What the customer's icon shows: the one status badge (bottom-left), the ones drawn beside it
/// and the ones it covers, the label, a dimmed icon, the gear (top-right) and force uninstall
/// (bottom-right).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BadgeView {
    pub shown: Option<Badge>,
    /// The manually provisioned mark, drawn beside Installing or Trial Expired (FAQ §16).
    pub beside: Vec<Badge>,
    pub covered: Vec<Badge>,
    pub label: String,
    pub dimmed: bool,
    pub gear: bool,
    pub force_uninstall: bool,
}

impl From<Badges> for BadgeView {
    fn from(badges: Badges) -> Self {
        let Badges {
            shown,
            beside,
            covered,
            label,
            dimmed,
            gear,
            force_uninstall,
        } = badges;
        BadgeView {
            shown,
            beside,
            covered,
            label,
            dimmed,
            gear,
            force_uninstall,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InstallationRow {
    pub id: String,
    pub account_name: String,
    pub version_id: String,
    /// The installed version's number, when the cache knows that version.
    pub version_number: Option<String>,
    pub state: InstallationState,
    /// An update waiting for the partner (`updating`) or one that failed to roll back.
    pub update: Option<UpdateState>,
    /// What the installation waits for the partner to decide, if anything.
    pub waiting: Option<Waiting>,
    /// What to do about it, when only someone else can act (a Failed Update needs Talkdesk).
    pub help: Option<String>,
    pub plan: Option<String>,
    pub licenses: u32,
    /// RFC 3339.
    pub trial_start: Option<String>,
    pub trial_end: Option<String>,
    /// Why the partner rejected it.
    pub reason: Option<String>,
    pub badges: BadgeView,
}

impl From<InstallationView> for InstallationRow {
    fn from(view: InstallationView) -> Self {
        let InstallationView {
            installation,
            version_number,
            badges,
            waiting,
        } = view;
        let Installation {
            id,
            app_id: _,
            account_name,
            app_version_id,
            state,
            trial_start,
            trial_end,
            plan,
            licenses,
            reason,
            update,
        } = installation;
        InstallationRow {
            id,
            account_name,
            version_id: app_version_id,
            version_number,
            state,
            update,
            waiting,
            help: (update == Some(UpdateState::Failed)).then(|| FAILED_UPDATE_HELP.to_owned()),
            plan,
            licenses,
            trial_start,
            trial_end,
            reason,
            badges: badges.into(),
        }
    }
}

/// What a decision answers: the installation decided on, in the state it is now. Its row, with
/// badges, comes with the list read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DecidedInstallation {
    pub id: String,
    pub account_name: String,
    pub state: InstallationState,
}

impl From<Installation> for DecidedInstallation {
    fn from(installation: Installation) -> Self {
        DecidedInstallation {
            id: installation.id,
            account_name: installation.account_name,
            state: installation.state,
        }
    }
}

/// The partner's answer to what waits for them (with `Waiting`, what they saw waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InstallationDecisionKind {
    Approve,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OAuthClientRow {
    pub id: String,
    pub name: String,
    /// Talkdesk API scopes, from the catalogue.
    pub scopes: Vec<String>,
    /// https, or http on loopback; empty for a client-credentials client.
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<OAuthClient> for OAuthClientRow {
    fn from(client: OAuthClient) -> Self {
        let OAuthClient {
            id,
            name,
            scopes,
            redirect_uris,
            grant_types,
            created_at,
        } = client;
        OAuthClientRow {
            id,
            name,
            scopes,
            redirect_uris,
            grant_types,
            created_at,
        }
    }
}

/// A client just created and its secret: shown once by the window, kept nowhere. The IPC
/// trace writes `secret` as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CreatedClientView {
    pub client: OAuthClientRow,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PartnerAccountView {
    pub licenses_total: u32,
    pub licenses_used: u32,
    /// Of the total, those that came free with the developer account.
    pub licenses_free_developer: u32,
    pub licenses_available: u32,
    /// The balance, formatted from its minor units with its currency's prefix: "$25.00".
    pub credits: String,
    /// ISO 4217.
    pub currency: String,
    /// Talkdesk's help page on adding credits (FAQ §9), to show as text: `open_credits_help`
    /// opens it, and the window cannot name another address to open.
    pub credits_help_url: String,
}

/// A version's private install link (FAQ §14), and who can install from it, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InstallLinkView {
    pub version_id: String,
    /// To show as text and copy: the window opens nothing from it.
    pub url: String,
    /// Any Talkdesk account, or only the partner's own developer account (until the technical
    /// review approves the version).
    pub any_account: bool,
    /// `workbench_domain::lifecycle::InstallableOn::describe`.
    pub who: String,
}

impl From<partner_api::InstallLink> for InstallLinkView {
    fn from(link: partner_api::InstallLink) -> Self {
        use workbench_domain::lifecycle::InstallableOn;
        InstallLinkView {
            version_id: link.version_id,
            url: link.url,
            any_account: link.installable_on == InstallableOn::AnyAccount,
            who: link.installable_on.describe().to_owned(),
        }
    }
}

impl From<Account> for PartnerAccountView {
    fn from(account: Account) -> Self {
        let Account { licenses, credits } = account;
        PartnerAccountView {
            licenses_total: licenses.total,
            licenses_used: licenses.used,
            licenses_free_developer: licenses.free_developer,
            licenses_available: licenses.total.saturating_sub(licenses.used),
            credits: format_credits(credits.balance, &credits.currency),
            currency: credits.currency,
            credits_help_url: CREDITS_HELP_URL.to_owned(),
        }
    }
}

/// The Talkdesk API scopes an OAuth client may be given (the catalogue's), for the create
/// dialog.
pub fn client_scopes() -> Vec<String> {
    partner_api::oauth_clients::scope_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}
