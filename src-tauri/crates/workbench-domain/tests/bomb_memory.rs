//! Refusing a PNG whose header claims 60000×60000 RGBA pixels (14.4 GB decoded) allocates almost
//! nothing: a counting global allocator measures the peak of live bytes during `validate_icon`.
//! Its own test binary, so the counting allocator affects nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use workbench_domain::validation::{RulesPack, validate_icon};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn refusing_the_bomb_peaks_far_below_16_mib() {
    let bomb = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/icons/bomb-60000.png"
    ))
    .unwrap();
    let pack = RulesPack::default_pack();
    let baseline = LIVE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let report = validate_icon(&bomb, "bomb.png", &pack);
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::SeqCst) - baseline;
    assert!(report.rule_ids().contains(&"icon.decode_limits"));
    eprintln!("bomb refused in {took:?}, peak {peak} bytes above the baseline");
    assert!(peak < 16 * 1024 * 1024, "peak {peak} bytes");
}
