use tauri::State;

use crate::AppState;
use crate::ipc::{
    CommandError, PartLock, Reply, ReviewActionView, ValidationReport, VersionForm, VersionView,
    reply,
};

/// A cached version as an editor form, with its app's name, the pack's categories, which parts
/// are locked (and why) and which review actions the tracks allow now.
#[tauri::command]
pub async fn open_version(state: State<'_, AppState>, version_id: String) -> Reply<VersionView> {
    let workbench = state.workbench()?;
    let view = off_main_thread(move || {
        let detail = workbench.version(&version_id)?;
        let categories = workbench.rules_pack()?.categories;
        let locks = PartLock::list(workbench.editable_parts(&version_id)?);
        let actions = ReviewActionView::list(workbench.review_actions(&version_id)?);
        Ok(VersionView::new(detail, categories, locks, actions))
    })
    .await?;
    reply(view)
}

/// Checks `draft` (the editor's unsaved content) in place of the cached version, or the cached
/// version itself when there is no draft, with the cached icon. Nothing is written.
#[tauri::command]
pub async fn validate_draft(
    state: State<'_, AppState>,
    version_id: String,
    draft: Option<VersionForm>,
) -> Reply<ValidationReport> {
    let workbench = state.workbench()?;
    let report = off_main_thread(move || {
        let Some(form) = draft else {
            let report = workbench.validate_version(&version_id, None)?;
            return Ok(ValidationReport::new(report, Vec::new()));
        };
        let (mut content, mut problems) = form.clone().into_content(None);
        if !problems.is_empty() {
            // Only a half-typed number needs the cached values to stand in for it.
            let cached = workbench.version(&version_id)?.version.content;
            (content, problems) = form.into_content(Some(&cached));
        }
        let report = workbench.validate_version(&version_id, Some(&content))?;
        Ok(ValidationReport::new(report, problems))
    })
    .await?;
    reply(report)
}

/// Runs cache reads and the engine (an icon check decodes the image) on a blocking thread, so
/// the window keeps answering keys meanwhile.
pub(crate) async fn off_main_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::internal(format!("the work stopped unexpectedly: {e}")))?
}
