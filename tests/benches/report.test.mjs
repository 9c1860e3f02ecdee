// The benchmark suite's reader and renderer on sample data: criterion's files as criterion writes them, and a whole
// run's figures. No benchmark runs here, and nothing is timed.
//
//   node --test tests/benches/

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CRITERION_IDS,
  duration,
  parseBomb,
  pick,
  durabilitySection,
  DURABILITY_END,
  DURABILITY_START,
  FILTER_END,
  FILTER_START,
  filterSection,
  PREVIEW_END,
  PREVIEW_START,
  SYNC_END,
  SYNC_START,
  syncSection,
  previewSection,
  ratio,
  readCriterion,
  render,
  replaceFilterSection,
  replacePreviewSection,
  replaceSection,
  size,
  stats,
} from './report.mjs';

/** Writes one benchmark's `new/` (and `base/`) folder as criterion 0.8 does; answers the `new/` folder. */
function writeResult(home, group, fn, { median, mean = median, samples = 10, base = null }) {
  const folder = join(home, group.replaceAll(' ', '_'), ...(fn ? [fn.replaceAll(' ', '_')] : []));
  const write = (kind, estimate) => {
    mkdirSync(join(folder, kind), { recursive: true });
    const fullId = fn ? `${group}/${fn}` : group;
    writeFileSync(
      join(folder, kind, 'benchmark.json'),
      JSON.stringify({ group_id: group, function_id: fn, value_str: null, throughput: null, full_id: fullId, directory_name: folder, title: fullId }),
    );
    const point = (value) => ({ confidence_interval: { confidence_level: 0.95, lower_bound: value * 0.9, upper_bound: value * 1.1 }, point_estimate: value, standard_error: 1 });
    writeFileSync(
      join(folder, kind, 'estimates.json'),
      JSON.stringify({ mean: point(estimate.mean), median: point(estimate.median), median_abs_dev: point(1), slope: null, std_dev: point(2) }),
    );
    writeFileSync(
      join(folder, kind, 'sample.json'),
      JSON.stringify({ sampling_mode: 'Flat', iters: Array(samples).fill(1), times: Array(samples).fill(estimate.median) }),
    );
  };
  write('new', { median, mean });
  if (base) write('base', base);
  mkdirSync(join(folder, 'report'), { recursive: true });
  return join(folder, 'new');
}

/** A process tree as `desktop.mjs` reads it: each process's PSS and its split, in KiB (given here in MiB). */
const pssOf = (name, anon, file, shmem) => ({
  name,
  pss: (anon + file + shmem) * 1024,
  anon: anon * 1024,
  file: file * 1024,
  shmem: shmem * 1024,
});
const tree = (processes) => ({ total: processes.reduce((sum, p) => sum + p.pss, 0), processes });

/** The medians of the start-up steps (ms), as `desktop.mjs`'s `breakdown` answers them; `changes` are a cache's own. */
const steps = (changes) => ({
  exec: 46.1,
  main: 3.2,
  shell: 58.4,
  setup: 6.1,
  window: 161.5,
  page: 48.2,
  script: 31.7,
  paint: 21.3,
  ...changes,
});

