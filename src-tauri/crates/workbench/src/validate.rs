//! Local validation of cached versions and icon files against the rules pack in force (SPEC §5).
//!
//! The engine itself is `workbench_domain::validation`, pure and shared with the server; this
//! module only gathers its input from the cache: the version (or a draft of it), its icon, and
//! whether an earlier version of the same app has been published.

use workbench_domain::VersionContent;
use workbench_domain::validation::{self, Report, RulesPack, ValidationInput};

use crate::{Workbench, WorkbenchError};

impl Workbench {
    /// The rules pack in force: the one shipped with the app.
    pub fn rules_pack(&self) -> Result<RulesPack, WorkbenchError> {
        Ok(RulesPack::default_pack())
    }

    /// Validates a cached version, or `draft` in its place (the desktop editor's unsaved text),
    /// with the cached icon. The state rules are not checked: no edit is in question.
    pub fn validate_version(
        &self,
        version_id: &str,
        draft: Option<&VersionContent>,
    ) -> Result<Report, WorkbenchError> {
        let pack = self.rules_pack()?;
        let (cached, icon) = {
            let store = self.store();
            let cached = store
                .version(version_id)?
                .ok_or_else(|| WorkbenchError::UnknownVersion(version_id.to_owned()))?;
            (cached, store.icon(version_id)?)
        };
        let content = draft.unwrap_or(&cached.version.content);
        let mut input = ValidationInput::new(content, cached.version.status);
        if let Some(icon) = &icon {
            input = input.with_icon(&icon.bytes, icon_file_name(&icon.media_type));
        }
        Ok(validation::validate(&input, &pack, &[]))
    }

    /// Checks an icon file alone against the icon rules (`pwb validate --icon FILE`).
    pub fn validate_icon(&self, bytes: &[u8], file_name: &str) -> Result<Report, WorkbenchError> {
        Ok(validation::validate_icon(
            bytes,
            file_name,
            &self.rules_pack()?,
        ))
    }
}

/// The file name a cached icon was stored under, for the extension rule: the cache keeps the
/// media type the server sent, not the partner's file name.
fn icon_file_name(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "icon.jpg",
        _ => "icon.png",
    }
}
