//! The preview's output is checked by parsing it with a real HTML parser (html5ever, through
//! scraper) and walking the tree a browser would build, never by matching strings: whatever a
//! description holds, no element or attribute outside the allowlist comes out.

use scraper::{ElementRef, Html, Node};
use sha2::Digest as _;
use time::OffsetDateTime;
use workbench_domain::{
    Asset, General, LicenseType, Marketplace, ReviewStatus, SupportContact, Technical, TypedUrl,
    VersionStatus,
};
use workbench_store::fixtures;

use super::*;
use crate::ErrorCode;

/// What an element of the description may carry, attribute by attribute.
fn description_attribute_allowed(tag: &str, attribute: &str) -> bool {
    matches!((tag, attribute), ("a", "href" | "rel") | ("ol", "start"))
}

/// Every way `root`'s subtree breaks the description's allowlist, as readable lines.
fn description_violations(root: ElementRef<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for node in root.descendants().skip(1) {
        match node.value() {
            Node::Element(element) => {
                let tag = element.name();
                if !DESCRIPTION_TAGS.contains(&tag) {
                    found.push(format!("element <{tag}>"));
                }
                for (name, value) in element.attrs() {
                    if !description_attribute_allowed(tag, name) {
                        found.push(format!("attribute {name}={value:?} on <{tag}>"));
                    }
                }
                if tag == "a" {
                    match element.attr("href") {
                        Some(href) if web_link(href).as_deref() == Some(href) => {}
                        href => found.push(format!("link address {href:?}")),
                    }
                    if element.attr("rel") != Some(LINK_REL) {
                        found.push(format!("link rel {:?}", element.attr("rel")));
                    }
                }
            }
            Node::Text(_) => {}
            other => found.push(format!("node {other:?}")),
        }
    }
    found
}

/// The description rendered and parsed as the fragment it is.
fn rendered(markdown: &str) -> Html {
    Html::parse_fragment(&description_html(markdown))
}

fn elements<'a>(html: &'a Html, tag: &str) -> Vec<ElementRef<'a>> {
    html.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == tag)
        .collect()
}

fn text_of(html: &Html) -> String {
    html.root_element().text().collect()
}

fn assert_inert(markdown: &str) -> Html {
    let html = rendered(markdown);
    let found = description_violations(html.root_element());
    assert!(
        found.is_empty(),
        "{markdown:?} rendered as {:?}, which has {found:?}",
        description_html(markdown)
    );
    html
}

