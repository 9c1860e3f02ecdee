//! The baseline of the start-up and memory benchmarks (`tests/benches/`): the smallest Tauri 2
//! window, built with the same tauri as Partner Workbench in the same release build. Its page is
//! static HTML; once it has been painted (`requestAnimationFrame`, then `setTimeout 0`, as the
//! app's list does) it calls `painted`, which writes one line to stderr, the line the benchmark
//! waits for.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

struct Started {
    at: Instant,
    painted: AtomicBool,
}

#[tauri::command]
fn painted(started: tauri::State<'_, Started>) {
    if !started.painted.swap(true, Ordering::SeqCst) {
        eprintln!(
            "first page painted {} ms after start",
            started.at.elapsed().as_millis()
        );
    }
}

fn main() {
    let started = Started {
        at: Instant::now(),
        painted: AtomicBool::new(false),
    };
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("the window system could not start the minimal window");
}
