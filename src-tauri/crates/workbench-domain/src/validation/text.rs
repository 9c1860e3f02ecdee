//! Rules over all partner-written text: placeholders left in ("lorem ipsum", "TODO", example.com
//! URLs) and strings that look like secrets (cloud keys, private keys, live API keys, long
//! high-entropy tokens). A secret is never echoed back: the diagnostic names its kind and field.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Finding, Outcome, Rule, missing_param};
use crate::model::VersionContent;

/// Where partner text lives, with its field path. URLs and email addresses are in [`addresses`].
pub fn partner_text(content: &VersionContent) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = vec![
        ("general.display_name".into(), &content.general.display_name),
        ("general.notes".into(), &content.general.notes),
        (
            "technical.scopes_reason".into(),
            &content.technical.scopes_reason,
        ),
        (
            "marketplace.listing_summary".into(),
            &content.marketplace.listing_summary,
        ),
        (
            "marketplace.description".into(),
            &content.marketplace.description,
        ),
    ];
    for (i, asset) in content.marketplace.assets.iter().enumerate() {
        out.push((
            format!("marketplace.assets[{i}].description"),
            &asset.description,
        ));
    }
    for (i, plan) in content.subscription_types.iter().enumerate() {
        out.push((format!("subscription_types[{i}].name"), &plan.name));
        out.push((
            format!("subscription_types[{i}].description"),
            &plan.description,
        ));
        out.push((
            format!("subscription_types[{i}].listing_summary"),
            &plan.listing_summary,
        ));
    }
    out.retain(|(_, text)| !text.is_empty());
    out
}

/// URLs and email addresses, with their field paths.
pub fn addresses(content: &VersionContent) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    for (i, email) in content.general.emails.iter().enumerate() {
        out.push((format!("general.emails[{i}].email"), &email.email));
    }
    for (i, url) in content.technical.urls.iter().enumerate() {
        out.push((format!("technical.urls[{i}].url"), &url.url));
    }
    for (i, url) in content.marketplace.urls.iter().enumerate() {
        out.push((format!("marketplace.urls[{i}].url"), &url.url));
    }
    for (i, asset) in content.marketplace.assets.iter().enumerate() {
        out.push((format!("marketplace.assets[{i}].url"), &asset.url));
    }
    let support = &content.marketplace.support;
    out.push(("marketplace.support.email".into(), &support.email));
    out.push(("marketplace.support.url".into(), &support.url));
    out.retain(|(_, text)| !text.is_empty());
    out
}

/// The host of a URL (`scheme://user@host:port/...`) or the domain of an email address, lower-cased.
fn host_of(address: &str) -> String {
    let rest = match address.split_once("://") {
        Some((_, rest)) => rest,
        None => address
            .rsplit_once('@')
            .map_or(address, |(_, domain)| domain),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.split(':').next().unwrap_or("").to_ascii_lowercase()
}

fn is_placeholder_host(host: &str, hosts: &[&str]) -> Option<String> {
    hosts
        .iter()
        .find(|h| host == **h || host.ends_with(&format!(".{h}")))
        .map(|h| (*h).to_owned())
}

/// Whether `word` occurs in `text` as a whole word (case-sensitive).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

static URL_IN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bhttps?://[^\s)>\]]+").expect("valid regex"));

/// `text_no_placeholders`: no `phrases` (any case), no `words` (as written, whole words), and no
/// URL or email address on one of the `hosts` (or their subdomains), in any partner text.
pub fn no_placeholders(context: &Context<'_>, rule: &Rule) -> Outcome {
    let phrases = rule
        .param_strings("phrases")
        .ok_or_else(|| missing_param(rule, "phrases"))?;
    let words = rule
        .param_strings("words")
        .ok_or_else(|| missing_param(rule, "words"))?;
    let hosts = rule
        .param_strings("hosts")
        .ok_or_else(|| missing_param(rule, "hosts"))?;
    let content = context.input.content;
    let mut findings = Vec::new();
    for (field, text) in partner_text(content) {
        let lower = text.to_lowercase();
        let found = phrases
            .iter()
            .find(|p| lower.contains(&p.to_lowercase()))
            .map(|p| (*p).to_owned())
            .or_else(|| {
                words
                    .iter()
                    .find(|w| contains_word(text, w))
                    .map(|w| (*w).to_owned())
            })
            .or_else(|| {
                URL_IN_TEXT
                    .find_iter(text)
                    .find_map(|url| is_placeholder_host(&host_of(url.as_str()), &hosts))
            });
        if let Some(placeholder) = found {
            findings.push(Finding::new(field).with("placeholder", placeholder));
        }
    }
    for (field, address) in addresses(content) {
        if let Some(host) = is_placeholder_host(&host_of(address), &hosts) {
            findings.push(Finding::new(field).with("placeholder", host));
        }
    }
    Ok(findings)
}

static SECRET_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("AWS access key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("private key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"),
        ("live API key", r"\b(?:sk|rk|pk)_live_[0-9A-Za-z]{8,}"),
        ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
        ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ]
    .into_iter()
    .map(|(kind, pattern)| (kind, Regex::new(pattern).expect("valid regex")))
    .collect()
});