/** A whole run's figures, as `suite.mjs` gathers them; criterion medians in ns. */
function sampleRun(overrides = {}) {
  const c = (medianNs, samples = 100) => ({ median: medianNs, mean: medianNs, samples });
  const timing = (median, p95) => ({ n: 10, median, p95, mean: median, max: p95 });
  return {
    date: '2026-12-06 13:40 UTC',
    machine: { cpu: 'Some CPU @ 2.20GHz', cores: 2, memoryGiB: 24, os: 'Debian GNU/Linux 12 (bookworm)', rustc: '1.95.0' },
    loadStart: 1.5,
    loadEnd: 2.25,
    loads: { store: 1.1, commit: 1.15, validate: 1.2, pull: 1.3, sync: 1.4 },
    criterion: {
      storeList: c(21.4e6),
      storeBare: c(17.2e6),
      commitFull: c(2.1e6),
      commitNormal: c(0.4e6),
      pull: c(2.29e9, 10),
      pullBare: c(1.77e9, 10),
      idle: c(52.2e6, 20),
      idleBare: c(51.9e6, 20),
      push: c(63.7e6, 10),
      pushBare: c(49.7e6, 10),
      created: c(160e6, 10),
      createdBare: c(120e6, 10),
      createdInFlight: c(60e6, 10),
      decode: c(1.0e6),
      decodeLimits: c(0.98e6),
      validate: c(1.28e6),
      validateNoIcon: c(25e3),
      validateIcon: c(1.19e6),
      bomb: c(3130),
    },
    bomb: { refusedIn: '3.2µs', peakBytes: 151_552 },
    preview: {
      chromium: 'Chromium 156.0.8078.108',
      length: 4000,
      keystrokes: 300,
      warmup: 20,
      targetMs: 16,
      load: 0.5,
      date: '2026-12-06',
      cores: 2,
      memoryGiB: 24,
      on: timing(12.0, 16.3),
      off: timing(11.5, 13.9),
      split: { on: { script: 6.1, frame: 5.3 }, off: { script: 7.9, frame: 3.5 } },
    },
    filter: {
      chromium: 'Chromium 156.0.8078.108',
      keystrokes: 300,
      warmup: 20,
      targetMs: 16,
      load: 0.6,
      date: '2026-12-08',
      cores: 2,
      memoryGiB: 24,
      apps: { list: 1000, baseline: 4 },
      cards: 9,
      queries: ['0123', '2.3'],
      distinct: 7,
      changed: 250,
      list: timing(13.4, 17.8),
      baseline: timing(10.2, 12.6),
      split: { list: { script: 7.2, frame: 6.1 }, baseline: { script: 5.5, frame: 4.6 } },
    },
    startup: {
      load: 1.75,
      runs: 10,
      demo: {
        apps: 6,
        app: timing(498.3, 540.2),
        minimal: timing(401.2, 450),
        selfReported: timing(452.0, 490.4),
        minimalSelfReported: timing(358.6, 402.7),
        steps: steps({ list: 9.8, listShell: 1.2, render: 62.4, syncStarted: 70.3, syncDone: 540.1 }),
        listBytes: 5_812,
      },
      scale: {
        app: timing(512.6, 570),
        minimal: timing(405, 460),
        selfReported: timing(466.5, 521.3),
        minimalSelfReported: timing(361.0, 410.2),
        steps: steps({
          exec: 45.8,
          shell: 59.0,
          setup: 7.4,
          window: 163.2,
          page: 48.9,
          script: 32.4,
          list: 38.6,
          listShell: 14.9,
          render: 70.2,
          paint: 22.5,
          syncStarted: 71.2,
          syncDone: 182.6,
        }),
        listBytes: 1_652_114,
      },
    },
    memory: {
      load: 1.9,
      runs: 3,
      settleSeconds: 10,
      app: tree([
        pssOf('WebKitWebProcess', 70, 38, 2),
        pssOf('partner-workbench', 12, 26, 0),
        pssOf('WebKitNetworkProcess', 6, 13, 1),
      ]),
      minimal: tree([
        pssOf('WebKitWebProcess', 62, 36, 2),
        pssOf('minimal-window', 8, 22, 0),
        pssOf('WebKitNetworkProcess', 6, 13, 1),
      ]),
      scrolled: {
        app: tree([
          pssOf('WebKitWebProcess', 74, 38, 2),
          pssOf('partner-workbench', 12, 26, 0),
          pssOf('WebKitNetworkProcess', 6, 13, 1),
        ]),
        minimal: tree([
          pssOf('WebKitWebProcess', 62.5, 36, 2),
          pssOf('minimal-window', 8, 22, 0),
          pssOf('WebKitNetworkProcess', 6, 13, 1),
        ]),
      },
    },
    cli: { load: 1.6, runs: 30, bytes: 1_834_567, pwb: timing(38.4, 44.1), minimal: timing(29.7, 33.0) },
    ...overrides,
  };
}

