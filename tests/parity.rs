//! Server parity (issue 4): for generated versions, what the sandbox says over real HTTP equals
//! what the tool's own engine says, so nothing the tool could have seen is ever refused.
//!
//! Each case starts from a version the default rules pack passes and applies random mutations
//! that hit many rules (plans, listing text, URLs, slug, categories, scopes, placeholder and
//! secret text, quoted names and prices, screenshots), picks an icon from the fixtures corpus
//! (or none), a track and some suppressions. Then, over HTTP on 127.0.0.1: create a version,
//! PATCH the content, PUT the icon, POST the submission. The verdicts compared:
//!
//! - the icon upload: refused (422 with the engine's diagnostics) exactly when
//!   `validate_icon` finds an error;
//! - the submission: refused (422 with the diagnostics and the rules not checked) exactly when
//!   `validate_submission` on the stored content and icon finds an error;
//! - an accepted submission: the automatic reviewer (delay 0) rejects with one feedback entry per
//!   error or warning left after the suppressions, naming rule, field and message, or approves.
//!
//! One sandbox and one app serve every case: a case's draft is deleted afterwards, so the next
//! one starts again at 1.0.0; only a case that ends Approved (which cannot be deleted) makes the
//! next case register a fresh app.

use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use partner_api::{
    ApiError, ChangeKind, ChangesPage, ReviewDecision, ReviewOutcome, VersionResource,
    icon_file_name, paths,
};
use partner_sandbox::{Config, ReviewMode, Sandbox, Seed};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::json;
use workbench_domain::validation::{
    Report, RulesPack, Suppression, ValidationInput, validate_icon, validate_submission,
};
use workbench_domain::{
    App, Asset, AssetType, General, LicenseType, Marketplace, NotificationEmail, PlanType,
    ReviewStatus, SubscriptionPlan, SupportContact, Technical, Track, TypedUrl, UrlType,
    VersionContent, VersionStatus,
};

/// The fixtures corpus: every icon file, valid and hostile (`tests/fixtures/icons/`).
const ICONS: &[&str] = &[
    "valid.png",
    "valid.jpg",
    "truncated.png",
    "wrong-extension.png",
    "bomb-60000.png",
    "sixteen-bit.png",
    "cmyk.jpg",
    "animated.png",
    "animated.gif",
    "one-pixel.png",
    "non-square.png",
    "oversized.png",
    "not-an-image.png",
    "corner-content.png",
    "blank-transparent.png",
    "blank-solid.png",
];

fn icon_bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/icons")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn plan(kind: PlanType, name: &str, price: i64, min: u32, max: u32) -> SubscriptionPlan {
    SubscriptionPlan {
        kind,
        license_type: LicenseType::Individual,
        name: name.to_owned(),
        price,
        currency: "USD".to_owned(),
        description: String::new(),
        listing_summary: String::new(),
        min_licenses: min,
        max_licenses: max,
        trial_days: (kind == PlanType::Trial).then_some(30),
    }
}

fn url(kind: UrlType, url: &str) -> TypedUrl {
    TypedUrl {
        kind,
        url: url.to_owned(),
    }
}

fn screenshot(n: usize) -> Asset {
    Asset {
        kind: AssetType::Screenshot,
        description: format!("Screen {n}"),
        url: format!("https://cdn.acme.io/shot{n}.png"),
    }
}

