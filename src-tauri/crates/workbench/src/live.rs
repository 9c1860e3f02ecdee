//! The partner's live data (SPEC §3): installations of an app with the badges their customers
//! see, the partner's decision on what waits for them (an installation to confirm, an update to
//! accept, `workbench_domain::installation::waiting`), the partner's OAuth API clients, and the
//! account. None of it is cached: each call asks the server, and offline it says so rather
//! than show something stale. A created client's secret is handed to the caller once and is
//! written nowhere (not the cache, not a file, not a log).

use partner_api::account::Account;
use partner_api::installations::{Decision, Installation, Waiting, waiting};
use partner_api::oauth_clients::{NewOAuthClient, OAuthClient};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use workbench_domain::badges::{self, Badges, InstalledVersion};
use workbench_domain::{ReviewStatus, version_sort_key};
use workbench_remote::{ClientSecret, PartnerClient, RemoteError};

use crate::{Workbench, WorkbenchError};

/// The longest rejection reason, in characters (the contract's limit).
pub use partner_api::installations::REASON_MAX_CHARS;

/// An installation as the partner sees it: the server's record, the installed version's
/// number when the cache knows it, the badge its customer sees, and what it waits for the
/// partner to decide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstallationView {
    #[serde(flatten)]
    pub installation: Installation,
    pub version_number: Option<String>,
    pub badges: Badges,
    pub waiting: Option<Waiting>,
}

/// The partner's decision on what waits for them: confirm or reject an installation, accept or
/// reject an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallationDecision {
    Approve,
    Reject,
}

/// A client just created and its secret, shown once: the caller shows it and drops it.
#[derive(Debug)]
pub struct CreatedClient {
    pub client: OAuthClient,
    pub secret: ClientSecret,
}

/// A live request that found the server unreachable says that these data are not kept offline.
fn live(what: &'static str) -> impl Fn(RemoteError) -> WorkbenchError {
    move |error| match error {
        RemoteError::Unreachable { .. } => WorkbenchError::LiveOffline {
            what,
            source: error,
        },
        error => error.into(),
    }
}

