//! The preview of a version as customers will see it on AppConnect: the marketplace card and the
//! listing page.
//!
//! [`description_html`] turns the description's Markdown subset into HTML that is inert whatever
//! the partner wrote: pulldown-cmark parses it with no extension (CommonMark's core: paragraphs,
//! breaks, headings, emphasis, strong, code, lists, quotes, rules, links); raw HTML becomes text,
//! an image becomes its alt text, a link keeps its address only for `https:`, `http:` and
//! `mailto:` (anything else is its text alone); then ammonia cleans the result against an
//! allowlist of those tags, with `href` on links (each given `rel="noopener noreferrer"`) and
//! `start` on numbered lists as the only attributes.
//!
//! [`Workbench::export_preview`] renders a cached version as one self-contained HTML page (what
//! `pwb preview` writes): the card small and large, light and dark, and the listing page, with
//! every partner string escaped, the icon as a `data:` URL, and a Content-Security-Policy that
//! allows no script and no load but the declared screenshots' origins.
//! [`Workbench::preview_source`] is what the window's live preview needs beside the draft, and
//! [`Workbench::listing_link`] decides which links the window may open outside the app.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use url::Url;
use workbench_domain::card::{self, CardSize};
use workbench_domain::validation::IconInput;
use workbench_domain::validation::icon::{DecodeLimits, Pixels, RealFormat, analyse};
use workbench_domain::{
    App, AppVersion, AssetType, IconFile, PlanType, SubscriptionPlan, UrlType, VersionContent,
};

use crate::{Workbench, WorkbenchError};

/// The URL schemes a link may have: anything else is shown as text.
pub const LINK_SCHEMES: [&str; 3] = ["https", "http", "mailto"];

/// The tags the description's HTML may contain, and nothing else.
pub const DESCRIPTION_TAGS: [&str; 18] = [
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "a",
];

/// The `rel` every link of the preview carries: the opened page gets no handle on the opener
/// and no referrer.
pub const LINK_REL: &str = "noopener noreferrer";

/// What the window's live preview needs beside the draft it renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewSource {
    /// The app's `created_type`, shown as the vendor.
    pub vendor: String,
    /// The server's copy as last synced (the cache's base of the version); `None` when the
    /// server has never had it.
    pub live: Option<VersionContent>,
    /// Whether the working icon differs from the server's.
    pub icon_changed: bool,
}

impl Workbench {
    /// The vendor, the server's last synced copy and whether the icon changed, for the
    /// window's "Compare with live".
    pub fn preview_source(&self, version_id: &str) -> Result<PreviewSource, WorkbenchError> {
        let detail = self.version(version_id)?;
        let store = self.store();
        let live = store
            .version(version_id)?
            .and_then(|cached| cached.base)
            .map(|base| base.content);
        let icon_changed = store.unsent_icon(version_id)?.is_some();
        Ok(PreviewSource {
            vendor: detail.app.created_type,
            live,
            icon_changed,
        })
    }

    /// The cached version `version_id` of app `app_id` (its working copy) as one self-contained
    /// HTML page: the marketplace card and the listing page. Works offline.
    pub fn export_preview(&self, app_id: &str, version_id: &str) -> Result<String, WorkbenchError> {
        self.check_version_of_app(app_id, version_id)?;
        let detail = self.version(version_id)?;
        let icon = self.shown_icon(version_id)?;
        Ok(render_page(&detail.app, &detail.version, icon.as_ref()))
    }

    /// The icon of `version_id` as the window (and the exported preview) may show it: only an
    /// icon that passes [`check_shown_icon`] under the decode limits of the rules pack in force.
    /// The server's icons reach the cache checked against their checksum only; a bad one (not
    /// the image its media type says, a header that cannot be read, more pixels than the limits,
    /// a decode that fails) is dropped here, with a note in the log saying why, and the window
    /// shows the placeholder instead.
    pub fn shown_icon(&self, version_id: &str) -> Result<Option<IconFile>, WorkbenchError> {
        let Some(icon) = self.icon(version_id)? else {
            return Ok(None);
        };
        let limits = match self.active_rules_pack() {
            Ok(active) => DecodeLimits::from_pack(&active.pack),
            Err(_) => DecodeLimits::DEFAULT,
        };
        match check_shown_icon(&icon, limits) {
            Ok(()) => Ok(Some(icon)),
            Err(reason) => {
                tracing::warn!("not showing the icon of version {version_id}: {reason}");
                Ok(None)
            }
        }
    }

