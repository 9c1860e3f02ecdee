//! The files of an export, pure: a version's content written as TOML (`render`) and read back
//! (`parse_*`), with every key a version does not have refused by name. No I/O here: `files.rs`
//! reads and writes the folder.
//!
//! The layout (`FORMAT` 2):
//!
//! | file | holds |
//! | --- | --- |
//! | `pwb.toml` | the header: app, version, version number, the server copy's ETag the export was based on, and `[exported]`: the SHA-256 of each field's value as exported (what import compares the files and the cache with) |
//! | `listing.toml` | the `general`, `technical` and `marketplace` sections (the marketplace assets other than screenshots included) |
//! | `plans.toml` | `subscription_types`, in order |
//! | `screenshots/screenshots.toml` | the marketplace assets of type screenshot, in order: URL and description |
//! | `icon.png` | the icon's bytes as cached (`icon.jpg`, `icon.gif`, ... when that is the real format) |

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use workbench_domain::validation::icon::RealFormat;
use workbench_domain::{
    AppVersion, Asset, AssetType, General, Marketplace, SubscriptionPlan, Technical, VersionContent,
};

/// The version of the layout; `pwb.toml` says which one it is written in.
pub const FORMAT: u32 = 2;
pub const HEADER: &str = "pwb.toml";
pub const LISTING: &str = "listing.toml";
pub const PLANS: &str = "plans.toml";
pub const SCREENSHOTS_DIR: &str = "screenshots";
pub const SCREENSHOTS: &str = "screenshots.toml";
/// The icon file's stem: `icon.png`, `icon.jpg`, or `icon.bin` for bytes of no known format.
pub const ICON_STEM: &str = "icon";

const HEADER_NOTE: &str = "\
# Partner Workbench export of one app version. `pwb diff DIR` shows what `pwb import DIR`
# would change; `pwb import DIR` applies these files as local edits (sent by `pwb sync`).
# The ids name the version the files belong to; server_etag is the server's copy the export
# was based on. [exported] records each field as exported (a SHA-256 of its value): import
# applies only the fields the files changed since, and keeps newer values the cache got for
# the others. Leave this file as it is.
";
const LISTING_NOTE: &str = "\
# The version's listing: its general, technical and marketplace sections. Field names are
# Partner Project's (`pwb edit --help`). Screenshots are in screenshots/screenshots.toml.
";
const PLANS_NOTE: &str = "\
# The subscription plans, in the order customers see them. Prices are whole numbers in minor
# units (cents) of the currency, per seat or per account per month.
";
const SCREENSHOTS_NOTE: &str = "\
# The listing's screenshots, in order. Partner Project keeps a screenshot as a URL (a
# marketplace asset of type screenshot) and has no upload for images: host each image
# yourself and give its https URL here, with an optional description.
";

/// `pwb.toml`: which version the files are, and what the export was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub app_id: String,
    pub version_id: String,
    pub version_number: String,
    /// The ETag of the server's copy the cache held at export (absent when it had none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_etag: Option<String>,
    /// Each field's fingerprint at export, by its path (`general.display_name`,
    /// `subscription_types[Pro].price`, `subscription_types.order`, `icon`); a path not listed
    /// was absent. (Read as empty when missing, so that an older format is refused by number.)
    #[serde(default)]
    pub exported: BTreeMap<String, String>,
}

/// `listing.toml`. The sections are required: a file without one is refused rather than read
/// as an empty section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub general: General,
    pub technical: Technical,
    pub marketplace: Marketplace,
}

/// `plans.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plans {
    pub subscription_types: Vec<SubscriptionPlan>,
}

/// `screenshots/screenshots.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screenshots {
    pub screenshots: Vec<Screenshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screenshot {
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A file of an export that cannot be used: which file, and what is wrong where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file's path inside the export folder (`listing.toml`, `screenshots/screenshots.toml`).
    pub file: String,
    pub reason: String,
}

/// The name of the icon file for `bytes`: `icon.` and its real format's extension (`icon.bin`
/// when the bytes are of no format the rules know).
pub fn icon_file_name(bytes: &[u8]) -> String {
    let extension = RealFormat::sniff(bytes)
        .extensions()
        .first()
        .copied()
        .unwrap_or("bin");
    format!("{ICON_STEM}.{extension}")
}

/// Whether `name` is an icon file's name: `icon`, or `icon.` and an extension.
pub fn is_icon_name(name: &str) -> bool {
    name == ICON_STEM
        || name
            .strip_prefix(ICON_STEM)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|extension| !extension.is_empty() && !extension.contains('.'))
}

/// The text files of an export of `version` (the icon is written as it is, beside them): each
/// path inside the folder with its bytes.
pub fn render(
    version: &AppVersion,
    server_etag: Option<&str>,
    exported: BTreeMap<String, String>,
) -> Vec<(String, Vec<u8>)> {
    let content = &version.content;
    let (screenshots, others) = split_assets(&content.marketplace.assets);
    let header = Header {
        format: FORMAT,
        app_id: version.app_id.clone(),
        version_id: version.id.clone(),
        version_number: version.version_number.clone(),
        server_etag: server_etag.map(str::to_owned),
        exported,
    };
    let mut marketplace = content.marketplace.clone();
    marketplace.assets = others;
    let listing = Listing {
        general: content.general.clone(),
        technical: content.technical.clone(),
        marketplace,
    };
    let plans = Plans {
        subscription_types: content.subscription_types.clone(),
    };
    let screenshots = Screenshots {
        screenshots: screenshots
            .into_iter()
            .map(|asset| Screenshot {
                url: asset.url,
                description: asset.description,
            })
            .collect(),
    };
    vec![
        (HEADER.to_owned(), toml_file(HEADER_NOTE, &header)),
        (LISTING.to_owned(), toml_file(LISTING_NOTE, &listing)),
        (PLANS.to_owned(), toml_file(PLANS_NOTE, &plans)),
        (
            format!("{SCREENSHOTS_DIR}/{SCREENSHOTS}"),
            toml_file(SCREENSHOTS_NOTE, &screenshots),
        ),
    ]
}