impl Workbench {
    /// Every installation of `app_id` with its badges as of `now`. Facts from the cache: the
    /// installed version's number and whether it is manually provisioned (the server's copy
    /// when there is one), and the app's latest technically Available version.
    pub async fn installations(
        &self,
        client: &PartnerClient,
        app_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<InstallationView>, WorkbenchError> {
        let installations = client
            .installations(app_id)
            .await
            .map_err(live("installations"))?;
        let store = self.store();
        let listing = store.list_apps()?;
        let versions = listing
            .iter()
            .find(|a| a.app.id == app_id)
            .map(|a| a.versions.as_slice())
            .unwrap_or_default();
        let latest_available = versions
            .iter()
            .filter(|v| v.status.technical == ReviewStatus::Available)
            .max_by_key(|v| version_sort_key(&v.version_number))
            .map(|v| v.version_number.clone());
        let mut views = Vec::with_capacity(installations.len());
        for installation in installations {
            let summary = versions
                .iter()
                .find(|v| v.id == installation.app_version_id);
            let manually_provisioned = match summary {
                Some(_) => store
                    .version(&installation.app_version_id)?
                    .map(|cached| {
                        let shown = cached.base.as_ref().unwrap_or(&cached.version);
                        shown.content.technical.manually_provisioned
                    })
                    .unwrap_or(false),
                None => false,
            };
            let trial_end = installation
                .trial_end
                .as_deref()
                .and_then(|end| OffsetDateTime::parse(end, &Rfc3339).ok())
                .map(|end| end.unix_timestamp());
            let facts = badges::facts(
                installation.state,
                installation.update,
                trial_end,
                now.unix_timestamp(),
                InstalledVersion {
                    version_number: summary.map(|v| v.version_number.as_str()),
                    manually_provisioned,
                    latest_available: latest_available.as_deref(),
                },
            );
            views.push(InstallationView {
                version_number: summary.map(|v| v.version_number.clone()),
                badges: badges::badges(&facts),
                waiting: waiting(installation.state, installation.update),
                installation,
            });
        }
        Ok(views)
    }

    /// Decides on what waits for the partner: `expect` is what they saw waiting (an
    /// installation to confirm or an update to accept), and the decision is refused, with
    /// nothing sent, when the installation waits for something else. A rejection needs a
    /// reason the customer will see (not blank, at most [`REASON_MAX_CHARS`] characters):
    /// without one nothing is sent.
    pub async fn decide_installation(
        &self,
        client: &PartnerClient,
        app_id: &str,
        installation_id: &str,
        expect: Waiting,
        decision: InstallationDecision,
        reason: Option<&str>,
    ) -> Result<Installation, WorkbenchError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > REASON_MAX_CHARS) {
            return Err(WorkbenchError::InvalidInput(format!(
                "the reason is longer than {REASON_MAX_CHARS} characters; shorten it"
            )));
        }
        let decision = match decision {
            InstallationDecision::Approve => Decision::Approve,
            InstallationDecision::Reject if reason.is_none() => {
                return Err(WorkbenchError::InvalidInput(
                    "a rejection needs a reason the customer will see: give one \
                     (`--reason TEXT`)"
                        .to_owned(),
                ));
            }
            InstallationDecision::Reject => Decision::Reject,
        };
        // One key for the call: the client's retries of it replay rather than meet a 409.
        let key = crate::edit::new_key();
        client
            .decide_installation(app_id, installation_id, expect, decision, reason, &key)
            .await
            .map_err(live("installations"))
    }

    /// The partner's OAuth API clients.
    pub async fn oauth_clients(
        &self,
        client: &PartnerClient,
    ) -> Result<Vec<OAuthClient>, WorkbenchError> {
        client.oauth_clients().await.map_err(live("OAuth clients"))
    }

    /// Creates an OAuth client for the Talkdesk APIs: scopes from the catalogue of Talkdesk API
    /// scopes, redirect URIs (https, or http on loopback) and grant types, checked here as the
    /// server checks them ([`NewOAuthClient::problems`]) before anything is sent. Its secret is in
    /// the answer, this once; it is not kept anywhere.
    pub async fn create_oauth_client(
        &self,
        client: &PartnerClient,
        mut new: NewOAuthClient,
    ) -> Result<CreatedClient, WorkbenchError> {
        new.name = new.name.trim().to_owned();
        let dedup = |list: &mut Vec<String>| {
            let mut seen = Vec::new();
            list.retain(|item| {
                let first = !seen.contains(item);
                seen.push(item.clone());
                first
            });
        };
        dedup(&mut new.scopes);
        dedup(&mut new.redirect_uris);
        dedup(&mut new.grant_types);
        let problems = new.problems();
        if !problems.is_empty() {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("{}: {}", p.name, p.description))
                .collect();
            return Err(WorkbenchError::InvalidInput(lines.join("; ")));
        }
        let key = crate::edit::new_key();
        let created = client
            .create_oauth_client(&new, &key)
            .await
            .map_err(live("OAuth clients"))?;
        let Some(secret) = created.secret else {
            // The creating reply was lost and the retry was answered from the server's record,
            // which keeps no secret: a client nobody can use. Delete it rather than leave it.
            let id = created.client.id;
            let reason = match self.delete_oauth_client(client, &id).await {
                Ok(()) => format!(
                    "the new client {id} came without its secret (the first reply was lost), so \
                     it was deleted; create it again"
                ),
                Err(error) => format!(
                    "client {id} was created but its secret was lost, and deleting it failed \
                     ({error}); delete it with `pwb clients delete {id}`"
                ),
            };
            return Err(WorkbenchError::Remote(RemoteError::Malformed {
                url: format!("{}/oauth-clients", client.server()),
                reason,
            }));
        };
        Ok(CreatedClient {
            client: created.client,
            secret,
        })
    }

    /// Deletes an OAuth client: applications using it can no longer sign in.
    pub async fn delete_oauth_client(
        &self,
        client: &PartnerClient,
        id: &str,
    ) -> Result<(), WorkbenchError> {
        let key = crate::edit::new_key();
        client
            .delete_oauth_client(id, &key)
            .await
            .map_err(live("OAuth clients"))
    }

    /// The link that installs a version privately, to test it, and who can install from it
    /// (`partner_api::InstallLink`). Asked of the server each time; a version made here has
    /// none until a sync sends it.
    pub async fn install_link(
        &self,
        client: &PartnerClient,
        version_id: &str,
    ) -> Result<partner_api::InstallLink, WorkbenchError> {
        let cached = self.cached(version_id)?;
        if cached.etag.is_none() {
            return Err(WorkbenchError::InvalidEdit(format!(
                "version {version_id} is not on the server yet, so it has no install link; \
                 `pwb sync` sends it"
            )));
        }
        client
            .install_link(&cached.version.app_id, version_id)
            .await
            .map_err(live("the version's install link"))
    }

    /// The partner's licenses and credit balance.
    pub async fn partner_account(&self, client: &PartnerClient) -> Result<Account, WorkbenchError> {
        client
            .account()
            .await
            .map_err(live("the account's licenses and credits"))
    }
}