    /// `url`, normalized, when the window may open it outside the app: an `https:`, `http:` or
    /// `mailto:` address that the preview of the cached version (its working copy or the
    /// server's copy) shows: a link of the description, a marketplace URL, a screenshot, the
    /// support page or email.
    /// Anything else is refused with [`WorkbenchError::NotAListingLink`].
    pub fn listing_link(&self, version_id: &str, url: &str) -> Result<String, WorkbenchError> {
        let refused = |reason: &str| WorkbenchError::NotAListingLink {
            url: url.chars().take(200).collect(),
            reason: reason.to_owned(),
        };
        let wanted = web_link(url)
            .ok_or_else(|| refused("only https:, http: and mailto: links open outside the app"))?;
        let cached = self
            .store()
            .version(version_id)?
            .ok_or_else(|| WorkbenchError::UnknownVersion(version_id.to_owned()))?;
        let known = std::iter::once(&cached.version)
            .chain(cached.base.as_ref())
            .any(|version| listing_links(&version.content).contains(&wanted));
        if known {
            Ok(wanted)
        } else {
            Err(refused("it is not a link of this version's listing"))
        }
    }
}

/// `url` normalized (WHATWG parsing: scheme and host lower-cased, spaces and non-ASCII
/// percent-encoded) when it is an absolute `https:`, `http:` or `mailto:` URL.
pub fn web_link(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    LINK_SCHEMES
        .contains(&parsed.scheme())
        .then(|| parsed.to_string())
}

/// Every address of `content` a preview shows as a link or loads, normalized (see [`web_link`]):
/// the description's links, the marketplace URLs, the support page and email, the screenshots.
/// Nothing else (the technical URLs, an icon asset) is ever a link of the preview.
pub fn listing_links(content: &VersionContent) -> BTreeSet<String> {
    let marketplace = &content.marketplace;
    description_links(&marketplace.description)
        .into_iter()
        .chain(marketplace.urls.iter().filter_map(|u| web_link(&u.url)))
        .chain(screenshots(content).into_iter().map(|(url, _)| url))
        .chain(web_link(&marketplace.support.url))
        .chain(support_mailto(&marketplace.support.email))
        .collect()
}

/// The support email as the preview links it: `mailto:` and the trimmed address, normalized;
/// `None` when it is blank or no mail address.
fn support_mailto(email: &str) -> Option<String> {
    let email = email.trim();
    if email.is_empty() {
        return None;
    }
    web_link(&format!("mailto:{email}"))
}

/// The link addresses of a description that the preview keeps, normalized.
pub fn description_links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::empty())
        .filter_map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => link_href(link_type, &dest_url),
            _ => None,
        })
        .collect()
}

/// The address a Markdown link keeps, or `None` when it renders as its text alone. An address
/// with whitespace or a control character in it (`<https://a b>`) is refused, as the window's
/// renderer refuses it, rather than percent-encoded into a link the partner did not mean.
fn link_href(link_type: LinkType, dest: &str) -> Option<String> {
    if dest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    match link_type {
        // `<name@example.com>`: pulldown-cmark gives the address without its scheme.
        LinkType::Email => web_link(&format!("mailto:{dest}")),
        _ => web_link(dest),
    }
}

