//! The app list at start-up: 1,000 apps × 5 versions read through `Store::list_apps`, against a
//! bare rusqlite query of the same rows in the same run: the store's own SQL on the store's own
//! connection (so the same page cache), collected into plain tuples. The store must stay within
//! 1.3× of the bare query. Run with `cargo bench -p workbench-store --bench list`.

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::Connection;
use workbench_store::{Store, fixtures};

const APPS: usize = 1_000;
const VERSIONS: usize = 5;

/// The same columns the store reads, into plain tuples: the floor any cache API could reach.
type BareRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

fn bare_query(conn: &Connection) -> Vec<BareRow> {
    let mut stmt = conn.prepare_cached(workbench_store::LIST_APPS_SQL).unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn list(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store
        .replace_with_snapshot(
            &fixtures::snapshot(APPS, VERSIONS),
            "bench",
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    assert_eq!(
        bare_query(store.connection_for_benchmarks()).len(),
        APPS * VERSIONS,
        "the bare query reads the same rows"
    );
    let listed: usize = store
        .list_apps()
        .unwrap()
        .iter()
        .map(|a| a.versions.len())
        .sum();
    assert_eq!(listed, APPS * VERSIONS, "the store lists the same rows");

    let mut group = c.benchmark_group("list 1000 apps x 5 versions");
    group.bench_function("store list_apps", |b| b.iter(|| store.list_apps().unwrap()));
    group.bench_function("bare rusqlite query (baseline)", |b| {
        b.iter(|| bare_query(store.connection_for_benchmarks()))
    });
    group.finish();
}

criterion_group!(benches, list);
criterion_main!(benches);