/// A version the default pack passes on both tracks (a test below checks it).
fn valid_content() -> VersionContent {
    VersionContent {
        general: General {
            display_name: "Acme Call Notes".into(),
            slug: "acme-call-notes".into(),
            notes: String::new(),
            emails: vec![NotificationEmail {
                kind: "technical".into(),
                email: "dev@acme.io".into(),
            }],
        },
        technical: Technical {
            scopes: vec!["contacts:read".into(), "calls:write".into()],
            scopes_reason: "We attach call notes to the call record.".into(),
            urls: vec![
                url(UrlType::RedirectUri, "https://app.acme.io/oauth/callback"),
                url(
                    UrlType::InstallationSubscription,
                    "https://app.acme.io/events",
                ),
                url(UrlType::LaunchUrl, "https://app.acme.io/launch"),
            ],
            manually_provisioned: false,
        },
        marketplace: Marketplace {
            listing_summary: "Take notes during calls, with the Starter plan at $12 per seat."
                .into(),
            description: "Acme Call Notes keeps notes beside every call. The Team plan costs \
                          $29 per seat per month, and a 30-day trial is included."
                .into(),
            categories: vec!["Productivity".into()],
            assets: vec![screenshot(1)],
            urls: vec![
                url(UrlType::PrivacyPolicy, "https://acme.io/privacy"),
                url(UrlType::TermsOfService, "https://acme.io/terms"),
            ],
            support: SupportContact {
                email: "support@acme.io".into(),
                phone: String::new(),
                url: String::new(),
            },
        },
        subscription_types: vec![
            plan(PlanType::Trial, "Trial", 0, 1, 10),
            plan(PlanType::Paid, "Starter", 1200, 1, 50),
            plan(PlanType::Paid, "Team", 2900, 10, 500),
        ],
    }
}

/// One change to the valid version. Most break one or more rules; some break none.
#[derive(Debug, Clone)]
enum Mutation {
    // Plans.
    DropTrial,
    SecondTrial,
    TrialDays(u32),
    NoPaidPlans,
    StarterMin(u32),
    Price(usize, i64),
    Currency(usize, String),
    Licenses(usize, u32, u32),
    RenamePlan(usize, String),
    PlanDescription(usize, String),
    LicenseType(usize),
    // Listing text.
    DisplayName(String),
    Summary(String),
    Description(String),
    AppendToDescription(String),
    Notes(String),
    ScopesReason(String),
    // URLs.
    SetUrl(UrlType, String),
    DropUrl(UrlType),
    SupportUrl(String),
    SupportEmail(String),
    // Slug, categories, scopes, screenshots.
    Slug(String),
    Categories(Vec<String>),
    AddScope(String),
    Screenshots(usize),
}

impl Mutation {
    fn apply(&self, content: &mut VersionContent) {
        let plans = &mut content.subscription_types;
        let nth = |plans: &mut Vec<SubscriptionPlan>, i: usize| {
            let len = plans.len();
            (len > 0).then(|| i % len)
        };
        let set_url = |urls: &mut Vec<TypedUrl>, kind: UrlType, value: &str| match urls
            .iter_mut()
            .find(|u| u.kind == kind)
        {
            Some(u) => u.url = value.to_owned(),
            None => urls.push(url(kind, value)),
        };
        let technical_url = |kind| {
            matches!(
                kind,
                UrlType::RedirectUri | UrlType::InstallationSubscription | UrlType::LaunchUrl
            )
        };
        match self {
            Mutation::DropTrial => plans.retain(|p| p.kind != PlanType::Trial),
            Mutation::SecondTrial => plans.push(plan(PlanType::Trial, "Second Trial", 0, 1, 5)),
            Mutation::TrialDays(days) => {
                for p in plans.iter_mut().filter(|p| p.kind == PlanType::Trial) {
                    p.trial_days = Some(*days);
                }
            }
            Mutation::NoPaidPlans => plans.retain(|p| p.kind != PlanType::Paid),
            Mutation::StarterMin(min) => {
                if let Some(p) = plans.iter_mut().find(|p| p.name == "Starter") {
                    p.min_licenses = *min;
                }
            }
            Mutation::Price(i, price) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].price = *price;
                }
            }
            Mutation::Currency(i, currency) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].currency = currency.clone();
                }
            }
            Mutation::Licenses(i, min, max) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].min_licenses = *min;
                    plans[i].max_licenses = *max;
                }
            }
            Mutation::RenamePlan(i, name) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].name = name.clone();
                }
            }
            Mutation::PlanDescription(i, text) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].description = text.clone();
                }
            }
            Mutation::LicenseType(i) => {
                if let Some(i) = nth(plans, *i) {
                    plans[i].license_type = LicenseType::Universal;
                }
            }
            Mutation::DisplayName(text) => content.general.display_name = text.clone(),
            Mutation::Summary(text) => content.marketplace.listing_summary = text.clone(),
            Mutation::Description(text) => content.marketplace.description = text.clone(),
            Mutation::AppendToDescription(text) => {
                content.marketplace.description.push(' ');
                content.marketplace.description.push_str(text);
            }
            Mutation::Notes(text) => content.general.notes = text.clone(),
            Mutation::ScopesReason(text) => content.technical.scopes_reason = text.clone(),
            Mutation::SetUrl(kind, value) if technical_url(*kind) => {
                set_url(&mut content.technical.urls, *kind, value)
            }
            Mutation::SetUrl(kind, value) => set_url(&mut content.marketplace.urls, *kind, value),
            Mutation::DropUrl(kind) => {
                content.technical.urls.retain(|u| u.kind != *kind);
                content.marketplace.urls.retain(|u| u.kind != *kind);
            }
            Mutation::SupportUrl(value) => content.marketplace.support.url = value.clone(),
            Mutation::SupportEmail(value) => content.marketplace.support.email = value.clone(),
            Mutation::Slug(slug) => content.general.slug = slug.clone(),
            Mutation::Categories(list) => content.marketplace.categories = list.clone(),
            Mutation::AddScope(scope) => content.technical.scopes.push(scope.clone()),
            Mutation::Screenshots(n) => {
                content.marketplace.assets = (1..=*n).map(screenshot).collect();
            }
        }
    }
}

