//! The editor's writes: saving a draft, the icon, undo, settling conflicts, and the review
//! actions of the submit panel. Each is one facade call answered once the cache has committed it;
//! then the window hears the new counts and a sync is scheduled (see `sync::after_local_change`).

use base64::Engine;
use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use workbench::{MAX_ICON_FILE_BYTES, WorkbenchError};

use crate::AppState;
use crate::commands::versions::off_main_thread;
use crate::ipc::{
    ActionKind, CommandError, ConflictChoice, ErrorCode, LocalState, Reply, Saved, SubmitCheck,
    Track, VersionForm, clamp, reply, review_action,
};

/// Saves the editor's `draft` of a version: the changes it made to `base` (the content the
/// editor last read or saved) go into the cache with their outbox entry in one transaction.
/// Refused, saving nothing, when a number is not one, or a part it changes is locked.
#[tauri::command]
pub async fn save_draft<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    base: VersionForm,
    draft: VersionForm,
) -> Reply<Saved> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let saved = off_main_thread(move || {
        let (base, _) = base.into_content(None);
        let (draft, problems) = draft.into_content(None);
        if !problems.is_empty() {
            let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            return Err(CommandError {
                code: ErrorCode::InvalidInput,
                message: format!("not saved: {}", messages.join(" ")),
            });
        }
        let (outcome, content) =
            workbench.save_draft(&version_id, &base, draft, OffsetDateTime::now_utc())?;
        Ok(Saved::new(outcome, content.into()))
    })
    .await?;
    if saved.changed {
        crate::sync::after_local_change(&app, &session);
    }
    reply(saved)
}

/// Replaces a version's icon with a file the partner picked in the window (its bytes in
/// base64). Refused, changing nothing, with the icon rules' errors, or when the icon is locked.
#[tauri::command]
pub async fn set_icon<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    file_name: String,
    base64: String,
) -> Reply<()> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    // Four base64 characters carry three bytes: refuse an oversized file before decoding it.
    if base64.len() as u64 / 4 * 3 > MAX_ICON_FILE_BYTES {
        return Err(CommandError {
            code: ErrorCode::InvalidInput,
            message: format!(
                "{file_name} is larger than {} MiB: choose a smaller icon",
                MAX_ICON_FILE_BYTES / (1024 * 1024)
            ),
        });
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64.as_bytes())
        .map_err(|e| CommandError {
            code: ErrorCode::InvalidInput,
            message: format!("the window sent {file_name} garbled ({e}); pick it again"),
        })?;
    off_main_thread(move || {
        Ok(workbench.set_icon(&version_id, bytes, &file_name, OffsetDateTime::now_utc())?)
    })
    .await?;
    crate::sync::after_local_change(&app, &session);
    reply(())
}

/// Undoes the version's latest edit (queued like an edit); what was undone, or `None`.
#[tauri::command]
pub async fn undo_edit<R: Runtime>(app: AppHandle<R>, version_id: String) -> Reply<Option<String>> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let undone =
        off_main_thread(move || Ok(workbench.undo(&version_id, OffsetDateTime::now_utc())?))
            .await?;
    if undone.is_some() {
        crate::sync::after_local_change(&app, &session);
    }
    reply(undone)
}

/// A version's queued changes (held ones with why) and its open conflicts.
#[tauri::command]
pub async fn local_state<R: Runtime>(app: AppHandle<R>, version_id: String) -> Reply<LocalState> {
    let workbench = app.state::<AppState>().workbench()?;
    let state = off_main_thread(move || {
        workbench.version(&version_id)?;
        Ok(LocalState::from(
            workbench.local_changes(Some(&version_id))?,
        ))
    })
    .await?;
    reply(state)
}

/// Settles the conflict on `field`: keep mine, take theirs, or a value of the partner's own.
#[tauri::command]
pub async fn resolve_conflict<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    field: String,
    choice: ConflictChoice,
) -> Reply<()> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    off_main_thread(move || {
        let conflict = workbench.conflict(&version_id, &field)?;
        let value = choice.value(conflict)?;
        Ok(workbench.resolve(&version_id, &field, value, OffsetDateTime::now_utc())?)
    })
    .await?;
    crate::sync::after_local_change(&app, &session);
    reply(())
}

/// The submit panel's check of `track`: the rules' errors left, or exactly what a submission
/// would send (the content JSON and its SHA-256).
#[tauri::command]
pub async fn check_submission<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    track: Track,
) -> Reply<SubmitCheck> {
    let workbench = app.state::<AppState>().workbench()?;
    let check = off_main_thread(move || {
        match workbench.preflight(&version_id, track) {
            Ok(()) => {}
            Err(WorkbenchError::ValidationFailed { messages, .. }) => {
                return Ok(SubmitCheck {
                    track,
                    problems: messages,
                    preview: None,
                });
            }
            Err(e) => return Err(e.into()),
        }
        Ok(SubmitCheck::ready(
            workbench.submission_preview(&version_id, track)?,
        ))
    })
    .await?;
    reply(check)
}

/// Queues a review action (a submission is checked again first), then syncs in the background:
/// sent now when online, else when the server can be reached again.
#[tauri::command]
pub async fn queue_review_action<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    action: ActionKind,
    track: Track,
) -> Reply<()> {
    let action = review_action(action, track)?;
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    off_main_thread(move || {
        workbench.queue_action(&version_id, action, Vec::new(), OffsetDateTime::now_utc())?;
        Ok(())
    })
    .await?;
    crate::sync::after_local_change(&app, &session);
    crate::sync::spawn_startup_sync(app.clone());
    reply(())
}

/// Lets the version's held changes be tried again, at once; how many there were.
#[tauri::command]
pub async fn retry_held<R: Runtime>(app: AppHandle<R>, version_id: String) -> Reply<u32> {
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    let released = off_main_thread(move || Ok(workbench.retry_held(&version_id)?)).await?;
    crate::sync::after_local_change(&app, &session);
    crate::sync::spawn_startup_sync(app.clone());
    reply(clamp(released as u64))
}

/// Gives up one queued change of a version (a content edit: all of its unsent edits and
/// conflicts, so it goes back to the server's copy).
#[tauri::command]
pub async fn discard_change<R: Runtime>(
    app: AppHandle<R>,
    version_id: String,
    change_id: String,
) -> Reply<()> {
    let id: i64 = change_id.parse().map_err(|_| CommandError {
        code: ErrorCode::InvalidInput,
        message: format!("{change_id:?} is not a queued change's id"),
    })?;
    let session = app.state::<AppState>().session();
    let workbench = session.workbench()?;
    off_main_thread(move || Ok(workbench.discard_entry(&version_id, id)?)).await?;
    crate::sync::after_local_change(&app, &session);
    reply(())
}
