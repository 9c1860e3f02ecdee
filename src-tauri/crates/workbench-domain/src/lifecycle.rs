//! Starting and deleting versions: the rules the server applies, in one place for the sandbox
//! and the client (SPEC: "A new version can be created only when the latest one is Available (it
//! starts as a copy of it)"; the contract deletes only a draft).
//!
//! The next version's number is the latest's with its minor part raised and the rest zeroed
//! (`1.4.2` → `1.5.0`), skipping numbers the app already has; the first is `1.0.0`. A client
//! shows this number for a version it made offline until the server's answer names the real one.

use serde_json::Value;

use crate::merge::FieldConflict;
use crate::{App, AppType, AppVersion, Render, ReviewStatus, VersionContent, VersionStatus};

/// The longest text field of an app (`slug`, `display_name`, `created_type`): the contract's
/// limit (`RegisterApp`), the server's and the client's check alike.
pub const MAX_APP_TEXT: usize = 200;

/// Why an app's `name` (its unique identifier) cannot be registered, if it cannot: 1 to 64
/// lower-case letters, digits or `-`, starting with a letter or digit (the contract's pattern).
pub fn name_problem(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let valid = (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
    (!valid).then(|| {
        "must be 1 to 64 lower-case letters, digits or '-', starting with a letter or digit"
            .to_owned()
    })
}

/// Why an app's text field cannot be taken, if it cannot: blank, or over [`MAX_APP_TEXT`].
pub fn text_problem(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        Some("must not be empty".to_owned())
    } else if value.chars().count() > MAX_APP_TEXT {
        Some(format!("must be at most {MAX_APP_TEXT} characters"))
    } else {
        None
    }
}

/// Every problem of a registration, as (field, message), in the order a form shows them.
pub fn registration_problems(
    name: &str,
    slug: &str,
    display_name: &str,
    created_type: &str,
) -> Vec<(&'static str, String)> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    if let Some(p) = name_problem(name) {
        problems.push(("name", p));
    }
    for (field, value) in [
        ("slug", slug),
        ("display_name", display_name),
        ("created_type", created_type),
    ] {
        if let Some(p) = text_problem(value) {
            problems.push((field, p));
        }
    }
    problems
}

/// The app's own fields a partner edits (its `name` is its identifier, fixed once registered),
/// as `app.FIELD` names them.
pub const APP_FIELDS: [&str; 5] = ["slug", "display_name", "created_type", "app_type", "render"];

/// The JSON value of one of [`APP_FIELDS`] of `app`.
pub fn app_field(app: &App, field: &str) -> Option<Value> {
    Some(match field {
        "slug" => Value::from(app.slug.clone()),
        "display_name" => Value::from(app.display_name.clone()),
        "created_type" => Value::from(app.created_type.clone()),
        "app_type" => Value::from(app.app_type.as_str()),
        "render" => Value::from(app.render.as_str()),
        _ => return None,
    })
}

/// `app` with one of [`APP_FIELDS`] set to `value` (a string), or why it cannot be.
pub fn set_app_field(app: &App, field: &str, value: &Value) -> Result<App, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("app.{field} takes text, not {value}"))?;
    let mut app = app.clone();
    match field {
        "slug" | "display_name" | "created_type" => {
            if let Some(problem) = text_problem(text) {
                return Err(format!("app.{field} {problem}"));
            }
            let slot = match field {
                "slug" => &mut app.slug,
                "display_name" => &mut app.display_name,
                _ => &mut app.created_type,
            };
            *slot = text.to_owned();
        }
        "app_type" => {
            app.app_type = AppType::parse(text)
                .ok_or_else(|| format!("app.app_type is standalone or atlas, not {text:?}"))?;
        }
        "render" => {
            app.render = Render::parse(text)
                .ok_or_else(|| format!("app.render is portal or canvas, not {text:?}"))?;
        }
        _ => {
            return Err(format!(
                "app.{field} is not an app field a partner edits; they are: {}",
                APP_FIELDS.map(|f| format!("app.{f}")).join(", ")
            ));
        }
    }
    Ok(app)
}

