//! Made-up snapshots for tests and benchmarks of the cache and of the crates above it.

use workbench_domain::*;

use crate::{Snapshot, SnapshotApp, SnapshotVersion};

/// `apps` apps with `versions` versions each, every version with two plans, content in every
/// section and, for every other version, a small icon.
pub fn snapshot(apps: usize, versions: usize) -> Snapshot {
    Snapshot {
        apps: (0..apps)
            .map(|a| {
                let app_id = format!("app-{a:05}");
                SnapshotApp {
                    app: App {
                        id: app_id.clone(),
                        name: format!("app_{a}"),
                        slug: format!("app-{a}"),
                        display_name: format!("App {a:05}"),
                        created_type: "Acme Corp".into(),
                        app_type: if a % 2 == 0 {
                            AppType::Standalone
                        } else {
                            AppType::Atlas
                        },
                        render: Render::Portal,
                        sandbox: false,
                    },
                    versions: (0..versions).map(|v| version(&app_id, v)).collect(),
                }
            })
            .collect(),
        rules: None,
        cursor: None,
    }
}

fn version(app_id: &str, v: usize) -> SnapshotVersion {
    let statuses = [
        VersionStatus {
            technical: ReviewStatus::Available,
            marketplace: ReviewStatus::Advertised,
        },
        VersionStatus {
            technical: ReviewStatus::InReview,
            marketplace: ReviewStatus::Draft,
        },
        VersionStatus {
            technical: ReviewStatus::Rejected,
            marketplace: ReviewStatus::Approved,
        },
    ];
    let id = format!("{app_id}-v{v}");
    let icon = v.is_multiple_of(2).then(|| IconFile {
        media_type: "image/png".into(),
        bytes: id.as_bytes().to_vec(),
        sha256: format!("{:064x}", v),
    });
    SnapshotVersion {
        version: AppVersion {
            id: id.clone(),
            app_id: app_id.to_owned(),
            version_number: format!("1.{v}.0"),
            status: statuses[v % statuses.len()],
            content: VersionContent {
                general: General {
                    display_name: format!("{app_id} {v}"),
                    slug: app_id.to_owned(),
                    notes: String::new(),
                    emails: vec![NotificationEmail {
                        kind: "technical".into(),
                        email: "dev@acme.example".into(),
                    }],
                },
                technical: Technical {
                    scopes: vec!["apps:read".into()],
                    scopes_reason: String::new(),
                    urls: vec![TypedUrl {
                        kind: UrlType::RedirectUri,
                        url: "https://acme.example/cb".into(),
                    }],
                    manually_provisioned: false,
                },
                marketplace: Marketplace {
                    listing_summary: "Sync contacts both ways.".into(),
                    description: "# Acme\n\nKeeps **contacts** in sync.".into(),
                    categories: vec!["CRM".into()],
                    ..Marketplace::default()
                },
                subscription_types: vec![
                    SubscriptionPlan {
                        kind: PlanType::Trial,
                        license_type: LicenseType::Individual,
                        name: "Trial".into(),
                        price: 0,
                        currency: "USD".into(),
                        description: String::new(),
                        listing_summary: String::new(),
                        min_licenses: 1,
                        max_licenses: 10,
                        trial_days: Some(30),
                    },
                    SubscriptionPlan {
                        kind: PlanType::Paid,
                        license_type: LicenseType::Universal,
                        name: "Business".into(),
                        price: 4900,
                        currency: "USD".into(),
                        description: "Per account".into(),
                        listing_summary: String::new(),
                        min_licenses: 1,
                        max_licenses: 500,
                        trial_days: None,
                    },
                ],
            },
        },
        etag: format!("\"etag-{id}\""),
        icon,
    }
}