/// Text that is fine, or trips a text rule: placeholders, secrets, quoted names and prices,
/// "free", add-ons, or a length limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Notes for every call.".to_owned()),
        Just("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.".to_owned()),
        Just("TODO: write the real description of the app before we submit it.".to_owned()),
        Just("Questions? Write to help@example.com any time of the day.".to_owned()),
        Just("Our key is AKIAIOSFODNN7EXAMPLE, which we use for storage only.".to_owned()),
        Just("Use sk_live_4eC39HqLyjWDarjtT1zdp7dc to try the live API right now.".to_owned()),
        Just("-----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA".to_owned()),
        Just("Free for ever, for every team that signs up this year.".to_owned()),
        Just("The Premium Add-on plan brings call scoring to every team.".to_owned()),
        Just("Upgrade to the Gold plan for unlimited notes on every call.".to_owned()),
        Just("The Team plan is the one most customers pick.".to_owned()),
        (1u32..20_000).prop_map(|cents| format!(
            "Every seat costs ${}.{:02} a month, billed monthly.",
            cents / 100,
            cents % 100
        )),
        Just("Every seat costs $12 a month on the Starter plan.".to_owned()),
        (1usize..6).prop_map(|n| "word ".repeat(n).trim().to_owned()),
        (100usize..1200).prop_map(|n| "Notes and more notes. ".repeat(n)),
        "[A-Za-z ]{0,60}",
    ]
}

/// Listing text that quotes a plan or a price: a warning when no plan matches it.
fn quote() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..20_000).prop_map(|cents| format!(
            "Every seat costs ${}.{:02} a month, billed monthly.",
            cents / 100,
            cents % 100
        )),
        Just("Every seat costs $12 a month on the Starter plan.".to_owned()),
        Just("Upgrade to the Gold plan for unlimited notes on every call.".to_owned()),
        Just("The Team plan is the one most customers pick.".to_owned()),
    ]
}