/// The three-way merge of an app's fields, like a version's: a field changed on one side only
/// takes that side's value; changed on both to different values, it keeps `mine` and is a
/// conflict (named `app.FIELD`) for the partner to settle.
pub fn merge_app(base: &App, mine: &App, theirs: &App) -> (App, Vec<FieldConflict>) {
    let mut merged = mine.clone();
    let mut conflicts = Vec::new();
    for field in APP_FIELDS {
        let value = |app: &App| app_field(app, field).unwrap_or(Value::Null);
        let (b, m, t) = (value(base), value(mine), value(theirs));
        if m == b && t != b {
            merged = set_app_field(&merged, field, &t).unwrap_or(merged);
        } else if m != b && t != b && m != t {
            conflicts.push(FieldConflict {
                field: format!("app.{field}"),
                base: b,
                mine: m,
                theirs: t,
            });
        }
    }
    (merged, conflicts)
}

/// What a new version of an app starts as: its number and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub version_number: String,
    /// Empty but for the app's names (a first version), or the latest version's content.
    pub content: VersionContent,
    /// The id of the version it copies (whose icon it takes too); `None` for a first version.
    pub copy_of: Option<String>,
}

/// The version that would be created next for `app`, whose newest version is `latest`, or why
/// none can be now. `taken` says whether the app already has a version number.
pub fn next_version(
    app: &App,
    latest: Option<&AppVersion>,
    taken: impl Fn(&str) -> bool,
) -> Result<NewVersion, String> {
    let Some(latest) = latest else {
        let mut content = VersionContent::default();
        content.general.display_name = app.display_name.clone();
        content.general.slug = app.slug.clone();
        return Ok(NewVersion {
            version_number: "1.0.0".to_owned(),
            content,
            copy_of: None,
        });
    };
    can_follow(&latest.version_number, latest.status)?;
    let number = &latest.version_number;
    let parts: Option<Vec<u64>> = number.split('.').map(|p| p.parse().ok()).collect();
    let Some(mut parts) = parts.filter(|p| p.len() >= 2) else {
        return Err(format!(
            "cannot derive the next version number from {number:?}"
        ));
    };
    loop {
        parts[1] = parts[1].saturating_add(1);
        for p in parts.iter_mut().skip(2) {
            *p = 0;
        }
        let candidate = parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        if !taken(&candidate) {
            return Ok(NewVersion {
                version_number: candidate,
                content: latest.content.clone(),
                copy_of: Some(latest.id.clone()),
            });
        }
        if parts[1] == u64::MAX {
            return Err(format!("no version number is left after {number:?}"));
        }
    }
}

/// Whether a new version can follow the latest one, numbered `version_number` with `status`:
/// only an Available one (technical review), else why not.
pub fn can_follow(version_number: &str, status: VersionStatus) -> Result<(), String> {
    if status.technical == ReviewStatus::Available {
        return Ok(());
    }
    Err(format!(
        "a new version can be created only when the latest one is Available; version \
         {version_number} is {} on the technical review",
        status.technical
    ))
}

/// Whether a version can be deleted: only a draft (both tracks Draft), else why not.
pub fn deletable(version_number: &str, status: VersionStatus) -> Result<(), String> {
    if status == VersionStatus::NEW {
        return Ok(());
    }
    Err(format!(
        "only a draft can be deleted; version {version_number}'s technical review is {} and its \
         marketplace review is {}",
        status.technical, status.marketplace
    ))
}

/// Who can install a version privately, from its install link (FAQ §14, "Can I test my app?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstallableOn {
    /// Only the partner's own developer account: the technical review has not approved it yet.
    DeveloperAccount,
    /// Any Talkdesk account the link is opened in.
    AnyAccount,
}

/// Where a version can be installed from its install link. Talkdesk's guides
/// (<https://docs.talkdesk.com/docs/guides>): "For an app to be installable, the technical
/// workflow needs to be approved (except for the user’s and Talkdesk accounts)". So: any account
/// once the technical track is Approved or Available (a published version's is Available), and
/// before that only the partner's own account.
pub fn installable_on(status: VersionStatus) -> InstallableOn {
    match status.technical {
        ReviewStatus::Approved | ReviewStatus::Available | ReviewStatus::Advertised => {
            InstallableOn::AnyAccount
        }
        ReviewStatus::Draft | ReviewStatus::InReview | ReviewStatus::Rejected => {
            InstallableOn::DeveloperAccount
        }
    }
}

impl InstallableOn {
    /// What the window and `pwb` say of it.
    pub fn describe(self) -> &'static str {
        match self {
            InstallableOn::DeveloperAccount => {
                "installable on your own developer account only, until its technical review is \
                 approved"
            }
            InstallableOn::AnyAccount => "installable on any Talkdesk account",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppType, Render};

