use tauri::State;

use crate::AppState;
use crate::ipc::{CommandError, ValidationReport, VersionForm, VersionView};

/// A cached version as an editor form, with its app's name and the pack's categories.
#[tauri::command]
pub fn open_version(
    state: State<'_, AppState>,
    version_id: String,
) -> Result<VersionView, CommandError> {
    let workbench = state.workbench()?;
    let detail = workbench.version(&version_id)?;
    let categories = workbench.rules_pack()?.categories;
    Ok(VersionView::new(detail, categories))
}

/// Checks `draft` (the editor's unsaved content) in place of the cached version, or the cached
/// version itself when there is no draft, with the cached icon. Off the main thread: an icon
/// check decodes the image, and the window keeps answering keys meanwhile.
#[tauri::command]
pub async fn validate_draft(
    state: State<'_, AppState>,
    version_id: String,
    draft: Option<VersionForm>,
) -> Result<ValidationReport, CommandError> {
    let workbench = state.workbench()?;
    tauri::async_runtime::spawn_blocking(move || {
        let (content, problems) = match draft {
            Some(form) => {
                let cached = workbench.version(&version_id)?.version.content;
                let (content, problems) = form.into_content(Some(&cached));
                (Some(content), problems)
            }
            None => (None, Vec::new()),
        };
        let report = workbench.validate_version(&version_id, content.as_ref())?;
        Ok(ValidationReport::new(report, problems))
    })
    .await
    .map_err(|e| CommandError::internal(format!("the validation stopped unexpectedly: {e}")))?
}