static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_\-+=]+").expect("valid regex"));

/// Shannon entropy of `token`, in bits per character.
pub fn entropy(token: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in token.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = token.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A run of at least `min_length` key-like characters with letters and digits mixed and entropy
/// of at least `min_entropy` bits per character: what random keys look like, and what words,
/// slugs and UUIDs (hyphens, little alphabet) do not.
fn high_entropy_token(text: &str, min_length: usize, min_entropy: f64) -> bool {
    TOKEN.find_iter(text).any(|m| {
        let token = m.as_str();
        token.len() >= min_length
            && token.bytes().any(|b| b.is_ascii_digit())
            && token.bytes().any(|b| b.is_ascii_alphabetic())
            && entropy(token) >= min_entropy
    })
}

/// `text_no_secrets`: no partner text, URL or email address looks like a secret: the known key
/// shapes, or a high-entropy token (`min_token_length`, `min_entropy` parameters).
pub fn no_secrets(context: &Context<'_>, rule: &Rule) -> Outcome {
    let min_length = rule
        .param_u64("min_token_length")
        .ok_or_else(|| missing_param(rule, "min_token_length"))? as usize;
    let min_entropy = rule
        .param_f64("min_entropy")
        .ok_or_else(|| missing_param(rule, "min_entropy"))?;
    let content = context.input.content;
    let mut findings = Vec::new();
    for (field, text) in partner_text(content).into_iter().chain(addresses(content)) {
        let kind = SECRET_PATTERNS
            .iter()
            .find(|(_, regex)| regex.is_match(text))
            .map(|(kind, _)| *kind)
            .or_else(|| {
                high_entropy_token(text, min_length, min_entropy).then_some("high-entropy token")
            });
        if let Some(kind) = kind {
            findings.push(Finding::new(field).with("kind", kind));
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_come_from_urls_and_emails() {
        assert_eq!(
            host_of("https://user@Docs.Example.com:8443/x?y"),
            "docs.example.com"
        );
        assert_eq!(host_of("help@example.org"), "example.org");
        assert_eq!(
            is_placeholder_host("docs.example.com", &["example.com"]),
            Some("example.com".into())
        );
        assert_eq!(
            is_placeholder_host("notexample.com", &["example.com"]),
            None
        );
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("TODO: write this", "TODO"));
        assert!(!contains_word("TODOIST integration", "TODO"));
        assert!(!contains_word("todo", "TODO"));
    }

    #[test]
    fn entropy_separates_keys_from_words() {
        assert!(high_entropy_token(
            "token 8fK2pQ9xL4mZ7vB1nR6tY3wE5hJ0aSdG here",
            32,
            4.2
        ));
        assert!(!high_entropy_token(
            "123e4567-e89b-12d3-a456-426614174000",
            32,
            4.2
        ));
        assert!(!high_entropy_token(
            "a-very-long-application-name-for-our-customers",
            32,
            4.2
        ));
    }
}