/// A mutation; quoted names and prices (the warnings) more often than each other kind.
fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => quote().prop_map(Mutation::AppendToDescription),
        1 => quote().prop_map(Mutation::Summary),
        12 => any_mutation(),
    ]
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    let plan_index = 0usize..4;
    prop_oneof![
        Just(Mutation::DropTrial),
        Just(Mutation::SecondTrial),
        prop_oneof![Just(30u32), 0u32..120].prop_map(Mutation::TrialDays),
        Just(Mutation::NoPaidPlans),
        (0u32..4).prop_map(Mutation::StarterMin),
        (plan_index.clone(), -5_000i64..100_000).prop_map(|(i, p)| Mutation::Price(i, p)),
        (
            plan_index.clone(),
            prop_oneof![
                Just("EUR".to_owned()),
                Just("usd".to_owned()),
                Just("XYZ".to_owned()),
                "[A-Z]{3}",
            ]
        )
            .prop_map(|(i, c)| Mutation::Currency(i, c)),
        (plan_index.clone(), 0u32..20, 0u32..20).prop_map(|(i, a, b)| Mutation::Licenses(i, a, b)),
        (
            plan_index.clone(),
            prop_oneof![
                Just("Starter".to_owned()),
                Just("Team".to_owned()),
                Just("Trial".to_owned()),
                Just("Pro Add-on".to_owned()),
                "[A-Z][a-z]{2,8}",
            ]
        )
            .prop_map(|(i, n)| Mutation::RenamePlan(i, n)),
        (plan_index.clone(), text()).prop_map(|(i, t)| Mutation::PlanDescription(i, t)),
        plan_index.prop_map(Mutation::LicenseType),
        prop_oneof![Just(String::new()), "[A-Za-z ]{1,50}", text()].prop_map(Mutation::DisplayName),
        text().prop_map(Mutation::Summary),
        prop_oneof![Just(String::new()), text()].prop_map(Mutation::Description),
        text().prop_map(Mutation::AppendToDescription),
        text().prop_map(Mutation::Notes),
        prop_oneof![Just(String::new()), text()].prop_map(Mutation::ScopesReason),
        (
            prop_oneof![
                Just(UrlType::RedirectUri),
                Just(UrlType::InstallationSubscription),
                Just(UrlType::LaunchUrl),
                Just(UrlType::PrivacyPolicy),
                Just(UrlType::TermsOfService),
                Just(UrlType::AppSource),
            ],
            prop_oneof![
                Just("https://acme.io/page".to_owned()),
                Just("http://acme.io/page".to_owned()),
                Just("http://localhost:8080/cb".to_owned()),
                Just("http://127.0.0.1:3000/cb".to_owned()),
                Just("https://example.com/page".to_owned()),
                Just("ftp://acme.io/file".to_owned()),
                Just("https://".to_owned()),
            ]
        )
            .prop_map(|(k, u)| Mutation::SetUrl(k, u)),
        prop_oneof![
            Just(UrlType::PrivacyPolicy),
            Just(UrlType::TermsOfService),
            Just(UrlType::RedirectUri),
        ]
        .prop_map(Mutation::DropUrl),
        prop_oneof![
            Just("https://acme.io/help".to_owned()),
            Just("https://example.org/help".to_owned()),
        ]
        .prop_map(Mutation::SupportUrl),
        prop_oneof![
            Just(String::new()),
            Just("help@example.net".to_owned()),
            Just("help@acme.io".to_owned()),
        ]
        .prop_map(Mutation::SupportEmail),
        prop_oneof![
            Just(String::new()),
            Just("Acme Notes".to_owned()),
            Just("acme--notes".to_owned()),
            Just("-acme".to_owned()),
            "[a-z0-9-]{1,50}",
        ]
        .prop_map(Mutation::Slug),
        proptest::collection::vec(
            prop_oneof![
                Just("Productivity".to_owned()),
                Just("CRM".to_owned()),
                Just("Gardening".to_owned()),
                Just("productivity".to_owned()),
            ],
            0..3
        )
        .prop_map(Mutation::Categories),
        prop_oneof![
            Just("contacts:write".to_owned()),
            Just("apps:read".to_owned())
        ]
        .prop_map(Mutation::AddScope),
        (0usize..8).prop_map(Mutation::Screenshots),
    ]
}

