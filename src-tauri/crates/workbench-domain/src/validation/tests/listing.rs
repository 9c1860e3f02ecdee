//! Every listing and text rule, pass and fail. URLs of the valid version: technical [0] redirect,
//! [1] events, [2] launch; marketplace [0] privacy, [1] terms.

use super::{Case, run_table};

#[test]
fn listing_rules() {
    let cases: &[Case] = &[
        ("complete listing", |_| {}, "listing.required", &[]),
        (
            "no display name",
            |c| c.general.display_name.clear(),
            "listing.required",
            &["general.display_name"],
        ),
        (
            "blank slug",
            |c| c.general.slug = "  ".into(),
            "listing.required",
            &["general.slug"],
        ),
        (
            "no summary",
            |c| c.marketplace.listing_summary.clear(),
            "listing.required",
            &["marketplace.listing_summary"],
        ),
        (
            "no description",
            |c| c.marketplace.description.clear(),
            "listing.required",
            &["marketplace.description"],
        ),
        (
            "no category",
            |c| c.marketplace.categories.clear(),
            "listing.required",
            &["marketplace.categories"],
        ),
        (
            "no privacy policy",
            |c| {
                c.marketplace.urls.remove(0);
            },
            "listing.required",
            &["marketplace.urls.privacy_policy"],
        ),
        (
            "no terms",
            |c| {
                c.marketplace.urls.remove(1);
            },
            "listing.required",
            &["marketplace.urls.terms_of_service"],
        ),
        (
            "no support email",
            |c| c.marketplace.support.email.clear(),
            "listing.required",
            &["marketplace.support.email"],
        ),
        (
            "a 40-character name",
            |c| c.general.display_name = "N".repeat(40),
            "listing.length",
            &[],
        ),
        (
            "a 41-character name",
            |c| c.general.display_name = "N".repeat(41),
            "listing.length",
            &["general.display_name"],
        ),
        (
            "a 141-character summary",
            |c| c.marketplace.listing_summary = "s".repeat(141),
            "listing.length",
            &["marketplace.listing_summary"],
        ),
        (
            "characters, not bytes",
            |c| c.marketplace.listing_summary = "é".repeat(140),
            "listing.length",
            &[],
        ),
        (
            "a too-short description",
            |c| c.marketplace.description = "Notes.".into(),
            "listing.length",
            &["marketplace.description"],
        ),
        (
            "slug with digits",
            |c| c.general.slug = "acme2-notes".into(),
            "listing.slug",
            &[],
        ),
        (
            "slug with capitals",
            |c| c.general.slug = "Acme_Notes".into(),
            "listing.slug",
            &["general.slug"],
        ),
        (
            "slug with a double hyphen",
            |c| c.general.slug = "acme--notes".into(),
            "listing.slug",
            &["general.slug"],
        ),
        (
            "slug starting with a hyphen",
            |c| c.general.slug = "-acme".into(),
            "listing.slug",
            &["general.slug"],
        ),
        ("all HTTPS", |_| {}, "listing.https", &[]),
        ("all HTTPS links", |_| {}, "listing.https_links", &[]),
        (
            "plain HTTP privacy policy: a link, not a carrier of credentials",
            |c| c.marketplace.urls[0].url = "http://acme.io/privacy".into(),
            "listing.https",
            &[],
        ),
        (
            "plain HTTP privacy policy",
            |c| c.marketplace.urls[0].url = "http://acme.io/privacy".into(),
            "listing.https_links",
            &["marketplace.urls[0].url"],
        ),
        (
            "loopback redirect",
            |c| c.technical.urls[0].url = "http://localhost:8080/cb".into(),
            "listing.https",
            &[],
        ),
        (
            "plain HTTP redirect elsewhere",
            |c| c.technical.urls[0].url = "http://acme.io/cb".into(),
            "listing.https",
            &["technical.urls[0].url"],
        ),
        (
            "plain HTTP installation webhook: it carries client credentials",
            |c| c.technical.urls[1].url = "http://app.acme.io/events".into(),
            "listing.https",
            &["technical.urls[1].url"],
        ),
        (
            "loopback launch URL",
            |c| c.technical.urls[2].url = "http://127.0.0.1/launch".into(),
            "listing.https_links",
            &["technical.urls[2].url"],
        ),
        (
            "a bare scheme",
            |c| c.marketplace.urls[1].url = "https://".into(),
            "listing.https_links",
            &["marketplace.urls[1].url"],
        ),
        ("known category", |_| {}, "listing.categories", &[]),
        (
            "unknown category",
            |c| c.marketplace.categories.push("Games".into()),
            "listing.categories",
            &["marketplace.categories[1]"],
        ),
        (
            "write scope with a reason",
            |_| {},
            "listing.scopes_reason",
            &[],
        ),
        (
            "write scope without a reason",
            |c| c.technical.scopes_reason = " ".into(),
            "listing.scopes_reason",
            &["technical.scopes_reason"],
        ),
        (
            "read scopes need no reason",
            |c| {
                c.technical.scopes = vec!["contacts:read".into()];
                c.technical.scopes_reason.clear();
            },
            "listing.scopes_reason",
            &[],
        ),
        // FAQ §11: SSO, one-click installation, Talkdesk's APIs; §16: provisioning by hand.
        ("a launch URL", |_| {}, "technical.launch_url", &[]),
        (
            "no launch URL",
            |c| {
                c.technical.urls.remove(2);
            },
            "technical.launch_url",
            &["technical.urls.launch_url"],
        ),
        (
            "a blank launch URL",
            |c| c.technical.urls[2].url = " ".into(),
            "technical.launch_url",
            &["technical.urls.launch_url"],
        ),
        (
            "an installation subscription URL",
            |_| {},
            "technical.installation_subscription",
            &[],
        ),
        (
            "no installation subscription URL",
            |c| {
                c.technical.urls.remove(1);
            },
            "technical.installation_subscription",
            &["technical.urls.installation_subscription"],
        ),
        (
            "scopes with their reason",
            |_| {},
            "technical.api_scopes",
            &[],
        ),
        (
            "no scope and no reason",
            |c| {
                c.technical.scopes.clear();
                c.technical.scopes_reason.clear();
            },
            "technical.api_scopes",
            &["technical.scopes", "technical.scopes_reason"],
        ),
        (
            "read scopes without a reason",
            |c| {
                c.technical.scopes = vec!["contacts:read".into()];
                c.technical.scopes_reason.clear();
            },
            "technical.api_scopes",
            &["technical.scopes_reason"],
        ),
        (
            "provisioned automatically",
            |_| {},
            "technical.automated_provisioning",
            &[],
        ),
        (
            "provisioned by hand",
            |c| c.technical.manually_provisioned = true,
            "technical.automated_provisioning",
            &["technical.manually_provisioned"],
        ),
        (
            "no placeholders",
            |c| {
                c.marketplace
                    .description
                    .push_str(" Manage your todo lists.")
            },
            "listing.placeholder",
            &[],
        ),
        (
            "lorem ipsum",
            |c| {
                c.marketplace.description =
                    "Lorem Ipsum dolor sit amet, consectetur adipiscing elit.".into()
            },
            "listing.placeholder",
            &["marketplace.description"],
        ),
        (
            "TODO in the summary",
            |c| c.marketplace.listing_summary = "TODO: write the summary".into(),
            "listing.placeholder",
            &["marketplace.listing_summary"],
        ),
        (
            "TBD in a plan",
            |c| c.subscription_types[2].description = "Price TBD".into(),
            "listing.placeholder",
            &["subscription_types[2].description"],
        ),
        (
            "example.com support URL",
            |c| c.marketplace.support.url = "https://example.com/help".into(),
            "listing.placeholder",
            &["marketplace.support.url"],
        ),
        (
            "subdomain of example.org",
            |c| c.marketplace.urls[0].url = "https://docs.example.org/privacy".into(),
            "listing.placeholder",
            &["marketplace.urls[0].url"],
        ),
        (
            "example.com email",
            |c| c.general.emails[0].email = "dev@example.com".into(),
            "listing.placeholder",
            &["general.emails[0].email"],
        ),
        (
            "example.net link in text",
            |c| {
                c.marketplace
                    .description
                    .push_str(" See https://example.net/docs for more.")
            },
            "listing.placeholder",
            &["marketplace.description"],
        ),
        (
            "no secrets",
            |c| {
                c.technical.urls[2].url =
                    "https://app.acme.io/launch/123e4567-e89b-12d3-a456-426614174000".into()
            },
            "listing.secret",
            &[],
        ),
        (
            "AWS key in notes",
            |c| c.general.notes = "key AKIAIOSFODNN7EXAMPLE".into(),
            "listing.secret",
            &["general.notes"],
        ),
        (
            "private key",
            |c| {
                c.marketplace
                    .description
                    .push_str("\n-----BEGIN RSA PRIVATE KEY-----\nMIIE")
            },
            "listing.secret",
            &["marketplace.description"],
        ),
        (
            "live API key",
            |c| c.technical.scopes_reason = "uses sk_live_51Habc123def456".into(),
            "listing.secret",
            &["technical.scopes_reason"],
        ),
        (
            "token in a URL",
            |c| {
                c.technical.urls[2].url =
                    "https://app.acme.io/launch?token=8fK2pQ9xL4mZ7vB1nR6tY3wE5hJ0aSdG".into()
            },
            "listing.secret",
            &["technical.urls[2].url"],
        ),
    ];
    run_table(cases);
}
