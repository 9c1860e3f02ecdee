//! What "saved means on disk" costs: one local edit committed with its outbox entry, through
//! `Store::edit` on a cache file, with the shipped `synchronous=FULL` against `synchronous=NORMAL`
//! on an identical file in the same run. FULL adds a sync of the WAL to each commit; the
//! difference is the price of surviving a power cut. Run with
//! `cargo bench -p workbench-store --bench commit`.

use criterion::{Criterion, criterion_group, criterion_main};
use workbench_store::{Store, fixtures};

const APPS: usize = 20;
const VERSIONS: usize = 5;

/// A store on a file in `dir`, filled with the same apps, opened as `open` does.
fn filled(dir: &std::path::Path, open: fn(&std::path::Path) -> Store) -> (Store, String) {
    let path = dir.join("cache.sqlite3");
    Store::open(&path)
        .unwrap()
        .replace_with_snapshot(
            &fixtures::snapshot(APPS, VERSIONS),
            "bench",
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    let store = open(&path);
    let first = store.list_apps().unwrap()[0].versions[0].id.clone();
    (store, first)
}

/// One edit: the notes change at every call, so every call commits a real change.
fn edit(store: &mut Store, version_id: &str, n: &mut u64) {
    let mut content = store.version(version_id).unwrap().unwrap().version.content;
    *n += 1;
    content.general.notes = format!("edit {n}");
    let changed = store
        .edit(
            version_id,
            &content,
            "notes",
            &format!("key-{n}"),
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    assert!(changed, "every call is a real edit");
}

fn commit(c: &mut Criterion) {
    let full_dir = tempfile::tempdir().unwrap();
    let normal_dir = tempfile::tempdir().unwrap();
    let (mut full, full_version) = filled(full_dir.path(), |p| Store::open(p).unwrap());
    let (mut normal, normal_version) = filled(normal_dir.path(), |p| {
        Store::open_without_full_sync_for_benchmarks(p).unwrap()
    });
    assert!(
        full.commits_are_durable().unwrap(),
        "the shipped store is FULL"
    );
    assert!(
        !normal.commits_are_durable().unwrap(),
        "the baseline is NORMAL"
    );

    let mut group = c.benchmark_group("local edit committed with its outbox entry");
    let mut n = 0;
    group.bench_function("synchronous=FULL (shipped)", |b| {
        b.iter(|| edit(&mut full, &full_version, &mut n))
    });
    group.bench_function("synchronous=NORMAL (baseline)", |b| {
        b.iter(|| edit(&mut normal, &normal_version, &mut n))
    });
    group.finish();
}

criterion_group!(benches, commit);
criterion_main!(benches);
