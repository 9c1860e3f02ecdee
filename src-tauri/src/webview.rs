//! The WebView's settings that Tauri's configuration does not reach.
//!
//! On Linux the window draws without GPU compositing (WebKitGTK's hardware acceleration policy
//! `NEVER`): the window is a list and forms, with nothing that needs a compositor, and
//! compositing cost the web process about 90 MiB of its memory and slowed the start (measured
//! in BENCHMARKS.md, the memory section). Scrolling and the editor repaint in the web process
//! instead, which at this page's size is not felt.

use tauri::{Manager, Runtime};

/// Applies the settings to every window the app has made so far (the one of `tauri.conf.json`).
pub fn configure<R: Runtime>(app: &tauri::AppHandle<R>) {
    for (label, window) in app.webview_windows() {
        if let Err(e) = window.with_webview(apply) {
            tracing::warn!("cannot set the settings of the {label} window's WebView: {e}");
        }
    }
}

#[cfg(target_os = "linux")]
fn apply(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    match WebViewExt::settings(&webview.inner()) {
        Some(settings) => {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never)
        }
        None => tracing::warn!("the WebView has no settings to change"),
    }
}

#[cfg(not(target_os = "linux"))]
fn apply(_webview: tauri::webview::PlatformWebview) {}