/// The warnings a partner may suppress, and an error that cannot be.
fn suppression() -> impl Strategy<Value = Suppression> {
    (
        prop_oneof![
            Just("plans.quoted_prices"),
            Just("plans.quoted_names"),
            Just("icon.corners_clear"),
            Just("listing.slug"),
        ],
        any::<bool>(),
    )
        .prop_map(|(rule, on_icon)| Suppression {
            rule: rule.to_owned(),
            field: (on_icon && rule.starts_with("icon.")).then(|| "icon".to_owned()),
            reason: "checked by hand with the partner".to_owned(),
        })
}

#[derive(Debug, Clone)]
struct Case {
    mutations: Vec<Mutation>,
    icon: Option<&'static str>,
    track: Track,
    suppressions: Vec<Suppression>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(mutation(), 0..4),
        prop_oneof![
            1 => Just(None),
            3 => proptest::sample::select(ICONS).prop_map(Some),
        ],
        prop_oneof![1 => Just(Track::Technical), 2 => Just(Track::Marketplace)],
        prop_oneof![
            2 => Just(Vec::new()),
            1 => proptest::collection::vec(suppression(), 1..3),
        ],
    )
        .prop_map(|(mutations, icon, track, suppressions)| Case {
            mutations,
            icon,
            track,
            suppressions,
        })
}

/// A reply, read whole.
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
}