/// A credit balance in minor units as its currency's prefix and the amount with all its minor
/// digits: "$25.00" for 2,500 USD, "-$0.05", "¥1,234,567", "CHF 10.00" for a currency without a
/// symbol; written with the card's amounts (`card::format_amount`, `card::currency_prefix`).
pub fn format_credits(balance: i64, currency: &str) -> String {
    let amount = workbench_domain::card::format_amount(balance, currency);
    let prefix = workbench_domain::card::currency_prefix(currency);
    match amount.strip_prefix('-') {
        Some(magnitude) => format!("-{prefix}{magnitude}"),
        None => format!("{prefix}{amount}"),
    }
}

/// The two ways credits are added to the account, as the Partner Project FAQ says them (§9,
/// "How Can I Add Credits to My Account?"). `pwb account` prints them; the window's account
/// screen says the same in its own words file.
pub const CREDITS_WAYS: [&str; 2] = [
    "On a contract with a talk time commitment: the account is funded automatically, using \
     your preferred payment method.",
    "Paying by credit card: an automatic recharge or a one-time payment, each deducted from \
     your credit card.",
];

/// Where credits are added, in the words of Talkdesk's help page at [`CREDITS_HELP_URL`]
/// ("Log into your Talkdesk account as an Administrator", the Admin section, the Usage tab,
/// "Manage credits").
pub const CREDITS_WHERE: &str =
    "in your Talkdesk account, as an administrator: Admin, Usage, Manage credits";

/// Talkdesk's public help page on adding credits (One-Time Payments: automatic recharge or
/// one-time payment, and the steps). Talkdesk's "Funding your Account" page,
/// https://support.talkdesk.com/hc/en-us/articles/206633253-Funding-your-Account, gives the
/// same two ways as FAQ §9. The desktop opens this address and no other for the account
/// screen's link (`open_credits_help`); `pwb account` prints it.
pub const CREDITS_HELP_URL: &str =
    "https://support.talkdesk.com/hc/en-us/articles/206633273-One-Time-Payments";

/// Talkdesk's support portal, as its Support Services Policy names it
/// (https://www.talkdesk.com/legal/support-policy: "Support Portal: support.talkdesk.com/hc/en-us").
pub const TALKDESK_SUPPORT_URL: &str = "https://support.talkdesk.com/hc/en-us";

/// What a Failed Update means and what to do, after FAQ §16: "This status is not recoverable,
/// therefore it requires further action from Talkdesk. Users are advised to open a request when
/// in this status." `pwb installations` prints it; the window shows it on the installation.
pub const FAILED_UPDATE_HELP: &str = "The update failed to roll back and cannot be recovered \
     from here: it needs Talkdesk. The customer must open a request with Talkdesk Support at \
     https://support.talkdesk.com/hc/en-us.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failed_update_help_names_the_support_portal() {
        assert!(FAILED_UPDATE_HELP.contains(TALKDESK_SUPPORT_URL));
    }

    #[test]
    fn credits_are_written_from_minor_units_after_the_currency_prefix() {
        assert_eq!(format_credits(2_500, "USD"), "$25.00");
        assert_eq!(format_credits(125_000, "USD"), "$1,250.00");
        assert_eq!(format_credits(0, "EUR"), "€0.00");
        assert_eq!(format_credits(-5, "USD"), "-$0.05");
        assert_eq!(format_credits(1_234_567, "JPY"), "¥1,234,567");
        assert_eq!(format_credits(100_000_000, "GBP"), "£1,000,000.00");
        assert_eq!(format_credits(1_000, "CHF"), "CHF 10.00");
        assert_eq!(
            format_credits(i64::MIN, "USD"),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn the_credits_help_page_is_a_fixed_https_address() {
        assert!(CREDITS_HELP_URL.starts_with("https://support.talkdesk.com/"));
        assert!(url::Url::parse(CREDITS_HELP_URL).is_ok());
    }
}
