//! Where a diagnostic's field is in an export folder's files, for `pwb validate DIR`: the file
//! and the line a pull request should show the problem on. Pure: it reads the files' text as
//! [`super::format`] writes them (and as a person edits them), not the filesystem.
//!
//! The scan follows TOML's tables line by line: `[general]` and `[marketplace.support]` open a
//! table, `[[subscription_types]]` opens the next element of an array of tables, and `key =`
//! inside one gives the line of `table.key` (`subscription_types[1].price`). Values spread over
//! several lines (a `"""` string, an array) are skipped inside. A field with no line of its own
//! (an absent key, an array element) is pointed at its nearest ancestor that has one; with none,
//! at the first line of its file.

use std::collections::BTreeMap;

use super::format::{ICON_STEM, LISTING, PLANS, SCREENSHOTS, SCREENSHOTS_DIR};

/// A place in an export folder: a file (its path inside the folder) and, for a text file, a line
/// (1-based).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: Option<u32>,
}

/// The lines of the keys of one TOML file: each key's path (`general.emails[1].email`) and its
/// line.
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    lines: BTreeMap<String, u32>,
    /// How many elements each array of tables has (`marketplace.assets`: 2).
    arrays: BTreeMap<String, usize>,
}

impl KeyLines {
    pub fn scan(text: &str) -> KeyLines {
        let mut found = KeyLines::default();
        let mut table = String::new();
        // Inside a value spread over lines: the `"""`/`'''` that ends it, or the depth of `[`.
        let mut in_string: Option<&str> = None;
        let mut depth = 0usize;
        for (n, raw) in text.lines().enumerate() {
            let line = n as u32 + 1;
            if let Some(quote) = in_string {
                if raw.contains(quote) {
                    in_string = None;
                }
                continue;
            }
            if depth > 0 {
                depth = depth.saturating_add_signed(brackets(raw));
                continue;
            }
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(name) = trimmed
                .strip_prefix("[[")
                .and_then(|rest| rest.split("]]").next())
            {
                let name = name.trim().to_owned();
                let count = found.arrays.entry(name.clone()).or_insert(0);
                table = format!("{name}[{count}]");
                *count += 1;
                found.lines.entry(name).or_insert(line);
                found.lines.insert(table.clone(), line);
                continue;
            }
            if let Some(name) = trimmed
                .strip_prefix('[')
                .and_then(|rest| rest.split(']').next())
            {
                table = name.trim().to_owned();
                found.lines.insert(table.clone(), line);
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else {
                continue;
            };
            let key = key.trim().trim_matches('"');
            let path = if table.is_empty() {
                key.to_owned()
            } else {
                format!("{table}.{key}")
            };
            found.lines.insert(path, line);
            let value = value.trim();
            for quote in ["\"\"\"", "'''"] {
                if let Some(rest) = value.strip_prefix(quote)
                    && !rest.contains(quote)
                {
                    in_string = Some(quote);
                }
            }
            if in_string.is_none() && value.starts_with('[') {
                depth = 0usize.saturating_add_signed(brackets(value));
            }
        }
        found
    }

    /// The line of `path`, or of its nearest ancestor that has one.
    fn line_of(&self, path: &str) -> Option<u32> {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return Some(*line);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    fn array_len(&self, name: &str) -> usize {
        self.arrays.get(name).copied().unwrap_or(0)
    }
}

/// `[` minus `]` outside strings: how much deeper a line leaves an array value.
fn brackets(text: &str) -> isize {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => break,
            (None, '[') => depth += 1,
            (None, ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The scanned files of one export folder.
#[derive(Debug, Clone, Default)]
pub struct FolderLines {
    pub listing: KeyLines,
    pub plans: KeyLines,
    pub screenshots: KeyLines,
    /// The icon file's name, when the folder has one.
    pub icon: Option<String>,
}

/// Where `field` (a diagnostic's path in the domain's vocabulary) is in the folder's files.
pub fn locate(field: &str, files: &FolderLines) -> Location {
    let at = |file: String, lines: &KeyLines, path: &str| Location {
        line: lines.line_of(path).or(Some(1)),
        file,
    };
    if field == "icon" || field.starts_with("icon.") {
        let file = files
            .icon
            .clone()
            .unwrap_or_else(|| format!("{ICON_STEM}.png"));
        return Location { file, line: None };
    }
    if field.starts_with("subscription_types") {
        return at(PLANS.to_owned(), &files.plans, field);
    }
    // The content's assets are the listing's own ones, then the screenshots (as `format::content`
    // puts them when nothing else orders them).
    if let Some(rest) = field.strip_prefix("marketplace.assets[")
        && let Some((index, tail)) = rest.split_once(']')
        && let Ok(index) = index.parse::<usize>()
    {
        let own = files.listing.array_len("marketplace.assets");
        if index >= own {
            let path = format!("screenshots[{}]{tail}", index - own);
            return at(
                format!("{SCREENSHOTS_DIR}/{SCREENSHOTS}"),
                &files.screenshots,
                &path,
            );
        }
    }
    at(LISTING.to_owned(), &files.listing, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING_TEXT: &str = r#"# comment
[general]
display_name = "Acme"
notes = """
a [ line
"""

[[general.emails]]
type = "technical"
email = "a@b.example"

[[general.emails]]
type = "billing"
email = "c@d.example"

[technical]
scopes = [
    "account:read",
    "calls:read",
]
manually_provisioned = false

[marketplace]
description = """
## Title
key = not a key
"""
categories = ["CRM"]

[[marketplace.assets]]
type = "video"
url = "https://v.example"

[marketplace.support]
email = "s@e.example"
"#;

    const PLANS_TEXT: &str = r#"[[subscription_types]]
name = "Trial"
price = 0

[[subscription_types]]
name = "Team"
price = -5
"#;

    const SHOTS_TEXT: &str = r#"[[screenshots]]
url = "https://s.example/1.png"

[[screenshots]]
url = "http://s.example/2.png"
"#;

    fn folder() -> FolderLines {
        FolderLines {
            listing: KeyLines::scan(LISTING_TEXT),
            plans: KeyLines::scan(PLANS_TEXT),
            screenshots: KeyLines::scan(SHOTS_TEXT),
            icon: Some("icon.png".into()),
        }
    }

    fn line(field: &str) -> (String, Option<u32>) {
        let Location { file, line } = locate(field, &folder());
        (file, line)
    }

    #[test]
    fn each_field_is_on_the_line_of_its_key() {
        let listing = |n| ("listing.toml".to_owned(), Some(n));
        assert_eq!(line("general.display_name"), listing(3));
        assert_eq!(line("general.emails[1].email"), listing(14));
        assert_eq!(line("technical.manually_provisioned"), listing(21));
        assert_eq!(line("marketplace.categories"), listing(28));
        assert_eq!(line("marketplace.support.email"), listing(35));
        assert_eq!(
            line("subscription_types[1].price"),
            ("plans.toml".into(), Some(7))
        );
    }

    #[test]
    fn a_field_without_a_line_of_its_own_points_at_its_nearest_ancestor() {
        // An array element, an absent key, an absent section.
        assert_eq!(
            line("technical.scopes[1]"),
            ("listing.toml".into(), Some(17))
        );
        assert_eq!(
            line("general.emails[0].name"),
            ("listing.toml".into(), Some(8))
        );
        assert_eq!(
            line("technical.scopes_reason"),
            ("listing.toml".into(), Some(16))
        );
        assert_eq!(line("nowhere.at_all"), ("listing.toml".into(), Some(1)));
    }

    #[test]
    fn text_inside_a_multi_line_value_is_not_read_as_keys() {
        let lines = KeyLines::scan(LISTING_TEXT);
        assert_eq!(
            lines.line_of("marketplace.key"),
            Some(23),
            "the section's line"
        );
        assert_eq!(lines.line_of("general.notes"), Some(4));
    }

    #[test]
    fn screenshots_come_after_the_listings_own_assets() {
        assert_eq!(
            line("marketplace.assets[0].url"),
            ("listing.toml".into(), Some(32))
        );
        assert_eq!(
            line("marketplace.assets[2].url"),
            ("screenshots/screenshots.toml".into(), Some(5))
        );
    }

    #[test]
    fn icon_rules_point_at_the_icon_file() {
        assert_eq!(line("icon"), ("icon.png".into(), None));
    }
}