impl Reply {
    fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// One sandbox (automatic reviews, no delay) and the app the cases use.
struct Bench {
    _sandbox: Sandbox,
    _dir: tempfile::TempDir,
    base: String,
    http: reqwest::Client,
    app_id: Option<String>,
    /// Whether the last case ended without cleaning up (it failed): the next takes a fresh app.
    dirty: bool,
    apps: usize,
    cursor: String,
}

impl Bench {
    async fn start() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.seed = Seed::Empty;
        config.review = ReviewMode::Auto;
        config.review_delay = Duration::ZERO;
        let sandbox = Sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .unwrap();
        let token = sandbox.issue_token(&[]).unwrap().access_token;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let http = reqwest::Client::builder()
            .no_proxy()
            .default_headers(headers)
            .build()
            .unwrap();
        Bench {
            base: sandbox.base_url(),
            _sandbox: sandbox,
            _dir: dir,
            http,
            app_id: None,
            dirty: false,
            apps: 0,
            cursor: "c0".to_owned(),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        etag: Option<&str>,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_MATCH, etag);
        }
        let response = build(request).send().await.unwrap();
        Reply {
            status: response.status(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// A new draft 1.0.0 on the current app (registering one when there is none).
    async fn draft(&mut self) -> VersionResource {
        let app_id = match &self.app_id {
            Some(id) => id.clone(),
            None => {
                self.apps += 1;
                let name = format!("parity-{}", self.apps);
                let body = json!({"name": name, "slug": name, "display_name": "Parity",
                                  "created_type": "Acme", "app_type": "standalone",
                                  "render": "portal"});
                let reply = self
                    .send(Method::POST, paths::APPS, None, |r| r.json(&body))
                    .await;
                assert_eq!(reply.status, StatusCode::CREATED);
                let app: App = reply.json();
                self.app_id = Some(app.id.clone());
                app.id
            }
        };
        let reply = self
            .send(Method::POST, &paths::versions(&app_id), None, |r| r)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
        reply.json()
    }

    async fn get_version(&self, v: &VersionResource) -> VersionResource {
        let path = paths::version(&v.version.app_id, &v.version.id);
        let reply = self.send(Method::GET, &path, None, |r| r).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }

    /// The review outcome of `v` once the automatic reviewer has decided `track`.
    async fn review(
        &mut self,
        v: &VersionResource,
        track: Track,
    ) -> (VersionResource, ReviewOutcome) {
        for _ in 0..2_000 {
            let now = self.get_version(v).await;
            if now.version.status.get(track) != ReviewStatus::InReview {
                let reply = self
                    .send(
                        Method::GET,
                        &format!("{}?cursor={}", partner_api::CHANGES_PATH, self.cursor),
                        None,
                        |r| r,
                    )
                    .await;
                let page: ChangesPage = reply.json();
                self.cursor = page.next_cursor;
                let outcome = page
                    .changes
                    .into_iter()
                    .rev()
                    .find(|c| c.kind == ChangeKind::Reviewed && c.resource.id == v.version.id)
                    .and_then(|c| c.review)
                    .expect("the feed has the review outcome");
                return (now, outcome);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("the review of {} was never decided", v.version.id);
    }

    /// Deletes the case's draft, so the app can start again at 1.0.0; a version that cannot be
    /// deleted (an Approved track) retires the app.
    async fn clean(&mut self, v: &VersionResource) {
        let mut v = self.get_version(v).await;
        let status = v.version.status;
        if status.technical == ReviewStatus::Approved
            || status.marketplace == ReviewStatus::Approved
        {
            self.app_id = None;
            return;
        }
        if status != VersionStatus::NEW {
            // A Rejected track goes back to Draft with an edit.
            let path = paths::version(&v.version.app_id, &v.version.id);
            let body = json!({"general": v.version.content.general});
            let reply = self
                .send(Method::PATCH, &path, Some(&v.etag), |r| r.json(&body))
                .await;
            assert_eq!(reply.status, StatusCode::OK);
            v = reply.json();
        }
        let path = paths::version(&v.version.app_id, &v.version.id);
        let reply = self.send(Method::DELETE, &path, Some(&v.etag), |r| r).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
    }
}

/// The local verdict of a submission, as the tool computes it.
fn local_submission(
    content: &VersionContent,
    icon: Option<(&[u8], &str)>,
    case: &Case,
    pack: &RulesPack,
) -> Report {
    let mut input = ValidationInput::new(content, VersionStatus::NEW);
    if let Some((bytes, name)) = icon {
        input = input.with_icon(bytes, name);
    }
    validate_submission(&input, pack, &case.suppressions, case.track)
}

/// (rule, severity, field) of each diagnostic, in order.
fn verdict(
    report_or_error: &[workbench_domain::validation::Diagnostic],
) -> Vec<(String, String, String)> {
    report_or_error
        .iter()
        .map(|d| {
            (
                d.rule.clone(),
                d.severity.as_str().to_owned(),
                d.field.clone(),
            )
        })
        .collect()
}

/// What one case found, for the tally.
#[derive(Debug, Default)]
struct Tally {
    icons_refused: usize,
    submissions_refused: usize,
    approved: usize,
    rejected: usize,
}

async fn run_case(bench: &mut Bench, case: &Case, pack: &RulesPack, tally: &mut Tally) {
    let mut content = valid_content();
    for mutation in &case.mutations {
        mutation.apply(&mut content);
    }
    if std::mem::replace(&mut bench.dirty, true) {
        bench.app_id = None;
    }
    let v = bench.draft().await;
    let path = paths::version(&v.version.app_id, &v.version.id);
    let body = serde_json::to_value(&content).unwrap();
    let reply = bench
        .send(Method::PATCH, &path, Some(&v.etag), |r| r.json(&body))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{case:?}");
    let mut v: VersionResource = reply.json();
    assert_eq!(
        v.version.content, content,
        "the server stores what was sent"
    );

    // The icon upload.
    let mut stored_icon: Option<(Vec<u8>, &'static str)> = None;
    if let Some(name) = case.icon {
        let bytes = icon_bytes(name);
        let local = validate_icon(&bytes, name, pack);
        let sent = bytes.clone();
        let reply = bench
            .send(
                Method::PUT,
                &paths::icon(&v.version.app_id, &v.version.id),
                Some(&v.etag),
                |r| {
                    r.query(&[("filename", name)])
                        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                        .body(sent)
                },
            )
            .await;
        if local.has_errors() {
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let error: ApiError = reply.json();
            assert_eq!(error.code, "validation_failed");
            assert_eq!(
                verdict(&error.diagnostics),
                verdict(&local.diagnostics),
                "{name}"
            );
            assert_eq!(
                error.diagnostics, local.diagnostics,
                "{name}: messages and params"
            );
            tally.icons_refused += 1;
        } else {
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{name}: {}",
                String::from_utf8_lossy(&reply.body)
            );
            v = reply.json();
            let media_type = v
                .icon
                .as_ref()
                .expect("the icon is stored")
                .media_type
                .clone();
            stored_icon = Some((bytes, icon_file_name(&media_type)));
        }
    }

    // The submission.
    let local = local_submission(
        &content,
        stored_icon.as_ref().map(|(b, n)| (b.as_slice(), *n)),
        case,
        pack,
    );
    let body = json!({"track": case.track, "suppressions": case.suppressions});
    let reply = bench
        .send(
            Method::POST,
            &format!("{path}/submissions"),
            Some(&v.etag),
            |r| r.json(&body),
        )
        .await;
    if local.has_errors() {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{case:?}");
        let error: ApiError = reply.json();
        assert_eq!(error.code, "validation_failed");
        assert_eq!(
            verdict(&error.diagnostics),
            verdict(&local.diagnostics),
            "{case:?}"
        );
        assert_eq!(error.diagnostics, local.diagnostics, "{case:?}");
        assert_eq!(error.not_checked, local.not_checked, "{case:?}");
        let now = bench.get_version(&v).await;
        assert_eq!(now.etag, v.etag, "a refused submission changes nothing");
        tally.submissions_refused += 1;
    } else {
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{case:?}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let (_, outcome) = bench.review(&v, case.track).await;
        let expected: Vec<(Option<String>, String, String)> = local
            .review_findings()
            .map(|d| (Some(d.rule.clone()), d.field.clone(), d.message.clone()))
            .collect();
        let got: Vec<(Option<String>, String, String)> = outcome
            .feedback
            .iter()
            .map(|f| (f.rule.clone(), f.field.clone(), f.message.clone()))
            .collect();
        assert_eq!(got, expected, "{case:?}");
        let decision = if expected.is_empty() {
            tally.approved += 1;
            ReviewDecision::Approve
        } else {
            tally.rejected += 1;
            ReviewDecision::Reject
        };
        assert_eq!(outcome.decision, decision, "{case:?}");
        assert_eq!(outcome.not_checked, local.not_checked, "{case:?}");
    }
    bench.clean(&v).await;
    bench.dirty = false;
}

#[test]
fn the_base_version_passes_both_tracks_cleanly() {
    let pack = RulesPack::default_pack();
    let content = valid_content();
    let icon = icon_bytes("valid.png");
    for track in Track::ALL {
        let input = ValidationInput::new(&content, VersionStatus::NEW).with_icon(&icon, "icon.png");
        let report = validate_submission(&input, &pack, &[], track);
        assert!(
            report.diagnostics.is_empty(),
            "{track}: {:?}",
            report.diagnostics
        );
    }
}

#[test]
fn the_sandbox_and_the_tool_agree_on_a_thousand_generated_versions() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let pack = RulesPack::default_pack();
    let bench = RefCell::new(runtime.block_on(Bench::start()));
    let tally = RefCell::new(Tally::default());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 1_000,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&case(), |case| {
        // A failed assertion is a panic; proptest turns it into a failure and shrinks the case.
        let (mut bench, mut tally) = (bench.borrow_mut(), tally.borrow_mut());
        runtime.block_on(run_case(&mut bench, &case, &pack, &mut tally));
        Ok::<(), TestCaseError>(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The generator reaches every kind of verdict, or the comparison proves little.
    let tally = tally.into_inner();
    eprintln!("parity: {tally:?}");
    // Only safety refuses an icon (decoding limits, bytes that do not decode); the house icon
    // rules are warnings since every rule gained a source, so fewer generated icons are refused.
    assert!(tally.icons_refused >= 100, "{tally:?}");
    assert!(tally.submissions_refused >= 200, "{tally:?}");
    assert!(tally.approved >= 200, "{tally:?}");
    assert!(tally.rejected >= 30, "{tally:?}");
}
