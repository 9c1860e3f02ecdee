//! The start-up's own clock. [`Startup`] is made first thing in `main` ([`crate::run`]); the shell
//! marks the steps of a start on it (the log opened, the built-in assets, the builder, setup begun
//! and done, the cache opened, the first sync started and done, the page's load started and
//! finished, the first `list_apps` asked and answered), and
//! when the window says its first app list is painted ([`Startup::painted`]) it logs the time
//! since start and, on a second line, every mark as JSON. The start-up benchmark
//! (`tests/benches/desktop.mjs`) waits for the first line and reads the second for its breakdown;
//! for a partner they are the log's start-up figures. Marks after the first paint are not kept.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// When the app started, what it marked since, and whether the window has said it painted.
pub struct Startup {
    at: Instant,
    marks: Mutex<Vec<(&'static str, Duration)>>,
    painted: AtomicBool,
    /// Told once the window has painted (what [`Startup::first_paint_or`] waits for).
    painted_signal: tokio::sync::Notify,
}

impl Startup {
    pub fn now() -> Self {
        Startup {
            at: Instant::now(),
            marks: Mutex::default(),
            painted: AtomicBool::new(false),
            painted_signal: tokio::sync::Notify::new(),
        }
    }

    /// Resolves once the window has painted its first app list, or after `at_most`.
    pub async fn first_paint_or(&self, at_most: Duration) {
        if self.painted.load(Ordering::SeqCst) {
            return;
        }
        // A paint between the check and the wait leaves its permit (`notify_one`).
        let _ = tokio::time::timeout(at_most, self.painted_signal.notified()).await;
    }

    /// Marks `step` now, the first time only, and only before the first paint.
    pub fn mark(&self, step: &'static str) {
        if self.painted.load(Ordering::SeqCst) {
            return;
        }
        let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        if !marks.iter().any(|(name, _)| *name == step) {
            marks.push((step, self.at.elapsed()));
        }
    }

    /// The window painted its first non-empty app list: logs, once, the time since start and the
    /// marks of the steps before it, the shell's and the page's (`ui/src/app/startup.ts`: in
    /// milliseconds since the page's navigation).
    pub fn painted(&self, page: Option<BTreeMap<String, f64>>) {
        if let Some((after, steps)) = self.first_paint(page) {
            self.painted_signal.notify_one();
            tracing::info!(
                "first app list painted {} ms after start",
                after.as_millis()
            );
            tracing::info!("start-up steps {steps}");
        }
    }

    /// The time from start to the first call, with the marks (and the page's, on its own clock)
    /// as JSON; `None` on every later call.
    fn first_paint(
        &self,
        page: Option<BTreeMap<String, f64>>,
    ) -> Option<(Duration, serde_json::Value)> {
        if self.painted.swap(true, Ordering::SeqCst) {
            return None;
        }
        let after = self.at.elapsed();
        let ms = |d: Duration| (d.as_secs_f64() * 10_000.0).round() / 10.0;
        let mut steps = serde_json::Map::new();
        for (name, at) in self.marks.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            steps.insert((*name).to_owned(), ms(*at).into());
        }
        steps.insert("painted".to_owned(), ms(after).into());
        Some((after, serde_json::json!({ "ms": steps, "page_ms": page })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_paint_is_reported_with_the_marks_before_it() {
        let startup = Startup::now();
        startup.mark("setup");
        startup.mark("setup");
        let page = BTreeMap::from([("script".to_owned(), 12.5)]);
        let (_, steps) = startup
            .first_paint(Some(page))
            .expect("the first paint is reported");
        let ms = steps["ms"].as_object().unwrap();
        assert_eq!(ms.len(), 2, "each step once: {ms:?}");
        assert!(ms["setup"].as_f64().unwrap() <= ms["painted"].as_f64().unwrap());
        assert_eq!(
            steps["page_ms"]["script"], 12.5,
            "the page's marks, as sent"
        );
        assert_eq!(startup.first_paint(None), None);
        startup.mark("late");
        assert!(
            startup
                .marks
                .lock()
                .unwrap()
                .iter()
                .all(|(name, _)| *name != "late")
        );
    }
}
