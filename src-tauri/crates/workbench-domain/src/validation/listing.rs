//! Listing rules: required fields, lengths, slug pattern, HTTPS URLs, known categories, the
//! reason for write scopes, and automated provisioning. The fields a rule names are data (`fields`, `max`, `min` parameters);
//! a field name the engine cannot read makes the rule not checked.

use regex::RegexBuilder;

use super::{Context, Finding, Outcome, Rule, missing_param};
use crate::model::{TypedUrl, UrlType, VersionContent};

/// A field's value, as far as presence and length go.
enum FieldValue<'c> {
    Text(&'c str),
    Count(usize),
}

fn url_of(urls: &[TypedUrl], kind: UrlType) -> &str {
    urls.iter()
        .find(|u| u.kind == kind)
        .map_or("", |u| u.url.as_str())
}

fn url_type(name: &str) -> Option<UrlType> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// The fields a rule may name: `general.display_name`, `general.slug`, `general.notes`,
/// `technical.scopes`, `technical.scopes_reason`, `technical.urls.<type>`,
/// `marketplace.listing_summary`,
/// `marketplace.description`, `marketplace.categories`, `marketplace.urls.<type>`,
/// `marketplace.support.{email,phone,url}`, `subscription_types`.
fn field<'c>(content: &'c VersionContent, name: &str) -> Option<FieldValue<'c>> {
    use FieldValue::{Count, Text};
    let (general, technical, marketplace) =
        (&content.general, &content.technical, &content.marketplace);
    Some(match name {
        "general.display_name" => Text(&general.display_name),
        "general.slug" => Text(&general.slug),
        "general.notes" => Text(&general.notes),
        "technical.scopes" => Count(technical.scopes.len()),
        "technical.scopes_reason" => Text(&technical.scopes_reason),
        "marketplace.listing_summary" => Text(&marketplace.listing_summary),
        "marketplace.description" => Text(&marketplace.description),
        "marketplace.categories" => Count(marketplace.categories.len()),
        "marketplace.support.email" => Text(&marketplace.support.email),
        "marketplace.support.phone" => Text(&marketplace.support.phone),
        "marketplace.support.url" => Text(&marketplace.support.url),
        "subscription_types" => Count(content.subscription_types.len()),
        _ => {
            if let Some(kind) = name.strip_prefix("technical.urls.") {
                Text(url_of(&technical.urls, url_type(kind)?))
            } else if let Some(kind) = name.strip_prefix("marketplace.urls.") {
                Text(url_of(&marketplace.urls, url_type(kind)?))
            } else {
                return None;
            }
        }
    })
}

fn unknown_field(rule: &Rule, name: &str) -> String {
    format!(
        "rule {} names field {name}, which this engine cannot read; update Partner Workbench",
        rule.id
    )
}

/// `listing_required`: each of `fields` is present (non-blank text, non-empty list).
pub fn required(context: &Context<'_>, rule: &Rule) -> Outcome {
    let names = rule
        .param_strings("fields")
        .ok_or_else(|| missing_param(rule, "fields"))?;
    let mut findings = Vec::new();
    for name in names {
        let present = match field(context.input.content, name) {
            None => return Err(unknown_field(rule, name)),
            Some(FieldValue::Text(text)) => !text.trim().is_empty(),
            Some(FieldValue::Count(n)) => n > 0,
        };
        if !present {
            findings.push(Finding::new(name).with("name", name));
        }
    }
    Ok(findings)
}

/// `listing_max_length`: the text fields in the `max` object have at most that many characters,
/// and those in the optional `min` object at least that many (a blank field is left to
/// `listing_required`).
pub fn max_length(context: &Context<'_>, rule: &Rule) -> Outcome {
    let max = rule
        .params
        .get("max")
        .and_then(|v| v.as_object())
        .ok_or_else(|| missing_param(rule, "max"))?;
    let empty = serde_json::Map::new();
    let min = rule
        .params
        .get("min")
        .and_then(|v| v.as_object())
        .unwrap_or(&empty);
    let mut findings = Vec::new();
    for (bounds, is_max) in [(max, true), (min, false)] {
        for (name, limit) in bounds {
            let limit = limit.as_u64().ok_or_else(|| missing_param(rule, name))?;
            let Some(FieldValue::Text(text)) = field(context.input.content, name) else {
                return Err(unknown_field(rule, name));
            };
            let length = text.trim().chars().count() as u64;
            let out = if is_max {
                length > limit
            } else {
                length > 0 && length < limit
            };
            if out {
                findings.push(
                    Finding::new(name.as_str())
                        .with("name", name.as_str())
                        .with("length", length)
                        .with("limit", limit)
                        .with("bound", if is_max { "at most" } else { "at least" }),
                );
            }
        }
    }
    Ok(findings)
}

