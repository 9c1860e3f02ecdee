//! The one way out to the window, and its opt-in trace.
//!
//! Every command answers through [`Reply`] (a value wrapped in [`Sent`], or a [`CommandError`])
//! and every event goes out through [`emit`], so this file sees all the IPC traffic to the window.
//! When `PWB_IPC_TRACE=FILE` is set, each answer, error and event payload is appended to FILE as
//! one JSON line, `{"kind": "reply" | "error" | "event", "event"?: NAME, "payload": …}`, exactly
//! as it was sent. It is off by default; tests turn it on to check that no secret ever reaches
//! the window.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde::Serialize;
use tauri::ipc::{InvokeError, InvokeResponseBody, IpcResponse};
use tauri::{Emitter, Runtime};

use super::CommandError;

/// The environment variable naming the trace file.
pub const TRACE_ENV: &str = "PWB_IPC_TRACE";

/// What every command returns.
pub type Reply<T> = Result<Sent<T>, CommandError>;

/// A command's answer on its way to the window: serialized once, traced, sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent<T>(pub T);

impl<T: Serialize> IpcResponse for Sent<T> {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        let json = serde_json::to_string(&self.0)?;
        record("reply", None, &json);
        Ok(InvokeResponseBody::Json(json))
    }
}

/// `Ok(Sent(value))`, for the last line of a command.
pub fn reply<T>(value: T) -> Reply<T> {
    Ok(Sent(value))
}

/// The `{code, message}` the window's promise is rejected with.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: super::ErrorCode,
    message: &'a str,
}

impl From<CommandError> for InvokeError {
    fn from(error: CommandError) -> Self {
        let body = ErrorBody {
            code: error.code,
            message: &error.message,
        };
        let value = serde_json::to_value(&body).expect("an error body serializes");
        record("error", None, &value.to_string());
        InvokeError(value)
    }
}

/// Emits `event` with `payload` to the window, traced like the answers.
pub fn emit<R: Runtime, S: Serialize + Clone>(
    app: &impl Emitter<R>,
    event: &str,
    payload: S,
) -> tauri::Result<()> {
    if trace_file().is_some() {
        record(
            "event",
            Some(event),
            &serde_json::to_string(&payload).unwrap_or_default(),
        );
    }
    app.emit(event, payload)
}

fn trace_file() -> Option<&'static Mutex<PathBuf>> {
    static FILE: OnceLock<Option<Mutex<PathBuf>>> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::var_os(TRACE_ENV)
            .filter(|path| !path.is_empty())
            .map(|path| Mutex::new(PathBuf::from(path)))
    })
    .as_ref()
}

fn record(kind: &str, event: Option<&str>, json: &str) {
    let Some(file) = trace_file() else {
        return;
    };
    let mut payload: serde_json::Value =
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    redact(&mut payload);
    let line = serde_json::json!({ "kind": kind, "event": event, "payload": payload });
    // One writer at a time, so lines never interleave.
    let path = file.lock().unwrap_or_else(|p| p.into_inner());
    let written = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&*path)
        .and_then(|mut out| writeln!(out, "{line}"));
    if let Err(e) = written {
        tracing::warn!("cannot append to the IPC trace {}: {e}", path.display());
    }
}

/// Hides the one secret the window is shown on purpose (a new OAuth client's, under `secret`)
/// from the trace file: it is shown once and written nowhere.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "secret" && value.is_string() {
                    *value = serde_json::Value::String("<redacted>".to_owned());
                } else {
                    redact(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_secret_is_never_written_to_the_trace() {
        let mut payload = serde_json::json!({
            "client": {"id": "oc-1", "name": "secret"},
            "secret": "pwbs_abc",
            "list": [{"secret": "pwbs_def"}]
        });
        redact(&mut payload);
        let text = payload.to_string();
        assert!(!text.contains("pwbs_"), "{text}");
        assert_eq!(payload["client"]["name"], "secret");
    }
    use crate::ipc::ErrorCode;

    #[test]
    fn an_answer_goes_out_as_its_json() {
        let body = Sent(vec!["a", "b"]).body().unwrap();
        assert!(matches!(body, InvokeResponseBody::Json(json) if json == r#"["a","b"]"#));
    }

    #[test]
    fn an_error_goes_out_as_code_and_message() {
        let error = InvokeError::from(CommandError {
            code: ErrorCode::NoKeyring,
            message: "no keyring works".into(),
        });
        assert_eq!(
            error.0,
            serde_json::json!({"code": "no_keyring", "message": "no keyring works"})
        );
    }
}