/// The Markdown cases the window's renderer is tested against too (`markdown` in
/// `tests/fixtures/preview/cases.json`): each input gives the same element names and the same
/// link addresses in both, so the exported page and the window's preview cannot drift apart.
#[test]
fn the_shared_markdown_cases_render_as_the_window_renders_them() {
    #[derive(serde::Deserialize)]
    struct Case {
        input: String,
        elements: Vec<String>,
        hrefs: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Cases {
        markdown: Vec<Case>,
    }
    let cases: Cases = serde_json::from_str(include_str!(
        "../../../../../tests/fixtures/preview/cases.json"
    ))
    .expect("the shared case file is JSON");
    assert!(!cases.markdown.is_empty());
    let mut failures = Vec::new();
    for case in &cases.markdown {
        let html = assert_inert(&case.input);
        let mut names: Vec<String> = html
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .map(|e| e.value().name().to_owned())
            .filter(|name| name != "html")
            .collect();
        names.sort();
        names.dedup();
        let hrefs: Vec<String> = elements(&html, "a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        if names != case.elements || hrefs != case.hrefs {
            failures.push(format!(
                "{:?}: elements {names:?} hrefs {hrefs:?}, expected {:?} {:?}",
                case.input, case.elements, case.hrefs
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_construct_of_the_subset_renders_as_its_element() {
    let cases: &[(&str, &str, &str)] = &[
        ("One paragraph.", "p", "One paragraph."),
        ("line one  \nline two", "br", ""),
        ("line one\\\nline two", "br", ""),
        ("# Title", "h1", "Title"),
        ("## Sub", "h2", "Sub"),
        ("### Three", "h3", "Three"),
        ("#### Four", "h4", "Four"),
        ("##### Five", "h5", "Five"),
        ("###### Six", "h6", "Six"),
        ("Setext\n======", "h1", "Setext"),
        ("some *emphasis* here", "em", "emphasis"),
        ("some _emphasis_ here", "em", "emphasis"),
        ("some **strong** here", "strong", "strong"),
        ("run `pwb sync` now", "code", "pwb sync"),
        ("```\nlet x = 1;\n```", "pre", "let x = 1;\n"),
        ("    indented code", "pre", "indented code"),
        ("- one\n- two", "ul", "one\ntwo\n"),
        ("* star", "li", "star"),
        ("1. first\n2. second", "ol", "first\nsecond\n"),
        ("> quoted", "blockquote", "\nquoted\n"),
        ("before\n\n---\n\nafter", "hr", ""),
        ("[site](https://acme.example/docs)", "a", "site"),
    ];
    for (markdown, tag, text) in cases {
        let html = assert_inert(markdown);
        let found = elements(&html, tag);
        assert_eq!(found.len(), 1, "{markdown:?} has one <{tag}>: {html:?}");
        if !text.is_empty() {
            let shown: String = found[0].text().collect();
            assert_eq!(
                shown.split_whitespace().collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>(),
                "the text of <{tag}> in {markdown:?}"
            );
        }
    }
}

#[test]
fn paragraphs_are_separated_by_a_blank_line() {
    let html = assert_inert("One paragraph.\nStill the first.\n\nAnother.");
    let texts: Vec<String> = elements(&html, "p")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(texts, ["One paragraph.\nStill the first.", "Another."]);
}

#[test]
fn a_numbered_list_keeps_its_start() {
    let html = assert_inert("3. third\n4. fourth");
    let list = elements(&html, "ol");
    assert_eq!(list[0].value().attr("start"), Some("3"));
}

#[test]
fn web_and_mail_links_keep_their_address_with_noopener_noreferrer() {
    let cases = [
        (
            "[a](https://acme.example/a?b=1#c)",
            "https://acme.example/a?b=1#c",
        ),
        ("[a](http://acme.example)", "http://acme.example/"),
        ("[a](mailto:help@acme.example)", "mailto:help@acme.example"),
        ("<https://acme.example/auto>", "https://acme.example/auto"),
        ("<help@acme.example>", "mailto:help@acme.example"),
        (
            "[a][ref]\n\n[ref]: https://acme.example/ref",
            "https://acme.example/ref",
        ),
        (
            "[a](HTTPS://ACME.example/Path)",
            "https://acme.example/Path",
        ),
    ];
    for (markdown, href) in cases {
        let html = assert_inert(markdown);
        let links = elements(&html, "a");
        assert_eq!(links.len(), 1, "{markdown:?}: {html:?}");
        assert_eq!(links[0].value().attr("href"), Some(href), "{markdown:?}");
        assert_eq!(links[0].value().attr("rel"), Some(LINK_REL));
        assert_eq!(description_links(markdown), vec![href.to_owned()]);
    }
}

#[test]
fn other_links_render_as_their_text_alone() {
    let cases = [
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        "[click me]( javascript:alert(1))",
        "[click me](&#106;avascript:alert(1))",
        "[click me](javascript&colon;alert(1))",
        "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click me](vbscript:msgbox(1))",
        "[click me](file:///etc/passwd)",
        "[click me](/relative/path)",
        "[click me](//evil.example/x)",
        "[click me](#anchor)",
        "[click me](<https://acme.example/with space>)",
        "[click me][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
    ];
    for markdown in cases {
        let html = assert_inert(markdown);
        assert!(
            elements(&html, "a").is_empty(),
            "{markdown:?} has no link: {html:?}"
        );
        assert!(description_links(markdown).is_empty(), "{markdown:?}");
        if markdown.starts_with('[') {
            assert_eq!(text_of(&html).trim(), "click me", "{markdown:?}");
        }
    }
}

#[test]
fn raw_html_shows_as_text() {
    let cases = [
        "<script>alert(1)</script>",
        "<b onmouseover=alert(1)>bold</b>",
        "<div class=\"x\" id=\"y\">block</div>",
    ];
    for markdown in cases {
        let html = assert_inert(markdown);
        assert_eq!(
            text_of(&html).trim(),
            markdown,
            "{markdown:?} shows as it was typed"
        );
    }
    let html = assert_inert("before <em>inline</em> after");
    assert!(elements(&html, "em").is_empty());
    assert_eq!(text_of(&html).trim(), "before <em>inline</em> after");
}

#[test]
fn images_show_their_alt_text_and_load_nothing() {
    let cases = [
        (
            "![a tracking pixel](http://evil.example/pixel.png)",
            "a tracking pixel",
        ),
        ("![](https://evil.example/empty-alt.png)", ""),
        ("![x](javascript:alert(1))", "x"),
        (
            "![ref image][img]\n\n[img]: https://evil.example/i.png",
            "ref image",
        ),
        (
            "[![badge](https://evil.example/b.svg)](https://acme.example)",
            "badge",
        ),
    ];
    for (markdown, alt) in cases {
        let html = assert_inert(markdown);
        assert!(elements(&html, "img").is_empty(), "{markdown:?}: {html:?}");
        assert_eq!(text_of(&html).trim(), alt, "{markdown:?}");
    }
}

/// Descriptions written to break out: each must come out with nothing outside the allowlist.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "text <img src=x onerror=alert(1)> inline",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1) \"title\")",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<style>body { display: none }</style>",
    "<p style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</p>",
    "*styled*{: style=\"color:red\"}",
    "# Heading {#id .class onclick=alert(1)}",
    "<img src=\"http://evil.example/t.png\">",
    "![track](http://evil.example/t.png)",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<form action=\"https://evil.example\"><input name=p><button>Go</button></form>",
    "<details open ontoggle=alert(1)>x</details>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "a <!-- comment --> b",
    "`<!--` then <script>alert(1)</script> then `-->`",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?php echo 1; ?>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<textarea><script>alert(1)</script></textarea>",
    "[\u{202E}gnp.exe](https://evil.example/\u{202E}gnp.exe)",
    "\u{202E}reversed \u{2066}isolated\u{2069} text\u{202C}",
    "<bdo dir=rtl>reversed</bdo>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[x](https://acme.example\" onmouseover=\"alert(1))",
    "[x](<https://acme.example/\"onmouseover=\"alert(1)>)",
    "```html\n<script>alert(1)</script>\n```",
    "```js onload=alert(1)\ncode\n```",
    "<https://acme.example/?q=<script>alert(1)</script>>",
];

#[test]
fn hostile_descriptions_come_out_with_nothing_outside_the_allowlist() {
    for markdown in HOSTILE {
        let html = assert_inert(markdown);
        assert!(elements(&html, "script").is_empty(), "{markdown:?}");
        assert!(elements(&html, "img").is_empty(), "{markdown:?}");
    }
}

#[test]
fn a_link_address_never_carries_a_bidi_control_or_a_quote() {
    for markdown in HOSTILE {
        for link in elements(&rendered(markdown), "a") {
            let href = link.value().attr("href").unwrap_or_default();
            assert!(
                !href.chars().any(|c| matches!(
                    c,
                    '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '"' | '<' | '>'
                )),
                "{markdown:?} gave the address {href:?}"
            );
        }
    }
}

// The exported page.

fn hostile_app() -> App {
    App {
        id: "app-1".into(),
        name: "acme".into(),
        slug: "acme".into(),
        display_name: "Acme <script>alert('app')</script>".into(),
        created_type: "Evil\"><img src=x onerror=alert(1)> Corp".into(),
        app_type: workbench_domain::AppType::Standalone,
        render: workbench_domain::Render::Portal,
        sandbox: false,
    }
}

fn plan(kind: PlanType, name: &str, price: i64, currency: &str) -> SubscriptionPlan {
    SubscriptionPlan {
        kind,
        license_type: LicenseType::Individual,
        name: name.into(),
        price,
        currency: currency.into(),
        description: "<b onclick=alert(1)>plan</b>".into(),
        listing_summary: String::new(),
        min_licenses: 1,
        max_licenses: 100,
        trial_days: (kind == PlanType::Trial).then_some(14),
    }
}

fn hostile_version() -> AppVersion {
    let asset = |kind, url: &str, description: &str| Asset {
        kind,
        description: description.into(),
        url: url.into(),
    };
    AppVersion {
        id: "v1".into(),
        app_id: "app-1".into(),
        version_number: "1.0.0<!--".into(),
        status: VersionStatus {
            technical: ReviewStatus::Draft,
            marketplace: ReviewStatus::Draft,
        },
        content: VersionContent {
            general: General {
                display_name: "Acme </title><script>alert(1)</script>".into(),
                ..General::default()
            },
            technical: Technical {
                scopes: vec!["apps:read\"><script>".into(), "users:read".into()],
                scopes_reason: "To <em onmouseover=alert(1)>sync</em> \u{202E}contacts".into(),
                urls: vec![],
                manually_provisioned: false,
            },
            marketplace: Marketplace {
                listing_summary: "Sync </p><script>alert(1)</script> every call into Acme CRM automatically, with lookups.".into(),
                description: HOSTILE.join("\n\n"),
                categories: vec!["CRM</p><iframe src=x>".into(), "Sales".into()],
                assets: vec![
                    asset(AssetType::Screenshot, "https://cdn.acme.example/shot-1.png", "The <b>inbox</b>\""),
                    asset(AssetType::Screenshot, "http://shots.acme.example:8080/2.png", ""),
                    asset(AssetType::Screenshot, "javascript:alert(1)", "bad"),
                    asset(AssetType::Screenshot, "data:image/svg+xml,<svg onload=alert(1)>", "svg"),
                    asset(AssetType::Icon, "https://icons.acme.example/icon.png", ""),
                    asset(AssetType::Video, "https://video.acme.example/v.mp4", ""),
                ],
                urls: vec![
                    TypedUrl {
                        kind: UrlType::PrivacyPolicy,
                        url: "https://acme.example/privacy".into(),
                    },
                    TypedUrl {
                        kind: UrlType::TermsOfService,
                        url: "javascript:alert(1)".into(),
                    },
                ],
                support: SupportContact {
                    email: "help@acme.example".into(),
                    phone: "+1 <555>".into(),
                    url: "https://acme.example/help\"onclick=\"x".into(),
                },
            },
            subscription_types: vec![
                plan(PlanType::Trial, "Trial<script>", 0, "USD"),
                plan(PlanType::Paid, "Pro</td><script>", 123_456, "USD"),
                plan(PlanType::Paid, "Team", 900, "X\"<y"),
            ],
        },
    }
}

fn png_icon() -> IconFile {
    IconFile {
        media_type: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        sha256: "0".repeat(64),
    }
}

/// Elements the page itself may have (the description's are a subset).
const PAGE_TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "section",
    "header",
    "article",
    "figure",
    "figcaption",
    "div",
    "span",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
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
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

fn page_attribute_allowed(tag: &str, attribute: &str) -> bool {
    matches!(
        (tag, attribute),
        (_, "class")
            | ("html", "lang")
            | ("meta", "charset" | "http-equiv" | "content" | "name")
            | ("img", "src" | "alt" | "referrerpolicy" | "loading")
            | ("a", "href" | "rel")
            | ("ol", "start")
            | ("div", "aria-hidden")
    )
}

#[test]
fn the_exported_page_of_a_hostile_version_is_inert() {
    let app = hostile_app();
    let version = hostile_version();
    let page = render_page(&app, &version, Some(&png_icon()));
    let html = Html::parse_document(&page);
    let screenshots = [
        "https://cdn.acme.example/shot-1.png",
        "http://shots.acme.example:8080/2.png",
    ];

    let mut found = Vec::new();
    for node in html.root_element().descendants() {
        match node.value() {
            Node::Element(element) => {
                let tag = element.name();
                if !PAGE_TAGS.contains(&tag) {
                    found.push(format!("element <{tag}>"));
                }
                for (name, value) in element.attrs() {
                    if !page_attribute_allowed(tag, name) {
                        found.push(format!("attribute {name}={value:?} on <{tag}>"));
                    }
                }
                if let Some(src) = element.attr("src")
                    && !(src.starts_with("data:image/png;base64,") || screenshots.contains(&src))
                {
                    found.push(format!("image source {src:?}"));
                }
                if tag == "a" {
                    let href = element.attr("href").unwrap_or_default();
                    if web_link(href).as_deref() != Some(href) {
                        found.push(format!("link address {href:?}"));
                    }
                    if element.attr("rel") != Some(LINK_REL) {
                        found.push(format!("link without rel {LINK_REL}"));
                    }
                }
            }
            Node::Text(_) => {}
            other => found.push(format!("node {other:?}")),
        }
    }
    assert!(found.is_empty(), "the page has {found:?}");

    // The one style element is the page's own, and the one http-equiv is its policy.
    let styles = elements(&html, "style");
    assert_eq!(styles.len(), 1);
    assert_eq!(styles[0].text().collect::<String>(), STYLE);
    let metas: Vec<_> = elements(&html, "meta")
        .into_iter()
        .filter(|m| m.value().attr("http-equiv").is_some())
        .collect();
    assert_eq!(metas.len(), 1);
    assert_eq!(
        metas[0].value().attr("http-equiv"),
        Some("Content-Security-Policy")
    );
    assert_eq!(
        metas[0].value().attr("content"),
        Some(page_csp(&version.content).as_str())
    );

    // The description's subtree holds to the description's own allowlist.
    let descriptions: Vec<_> = elements(&html, "div")
        .into_iter()
        .filter(|d| d.value().attr("class") == Some("description"))
        .collect();
    assert_eq!(descriptions.len(), 1);
    assert_eq!(
        description_violations(descriptions[0]),
        Vec::<String>::new()
    );

    // Partner strings are text where they belong, not markup.
    let title: String = elements(&html, "title")[0].text().collect();
    assert_eq!(
        title,
        "Acme </title><script>alert(1)</script> 1.0.0<!--: marketplace preview"
    );
    let whole_text: String = html.root_element().text().collect();
    assert!(whole_text.contains("by Evil\"><img src=x onerror=alert(1)> Corp"));
    assert!(whole_text.contains("Pro</td><script>"));
    assert!(whole_text.contains("javascript:alert(1) (not a web address)"));
    let shots: Vec<_> = elements(&html, "img")
        .into_iter()
        .filter_map(|img| img.value().attr("src"))
        .filter(|src| !src.starts_with("data:"))
        .collect();
    assert_eq!(shots, screenshots, "only the web screenshots are shown");
}

#[test]
fn the_page_shows_the_card_small_and_large_light_and_dark_with_the_stated_rules() {
    let app = hostile_app();
    let version = hostile_version();
    let html = Html::parse_document(&render_page(&app, &version, Some(&png_icon())));
    let cards: Vec<_> = elements(&html, "article");
    let classes: Vec<&str> = cards
        .iter()
        .filter_map(|c| c.value().attr("class"))
        .collect();
    assert_eq!(
        classes,
        [
            "card small light",
            "card small dark",
            "card large light",
            "card large dark"
        ]
    );
    let summary = |card: &ElementRef<'_>| -> String {
        card.descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().classes().any(|c| c == "summary"))
            .map(|e| e.text().collect())
            .unwrap_or_default()
    };
    let listing_summary = &version.content.marketplace.listing_summary;
    assert_eq!(summary(&cards[0]), card::truncate(listing_summary, 60));
    assert_eq!(summary(&cards[2]), card::truncate(listing_summary, 120));
    let card_text: String = cards[1].text().collect();
    // The cheapest paid plan, in its (hostile) currency code, as text.
    assert!(
        card_text.contains("from X\"<y 9 / seat / month"),
        "{card_text}"
    );
    assert!(card_text.contains("14-day free trial"), "{card_text}");
    assert!(
        card_text.contains("CRM</p><iframe src=x>"),
        "the first category"
    );
    for card in &cards {
        let icons: Vec<_> = card
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "img")
            .collect();
        assert_eq!(icons.len(), 1);
        assert_eq!(
            icons[0].value().attr("src"),
            Some("data:image/png;base64,iVBORwECAw==")
        );
    }
}

#[test]
fn the_listing_shows_plans_urls_and_scopes_with_their_reason() {
    let html = Html::parse_document(&render_page(&hostile_app(), &hostile_version(), None));
    let rows: Vec<String> = elements(&html, "tr")
        .iter()
        .map(|row| row.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(
        rows,
        [
            "Plan|Type|Price per month|Licenses|Description",
            "Trial<script>|14-day trial|$0 / seat|1–100|<b onclick=alert(1)>plan</b>",
            "Pro</td><script>|Paid|$1,234.56 / seat|1–100|<b onclick=alert(1)>plan</b>",
            "Team|Paid|X\"<y 9 / seat|1–100|<b onclick=alert(1)>plan</b>",
        ]
    );
    let links: Vec<&str> = elements(&html, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&"https://acme.example/privacy"));
    assert!(links.contains(&"mailto:help@acme.example"));
    assert!(links.contains(&"https://acme.example/help%22onclick=%22x"));
    let scopes: Vec<String> = elements(&html, "code")
        .iter()
        .filter(|c| c.value().classes().any(|c| c == "partner"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(scopes, ["apps:read\"><script>", "users:read"]);
    let text: String = html.root_element().text().collect();
    assert!(text.contains("Why: To <em onmouseover=alert(1)>sync</em> \u{202E}contacts"));
    // No icon: a placeholder with the name's first letter, no image but the screenshots.
    assert!(elements(&html, "img").iter().all(|img| {
        !img.value()
            .attr("src")
            .unwrap_or_default()
            .starts_with("data:")
    }));
}

#[test]
fn the_policy_allows_no_script_and_only_the_screenshots_origins() {
    let csp = page_csp(&hostile_version().content);
    assert_eq!(
        csp,
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: \
         http://shots.acme.example:8080 https://cdn.acme.example; base-uri 'none'; form-action 'none'"
    );
    assert_eq!(
        page_csp(&VersionContent::default()),
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    );
}

#[test]
fn an_icon_that_is_not_a_raster_image_is_not_embedded() {
    let svg = IconFile {
        media_type: "image/svg+xml".into(),
        bytes: b"<svg onload=alert(1)/>".to_vec(),
        sha256: "0".repeat(64),
    };
    let page = render_page(&hostile_app(), &hostile_version(), Some(&svg));
    let html = Html::parse_document(&page);
    assert!(elements(&html, "img").iter().all(|img| {
        !img.value()
            .attr("src")
            .unwrap_or_default()
            .starts_with("data:")
    }));
}

#[test]
fn an_empty_version_shows_what_is_missing() {
    let app = hostile_app();
    let version = AppVersion {
        content: VersionContent::default(),
        ..hostile_version()
    };
    let html = Html::parse_document(&render_page(&app, &version, None));
    let text: String = html.root_element().text().collect();
    for missing in [
        "No listing summary yet.",
        "No description yet.",
        "No screenshots declared.",
        "No plans yet.",
        "No links or support contact yet.",
        "No scopes requested.",
    ] {
        assert!(text.contains(missing), "says {missing:?}");
    }
    // A blank display name reads as the window shows it, not as the app's name.
    assert!(text.contains("No display name"), "{text}");
    assert!(!text.contains("Acme <script>alert('app')</script>"));
}

#[test]
fn the_card_shows_the_first_category_that_is_not_blank_trimmed() {
    let mut version = hostile_version();
    version.content.marketplace.categories = vec!["  ".into(), " Sales ".into(), "Zqx".into()];
    let html = Html::parse_document(&render_page(&hostile_app(), &version, None));
    let shown: Vec<String> = html
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().classes().any(|c| c == "category"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(shown, ["Sales"; 4], "each card shows it");
    let text: String = html.root_element().text().collect();
    assert!(!text.contains("Zqx"), "the listing shows the same one");
}

#[test]
fn an_origin_whose_host_could_add_a_source_stays_out_of_the_policy() {
    let asset = |kind, url: &str, description: &str| Asset {
        kind,
        description: description.into(),
        url: url.into(),
    };
    let mut content = VersionContent::default();
    content.marketplace.assets = vec![
        asset(
            AssetType::Screenshot,
            "https://a;script-src*.example/x.png",
            "",
        ),
        asset(
            AssetType::Screenshot,
            "https://b'unsafe-eval'.example/x.png",
            "",
        ),
        asset(AssetType::Screenshot, "https://cdn.acme.example/ok.png", ""),
        asset(AssetType::Screenshot, "http://[::1]:8080/ok.png", ""),
    ];
    assert_eq!(
        page_csp(&content),
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: \
         http://[::1]:8080 https://cdn.acme.example; base-uri 'none'; form-action 'none'"
    );
}

// The facade's side: a cache with a version.

fn cached_workbench(dir: &Path) -> Workbench {
    let workbench = Workbench::open(dir).unwrap();
    let mut snapshot = fixtures::snapshot(1, 2);
    for entry in &mut snapshot.apps[0].versions {
        if entry.icon.is_some() {
            // A real PNG: the window shows only an icon that passes the icon rules' limits.
            entry.icon = Some(fixture_icon("valid.png", "image/png"));
        }
        let marketplace = &mut entry.version.content.marketplace;
        marketplace.description =
            "See [the docs](https://acme.example/docs) and [bad](javascript:alert(1)).".into();
        marketplace.support.email = " help@acme.example ".into();
        marketplace.assets = vec![
            Asset {
                kind: AssetType::Screenshot,
                description: String::new(),
                url: "https://cdn.acme.example/shot.png".into(),
            },
            Asset {
                kind: AssetType::Icon,
                description: String::new(),
                url: "https://cdn.acme.example/icon.png".into(),
            },
        ];
    }
    workbench
        .store()
        .replace_with_snapshot(&snapshot, "http://127.0.0.1:1", "2026-01-01T00:00:00Z")
        .unwrap();
    workbench
}

/// An icon file of `tests/fixtures/icons`, sent as `media_type`.
fn fixture_icon(name: &str, media_type: &str) -> IconFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/icons")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    IconFile {
        media_type: media_type.into(),
        sha256: format!("{:x}", sha2::Sha256::digest(&bytes)),
        bytes,
    }
}

#[test]
fn only_an_icon_within_the_icon_rules_limits_is_shown() {
    let limits = DecodeLimits::DEFAULT;
    for (name, media_type) in [("valid.png", "image/png"), ("valid.jpg", "image/jpeg")] {
        let icon = fixture_icon(name, media_type);
        assert_eq!(check_shown_icon(&icon, limits), Ok(()), "{name}");
    }
    for (name, media_type, why) in [
        // 60000×60000 in its header: refused from the header, never decoded.
        ("bomb-60000.png", "image/png", "more than the"),
        ("truncated.png", "image/png", "does not decode"),
        ("not-an-image.png", "image/png", "its bytes are unknown"),
        ("valid.jpg", "image/png", "its bytes are jpeg"),
        ("animated.gif", "image/gif", "not one the window shows"),
        ("valid.png", "image/svg+xml", "not one the window shows"),
    ] {
        let icon = fixture_icon(name, media_type);
        let error = check_shown_icon(&icon, limits).expect_err(name);
        assert!(error.contains(why), "{name} as {media_type}: {error}");
    }
}

#[test]
fn a_bad_server_icon_is_dropped_before_the_window_or_the_export_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = Workbench::open(dir.path()).unwrap();
    let mut snapshot = fixtures::snapshot(1, 1);
    let bomb = fixture_icon("bomb-60000.png", "image/png");
    snapshot.apps[0].versions[0].icon = Some(bomb.clone());
    workbench
        .store()
        .replace_with_snapshot(&snapshot, "http://127.0.0.1:1", "2026-01-01T00:00:00Z")
        .unwrap();
    let id = &snapshot.apps[0].versions[0].version.id;
    assert_eq!(workbench.icon(id).unwrap(), Some(bomb), "kept in the cache");
    assert_eq!(workbench.shown_icon(id).unwrap(), None, "not shown");
    let page = workbench.export_preview("app-00000", id).unwrap();
    let html = Html::parse_document(&page);
    assert!(
        elements(&html, "img").iter().all(|img| {
            !img.value()
                .attr("src")
                .unwrap_or_default()
                .starts_with("data:")
        }),
        "the export shows the placeholder"
    );
}

/// Version 1 of the fixture: marketplace Draft, so its description can be edited.
const EDITABLE: &str = "app-00000-v1";

fn at() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

#[test]
fn only_web_and_mail_links_of_the_cached_listing_open() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    for url in [
        "https://acme.example/docs",
        "HTTPS://ACME.EXAMPLE/docs",
        // The support email as the window shows it: trimmed.
        "mailto:help@acme.example",
        "https://cdn.acme.example/shot.png",
    ] {
        let opened = workbench.listing_link(EDITABLE, url).unwrap();
        assert!(web_link(&opened).is_some(), "{url} opens as {opened}");
    }
    for url in [
        "https://evil.example/",
        "https://acme.example/docs/other",
        // A technical URL and an icon asset: the preview shows neither as a link.
        "https://acme.example/cb",
        "https://cdn.acme.example/icon.png",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "/relative",
        "",
    ] {
        let error = workbench.listing_link(EDITABLE, url).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{url}: {error}");
    }
    let unknown = workbench.listing_link("no-such-version", "https://acme.example/docs");
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn a_link_typed_into_the_working_copy_opens_and_the_servers_links_still_do() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let new_link = "https://acme.example/new-page";
    assert!(workbench.listing_link(EDITABLE, new_link).is_err());
    workbench
        .edit(
            EDITABLE,
            crate::Edit::Set {
                field: "marketplace.description".into(),
                value: serde_json::json!(format!("Now [here]({new_link}).")),
            },
            at(),
        )
        .unwrap();
    assert_eq!(
        workbench.listing_link(EDITABLE, new_link).unwrap(),
        new_link
    );
    // The live copy, shown by "Compare with live", keeps its links openable.
    assert!(
        workbench
            .listing_link(EDITABLE, "https://acme.example/docs")
            .is_ok()
    );
}

#[test]
fn the_preview_source_has_the_vendor_the_live_copy_and_whether_the_icon_changed() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let before = workbench.version(EDITABLE).unwrap().version.content;
    let source = workbench.preview_source(EDITABLE).unwrap();
    assert_eq!(source.vendor, "Acme Corp");
    assert_eq!(source.live.as_ref(), Some(&before));
    assert!(!source.icon_changed);

    workbench
        .edit(
            EDITABLE,
            crate::Edit::Set {
                field: "marketplace.listing_summary".into(),
                value: serde_json::json!("Edited here"),
            },
            at(),
        )
        .unwrap();
    let icon = IconFile {
        media_type: "image/png".into(),
        bytes: vec![1, 2, 3],
        sha256: "f".repeat(64),
    };
    workbench
        .store()
        .set_icon(EDITABLE, &icon, "key-1", "2026-01-02T00:00:00Z")
        .unwrap();
    let source = workbench.preview_source(EDITABLE).unwrap();
    assert_eq!(source.live, Some(before), "the live copy is the server's");
    assert!(source.icon_changed);
    assert_eq!(
        workbench.preview_source("nope").unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn the_export_of_a_cached_version_is_its_working_copy() {
    let dir = tempfile::tempdir().unwrap();
    let workbench = cached_workbench(dir.path());
    let page = workbench
        .export_preview("app-00000", "app-00000-v0")
        .unwrap();
    let html = Html::parse_document(&page);
    let text: String = html.root_element().text().collect();
    assert!(text.contains("by Acme Corp"));
    assert!(text.contains("from $49 / account / month"));
    assert!(text.contains("30-day free trial"));
    let imgs: Vec<&str> = elements(&html, "img")
        .iter()
        .filter_map(|i| i.value().attr("src"))
        .collect();
    assert!(imgs.iter().any(|s| s.starts_with("data:image/png;base64,")));
    assert!(imgs.contains(&"https://cdn.acme.example/shot.png"));

    let wrong = workbench.export_preview("app-99999", "app-00000-v0");
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::NotFound);
    let unknown = workbench.export_preview("app-00000", "nope");
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::NotFound);
}

fn folder_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_page_is_written_whole_and_a_failed_write_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("card.html");
    write_file_atomically(&out, b"first").unwrap();
    write_file_atomically(&out, b"second, longer").unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"second, longer");
    assert_eq!(
        folder_entries(dir.path()),
        ["card.html"],
        "no temporary file is left"
    );

    let missing = dir.path().join("no-such-folder").join("card.html");
    let error = write_file_atomically(&missing, b"x").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("does not exist"), "{error}");

    let error = write_file_atomically(dir.path(), b"x").unwrap_err();
    assert!(error.to_string().contains("is a folder"), "{error}");
    assert_eq!(folder_entries(dir.path()), ["card.html"]);
    assert_eq!(std::fs::read(&out).unwrap(), b"second, longer");
}