/// The description's Markdown subset as sanitized HTML (see the module's documentation).
pub fn description_html(markdown: &str) -> String {
    let mut links_kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, Options::empty()).filter_map(|event| match event {
        // Raw HTML is never HTML: its text shows. A block of it reads as a paragraph.
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        // An image is not loaded: the events between its start and end are its alt text.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            id,
            ..
        }) => {
            let href = link_href(link_type, &dest_url);
            links_kept.push(href.is_some());
            href.map(|href| {
                Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: CowStr::from(href),
                    title: CowStr::Borrowed(""),
                    id,
                })
            })
        }
        Event::End(TagEnd::Link) => links_kept
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut rendered, events);
    sanitizer().clean(&rendered).to_string()
}

/// The allowlist the rendered description is cleaned against: belt and braces over the event
/// filter above, and what would stop a pulldown-cmark bug from letting markup through.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from(DESCRIPTION_TAGS))
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("ol", HashSet::from(["start"])),
        ]))
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .allowed_classes(HashMap::new())
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .url_schemes(HashSet::from(LINK_SCHEMES))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .clean_content_tags(HashSet::from(["script", "style"]))
        .id_prefix(None);
    builder
}

/// Partner text (or anything else) escaped for an HTML text node or a quoted attribute value.
pub use workbench_domain::html::escape;

/// The raster formats the page embeds as the icon; anything else shows the placeholder.
const ICON_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The icons the window shows, by media type: the formats the icon rules decode (and so can
/// check whole before a webview decodes them).
const SHOWN_ICON_TYPES: [(&str, RealFormat); 2] = [
    ("image/png", RealFormat::Png),
    ("image/jpeg", RealFormat::Jpeg),
];

/// Whether `icon` may be shown, checked as the icon rules check a file, under `limits` (the
/// rules pack's `icon_decode_limits`, clamped to the hard caps): a PNG or JPEG whose bytes are
/// what its media type says, whose header reads, whose pixels are within the limits, and which
/// decodes whole under them. Else why not, in words.
pub fn check_shown_icon(icon: &IconFile, limits: DecodeLimits) -> Result<(), String> {
    let media_type = icon.media_type.trim().to_ascii_lowercase();
    let Some((_, format)) = SHOWN_ICON_TYPES.iter().find(|(t, _)| *t == media_type) else {
        return Err(format!(
            "its media type {:?} is not one the window shows (PNG or JPEG)",
            icon.media_type.chars().take(80).collect::<String>()
        ));
    };
    let analysis = analyse(
        IconInput {
            bytes: &icon.bytes,
            file_name: "icon",
        },
        limits,
    );
    if analysis.format != *format {
        return Err(format!(
            "it says it is {media_type} but its bytes are {}",
            analysis.format.as_str()
        ));
    }
    if let Err(why) = &analysis.header {
        return Err(format!("its header cannot be read ({why})"));
    }
    match analysis.pixels {
        Pixels::Decoded(_) => Ok(()),
        Pixels::TooLarge { width, height } => Err(format!(
            "it is {width}×{height} pixels, more than the {} the icon rules decode",
            limits.max_pixels
        )),
        Pixels::Failed(why) => Err(format!("it does not decode ({why})")),
        Pixels::NotAttempted(why) => Err(format!("it was not decoded ({why})")),
    }
}

/// The screenshots a page shows: the declared assets of type screenshot with a web address,
/// normalized, with their descriptions.
fn screenshots(content: &VersionContent) -> Vec<(String, &str)> {
    content
        .marketplace
        .assets
        .iter()
        .filter(|asset| asset.kind == AssetType::Screenshot)
        .filter_map(|asset| {
            let url = Url::parse(asset.url.trim()).ok()?;
            matches!(url.scheme(), "https" | "http")
                .then(|| (url.to_string(), asset.description.as_str()))
        })
        .collect()
}

/// The page's Content-Security-Policy: nothing by default, inline styles (the page's own),
/// images from `data:` (the icon) and the screenshots' origins only. No script source at all.
/// An origin goes in only when its host is a plain name or address (`[A-Za-z0-9.-]`, or an
/// IPv6 literal in brackets), so no partner text can add a source or a directive.
pub fn page_csp(content: &VersionContent) -> String {
    let origins: BTreeSet<String> = screenshots(content)
        .iter()
        .filter_map(|(url, _)| Url::parse(url).ok())
        .filter(|url| url.host().is_some_and(|host| csp_safe_host(&host)))
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .collect();
    let mut img_src = String::from("data:");
    for origin in origins {
        img_src.push(' ');
        img_src.push_str(&origin);
    }
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src {img_src}; base-uri 'none'; form-action 'none'"
    )
}

