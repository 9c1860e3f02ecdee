//! The demo partner's installations and account. Installations exist only for versions that
//! are technically Available (the only ones customers can install): Acme's 1.0.0 and 1.1.0 and
//! Beacon's 1.0.0. Between them they are in every state of SPEC §3, with at least one installation
//! waiting for the partner's confirmation (`installing`) per app so confirming and rejecting can
//! be tried on each, and one update waiting to be accepted or rejected. Dates are fixed
//! strings: the seed reads no clock.
//!
//! They also show every badge of FAQ §16 a customer can see: Updating and Failed Update (an
//! update under way or failed), Trial Expired (a trial that ended in March 2026), Upgrade
//! Available (on Acme 1.0.0 while 1.1.0 is Available), Failed Installation, Installing, and the
//! manually provisioned mark (Beacon 1.0.0 is manually provisioned, see the seed's versions).

use partner_api::account::{
    Account, Credits, FREE_DEVELOPER_CREDITS, FREE_DEVELOPER_CREDITS_CURRENCY,
    FREE_DEVELOPER_LICENSES, Licenses,
};
use partner_api::installations::{Installation, InstallationState, UpdateState};

use crate::config::Seed;

pub fn installations(seed: Seed) -> Vec<Installation> {
    // The installations belong to the demo apps; the other seeds have none of them.
    if seed != Seed::Demo {
        return Vec::new();
    }
    use InstallationState::*;
    const ACME: (&str, &str) = ("acme-crm", "1-1-0");
    const ACME_OLD: (&str, &str) = ("acme-crm", "1-0-0");
    const BEACON: (&str, &str) = ("beacon-analytics", "1-0-0");
    const MARCH_TRIAL: Option<(&str, &str)> =
        Some(("2026-03-02T09:00:00Z", "2026-04-01T09:00:00Z"));
    const OCTOBER_TRIAL: Option<(&str, &str)> =
        Some(("2025-10-01T14:30:00Z", "2025-10-31T14:30:00Z"));
    let rows: [(_, _, _, _, _, _, Option<&str>); 11] = [
        (ACME, "Northwind Traders", Completed, "Team", 40, None, None),
        (
            ACME,
            "Globex Support",
            Installing,
            "Trial",
            10,
            MARCH_TRIAL,
            None,
        ),
        (ACME, "Initech Care", Installing, "Team", 15, None, None),
        (
            ACME,
            "Umbrella Health",
            Installing,
            "Enterprise",
            120,
            None,
            None,
        ),
        (
            ACME_OLD,
            "Hooli Contact Center",
            Timeout,
            "Team",
            8,
            None,
            None,
        ),
        (
            ACME,
            "Vandelay Imports",
            Failed,
            "Trial",
            5,
            MARCH_TRIAL,
            None,
        ),
        (
            ACME_OLD,
            "Stark Logistics",
            Revoked,
            "Enterprise",
            60,
            None,
            None,
        ),
        (
            BEACON,
            "Wayne Services",
            Completed,
            "Insights Plus",
            200,
            None,
            None,
        ),
        (
            BEACON,
            "Soylent Foods",
            Installing,
            "Trial",
            12,
            MARCH_TRIAL,
            None,
        ),
        (
            BEACON,
            "Cyberdyne Help",
            Rejected,
            "Insights",
            20,
            None,
            Some("The account's region is not supported by this release yet."),
        ),
        (
            BEACON,
            "Tyrell Retail",
            Suspended,
            "Trial",
            30,
            OCTOBER_TRIAL,
            None,
        ),
    ];
    // Appended after the rows above, so their ids stay: the installations being updated, and
    // one completed on Acme's older version.
    let updates: [(_, _, _, _, _, Option<UpdateState>); 3] = [
        (
            ACME,
            "Pied Piper Desk",
            "Team",
            25,
            None,
            Some(UpdateState::Updating),
        ),
        (
            ACME,
            "Massive Dynamic",
            "Enterprise",
            300,
            None,
            Some(UpdateState::Failed),
        ),
        (ACME_OLD, "Oceanic Air", "Team", 18, OCTOBER_TRIAL, None),
    ];
    let rows = rows
        .into_iter()
        .map(|(v, account, state, plan, licenses, trial, reason)| {
            (v, account, state, plan, licenses, trial, reason, None)
        })
        .chain(
            updates
                .into_iter()
                .map(|(v, account, plan, licenses, trial, update)| {
                    (v, account, Completed, plan, licenses, trial, None, update)
                }),
        );
    let mut per_app = std::collections::HashMap::<&str, u32>::new();
    rows.map(
        |((app, version), account, state, plan, licenses, trial, reason, update)| {
            let n = per_app.entry(app).or_default();
            *n += 1;
            Installation {
                id: format!("inst-{app}-{n:02}"),
                app_id: format!("app-{app}"),
                account_name: account.to_owned(),
                app_version_id: format!("ver-{app}-{version}"),
                state,
                trial_start: trial.map(|(start, _)| start.to_owned()),
                trial_end: trial.map(|(_, end)| end.to_owned()),
                plan: Some(plan.to_owned()),
                licenses,
                reason: reason.map(str::to_owned),
                update,
            }
        },
    )
    .collect()
}

/// The demo partner's sign-in name, asked by a `--public` sandbox's approval pages (`/device`,
/// `/oauth/authorize`). The sandbox has one partner, the account that owns the seeded apps and
/// installations, so it has one sign-in.
pub const DEMO_PARTNER_LOGIN: &str = "demo@partner.example";

/// The demo partner's password: a published demo credential (docs/guide.md gives it), not a
/// secret. A public sandbox holds demo data only; the sign-in keeps a passer-by on the network
/// from approving a code with one click, and shows where a real server asks for the partner's
/// own sign-in.
pub const DEMO_PARTNER_PASSWORD: &str = "sandbox-demo";

/// A developer account as FAQ §8 gives it: three free licenses and $25.00 of credits (USD, in
/// minor units), nothing bought. The demo uses one of the licenses, so used and available read
/// apart; an empty sandbox is the account as it arrives.
pub fn account(seed: Seed) -> Account {
    let used = match seed {
        Seed::Demo | Seed::Scale => 1,
        Seed::Empty => 0,
    };
    Account {
        licenses: Licenses {
            total: FREE_DEVELOPER_LICENSES,
            used,
            free_developer: FREE_DEVELOPER_LICENSES,
        },
        credits: Credits {
            balance: FREE_DEVELOPER_CREDITS,
            currency: FREE_DEVELOPER_CREDITS_CURRENCY.to_owned(),
        },
    }
}
