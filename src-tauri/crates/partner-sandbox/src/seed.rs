//! The demo seed: four fictional partner companies' apps, shown by the desktop app at first
//! start. Between them the versions sit on every status of both review tracks, each reachable
//! under the domain's rules (a test walks `workbench_domain::transition` to prove it), and
//! every version but an app's latest is technically Available, because a new version can only
//! be created from an Available one.
//!
//! A version that follows a published one keeps its predecessor's icon and plans, as the
//! icon-and-plans freeze would force in Partner Project.

use workbench_domain::{
    App, AppType, AppVersion, Asset, AssetType, General, IconFile, LicenseType, Marketplace,
    NotificationEmail, PlanType, Render, ReviewStatus, SubscriptionPlan, SupportContact, Technical,
    TypedUrl, UrlType, VersionContent, VersionStatus,
};

use crate::icon;

pub mod partner;

pub struct SeedApp {
    pub app: App,
    pub versions: Vec<SeedVersion>,
}

pub struct SeedVersion {
    pub version: AppVersion,
    pub icon: Option<IconFile>,
}

/// Everything about one fictional partner that its versions share.
struct Partner {
    key: &'static str,
    name: &'static str,
    display_name: &'static str,
    company: &'static str,
    domain: &'static str,
    app_type: AppType,
    render: Render,
    scopes: &'static [&'static str],
    scopes_reason: &'static str,
    listing_summary: &'static str,
    categories: &'static [&'static str],
    /// (name, license type, price in cents) of the two paid plans.
    plans: [(&'static str, LicenseType, i64); 2],
}

/// The demo apps in the order `GET /apps` lists them.
pub fn demo() -> Result<Vec<SeedApp>, image::ImageError> {
    use ReviewStatus::*;
    let acme = Partner {
        key: "acme-crm",
        name: "acme-crm-connector",
        display_name: "Acme CRM Connector",
        company: "Acme Corp",
        domain: "acme-corp.example",
        app_type: AppType::Standalone,
        render: Render::Portal,
        scopes: &[
            "account:read",
            "contacts:read",
            "contacts:write",
            "calls:read",
        ],
        scopes_reason: "Writes caller details and call outcomes back to Talkdesk contacts, so \
                        agents see the same record in Talkdesk and in Acme CRM.",
        listing_summary: "Screen pops, click-to-call and automatic call logging between \
                          Talkdesk and Acme CRM.",
        categories: &["CRM"],
        plans: [
            ("Team", LicenseType::Individual, 1500),
            ("Enterprise", LicenseType::Universal, 49900),
        ],
    };
    let beacon = Partner {
        key: "beacon-analytics",
        name: "beacon-analytics",
        display_name: "Beacon Analytics",
        company: "Beacon Labs",
        domain: "beaconlabs.example",
        app_type: AppType::Standalone,
        render: Render::Portal,
        scopes: &["account:read", "calls:read", "reports:read", "users:read"],
        scopes_reason: "Reads call records, reports and users to build service-level dashboards; \
                        it never changes data in Talkdesk.",
        listing_summary: "Real-time service-level dashboards and weekly trend reports for \
                          contact center leaders.",
        categories: &["Analytics & Reporting"],
        plans: [
            ("Insights", LicenseType::Individual, 900),
            ("Insights Plus", LicenseType::Universal, 29900),
        ],
    };
    let cobalt = Partner {
        key: "cobalt-scheduler",
        name: "cobalt-scheduler",
        display_name: "Cobalt Scheduler",
        company: "Cobalt Systems",
        domain: "cobaltsystems.example",
        app_type: AppType::Standalone,
        render: Render::Portal,
        scopes: &[
            "account:read",
            "users:read",
            "schedules:read",
            "schedules:write",
        ],
        scopes_reason: "Publishes agent shifts and breaks to Talkdesk schedules, so forecasted \
                        staffing and agent status stay in step.",
        listing_summary: "Forecast call volume and build fair agent schedules that publish \
                          straight to Talkdesk.",
        categories: &["Workforce Engagement"],
        plans: [
            ("Scheduler", LicenseType::Individual, 700),
            ("Scheduler Site", LicenseType::Universal, 39900),
        ],
    };
    let delta = Partner {
        key: "delta-surveys",
        name: "delta-surveys",
        display_name: "Delta Surveys",
        company: "Delta Insights",
        domain: "deltainsights.example",
        app_type: AppType::Atlas,
        render: Render::Canvas,
        scopes: &["account:read", "calls:read", "contacts:read"],
        scopes_reason: "Reads the finished call and its contact to send the right \
                        post-call survey.",
        listing_summary: "Post-call CSAT and NPS surveys by SMS or email, with results inside \
                          the Talkdesk agent workspace.",
        categories: &["Analytics & Reporting"],
        plans: [
            ("Surveys", LicenseType::Individual, 500),
            ("Surveys Unlimited", LicenseType::Universal, 19900),
        ],
    };

    let acme_icon = icon::render([255, 122, 48], [214, 64, 28], 'A')?;
    let beacon_icon = icon::render([64, 156, 255], [36, 84, 196], 'B')?;
    let cobalt_icon = icon::render([40, 190, 160], [20, 120, 110], 'C')?;

    Ok(vec![
        acme.app(vec![
            acme.version(
                "1.0.0",
                Available,
                Advertised,
                "First release: screen pop and call logging.",
                ACME_DESCRIPTION_1,
                Some(&acme_icon),
            ),
            acme.version(
                "1.1.0",
                Available,
                Advertised,
                "Adds click-to-call from any Acme record.",
                ACME_DESCRIPTION_1_1,
                Some(&acme_icon),
            ),
            acme.version(
                "1.2.0",
                InReview,
                Draft,
                "Syncs call dispositions back to Acme opportunities.",
                ACME_DESCRIPTION_1_2,
                Some(&acme_icon),
            ),
        ]),
        beacon.app(vec![
            // Provisioned by hand for each customer: its installations show FAQ §16's
            // manually provisioned mark.
            beacon
                .version(
                    "1.0.0",
                    Available,
                    Approved,
                    "First release: live service-level dashboard.",
                    BEACON_DESCRIPTION,
                    Some(&beacon_icon),
                )
                .manually_provisioned(),
            beacon.version(
                "1.1.0",
                Rejected,
                InReview,
                "Adds weekly trend reports by email.",
                BEACON_DESCRIPTION_1_1,
                Some(&beacon_icon),
            ),
        ]),
        cobalt.app(vec![cobalt.version(
            "0.9.0",
            Approved,
            Rejected,
            "Early-access release for pilot customers.",
            COBALT_DESCRIPTION,
            Some(&cobalt_icon),
        )]),
        // A brand-new app whose first draft has no icon yet.
        delta.app(vec![delta.version(
            "1.0.0",
            Draft,
            Draft,
            "First draft; icon still being designed.",
            DELTA_DESCRIPTION,
            None,
        )]),
    ])
}

/// How many apps and versions per app [`scale`] makes.
pub const SCALE_APPS: usize = 1_000;
pub const SCALE_VERSIONS: usize = 5;

/// [`SCALE_APPS`] apps of [`SCALE_VERSIONS`] versions each, copied from the demo apps' first
/// versions with their own ids: the size of a large partner's catalogue, for benchmarks. The
/// first four versions of each are published (Available and Advertised), the last one In Review.
pub fn scale() -> Result<Vec<SeedApp>, image::ImageError> {
    use ReviewStatus::*;
    let demo = demo()?;
    Ok((0..SCALE_APPS)
        .map(|i| {
            let template = &demo[i % demo.len()];
            let first = &template.versions[0];
            let app_id = format!("app-scale-{i:04}");
            let mut app = template.app.clone();
            app.id = app_id.clone();
            app.name = format!("{}-{i:04}", template.app.name);
            app.display_name = format!("{} {i:04}", template.app.display_name);
            let versions = (0..SCALE_VERSIONS)
                .map(|v| {
                    let mut version = first.version.clone();
                    version.id = format!("ver-scale-{i:04}-{v}");
                    version.app_id = app_id.clone();
                    version.version_number = format!("1.{v}.0");
                    version.status = if v + 1 < SCALE_VERSIONS {
                        VersionStatus {
                            technical: Available,
                            marketplace: Advertised,
                        }
                    } else {
                        VersionStatus {
                            technical: InReview,
                            marketplace: Draft,
                        }
                    };
                    SeedVersion {
                        version,
                        icon: first.icon.clone(),
                    }
                })
                .collect();
            SeedApp { app, versions }
        })
        .collect())
}

impl SeedVersion {
    fn manually_provisioned(mut self) -> SeedVersion {
        self.version.content.technical.manually_provisioned = true;
        self
    }
}

impl Partner {
    fn app(&self, versions: Vec<SeedVersion>) -> SeedApp {
        SeedApp {
            app: App {
                id: format!("app-{}", self.key),
                name: self.name.to_owned(),
                slug: self.name.to_owned(),
                display_name: self.display_name.to_owned(),
                created_type: self.company.to_owned(),
                app_type: self.app_type,
                render: self.render,
                sandbox: false,
            },
            versions,
        }
    }

    fn version(
        &self,
        number: &str,
        technical: ReviewStatus,
        marketplace: ReviewStatus,
        notes: &str,
        description: &str,
        icon: Option<&IconFile>,
    ) -> SeedVersion {
        let url = |kind, url: String| TypedUrl { kind, url };
        let email = |kind: &str, user: &str| NotificationEmail {
            kind: kind.to_owned(),
            email: format!("{user}@{}", self.domain),
        };
        let d = self.domain;
        let content = VersionContent {
            general: General {
                display_name: self.display_name.to_owned(),
                slug: self.name.to_owned(),
                notes: notes.to_owned(),
                emails: vec![
                    email("technical", "integrations"),
                    email("billing", "billing"),
                ],
            },
            technical: Technical {
                scopes: self.scopes.iter().map(|s| (*s).to_owned()).collect(),
                scopes_reason: self.scopes_reason.to_owned(),
                urls: vec![
                    url(
                        UrlType::RedirectUri,
                        format!("https://connect.{d}/talkdesk/oauth/callback"),
                    ),
                    url(
                        UrlType::InstallationSubscription,
                        format!("https://connect.{d}/talkdesk/events"),
                    ),
                    url(
                        UrlType::LaunchUrl,
                        format!("https://app.{d}/talkdesk/launch"),
                    ),
                ],
                manually_provisioned: false,
            },
            marketplace: Marketplace {
                listing_summary: self.listing_summary.to_owned(),
                description: description.to_owned(),
                categories: self.categories.iter().map(|c| (*c).to_owned()).collect(),
                assets: vec![Asset {
                    kind: AssetType::Screenshot,
                    description: format!(
                        "{} inside the Talkdesk agent workspace",
                        self.display_name
                    ),
                    url: format!("https://cdn.{d}/talkdesk/screenshot-1.png"),
                }],
                urls: vec![
                    url(
                        UrlType::PrivacyPolicy,
                        format!("https://www.{d}/legal/privacy"),
                    ),
                    url(
                        UrlType::TermsOfService,
                        format!("https://www.{d}/legal/terms"),
                    ),
                ],
                support: SupportContact {
                    email: format!("support@{d}"),
                    phone: String::new(),
                    url: format!("https://help.{d}/talkdesk"),
                },
            },
            subscription_types: self.plans(),
        };
        SeedVersion {
            version: AppVersion {
                id: format!("ver-{}-{}", self.key, number.replace('.', "-")),
                app_id: format!("app-{}", self.key),
                version_number: number.to_owned(),
                status: VersionStatus {
                    technical,
                    marketplace,
                },
                content,
            },
            icon: icon.cloned(),
        }
    }

    /// One 30-day trial, a per-seat plan and a per-account plan.
    fn plans(&self) -> Vec<SubscriptionPlan> {
        let plan = |kind, license_type, name: &str, price, max_licenses, description: String| {
            SubscriptionPlan {
                kind,
                license_type,
                name: name.to_owned(),
                price,
                currency: "USD".to_owned(),
                listing_summary: description.clone(),
                description,
                min_licenses: 1,
                max_licenses,
                trial_days: (kind == PlanType::Trial).then_some(30),
            }
        };
        let [
            (seat_name, seat_type, seat_price),
            (account_name, account_type, account_price),
        ] = self.plans;
        vec![
            plan(
                PlanType::Trial,
                LicenseType::Individual,
                "Trial",
                0,
                25,
                format!("Try every {seat_name} feature free for 30 days with up to 25 agents."),
            ),
            plan(
                PlanType::Paid,
                seat_type,
                seat_name,
                seat_price,
                500,
                "Pay per agent seat, each month; add or remove seats at any time.".to_owned(),
            ),
            plan(
                PlanType::Paid,
                account_type,
                account_name,
                account_price,
                2000,
                "One monthly price for the whole account, for up to 2,000 agents.".to_owned(),
            ),
        ]
    }
}

const ACME_DESCRIPTION_1: &str = "## Every call, in your CRM

Acme CRM Connector links Talkdesk with **Acme CRM**, so agents stop copying notes between tabs.

- Screen pop of the matching Acme contact on every inbound call
- Automatic call logging with duration and recording link

### Plans

Start with the 30-day **Trial**, then choose **Team** at $15.00 per seat per month or
**Enterprise** at $499.00 per account per month.
";

const ACME_DESCRIPTION_1_1: &str = "## Every call, in your CRM

Acme CRM Connector links Talkdesk with **Acme CRM**, so agents stop copying notes between tabs.

- Screen pop of the matching Acme contact on every inbound call
- Click-to-call from any Acme record
- Automatic call logging with duration and recording link

### Plans

Start with the 30-day **Trial**, then choose **Team** at $15.00 per seat per month or
**Enterprise** at $499.00 per account per month.
";

const ACME_DESCRIPTION_1_2: &str = "## Every call, in your CRM

Acme CRM Connector links Talkdesk with **Acme CRM**, so agents stop copying notes between tabs.

- Screen pop of the matching Acme contact on every inbound call
- Click-to-call from any Acme record
- Automatic call logging with disposition, duration and recording link
- *New:* dispositions update the related Acme opportunity

### Plans

Start with the 30-day **Trial**, then choose **Team** at $15.00 per seat per month or
**Enterprise** at $499.00 per account per month.
";

const BEACON_DESCRIPTION: &str = "## Know your service level before your customers do

Beacon Analytics turns Talkdesk call data into a live wall board for supervisors.

- Service level, abandon rate and average speed of answer, updated every few seconds
- Queue and team breakdowns with configurable targets
- Alerts when a queue drifts off target
";

const BEACON_DESCRIPTION_1_1: &str = "## Know your service level before your customers do

Beacon Analytics turns Talkdesk call data into a live wall board for supervisors.

- Service level, abandon rate and average speed of answer, updated every few seconds
- Queue and team breakdowns with configurable targets
- Alerts when a queue drifts off target
- Weekly trend reports by email, every Monday morning
";

const COBALT_DESCRIPTION: &str = "## Schedules that match demand

Cobalt Scheduler forecasts call volume from your Talkdesk history and builds schedules
that cover it, fairly.

1. Forecast volume per queue in 15-minute intervals
2. Generate shifts that respect agent preferences and labor rules
3. Publish to Talkdesk and track adherence in real time
";

const DELTA_DESCRIPTION: &str = "## Hear from every caller

Delta Surveys sends a short CSAT or NPS survey after each call, by SMS or email, and shows
the answers next to the conversation in the agent workspace.

- Survey templates for CSAT, NPS and custom questions
- Results per agent, queue and team
";

#[cfg(test)]
mod tests;