    fn app() -> App {
        App {
            id: "app-1".into(),
            name: "acme".into(),
            slug: "acme-slug".into(),
            display_name: "Acme".into(),
            created_type: "Acme Inc".into(),
            app_type: AppType::Standalone,
            render: Render::Portal,
            sandbox: false,
        }
    }

    fn version(number: &str, technical: ReviewStatus) -> AppVersion {
        AppVersion {
            id: format!("ver-{number}"),
            app_id: "app-1".into(),
            version_number: number.into(),
            status: VersionStatus {
                technical,
                marketplace: ReviewStatus::Draft,
            },
            content: VersionContent::default(),
        }
    }

    #[test]
    fn a_first_version_starts_with_the_apps_names() {
        let first = next_version(&app(), None, |_| false).unwrap();
        assert_eq!(first.version_number, "1.0.0");
        assert_eq!(first.content.general.display_name, "Acme");
        assert_eq!(first.content.general.slug, "acme-slug");
        assert_eq!(first.copy_of, None);
    }

    #[test]
    fn a_later_version_copies_an_available_latest_with_the_next_free_number() {
        let latest = version("1.4.2", ReviewStatus::Available);
        let next = next_version(&app(), Some(&latest), |n| n == "1.5.0").unwrap();
        assert_eq!(next.version_number, "1.6.0");
        assert_eq!(next.copy_of.as_deref(), Some("ver-1.4.2"));
        let refused = next_version(
            &app(),
            Some(&version("1.0.0", ReviewStatus::Approved)),
            |_| false,
        )
        .unwrap_err();
        assert!(
            refused.contains("only when the latest one is Available"),
            "{refused}"
        );
        assert!(refused.contains("Approved"), "{refused}");
    }

    #[test]
    fn a_registration_names_each_bad_field() {
        assert!(registration_problems("acme-2", "s", "Acme", "Acme Inc").is_empty());
        let problems = registration_problems("-Acme", " ", "Acme", &"x".repeat(201));
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "slug", "created_type"]);
        assert!(name_problem(&"a".repeat(65)).is_some());
        assert!(name_problem(&"a".repeat(64)).is_none());
    }

    #[test]
    fn app_fields_merge_three_ways_and_a_field_changed_on_both_sides_is_a_conflict() {
        let base = app();
        let mine = set_app_field(&base, "display_name", &"Mine".into()).unwrap();
        let mine = set_app_field(&mine, "render", &"canvas".into()).unwrap();
        let theirs = set_app_field(&base, "display_name", &"Theirs".into()).unwrap();
        let theirs = set_app_field(&theirs, "slug", &"their-slug".into()).unwrap();
        let (merged, conflicts) = merge_app(&base, &mine, &theirs);
        assert_eq!(merged.slug, "their-slug", "changed on their side only");
        assert_eq!(merged.render, Render::Canvas, "changed on mine only");
        assert_eq!(
            merged.display_name, "Mine",
            "a conflict keeps mine until settled"
        );
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "app.display_name");
        assert_eq!(conflicts[0].theirs, Value::from("Theirs"));
        assert!(
            set_app_field(&base, "name", &"x".into()).is_err(),
            "the name is fixed"
        );
        assert!(set_app_field(&base, "render", &"web".into()).is_err());
        assert!(set_app_field(&base, "slug", &" ".into()).is_err());
    }

    #[test]
    fn only_a_draft_can_be_deleted() {
        assert_eq!(deletable("1.0.0", VersionStatus::NEW), Ok(()));
        let refused = deletable(
            "1.0.0",
            VersionStatus {
                technical: ReviewStatus::InReview,
                marketplace: ReviewStatus::Draft,
            },
        )
        .unwrap_err();
        assert!(refused.contains("only a draft can be deleted"), "{refused}");
    }

    #[test]
    fn a_version_is_installable_on_any_account_once_its_technical_review_approved_it() {
        use ReviewStatus::*;
        for (technical, expected) in [
            (Draft, InstallableOn::DeveloperAccount),
            (InReview, InstallableOn::DeveloperAccount),
            (Rejected, InstallableOn::DeveloperAccount),
            (Approved, InstallableOn::AnyAccount),
            (Available, InstallableOn::AnyAccount),
        ] {
            let status = VersionStatus {
                technical,
                marketplace: Draft,
            };
            assert_eq!(installable_on(status), expected, "{technical}");
        }
    }
}