describe('reading criterion', () => {
  it('reads the median, mean and sample count of each benchmark of this run by its full id', () => {
    const home = mkdtempSync(join(tmpdir(), 'criterion-'));
    try {
      writeResult(home, 'list 1000 apps x 5 versions', 'store list_apps', { median: 21_400_000, mean: 21_900_000, samples: 100, base: { median: 1, mean: 1 } });
      writeResult(home, 'refuse_bomb_60000', null, { median: 3130 });
      const old = writeResult(home, 'an old group', 'left from an earlier run', { median: 5 });
      const since = Date.now() - 60_000;
      const before = new Date(since - 3_600_000);
      utimesSync(join(old, 'estimates.json'), before, before);

      const results = readCriterion(home, since);

      assert.deepEqual([...results.keys()].sort(), ['list 1000 apps x 5 versions/store list_apps', 'refuse_bomb_60000']);
      assert.deepEqual(results.get('list 1000 apps x 5 versions/store list_apps'), { median: 21_400_000, mean: 21_900_000, samples: 100 });
      assert.equal(results.get('refuse_bomb_60000').median, 3130);
      assert.equal(readCriterion(join(home, 'nothing here')).size, 0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('picks the figures it needs, and names every one missing', () => {
    const results = new Map([[CRITERION_IDS.storeList, { median: 1 }], [CRITERION_IDS.storeBare, { median: 2 }]]);
    assert.deepEqual(pick(results, { a: CRITERION_IDS.storeList, b: CRITERION_IDS.storeBare }), { a: { median: 1 }, b: { median: 2 } });
    assert.throws(
      () => pick(results, { a: CRITERION_IDS.storeList, p: CRITERION_IDS.pull, b: CRITERION_IDS.bomb }),
      (error) => error.message.includes(CRITERION_IDS.pull) && error.message.includes(CRITERION_IDS.bomb) && !error.message.includes(CRITERION_IDS.storeList),
    );
  });

  it("reads the bomb test's peak, and refuses output without it", () => {
    const output = 'running 1 test\nbomb refused in 3.21µs, peak 151552 bytes above the baseline\ntest refusing ... ok\n';
    assert.deepEqual(parseBomb(output), { refusedIn: '3.21µs', peakBytes: 151_552 });
    assert.throws(() => parseBomb('test result: ok'), /printed no/);
  });
});

describe('figures', () => {
  it('shows durations, sizes and ratios in the unit and precision that read best', () => {
    assert.equal(duration(3130), '3.13 µs');
    assert.equal(duration(25_000), '25.0 µs');
    assert.equal(duration(1_280_000), '1.28 ms');
    assert.equal(duration(21_400_000), '21.4 ms');
    assert.equal(duration(103_700_000), '103.7 ms');
    assert.equal(duration(2_290_000_000), '2.29 s');
    assert.equal(size(148), '148 KiB');
    assert.equal(size(300 * 1024), '300.0 MiB');
    assert.equal(ratio(21.4, 15.7), '1.36×');
    assert.equal(ratio(52.2, 51.9), '1.006×');
  });

  it('takes the median and p95 of the values', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    assert.deepEqual(stats(values), { n: 20, median: 10, p95: 19, mean: 10.5, max: 20 });
    assert.throws(() => stats([]));
  });
});

describe('BENCHMARKS.md', () => {
  it('is rendered whole from one run: every section, every figure beside its baseline, the machine and its load', () => {
    const text = render(sampleRun());
    for (const heading of [
      '# Benchmarks',
      '## Summary',
      '## Start-up: to the first painted app list (issue 8)',
      '## Memory: the app with 5,000 cached versions (issue 8)',
      '## Store: the app list at start-up (issue 2)',
      '## Sync: a full pull over loopback (issue 3)',
      '## Sync: nothing to do, and a push of 100 edited versions (issue 6)',
      '## Validation: icon checks and the decompression bomb',
      '## Preview: keystroke to updated preview (issue 7)',
      '## App list: keystroke to filtered list (issue 19)',
    ]) {
      assert.equal(text.split('\n').filter((line) => line === heading).length, 1, heading);
    }
    assert.match(text, /\.\/dev bench/);
    assert.match(text, /Some CPU @ 2\.20GHz \(2 cores\), 24 GiB, Debian GNU\/Linux 12 \(bookworm\)/);
    assert.match(text, /Load average \(1 min\) 1\.50 when the suite started and\s+2\.25 when it ended/);
    assert.match(text, /\| app, demo cache \| 10 \| \*\*498\.3 ms\*\* \| 540\.2 ms \|/);
    assert.match(text, /\| minimal window \(baseline\) \| 10 \| \*\*401\.2 ms\*\* \| 450\.0 ms \|/);
    assert.match(text, /\| `Store::list_apps`, 1,000 apps × 5 versions \| 21\.4 ms \|/);
    assert.match(text, /\*\*1\.24×\*\* \(budget 1\.3×: met\)/);
    assert.match(text, /\| ratio \| \*\*1\.29×\*\* \(budget 1\.5×: met\) \|/);
    assert.match(text, /refusing the 60000×60000 PNG bomb \(`validate_icon`\) \| \*\*3\.13 µs\*\* \(target 5 ms: met\)/);
    assert.match(text, /\*\*148 KiB\*\* \(target 16 MiB: met\)/);
    assert.match(text, /\| preview on \(Listing tab, description rendered\) \| \*\*12\.0 ms\*\* \| 16\.3 ms \|/);
    assert.doesNotMatch(text, /undefined|NaN|\[object Object\]|NOT met/);
    assert.equal(text.split(PREVIEW_START).length, 2);
    assert.equal(text.split(PREVIEW_END).length, 2);
    assert.match(text, /\| 1,000 apps × 5 versions \(`\?demo=scale-5`\) \| \*\*13\.4 ms\*\* \| 17\.8 ms \|/);
    assert.match(text, /\| 4 apps \(`\?demo`, baseline\) \| 10\.2 ms \| 12\.6 ms \|/);
    assert.match(text, /\| Keystroke to filtered list \(1,000 apps × 5 versions\) \| 13\.4 ms \| 10\.2 ms \(4 apps\) \| 1\.31× \| 16 ms: met \|/);
    assert.match(text, /Target: median at most 16 ms at 1,000 apps × 5 versions: met\./);
    assert.match(text, /npm --prefix ui run build && node tests\/benches\/filter\.mjs/);
    assert.match(text, /`0123`, `2\.3`/);
    assert.equal(text.split(FILTER_START).length, 2);
    assert.equal(text.split(FILTER_END).length, 2);
    assert.match(text, /\| one edit committed, `synchronous=FULL` \(shipped\) \| 2\.10 ms \|/);
    assert.match(text, /\| ratio \| \*\*5\.25×\*\* \|/);
    assert.equal(text.split(DURABILITY_START).length, 2);
    assert.equal(text.split(DURABILITY_END).length, 2);
  });

  it('sets start-up, memory and the command line against their budgets in the summary', () => {
    const text = render(sampleRun());
    for (const row of [
      '| Start-up to the first painted app list (demo cache) | 498.3 ms | 401.2 ms (minimal window) | 1.24× | 1.3×: met |',
      '| Start-up to the first painted app list (5,000 cached versions) | 512.6 ms | 405.0 ms (minimal window) | 1.27× | 1.3×: met |',
      '| Memory (PSS) with 5,000 cached versions | 168.0 MiB | 150.0 MiB (minimal window) | 1.12× | 1.15×: met |',
      '| Memory (PSS) after scrolling to the end and back | 172.0 MiB | 150.5 MiB (minimal window) | 1.14× | 1.15×: met |',
      '| `pwb apps --offline --json`, 5,000 versions | 38.4 ms | 29.7 ms (minimal program) | 1.29× | 1.5×: met |',
    ]) {
      assert.equal(text.split('\n').filter((line) => line === row).length, 1, row);
    }
    assert.doesNotMatch(text, /none set: the overhead over the floor|No budget is set/);
    assert.match(text, /\*\*1\.24×\*\* with the demo cache\n\(97\.1 ms more than the minimal window; budget 1\.3×: met\)/);
    assert.match(text, /\*\*1\.27×\*\* with 5,000 cached versions\n\(107\.6 ms more; budget 1\.3×: met\)/);
  });

  it('shows where the start-up goes, step by step, for both caches beside the minimal window', () => {
    const text = render(sampleRun());
    assert.equal(text.split('\n').filter((line) => line === '### Where the start-up goes').length, 1);
    assert.equal(text.split('\n').filter((line) => line === '### What was cut').length, 1);
    assert.match(text, /\| step \(medians\) \| demo cache \| 5,000 versions \|\n\| --- \| --- \| --- \|\n/);
    const table = text.slice(text.indexOf('| step (medians) |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2, -1);
    const steps = [
      ['exec and dynamic linking', '46.1', '45.8'],
      ['`main` to the Tauri builder', '3.2', '3.2'],
      ['Tauri and GTK start', '58.4', '59.0'],
      ['setup', '6.1', '7.4'],
      ['window and WebView', '161.5', '163.2'],
      ['page load', '48.2', '48.9'],
      ['script', '31.7', '32.4'],
      ['`list_apps`', '9.8', '38.6'],
      ['render', '62.4', '70.2'],
      ['paint', '21.3', '22.5'],
    ];
    assert.equal(rows.length, steps.length, rows.join('\n'));
    steps.forEach(([name, demo, scale], i) => {
      assert.ok(rows[i].startsWith(`| ${name} `), `${rows[i]} is ${name}`);
      assert.ok(rows[i].endsWith(` | ${demo} ms | ${scale} ms |`), `${rows[i]}: ${demo} / ${scale}`);
    });
    assert.match(rows[7], /the shell's part, reading the cache and building the reply, 1\.2 ms \/ 14\.9 ms; the list sent 6 KiB \/ 1\.6 MiB\)/);
    assert.match(text, /\| sum of the steps \(the benchmark's median: 498\.3 ms \/ 512\.6 ms\) \| 448\.7 ms \| 491\.2 ms \|/);
    assert.match(text, /its `main` to painted\) had a median of 358\.6 ms \/ 361\.0 ms\n/);
    assert.match(text, /minus its own\) 42\.6 ms \/ 44\.0 ms, so the steps can be compared/);
    assert.match(text, /The first background sync ran from 70\.3 to 540\.1 ms \(demo\) and from 71\.2 to 182\.6 ms \(5,000 versions\), beside the start\./);
    assert.match(text, /`src-tauri\/src\/startup\.rs`/);
    assert.match(text, /`ui\/src\/app\/startup\.ts`/);
    assert.match(text, /`start-up steps \{\.\.\.\}`/);
    assert.match(text, /`PWB_DATA_DIR`/);
    assert.match(text, /took 255 ms in WebKitGTK against 14 ms for the same page in Chromium/);
    assert.match(text, /that step fell to 110 ms \(medians of 6\s+alternating runs of each build\)/);
    assert.match(text, /\(`\$state\.raw`\): replaced whole on every read, never made reactive object by object\./);
  });

  it("says so when the first sync's marks came after the first paint", () => {
    const run = sampleRun();
    run.startup.scale.steps = { ...run.startup.scale.steps, syncDone: null };
    run.startup.demo.steps = { ...run.startup.demo.steps, syncStarted: Number.NaN, syncDone: Number.NaN };
    const text = render(run);
    assert.match(text, /The first background sync ran after the first paint \(demo\)/);
    assert.match(text, /and from 71\.2 ms to after the first paint \(its end is not marked\) \(5,000 versions\)/);
    assert.doesNotMatch(text, /NaN|null|undefined/);
    run.startup.scale.steps = { ...run.startup.scale.steps, syncStarted: null, syncDone: null };
    assert.match(render(run), /The first background sync began after the first paint in the median runs of both caches/);
  });

  it('shows the memory by process with its split, right after the start and after scrolling', () => {
    const text = render(sampleRun());
    assert.match(
      text,
      /\| right after the start \(load average 1\.90 at its start\) \| PSS, summed \| by process \(MiB: anon, file, shmem\) \|\n\| --- \| --- \| --- \|\n\| app, 5,000 cached versions \| \*\*168\.0 MiB\*\* \| WebKitWebProcess 110\.0 MiB \(anon 70\.0, file 38\.0, shmem 2\.0\), partner-workbench 38\.0 MiB \(anon 12\.0, file 26\.0\), WebKitNetworkProcess 20\.0 MiB/,
    );
    assert.match(text, /Ratio: \*\*1\.12×\*\* \(18\.0 MiB more than the minimal window; budget 1\.15×: met\)\./);
    assert.match(
      text,
      /\| after scrolling to the end and back \| PSS, summed \| by process \(MiB: anon, file, shmem\) \|\n\| --- \| --- \| --- \|\n\| app, 5,000 cached versions \| \*\*172\.0 MiB\*\* \| WebKitWebProcess 114\.0 MiB \(anon 74\.0, file 38\.0, shmem 2\.0\)/,
    );
    assert.match(text, /\| minimal window \(baseline\) \| \*\*150\.5 MiB\*\* \| WebKitWebProcess 100\.5 MiB \(anon 62\.5, file 36\.0, shmem 2\.0\), minimal-window 30\.0 MiB \(anon 8\.0, file 22\.0\)/);
    assert.match(text, /Ratio: \*\*1\.14×\*\* \(21\.5 MiB more than the minimal window; budget 1\.15×: met\)\./);
    assert.match(text, /`\/proc\/PID\/smaps_rollup` splits it \(`Pss`, `Pss_Anon`, `Pss_File`,\s+`Pss_Shmem`\)/);
    assert.match(text, /WebKitGTK exposes no JavaScript heap figure to the page/);
    assert.match(text, /End, 3 s, Home, 3 s/);
  });

  it('shows the command line against the minimal program, after the store', () => {
    const text = render(sampleRun());
    const heading = '## Command line: `pwb apps --offline --json` (issue 19)';
    assert.equal(text.split('\n').filter((line) => line === heading).length, 1);
    assert.ok(text.indexOf('## Store: the app list at start-up (issue 2)') < text.indexOf(heading));
    assert.ok(text.indexOf(heading) < text.indexOf(DURABILITY_START));
    assert.match(text, /`tests\/minimal-list`: the least Rust program/);
    assert.match(text, /both printed the same 1,834,567 bytes \(1\.7 MiB\)/);
    assert.match(text, /\| measurement \(30 runs each, after one warm-up; load average 1\.60 at its start\) \| median \| p95 \|/);
    assert.match(text, /\| `pwb apps --offline --json` \| \*\*38\.4 ms\*\* \| 44\.1 ms \|/);
    assert.match(text, /\| `tests\/minimal-list` on the same cache file \(baseline\) \| 29\.7 ms \| 33\.0 ms \|/);
    assert.match(text, /\| ratio \| \*\*1\.29×\*\* \(budget 1\.5×: met\) \| \|/);
  });

  it('says NOT met where a figure is over its budget', () => {
    const run = sampleRun();
    run.criterion.storeList = { median: 30e6, mean: 30e6, samples: 100 };
    run.preview.on = { ...run.preview.on, median: 17.2 };
    run.filter.list = { ...run.filter.list, median: 21.5 };
    const text = render(run);
    assert.match(text, /\*\*1\.74×\*\* \(budget 1\.3×: \*\*NOT met\*\*\)/);
    assert.match(text, /Target: median at most 16 ms with the preview on: \*\*not met\*\*/);
    assert.match(text, /\| Keystroke to updated preview \| 17\.2 ms \| .* \| 16 ms: \*\*NOT met\*\* \|/);
    assert.match(text, /\| Keystroke to filtered list \(1,000 apps × 5 versions\) \| 21\.5 ms \| .* \| 16 ms: \*\*NOT met\*\* \|/);
    assert.match(text, /Target: median at most 16 ms at 1,000 apps × 5 versions: \*\*NOT met\*\*\./);
  });

  it('says NOT met where start-up, memory or the command line is over its budget', () => {
    const run = sampleRun();
    run.startup.demo.app = { ...run.startup.demo.app, median: 812.4 };
    run.memory.app = { ...run.memory.app, total: 180 * 1024 };
    run.memory.scrolled.app = { ...run.memory.scrolled.app, total: 175 * 1024 };
    run.cli.pwb = { ...run.cli.pwb, median: 48.1 };
    const text = render(run);
    assert.match(text, /\| Start-up to the first painted app list \(demo cache\) \| 812\.4 ms \| 401\.2 ms \(minimal window\) \| 2\.02× \| 1\.3×: \*\*NOT met\*\* \|/);
    assert.match(text, /\| Start-up to the first painted app list \(5,000 cached versions\) \| .* \| 1\.3×: met \|/);
    assert.match(text, /\(411\.2 ms more than the minimal window; budget 1\.3×: \*\*NOT met\*\*\)/);
    assert.match(text, /\| Memory \(PSS\) with 5,000 cached versions \| 180\.0 MiB \| 150\.0 MiB \(minimal window\) \| 1\.20× \| 1\.15×: \*\*NOT met\*\* \|/);
    assert.match(text, /\| Memory \(PSS\) after scrolling to the end and back \| 175\.0 MiB \| 150\.5 MiB \(minimal window\) \| 1\.16× \| 1\.15×: \*\*NOT met\*\* \|/);
    assert.match(text, /Ratio: \*\*1\.20×\*\* \(30\.0 MiB more than the minimal window; budget 1\.15×: \*\*NOT met\*\*\)\./);
    assert.match(text, /Ratio: \*\*1\.16×\*\* \(24\.5 MiB more than the minimal window; budget 1\.15×: \*\*NOT met\*\*\)\./);
    assert.match(text, /\| `pwb apps --offline --json`, 5,000 versions \| 48\.1 ms \| 29\.7 ms \(minimal program\) \| 1\.62× \| 1\.5×: \*\*NOT met\*\* \|/);
    assert.match(text, /\| ratio \| \*\*1\.62×\*\* \(budget 1\.5×: \*\*NOT met\*\*\) \| \|/);
  });

  it("lets the keystroke benchmark alone replace its own section and nothing else", () => {
    const whole = render(sampleRun());
    const again = previewSection({ ...sampleRun().preview, on: { n: 300, median: 9.9, p95: 11, mean: 10, max: 12 } });
    const replaced = replacePreviewSection(whole, again);
    assert.match(replaced, /\*\*9\.9 ms\*\*/);
    assert.doesNotMatch(replaced, /\*\*12\.0 ms\*\*/);
    assert.equal(replaced.slice(0, whole.indexOf(PREVIEW_START)), whole.slice(0, whole.indexOf(PREVIEW_START)));
    assert.equal(replaced.split(PREVIEW_START).length, 2);
    assert.equal(replacePreviewSection('# Benchmarks\n', again), `# Benchmarks\n\n${again}`);
  });

  it('lets the filter benchmark alone replace its own section and nothing else', () => {
    const whole = render(sampleRun());
    const again = filterSection({ ...sampleRun().filter, list: { n: 300, median: 8.8, p95: 9.9, mean: 9, max: 12 } });
    const replaced = replaceFilterSection(whole, again);
    assert.match(replaced, /\*\*8\.8 ms\*\*/);
    assert.doesNotMatch(replaced, /\*\*13\.4 ms\*\*/);
    assert.equal(replaced.slice(0, whole.indexOf(FILTER_START)), whole.slice(0, whole.indexOf(FILTER_START)));
    assert.equal(replaced.slice(replaced.indexOf(FILTER_END)), whole.slice(whole.indexOf(FILTER_END)));
    assert.equal(replaced.split(FILTER_START).length, 2);
    assert.equal(replaceFilterSection('# Benchmarks\n', again), `# Benchmarks\n\n${again}`);
  });

  it('lets the durability benchmark alone replace its own section and nothing else', () => {
    const whole = render(sampleRun());
    const again = durabilitySection({
      commitFull: { median: 7.7e6, mean: 7.7e6, samples: 100 },
      commitNormal: { median: 1e6, mean: 1e6, samples: 100 },
      load: 0.5,
      date: '2026-12-07 06:00 UTC',
    });
    const replaced = replaceSection(whole, DURABILITY_START, DURABILITY_END, again);
    assert.match(replaced, /\*\*7\.70×\*\*/);
    assert.doesNotMatch(replaced, /\*\*5\.25×\*\*/);
    assert.equal(replaced.slice(0, whole.indexOf(DURABILITY_START)), whole.slice(0, whole.indexOf(DURABILITY_START)));
    assert.equal(replaced.slice(replaced.indexOf(DURABILITY_END)), whole.slice(whole.indexOf(DURABILITY_END)));
  });

  it('lets the sync benchmarks alone replace their section and nothing else', () => {
    const run = sampleRun();
    const whole = render(run);
    const criterion = { ...run.criterion, push: { median: 99e6, mean: 99e6, samples: 10 } };
    const replaced = replaceSection(whole, SYNC_START, SYNC_END, syncSection({ criterion, loads: { sync: 0.5 } }));
    assert.match(replaced, /\| ratio \| \*\*1\.99×\*\* \(budget 1\.5×: \*\*NOT met\*\*\) \|/);
    assert.equal(replaced.slice(0, whole.indexOf(SYNC_START)), whole.slice(0, whole.indexOf(SYNC_START)));
    assert.equal(replaced.slice(replaced.indexOf(SYNC_END)), whole.slice(whole.indexOf(SYNC_END)));
  });
});