/// Whether `host` can stand in a CSP source as it serializes: a domain of ASCII letters, digits,
/// dots and hyphens, or an IP address.
fn csp_safe_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(domain) => {
            !domain.is_empty()
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        }
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => true,
    }
}

const STYLE: &str = r#"
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; background: #f4f5f7; }
body { margin: 0; padding: 24px; }
main { max-width: 1040px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 4px; }
.note { color: #5b6475; margin: 0 0 24px; }
h2.part { font-size: 1.1rem; margin: 32px 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.variant { margin: 0; }
.variant figcaption { font-size: .8rem; color: #5b6475; margin-bottom: 6px; }
.card { box-sizing: border-box; border-radius: 12px; padding: 16px; border: 1px solid #d8dce3; background: #fff; color: #1d2433; }
.card.dark { background: #1e2230; color: #eef0f5; border-color: #394055; }
.card.small { width: 240px; }
.card.large { width: 380px; }
.card-head { display: flex; gap: 12px; align-items: center; }
.icon { width: 48px; height: 48px; border-radius: 10px; object-fit: cover; flex: none; }
.large .icon { width: 64px; height: 64px; }
.icon.missing { display: flex; align-items: center; justify-content: center; background: #c9cfdb; color: #1d2433; font-weight: 600; font-size: 1.3rem; }
.card .name { font-size: 1rem; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.card .vendor, .card .category { font-size: .8rem; margin: 2px 0 0; opacity: .75; }
.card .summary { font-size: .9rem; margin: 12px 0; overflow-wrap: anywhere; }
.card .price { font-size: .85rem; font-weight: 600; margin: 0; }
.card .trial { display: inline-block; font-size: .75rem; margin: 6px 0 0; padding: 2px 8px; border-radius: 999px; background: #e3f4ea; color: #185c37; }
.card.dark .trial { background: #1f4b33; color: #d5f5e3; }
.listing { background: #fff; border: 1px solid #d8dce3; border-radius: 12px; padding: 24px; }
.listing header { display: flex; gap: 16px; align-items: center; }
.listing header .icon { width: 80px; height: 80px; }
.listing header h2 { margin: 0; font-size: 1.3rem; overflow-wrap: anywhere; }
.listing h3 { font-size: 1rem; margin: 24px 0 8px; }
.listing .meta { margin: 4px 0 0; color: #5b6475; font-size: .9rem; }
.description { line-height: 1.5; overflow-wrap: anywhere; }
.description pre { background: #f4f5f7; padding: 8px; overflow-x: auto; }
.description blockquote { border-left: 3px solid #d8dce3; margin-left: 0; padding-left: 12px; color: #5b6475; }
.shots { display: flex; flex-wrap: wrap; gap: 12px; }
.shots figure { margin: 0; max-width: 320px; }
.shots img { max-width: 100%; border: 1px solid #d8dce3; border-radius: 6px; }
.shots figcaption { font-size: .8rem; color: #5b6475; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; border-bottom: 1px solid #e4e7ec; padding: 6px 8px; vertical-align: top; overflow-wrap: anywhere; }
.empty { color: #5b6475; font-style: italic; }
.partner, .partner *, .description, .description * { unicode-bidi: isolate; }
"#;

/// The whole exported page of `version` of `app`, with `icon` when it has one.
pub fn render_page(app: &App, version: &AppVersion, icon: Option<&IconFile>) -> String {
    let content = &version.content;
    let name = display_name(content).unwrap_or(NO_DISPLAY_NAME);
    let icon_src = icon.and_then(icon_data_url);
    let mut page = String::with_capacity(16 * 1024 + content.marketplace.description.len() * 2);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} {number}: marketplace preview</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1><span class=\"partner\">{heading}</span> {number}</h1>\n\
         <p class=\"note\">Marketplace preview of the working copy, exported by Partner Workbench. \
         Customers see the card in the marketplace and the listing page when they open it.</p>\n",
        csp = escape(&page_csp(content)),
        title = escape(name),
        heading = name_html(content),
        number = escape(&version.version_number),
    );
    page.push_str("<h2 class=\"part\">Marketplace card</h2>\n<div class=\"cards\">\n");
    for size in [CardSize::Small, CardSize::Large] {
        for dark in [false, true] {
            render_card(&mut page, app, content, icon_src.as_deref(), size, dark);
        }
    }
    page.push_str("</div>\n<h2 class=\"part\">Listing page</h2>\n");
    render_listing(&mut page, app, content, icon_src.as_deref());
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// What the window shows in place of a blank display name.
const NO_DISPLAY_NAME: &str = "No display name";

/// The version's display name, trimmed; `None` when blank (the window shows
/// [`NO_DISPLAY_NAME`] then, and so does the page).
fn display_name(content: &VersionContent) -> Option<&str> {
    Some(content.general.display_name.trim()).filter(|name| !name.is_empty())
}

/// The display name as an escaped HTML fragment: the name, or the window's words for none.
fn name_html(content: &VersionContent) -> String {
    match display_name(content) {
        Some(name) => escape(name),
        None => format!("<span class=\"empty\">{NO_DISPLAY_NAME}</span>"),
    }
}

/// The category the card and the listing show: the first non-blank one, trimmed.
fn first_category(content: &VersionContent) -> Option<&str> {
    content
        .marketplace
        .categories
        .iter()
        .map(|c| c.trim())
        .find(|c| !c.is_empty())
}

fn icon_data_url(icon: &IconFile) -> Option<String> {
    let media_type = icon.media_type.trim().to_ascii_lowercase();
    ICON_TYPES.contains(&media_type.as_str()).then(|| {
        format!(
            "data:{media_type};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&icon.bytes)
        )
    })
}

fn render_icon(page: &mut String, icon_src: Option<&str>, name: Option<&str>) {
    match icon_src {
        Some(src) => {
            let _ = write!(
                page,
                "<img class=\"icon\" src=\"{}\" alt=\"\">",
                escape(src)
            );
        }
        None => {
            // As the window: the name's first character, upper-cased; "?" without a name.
            let initial: String = name
                .and_then(|name| name.chars().next())
                .map_or_else(|| "?".to_owned(), |c| c.to_uppercase().collect());
            let _ = write!(
                page,
                "<div class=\"icon missing\" aria-hidden=\"true\">{}</div>",
                escape(&initial)
            );
        }
    }
}

fn render_card(
    page: &mut String,
    app: &App,
    content: &VersionContent,
    icon_src: Option<&str>,
    size: CardSize,
    dark: bool,
) {
    let name = display_name(content);
    let (size_class, size_label) = match size {
        CardSize::Small => ("small", "Small"),
        CardSize::Large => ("large", "Large"),
    };
    let (theme_class, theme_label) = if dark {
        ("dark", "dark")
    } else {
        ("light", "light")
    };
    let _ = write!(
        page,
        "<figure class=\"variant\"><figcaption>{size_label}, {theme_label}</figcaption>\
         <article class=\"card {size_class} {theme_class}\"><div class=\"card-head\">"
    );
    render_icon(page, icon_src, name);
    let _ = write!(
        page,
        "<div><p class=\"name partner\">{}</p><p class=\"vendor partner\">by {}</p>",
        name_html(content),
        escape(&app.created_type)
    );
    if let Some(category) = first_category(content) {
        let _ = write!(
            page,
            "<p class=\"category partner\">{}</p>",
            escape(category)
        );
    }
    page.push_str("</div></div>");
    let summary = card::truncate(&content.marketplace.listing_summary, size.summary_limit());
    if summary.is_empty() {
        page.push_str("<p class=\"summary empty\">No listing summary yet.</p>");
    } else {
        let _ = write!(
            page,
            "<p class=\"summary partner\">{}</p>",
            escape(&summary)
        );
    }
    let plans = &content.subscription_types;
    let _ = write!(
        page,
        "<p class=\"price\">{}</p>",
        escape(&card::price_line(plans).unwrap_or_else(|| "Free".to_owned()))
    );
    if let Some(trial) = card::trial_mark(plans) {
        let _ = write!(page, "<p class=\"trial\">{}</p>", escape(&trial));
    }
    page.push_str("</article></figure>\n");
}

fn render_listing(page: &mut String, app: &App, content: &VersionContent, icon_src: Option<&str>) {
    let marketplace = &content.marketplace;
    let name = display_name(content);
    page.push_str("<section class=\"listing\">\n<header>");
    render_icon(page, icon_src, name);
    let _ = write!(
        page,
        "<div><h2 class=\"partner\">{}</h2><p class=\"meta partner\">by {}</p>",
        name_html(content),
        escape(&app.created_type)
    );
    if let Some(category) = first_category(content) {
        let _ = write!(page, "<p class=\"meta partner\">{}</p>", escape(category));
    }
    let plans = &content.subscription_types;
    let offer: Vec<String> = card::price_line(plans)
        .into_iter()
        .chain(card::trial_mark(plans))
        .collect();
    if !offer.is_empty() {
        let _ = write!(page, "<p class=\"meta\">{}</p>", escape(&offer.join(" · ")));
    }
    page.push_str("</div></header>\n");

    if marketplace.listing_summary.trim().is_empty() {
        page.push_str("<p class=\"empty\">No listing summary yet.</p>\n");
    } else {
        let _ = writeln!(
            page,
            "<p class=\"partner\">{}</p>",
            escape(marketplace.listing_summary.trim())
        );
    }

    page.push_str("<h3>Description</h3>\n");
    if marketplace.description.trim().is_empty() {
        page.push_str("<p class=\"empty\">No description yet.</p>\n");
    } else {
        let _ = writeln!(
            page,
            "<div class=\"description\">{}</div>",
            description_html(&marketplace.description)
        );
    }

    page.push_str("<h3>Screenshots</h3>\n");
    let shots = screenshots(content);
    if shots.is_empty() {
        page.push_str("<p class=\"empty\">No screenshots declared.</p>\n");
    } else {
        page.push_str("<div class=\"shots\">");
        for (url, description) in shots {
            let _ = write!(
                page,
                "<figure><img src=\"{}\" alt=\"{}\" referrerpolicy=\"no-referrer\" loading=\"lazy\">",
                escape(&url),
                escape(description)
            );
            if !description.is_empty() {
                let _ = write!(
                    page,
                    "<figcaption class=\"partner\">{}</figcaption>",
                    escape(description)
                );
            }
            page.push_str("</figure>");
        }
        page.push_str("</div>\n");
    }

    render_plans(page, plans);
    render_urls(page, content);
    render_scopes(page, content);
    page.push_str("</section>\n");
}

fn render_plans(page: &mut String, plans: &[SubscriptionPlan]) {
    page.push_str("<h3>Plans</h3>\n");
    if plans.is_empty() {
        page.push_str("<p class=\"empty\">No plans yet.</p>\n");
        return;
    }
    page.push_str(
        "<table><thead><tr><th>Plan</th><th>Type</th><th>Price per month</th><th>Licenses</th>\
         <th>Description</th></tr></thead><tbody>\n",
    );
    for plan in plans {
        let kind = match plan.kind {
            PlanType::Trial => format!("{}-day trial", card::trial_days(plan)),
            PlanType::Paid => "Paid".to_owned(),
        };
        let per = card::per(plan.license_type);
        let _ = writeln!(
            page,
            "<tr><td class=\"partner\">{}</td><td>{}</td><td>{} / {}</td><td>{}–{}</td><td class=\"partner\">{}</td></tr>",
            escape(&plan.name),
            escape(&kind),
            escape(&card::format_price(plan.price, &plan.currency)),
            per,
            plan.min_licenses,
            plan.max_licenses,
            escape(&plan.description)
        );
    }
    page.push_str("</tbody></table>\n");
}

/// A declared address: a link when it is a web or mail address, else its text.
fn link_or_text(url: &str) -> String {
    match web_link(url) {
        Some(href) => format!(
            "<a href=\"{}\" rel=\"{LINK_REL}\" class=\"partner\">{}</a>",
            escape(&href),
            escape(url)
        ),
        None => format!(
            "<span class=\"partner\">{}</span> (not a web address)",
            escape(url)
        ),
    }
}

fn url_label(kind: UrlType) -> &'static str {
    match kind {
        UrlType::PrivacyPolicy => "Privacy policy",
        UrlType::TermsOfService => "Terms of service",
        UrlType::AppSource => "App source",
        UrlType::RedirectUri => "Redirect URI",
        UrlType::InstallationSubscription => "Events callback",
        UrlType::LaunchUrl => "Launch URL",
    }
}

fn render_urls(page: &mut String, content: &VersionContent) {
    let marketplace = &content.marketplace;
    let support = &marketplace.support;
    page.push_str("<h3>Links and support</h3>\n");
    if marketplace.urls.is_empty() && support.is_empty() {
        page.push_str("<p class=\"empty\">No links or support contact yet.</p>\n");
        return;
    }
    page.push_str("<ul>");
    for url in &marketplace.urls {
        let _ = write!(
            page,
            "<li>{}: {}</li>",
            url_label(url.kind),
            link_or_text(&url.url)
        );
    }
    if !support.url.is_empty() {
        let _ = write!(page, "<li>Support: {}</li>", link_or_text(&support.url));
    }
    if !support.email.trim().is_empty() {
        let email = support.email.trim();
        let shown = match support_mailto(email) {
            Some(href) => format!(
                "<a href=\"{}\" rel=\"{LINK_REL}\" class=\"partner\">{}</a>",
                escape(&href),
                escape(email)
            ),
            None => format!("<span class=\"partner\">{}</span>", escape(email)),
        };
        let _ = write!(page, "<li>Support email: {shown}</li>");
    }
    if !support.phone.is_empty() {
        let _ = write!(
            page,
            "<li>Support phone: <span class=\"partner\">{}</span></li>",
            escape(&support.phone)
        );
    }
    page.push_str("</ul>\n");
}

fn render_scopes(page: &mut String, content: &VersionContent) {
    let technical = &content.technical;
    page.push_str("<h3>Permissions requested</h3>\n");
    if technical.scopes.is_empty() {
        page.push_str("<p class=\"empty\">No scopes requested.</p>\n");
        return;
    }
    page.push_str("<ul>");
    for scope in &technical.scopes {
        let _ = write!(
            page,
            "<li><code class=\"partner\">{}</code></li>",
            escape(scope)
        );
    }
    page.push_str("</ul>\n");
    if technical.scopes_reason.trim().is_empty() {
        page.push_str("<p class=\"empty\">No reason given for the scopes.</p>\n");
    } else {
        let _ = writeln!(
            page,
            "<p><strong>Why:</strong> <span class=\"partner\">{}</span></p>",
            escape(technical.scopes_reason.trim())
        );
    }
}

/// Writes `bytes` to `path` whole or not at all: into a new file beside it, flushed to disk,
/// then renamed over it. A failure leaves no partial file and `path` as it was.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), WorkbenchError> {
    let failed = |reason: String| WorkbenchError::OutputFile {
        path: path.to_owned(),
        reason,
    };
    if path.is_dir() {
        return Err(failed("it is a folder; name a file in it".into()));
    }
    let folder: PathBuf = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(failed(format!(
            "the folder {} does not exist",
            folder.display()
        )));
    }
    // The page is no secret: the usual mode of a new file.
    crate::atomic::write(path, bytes, 0o644).map_err(|e| failed(e.to_string()))
}

#[cfg(test)]
mod tests;