/// `listing_slug_pattern`: the slug matches `pattern` (a regular expression from the pack,
/// compiled with a size limit). A blank slug is left to `listing_required`.
pub fn slug_pattern(context: &Context<'_>, rule: &Rule) -> Outcome {
    let pattern = rule
        .param_str("pattern")
        .ok_or_else(|| missing_param(rule, "pattern"))?;
    let regex = RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|_| missing_param(rule, "pattern"))?;
    let slug = &context.input.content.general.slug;
    Ok(if slug.is_empty() || regex.is_match(slug) {
        vec![]
    } else {
        vec![Finding::new(rule.field.clone()).with("slug", slug.as_str())]
    })
}

/// Whether `url` is plain HTTP to this machine: `http://localhost`, `http://127.0.0.1`, `http://[::1]`.
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix("[::1]") {
        Some(port) => return port.is_empty() || port.starts_with(':'),
        None => host.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1"
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        && url.len() > 8
}

/// `listing_https_urls`: every URL whose type is in `types` uses HTTPS. Types in `loopback_http`
/// may also be plain HTTP to this machine (`http://localhost`, `127.0.0.1`, `[::1]`).
///
/// The default pack allows loopback HTTP for `redirect_uri` only: an OAuth redirect to the
/// partner's own machine never crosses a network (RFC 8252 §7.3 treats loopback redirects as the
/// native-app pattern), and partners test their apps that way. The URLs Talkdesk or customers
/// call over the internet (events callback, launch URL, legal pages, source) must be HTTPS.
pub fn https_urls(context: &Context<'_>, rule: &Rule) -> Outcome {
    let types: Vec<UrlType> = rule
        .param_strings("types")
        .ok_or_else(|| missing_param(rule, "types"))?
        .into_iter()
        .map(|t| url_type(t).ok_or_else(|| missing_param(rule, "types")))
        .collect::<Result<_, _>>()?;
    let loopback: Vec<UrlType> = rule
        .param_strings("loopback_http")
        .unwrap_or_default()
        .into_iter()
        .filter_map(url_type)
        .collect();
    let content = context.input.content;
    let sections = [
        ("technical", &content.technical.urls),
        ("marketplace", &content.marketplace.urls),
    ];
    let mut findings = Vec::new();
    for (section, urls) in sections {
        for (i, typed) in urls.iter().enumerate() {
            if !types.contains(&typed.kind) || typed.url.is_empty() {
                continue;
            }
            let ok = is_https(&typed.url)
                || (loopback.contains(&typed.kind) && is_loopback_http(&typed.url));
            if !ok {
                let kind = serde_json::to_value(typed.kind).unwrap_or_default();
                findings.push(
                    Finding::new(format!("{section}.urls[{i}].url"))
                        .with("type", kind)
                        .with("url", typed.url.as_str()),
                );
            }
        }
    }
    Ok(findings)
}

/// `listing_categories_known`: every category is one of the pack's `categories`.
pub fn categories_known(context: &Context<'_>, _rule: &Rule) -> Outcome {
    let known = &context.pack.categories;
    if known.is_empty() {
        return Err("the rules pack lists no categories".to_owned());
    }
    Ok(context
        .input
        .content
        .marketplace
        .categories
        .iter()
        .enumerate()
        .filter(|(_, c)| !known.contains(c))
        .map(|(i, c)| {
            Finding::new(format!("marketplace.categories[{i}]")).with("category", c.as_str())
        })
        .collect())
}

/// `listing_scopes_reason`: when a scope ending in `write_suffix` (`:write`) is requested,
/// `technical.scopes_reason` says why.
pub fn scopes_reason(context: &Context<'_>, rule: &Rule) -> Outcome {
    let suffix = rule.param_str("write_suffix").unwrap_or(":write");
    let technical = &context.input.content.technical;
    let writes: Vec<&str> = technical
        .scopes
        .iter()
        .filter(|s| s.ends_with(suffix))
        .map(String::as_str)
        .collect();
    Ok(
        if writes.is_empty() || !technical.scopes_reason.trim().is_empty() {
            vec![]
        } else {
            vec![Finding::new(rule.field.clone()).with("scopes", writes)]
        },
    )
}

/// `technical_automated_provisioning`: the app is provisioned automatically, not by hand.
pub fn automated_provisioning(context: &Context<'_>, rule: &Rule) -> Outcome {
    Ok(if context.input.content.technical.manually_provisioned {
        vec![Finding::new(rule.field.clone())]
    } else {
        vec![]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_is_only_this_machine() {
        for url in [
            "http://localhost",
            "http://localhost:8080/cb",
            "HTTP://127.0.0.1:3000/cb",
            "http://[::1]:9000/x",
        ] {
            assert!(is_loopback_http(url), "{url}");
        }
        for url in [
            "http://localhost.evil.com/cb",
            "http://127.0.0.1.nip.io/",
            "http://example.com/",
            "https://localhost/",
            "http://localhost@evil.com/",
        ] {
            assert!(!is_loopback_http(url), "{url}");
        }
    }
}
