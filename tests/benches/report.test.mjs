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
  PREVIEW_END,
  PREVIEW_START,
  SYNC_END,
  SYNC_START,
  syncSection,
  previewSection,
  ratio,
  readCriterion,
  render,
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

const tree = (total, processes) => ({ total, processes });

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
    startup: {
      load: 1.75,
      runs: 10,
      demo: { apps: 6, app: timing(812.4, 900.1), minimal: timing(401.2, 450), selfReported: timing(700, 780) },
      scale: { app: timing(1500, 1700), minimal: timing(405, 460), selfReported: timing(1390, 1600) },
    },
    memory: {
      load: 1.9,
      runs: 3,
      settleSeconds: 10,
      app: tree(300 * 1024, [
        { name: 'WebKitWebProcess', pss: 200 * 1024 },
        { name: 'partner-workbench', pss: 80 * 1024 },
        { name: 'WebKitNetworkProcess', pss: 20 * 1024 },
      ]),
      minimal: tree(150 * 1024, [
        { name: 'WebKitWebProcess', pss: 100 * 1024 },
        { name: 'minimal-window', pss: 30 * 1024 },
        { name: 'WebKitNetworkProcess', pss: 20 * 1024 },
      ]),
    },
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
    ]) {
      assert.equal(text.split('\n').filter((line) => line === heading).length, 1, heading);
    }
    assert.match(text, /\.\/dev bench/);
    assert.match(text, /Some CPU @ 2\.20GHz \(2 cores\), 24 GiB, Debian GNU\/Linux 12 \(bookworm\)/);
    assert.match(text, /Load average \(1 min\) 1\.50 when the suite started and\s+2\.25 when it ended/);
    assert.match(text, /\| app, demo cache \| 10 \| \*\*812\.4 ms\*\* \| 900\.1 ms \|/);
    assert.match(text, /\| minimal window \(baseline\) \| 10 \| \*\*401\.2 ms\*\* \| 450\.0 ms \|/);
    assert.match(text, /\| app, 5,000 cached versions \| \*\*300\.0 MiB\*\* \| WebKitWebProcess 200\.0 MiB, partner-workbench 80\.0 MiB/);
    assert.match(text, /\| `Store::list_apps`, 1,000 apps × 5 versions \| 21\.4 ms \|/);
    assert.match(text, /\*\*1\.24×\*\* \(budget 1\.3×: met\)/);
    assert.match(text, /\| ratio \| \*\*1\.29×\*\* \(budget 1\.5×: met\) \|/);
    assert.match(text, /refusing the 60000×60000 PNG bomb \(`validate_icon`\) \| \*\*3\.13 µs\*\* \(target 5 ms: met\)/);
    assert.match(text, /\*\*148 KiB\*\* \(target 16 MiB: met\)/);
    assert.match(text, /\| preview on \(Listing tab, description rendered\) \| \*\*12\.0 ms\*\* \| 16\.3 ms \|/);
    assert.doesNotMatch(text, /undefined|NaN|\[object Object\]|NOT met/);
    assert.equal(text.split(PREVIEW_START).length, 2);
    assert.equal(text.split(PREVIEW_END).length, 2);
    assert.match(text, /\| one edit committed, `synchronous=FULL` \(shipped\) \| 2\.10 ms \|/);
    assert.match(text, /\| ratio \| \*\*5\.25×\*\* \|/);
    assert.equal(text.split(DURABILITY_START).length, 2);
    assert.equal(text.split(DURABILITY_END).length, 2);
  });

  it('says NOT met where a figure is over its budget', () => {
    const run = sampleRun();
    run.criterion.storeList = { median: 30e6, mean: 30e6, samples: 100 };
    run.preview.on = { ...run.preview.on, median: 17.2 };
    const text = render(run);
    assert.match(text, /\*\*1\.74×\*\* \(budget 1\.3×: \*\*NOT met\*\*\)/);
    assert.match(text, /Target: median at most 16 ms with the preview on: \*\*not met\*\*/);
    assert.match(text, /\| Keystroke to updated preview \| 17\.2 ms \| .* \| 16 ms: \*\*NOT met\*\* \|/);
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