fn toml_file<T: Serialize>(note: &str, value: &T) -> Vec<u8> {
    // The shapes written here are tables of strings, integers, booleans and lists of them,
    // which TOML always represents.
    let body = toml::to_string_pretty(value).expect("a version's content is representable in TOML");
    format!("{note}\n{body}").into_bytes()
}

/// (screenshots, every other asset), each in its order.
pub fn split_assets(assets: &[Asset]) -> (Vec<Asset>, Vec<Asset>) {
    assets
        .iter()
        .cloned()
        .partition(|asset| asset.kind == AssetType::Screenshot)
}

/// Reads `text`, the file `file`, as a `T`: a TOML error says the line and column; a key `T`
/// does not have is refused with its path (`general.display_nam`), never dropped.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, FileProblem> {
    let problem = |reason: String| FileProblem {
        file: file.to_owned(),
        reason,
    };
    let deserializer =
        toml::de::Deserializer::parse(text).map_err(|e| problem(toml_problem(text, &e)))?;
    let mut unknown = Vec::new();
    let value: T = serde_ignored::deserialize(deserializer, |path| unknown.push(key_path(&path)))
        .map_err(|e| problem(toml_problem(text, &e)))?;
    match unknown.as_slice() {
        [] => Ok(value),
        [key] => Err(problem(format!(
            "unknown key `{key}`: it is not a field of a version (check its spelling and section)"
        ))),
        keys => Err(problem(format!(
            "unknown keys {}: they are not fields of a version (check their spelling and section)",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The longest message of the TOML parser shown: it may quote a value, which may be huge.
const MESSAGE_CHARS: usize = 300;

/// A TOML error as `line L, column C: what` (the parser's own rendering quotes the whole line,
/// which in a hostile file may be a megabyte long).
fn toml_problem(text: &str, error: &toml::de::Error) -> String {
    let mut message: String = error.message().trim().chars().take(MESSAGE_CHARS).collect();
    if error.message().trim().chars().count() > MESSAGE_CHARS {
        message.push('…');
    }
    let Some(before) = error.span().and_then(|span| text.get(..span.start)) else {
        return message;
    };
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}: {message}")
}

/// A key's path in the domain's vocabulary: `marketplace.support.mail`, `subscription_types[1].cost`
/// (list entries counted from 0).
fn key_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", key_path(parent)),
        Path::Map { parent, key } => {
            let parent = key_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => key_path(parent),
    }
}

/// The content the files describe, put in the place of `current` (the working copy they are
/// applied to): the sections and plans as read, and the marketplace assets rebuilt so that an
/// unchanged export gives back exactly `current`'s list. Screenshots and the other assets keep
/// the places their kinds held in `current` (each kind in the files' order); a list grown
/// longer than before puts the extra ones at the end.
pub fn content(
    listing: Listing,
    plans: Plans,
    screenshots: Screenshots,
    current: &VersionContent,
) -> Result<VersionContent, FileProblem> {
    if let Some(at) = listing
        .marketplace
        .assets
        .iter()
        .position(|asset| asset.kind == AssetType::Screenshot)
    {
        return Err(FileProblem {
            file: LISTING.to_owned(),
            reason: format!(
                "marketplace.assets[{at}] is a screenshot: screenshots belong in {SCREENSHOTS_DIR}/{SCREENSHOTS}"
            ),
        });
    }
    // A name given twice is refused, unless the working copy already has it as often: a
    // server copy may hold such plans, and its export must still import.
    let count =
        |list: &[SubscriptionPlan], name: &str| list.iter().filter(|p| p.name == name).count();
    if let Some(twice) = plans.subscription_types.iter().find(|plan| {
        let n = count(&plans.subscription_types, &plan.name);
        n > 1 && n > count(&current.subscription_types, &plan.name)
    }) {
        return Err(FileProblem {
            file: PLANS.to_owned(),
            reason: format!(
                "two plans are named `{}`: a plan's name is what tells plans apart",
                twice.name
            ),
        });
    }
    let Listing {
        general,
        technical,
        mut marketplace,
    } = listing;
    let mut shots = screenshots.screenshots.into_iter().map(|shot| Asset {
        kind: AssetType::Screenshot,
        description: shot.description,
        url: shot.url,
    });
    let mut others = std::mem::take(&mut marketplace.assets).into_iter();
    let mut assets = Vec::new();
    for slot in &current.marketplace.assets {
        let next = if slot.kind == AssetType::Screenshot {
            shots.next()
        } else {
            others.next()
        };
        assets.extend(next);
    }
    assets.extend(others);
    assets.extend(shots);
    marketplace.assets = assets;
    Ok(VersionContent {
        general,
        technical,
        marketplace,
        subscription_types: plans.subscription_types,
    })
}
