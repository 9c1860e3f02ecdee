//! The desktop shell of Partner Workbench: the only crate that depends on Tauri.
//!
//! It holds no business rule, SQL or HTTP: each command in [`commands`] converts its arguments,
//! calls one function of the `workbench` facade and converts the answer into the UI's types in
//! [`ipc`]. [`build_app`] assembles the app from a generic `tauri::Builder` so tests can drive
//! the same commands through `tauri::test::mock_builder()`. [`state`] holds the open cache and the
//! connection to the server, replaced whole when the window switches profiles; [`sync`] runs the
//! background sync (on start, after edits, every minute, with backoff while offline) and
//! announces its progress;
//! [`notify`] shows the review outcomes a sync brought as desktop notifications (or tells the
//! window to show them when it cannot); [`signin`] runs a sign-in from the window;
//! [`single_instance`] keeps one app per data folder (a second launch shows the first window and
//! exits); [`logging`] writes the log to a file a day; [`startup`] times the start's steps for the
//! log and the start-up benchmark; [`webview`] sets what Tauri's configuration does not reach.
//! Everything sent to the window goes through [`ipc::reply`] and [`ipc::emit`], which
//! `PWB_IPC_TRACE=FILE` traces.

mod commands;
pub mod ipc;
mod logging;
mod notify;
mod signin;
mod single_instance;
mod startup;
mod state;
mod sync;
mod webview;

use tauri::{Builder, Manager, Runtime};

pub use state::AppState;

/// Starts the desktop app. Fails only when the window system cannot start.
pub fn run() {
    let startup = startup::Startup::now();
    let places = workbench::Places::from_env().ok();
    let _log = logging::init(places.as_ref());
    startup.mark("logging");
    if let Some(places) = &places {
        tracing::info!(
            "Partner Workbench {} starting: data in {}, settings in {}",
            env!("CARGO_PKG_VERSION"),
            places.data.display(),
            places.config.display()
        );
    }
    let context = tauri::generate_context!();
    startup.mark("context");
    // First of all plugins: a second launch on this data folder must hand over to the first app
    // before anything of this one starts (its window, cache, embedded sandbox, sync loop).
    let mut builder =
        Builder::default().plugin(single_instance::plugin(&context.config().identifier));
    if let Some(places) = &places {
        builder = builder.plugin(window_state(places));
    }
    assemble(builder, startup)
        .run(context)
        .expect("the window system could not start Partner Workbench");
}

/// The window's size, place and maximized state, kept in the config folder (not Tauri's own
/// config folder, so `PWB_DATA_DIR` moves it too) and restored at the next start.
fn window_state<R: Runtime>(places: &workbench::Places) -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_window_state::StateFlags;
    // The plugin joins this to its own folder; an absolute path replaces that folder.
    let file = places.config.join(WINDOW_STATE_FILE);
    tauri_plugin_window_state::Builder::new()
        .with_filename(file.to_string_lossy())
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// The window's state, in the config folder.
pub const WINDOW_STATE_FILE: &str = "window-state.json";

/// The app with its state, commands and start-up work, on any runtime. [`run`] puts the
/// single-instance check before it; tests on the mock runtime go without.
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    assemble(builder, startup::Startup::now())
}

/// [`build_app`] with the clock [`run`] started first thing.
fn assemble<R: Runtime>(builder: Builder<R>, startup: startup::Startup) -> Builder<R> {
    startup.mark("builder");
    builder
        .manage(startup)
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(|app| {
            let startup = app.state::<startup::Startup>();
            startup.mark("setup");
            app.manage(AppState::open());
            startup.mark("cache_opened");
            app.manage(signin::SignIns::default());
            app.manage(sync::Schedule::default());
            app.manage(notify::Unshown::default());
            sync::spawn_background(app.handle().clone());
            webview::configure(app.handle());
            startup.mark("setup_done");
            Ok(())
        })
        .on_page_load(|webview, payload| {
            let startup = webview.state::<startup::Startup>();
            match payload.event() {
                tauri::webview::PageLoadEvent::Started => startup.mark("page_started"),
                tauri::webview::PageLoadEvent::Finished => startup.mark("page_loaded"),
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::apps::list_apps,
            commands::apps::version_icon,
            commands::apps::app_list_painted,
            commands::apps::check_new_app,
            commands::apps::create_app,
            commands::apps::rename_app,
            commands::apps::edit_app,
            commands::apps::create_version,
            commands::apps::delete_version,
            commands::apps::resolve_id,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::versions::open_version,
            commands::versions::validate_draft,
            commands::preview::preview_source,
            commands::preview::open_listing_link,
            commands::edit::save_draft,
            commands::edit::set_icon,
            commands::edit::undo_edit,
            commands::edit::local_state,
            commands::edit::resolve_conflict,
            commands::edit::check_submission,
            commands::edit::queue_review_action,
            commands::edit::retry_held,
            commands::edit::discard_change,
            commands::account::account,
            commands::account::start_sign_in,
            commands::account::cancel_sign_in,
            commands::account::open_sign_in_page,
            commands::account::sign_out,
            commands::account::copy_text,
            commands::profiles::profiles,
            commands::profiles::switch_profile,
            commands::profiles::add_profile,
            commands::profiles::keep_demo,
            commands::outcomes::version_timeline,
            commands::outcomes::notification_prefs,
            commands::outcomes::set_notification,
            commands::outcomes::unshown_outcomes,
            commands::outcomes::dismiss_unshown_outcomes,
            commands::live::installations,
            commands::live::decide_installation,
            commands::live::oauth_clients,
            commands::live::create_oauth_client,
            commands::live::delete_oauth_client,
            commands::live::oauth_client_scopes,
            commands::live::partner_account,
            commands::live::install_link,
            commands::live::open_credits_help,
        ])
}
