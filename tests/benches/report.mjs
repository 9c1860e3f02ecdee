// The benchmark suite's pure half: reading criterion's results and rendering BENCHMARKS.md from one run's figures.
// No I/O but reading criterion's files: `suite.mjs` runs the benchmarks and writes the file, `report.test.mjs` checks
// this module on sample data. The prose of BENCHMARKS.md lives here, so the file is entirely the suite's output.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The preview benchmark's section markers: `tests/preview/bench.mjs` run alone rewrites what is between them. */
export const PREVIEW_START = '<!-- bench:preview-keystroke:start -->';
export const PREVIEW_END = '<!-- bench:preview-keystroke:end -->';
/** The filter benchmark's section markers: `tests/benches/filter.mjs` run alone rewrites what is between them. */
export const FILTER_START = '<!-- bench:filter-keystroke:start -->';
export const FILTER_END = '<!-- bench:filter-keystroke:end -->';
/** The durability benchmark's section markers: `tests/benches/commit.mjs` run alone rewrites what is between them. */
export const DURABILITY_START = '<!-- bench:commit-durability:start -->';
export const DURABILITY_END = '<!-- bench:commit-durability:end -->';

/** The sync benchmark's two sections' markers: `tests/benches/sync.mjs` run alone rewrites them. */
export const SYNC_START = '<!-- bench:sync:start -->';
export const SYNC_END = '<!-- bench:sync:end -->';
export const CREATE_START = '<!-- bench:push-created:start -->';
export const CREATE_END = '<!-- bench:push-created:end -->';

/** The criterion benchmarks the suite reads, by their full id (`group/function`). */
export const CRITERION_IDS = {
  storeList: 'list 1000 apps x 5 versions/store list_apps',
  storeBare: 'list 1000 apps x 5 versions/bare rusqlite query (baseline)',
  commitFull: 'local edit committed with its outbox entry/synchronous=FULL (shipped)',
  commitNormal: 'local edit committed with its outbox entry/synchronous=NORMAL (baseline)',
  pull: 'full pull of 1000 apps x 5 versions/workbench pull into an empty cache',
  pullBare: 'full pull of 1000 apps x 5 versions/bare HTTP loop of the same requests (baseline)',
  idle: 'sync with nothing to do, 50 ms latency/workbench sync (push + feed pull)',
  idleBare: 'sync with nothing to do, 50 ms latency/one bare GET /changes round trip (baseline)',
  push: 'push of 100 edited versions/workbench sync (100 coalesced PATCHes + feed pull)',
  pushBare: 'push of 100 edited versions/100 bare PATCH requests (baseline)',
  created: 'push of 100 versions started offline/workbench sync (100 creates, 100 PATCHes + feed pull)',
  createdBare: 'push of 100 versions started offline/100 bare creates and PATCHes (baseline)',
  createdInFlight: 'push of 100 versions started offline/100 bare creates and PATCHes, 4 in flight',
  decode: 'icon_1024/image_decode_alone',
  decodeLimits: 'icon_1024/image_decode_with_limits',
  validate: 'icon_1024/validate_version',
  validateNoIcon: 'icon_1024/validate_version_without_icon',
  validateIcon: 'icon_1024/validate_icon_alone',
  bomb: 'refuse_bomb_60000',
};

/**
 * Every criterion result under `dir` written at or after `since` (ms since the epoch): a map from the benchmark's
 * full id to `{ median, mean, samples }`, times in nanoseconds. Criterion keeps each benchmark's latest run in
 * `<dir>/<group>/<function>/new/` (`benchmark.json` names it, `estimates.json` has the figures, `sample.json` the
 * samples); older results are left out, so a figure can only come from this run.
 */
export function readCriterion(dir, since = 0) {
  const results = new Map();
  if (!existsSync(dir)) return results;
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(folder, entry.name);
      if (entry.name === 'new' && existsSync(join(path, 'benchmark.json'))) {
        const estimatesFile = join(path, 'estimates.json');
        if (statSync(estimatesFile).mtimeMs < since) continue;
        const { full_id: id } = JSON.parse(readFileSync(join(path, 'benchmark.json'), 'utf8'));
        const estimates = JSON.parse(readFileSync(estimatesFile, 'utf8'));
        const sample = JSON.parse(readFileSync(join(path, 'sample.json'), 'utf8'));
        results.set(id, {
          median: estimates.median.point_estimate,
          mean: estimates.mean.point_estimate,
          samples: sample.iters.length,
        });
      } else if (entry.name !== 'base' && entry.name !== 'report' && entry.name !== 'change') {
        visit(path);
      }
    }
  };
  visit(dir);
  return results;
}

/** The figures of `ids` from `results`, by the same keys; fails naming every one that is missing. */
export function pick(results, ids) {
  const missing = Object.values(ids).filter((id) => !results.has(id));
  if (missing.length > 0) throw new Error(`criterion wrote no result in this run for: ${missing.join(', ')}`);
  return Object.fromEntries(Object.entries(ids).map(([key, id]) => [key, results.get(id)]));
}

/** The bomb test's line: `bomb refused in 3.2µs, peak 151552 bytes above the baseline`. */
export function parseBomb(output) {
  const match = /bomb refused in (\S+), peak (\d+) bytes above the baseline/.exec(output);
  if (!match) throw new Error('the bomb_memory test printed no "bomb refused in …, peak … bytes" line');
  return { refusedIn: match[1], peakBytes: Number(match[2]) };
}

/** Median, p95, mean and max of `values` (p95: the smallest value at least 95% of them do not exceed). */
export function stats(values) {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    n: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

/** A number with three significant figures for the usual range: `1.28`, `21.4`, `103.7`. */
const figure = (value) => value.toFixed(value < 10 ? 2 : 1);

/** A duration in nanoseconds, in the unit that reads best: `3.13 µs`, `21.4 ms`, `2.29 s`. */
export function duration(ns) {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${figure(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${figure(ns / 1e3)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** Milliseconds, as the start-up and keystroke tables show them. */
export const ms = (value) => `${value.toFixed(1)} ms`;

/** A size in KiB as MiB (one decimal), or as KiB below 1 MiB. */
export function size(kib) {
  return kib >= 1024 ? `${(kib / 1024).toFixed(1)} MiB` : `${Math.round(kib)} KiB`;
}

/** `a / b` as a ratio: `1.36×`, or `1.004×` when it is that close to 1. */
export function ratio(a, b) {
  const value = a / b;
  return `${Math.abs(value - 1) < 0.01 ? value.toFixed(3) : value.toFixed(2)}×`;
}

const verdict = (ok) => (ok ? 'met' : '**NOT met**');
/**
 * Every budget that is a ratio to a baseline of the same run: start-up and memory to the minimal window, the CLI to the
 * minimal program, the store to the bare query, the syncs to bare HTTP, validation to the bare decode.
 */
const BUDGETS = { startup: 1.3, memory: 1.15, cli: 1.5, store: 1.3, sync: 1.5, validate: 1.3 };
/** `1.3×: met` when `a` is within `budget` times `b`. */
const within = (a, b, budget) => `${budget}×: ${verdict(a / b <= budget)}`;
const median = (result) => duration(result.median);
const load = (value) => value.toFixed(2);

function header(run) {
  const { machine } = run;
  return `# Benchmarks

Speed is measured here, by benchmarks that run a figure and its baseline in the same run on the
same machine, never by timed unit tests. This file is the output of one command, which builds
what the benchmarks need in release, runs all of them and writes this file whole (the prose
included: it lives in \`tests/benches/report.mjs\`), so every figure below comes from the same run:

\`\`\`sh
./dev bench
\`\`\`

Each section also says how to rerun its benchmark alone (those print their figures; only the
keystroke benchmark also rewrites its own section).

Run of ${run.date}: ${machine.cpu} (${machine.cores} cores), ${machine.memoryGiB} GiB, ${machine.os},
Rust ${machine.rustc}, release profile. Load average (1 min) ${load(run.loadStart)} when the suite started and
${load(run.loadEnd)} when it ended; each section gives the load at its own start. Both figures of a pair ran
one after the other (or interleaved) under the same load, so their ratio holds better than either figure alone.
`;
}

function summary(run) {
  const c = run.criterion;
  const { startup, memory, cli, preview, filter, bomb } = run;
  const rows = [
    [
      'Start-up to the first painted app list (demo cache)',
      ms(startup.demo.app.median),
      `${ms(startup.demo.minimal.median)} (minimal window)`,
      ratio(startup.demo.app.median, startup.demo.minimal.median),
      within(startup.demo.app.median, startup.demo.minimal.median, BUDGETS.startup),
    ],
    [
      'Start-up to the first painted app list (5,000 cached versions)',
      ms(startup.scale.app.median),
      `${ms(startup.scale.minimal.median)} (minimal window)`,
      ratio(startup.scale.app.median, startup.scale.minimal.median),
      within(startup.scale.app.median, startup.scale.minimal.median, BUDGETS.startup),
    ],
    [
      'Memory (PSS) with 5,000 cached versions',
      size(memory.app.total),
      `${size(memory.minimal.total)} (minimal window)`,
      ratio(memory.app.total, memory.minimal.total),
      within(memory.app.total, memory.minimal.total, BUDGETS.memory),
    ],
    [
      'Memory (PSS) after scrolling to the end and back',
      size(memory.scrolled.app.total),
      `${size(memory.scrolled.minimal.total)} (minimal window)`,
      ratio(memory.scrolled.app.total, memory.scrolled.minimal.total),
      within(memory.scrolled.app.total, memory.scrolled.minimal.total, BUDGETS.memory),
    ],
    [
      '`Store::list_apps`, 5,000 versions',
      median(c.storeList),
      `${median(c.storeBare)} (bare query)`,
      ratio(c.storeList.median, c.storeBare.median),
      within(c.storeList.median, c.storeBare.median, BUDGETS.store),
    ],
    [
      '`pwb apps --offline --json`, 5,000 versions',
      ms(cli.pwb.median),
      `${ms(cli.minimal.median)} (minimal program)`,
      ratio(cli.pwb.median, cli.minimal.median),
      within(cli.pwb.median, cli.minimal.median, BUDGETS.cli),
    ],
    [
      'A local edit committed (saved means on disk)',
      median(c.commitFull),
      `${median(c.commitNormal)} (synchronous=NORMAL)`,
      ratio(c.commitFull.median, c.commitNormal.median),
      'none set: the price of surviving a power cut',
    ],
    [
      'Full pull, 5,000 versions',
      median(c.pull),
      `${median(c.pullBare)} (bare HTTP)`,
      ratio(c.pull.median, c.pullBare.median),
      within(c.pull.median, c.pullBare.median, BUDGETS.sync),
    ],
    [
      'Sync with nothing to do (50 ms latency)',
      median(c.idle),
      `${median(c.idleBare)} (one GET)`,
      ratio(c.idle.median, c.idleBare.median),
      within(c.idle.median, c.idleBare.median, BUDGETS.sync),
    ],
    [
      'Push of 100 edited versions',
      median(c.push),
      `${median(c.pushBare)} (100 bare PATCHes)`,
      ratio(c.push.median, c.pushBare.median),
      `${within(c.push.median, c.pushBare.median, BUDGETS.sync)}; at most 100 writes: met (asserted on every sample)`,
    ],
    [
      'Push of 100 versions started offline',
      median(c.created),
      `${median(c.createdBare)} (bare creates and PATCHes)`,
      ratio(c.created.median, c.createdBare.median),
      `${within(c.created.median, c.createdBare.median, BUDGETS.sync)} (${ratio(c.created.median, c.createdInFlight.median)} of the same with 4 in flight); at most 200 writes: met (asserted)`,
    ],
    [
      'Validation of a version with a 1024² icon',
      median(c.validate),
      `${median(c.decode)} (decode alone)`,
      ratio(c.validate.median, c.decode.median),
      within(c.validate.median, c.decode.median, BUDGETS.validate),
    ],
    [
      'Refusing the 60000×60000 PNG bomb',
      median(c.bomb),
      '',
      '',
      `5 ms, peak ${size(bomb.peakBytes / 1024)} of 16 MiB: ${verdict(c.bomb.median <= 5e6 && bomb.peakBytes < 16 * 2 ** 20)}`,
    ],
    [
      'Keystroke to updated preview',
      ms(preview.on.median),
      `${ms(preview.off.median)} (preview off)`,
      ratio(preview.on.median, preview.off.median),
      `16 ms: ${verdict(preview.on.median <= preview.targetMs)}`,
    ],
    [
      'Keystroke to filtered list (1,000 apps × 5 versions)',
      ms(filter.list.median),
      `${ms(filter.baseline.median)} (${filter.apps.baseline} apps)`,
      ratio(filter.list.median, filter.baseline.median),
      `${filter.targetMs} ms: ${verdict(filter.list.median <= filter.targetMs)}`,
    ],
  ];
  return `## Summary

| figure (median) | this run | baseline, same run | ratio | budget |
| --- | --- | --- | --- | --- |
${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}
`;
}

function startupSection(run) {
  const { startup } = run;
  const row = (label, s) => `| ${label} | ${s.n} | **${ms(s.median)}** | ${ms(s.p95)} |`;
  return `## Start-up: to the first painted app list (issue 8)

The release \`partner-workbench\` is started on a private Xvfb display (1280×800, 24 bits, started once
before the first run), with a data folder whose cache was filled before the runs, and timed from just
before \`spawn\` to the moment its log line "first app list painted" reaches the benchmark. The window
sends that line once: after the first non-empty app list was put in the page, it waits for the next frame
to be painted (\`requestAnimationFrame\`, then \`setTimeout 0\`) and calls the command \`app_list_painted\`,
which logs it. The baseline, built in the same release build, is \`tests/minimal-window\`: the smallest
Tauri 2 window (same tauri, same window size, static HTML), whose page gives the same signal once its
first frame was painted. Each measured run is a new process; the app and the minimal window alternate,
after one warm-up run each (not counted), so the page cache holds the binaries and libraries for both.

Included: exec and dynamic linking, GTK and WebKitGTK start-up (the web and network processes), the
shell's setup (opening the profile's cache; for the demo cache, the embedded sandbox), loading the
window's page and scripts from the binary, reading the cached list over IPC (\`list_apps\`), rendering
its first part (a virtual list: only the cards in and near the window are drawn, at most 40, and
recycled as it scrolls: \`ui/src/features/apps/VirtualList.svelte\`), and one painted frame. Not included: the icons (each fetched by its own call after the list is on
screen), the background sync the app starts at the same time (it runs, and competes for the cores, but
the list does not wait for it), Xvfb's start, and the process's exit.

- **Demo cache**: the embedded sandbox's demo partner (${startup.demo.apps} apps), as after a first start.
- **5,000 cached versions**: the sandbox's \`--seed scale\` (1,000 apps × 5 versions with icons), pulled
  by \`pwb sync\` into the cache beforehand; the app points at that sandbox (\`PWB_SERVER\`, \`PWB_TOKEN\`),
  which keeps running while the app starts.

| run (load average ${load(startup.load)} at its start) | runs | median | p95 |
| --- | --- | --- | --- |
${row('app, demo cache', startup.demo.app)}
${row('minimal window (baseline)', startup.demo.minimal)}
${row('app, 5,000 cached versions', startup.scale.app)}
${row('minimal window (baseline)', startup.scale.minimal)}

Ratio of the medians: **${ratio(startup.demo.app.median, startup.demo.minimal.median)}** with the demo cache
(${ms(startup.demo.app.median - startup.demo.minimal.median)} more than the minimal window; budget ${within(
    startup.demo.app.median,
    startup.demo.minimal.median,
    BUDGETS.startup,
  )}), **${ratio(startup.scale.app.median, startup.scale.minimal.median)}** with 5,000 cached versions
(${ms(startup.scale.app.median - startup.scale.minimal.median)} more; budget ${within(
    startup.scale.app.median,
    startup.scale.minimal.median,
    BUDGETS.startup,
  )}). The budget (issue 19: start-up within a whisker of an empty
Tauri window) is the app's median within ${BUDGETS.startup}× of the minimal window's, with each cache. The app's own
figure in its log (from its \`main\`'s first line, so without exec and linking) had a median of
${ms(startup.demo.selfReported.median)} with the demo cache and ${ms(startup.scale.selfReported.median)} with 5,000 versions.

\`\`\`sh
./dev bench      # the start-up and memory runs need the release builds, Xvfb and the sandbox: the suite does it all
\`\`\`

### Where the start-up goes

Every measured start of the app also logs where its time went. The shell marks its steps in
\`src-tauri/src/startup.rs\` (a Rust \`Instant\` taken on \`main\`'s first line, each mark the time since),
the page its own in \`ui/src/app/startup.ts\` (\`performance.mark\`, in milliseconds since the page's
navigation, which begins at the shell's "page load started" mark); when the first list is painted the
shell logs both as one JSON line, \`start-up steps {...}\`, right after the "painted" line. Each row below
is the median over the app's ${startup.runs} measured runs of the time from one mark to the next; exec and
linking is the benchmark's figure of the run minus the app's own. Medians do not add up exactly, and the
few milliseconds between the page's "painted" mark and the shell's log line are in no row.

| step (medians) | demo cache | 5,000 versions |
| --- | --- | --- |
${stepRows(startup.demo, startup.scale)}

The minimal window's own figure (its \`main\` to painted) had a median of ${ms(startup.demo.minimalSelfReported.median)} / ${ms(
    startup.scale.minimalSelfReported.median,
  )}
(in the runs beside the demo cache / the 5,000 versions), and its exec and linking (the benchmark's median
minus its own) ${ms(startup.demo.minimal.median - startup.demo.minimalSelfReported.median)} / ${ms(
    startup.scale.minimal.median - startup.scale.minimalSelfReported.median,
  )}, so the steps can be compared with the floor's.
${syncLine(startup.demo.steps, startup.scale.steps)}

To redo the breakdown by hand: start the release app with \`PWB_DATA_DIR\` pointing at a data folder
with a filled cache (\`pwb sync\` fills one) and read the \`start-up steps {...}\` line it logs once its
first list is painted, on stderr and in its log file. Its \`ms\` are the shell's marks, its \`page_ms\` the
page's.

### What was cut

Measured with these marks before any change, on the demo cache: from the list's answer to the DOM
updated took 255 ms in WebKitGTK against 14 ms for the same page in Chromium. The window's font stacks
named eight families each (Segoe UI, Roboto, Helvetica Neue, Cantarell…); every family the system lacks
costs WebKitGTK a fontconfig search at the first layout. With the generic names only
(\`system-ui, sans-serif\` and \`ui-monospace, monospace\`) that step fell to 110 ms (medians of 6
alternating runs of each build). The list is now read first thing, before the window subscribes to the
shell's events (a round trip that the first paint no longer waits for; a status read with the list tells
whether a sync ended meanwhile, and then the list is read again), and it is held as raw state
(\`$state.raw\`): replaced whole on every read, never made reactive object by object.

The other cuts, each measured with these marks against the build before it (5 or 6 alternating runs on a
quiet machine):

- **No GPU compositing in the window** (\`src-tauri/src/webview.rs\`: WebKitGTK's hardware acceleration
  policy \`NEVER\`). WebKitGTK composites this page by default, which cost its web process about 118 MiB
  of memory with 5,000 versions (250 MiB against 132 MiB, PSS) and slowed the start; the window is a list and
  forms and needs no compositor. The minimal window keeps Tauri's default, which composites its page too:
  with compositing off as well (\`WEBKIT_DISABLE_COMPOSITING_MODE=1\`) its tree measured about 204 MiB
  instead of 256 MiB in one run, so against that stricter floor the app's memory is about 1.27×.
- **The screens load when first shown** (\`ui/src/app/Lazy.svelte\`): the editor and preview, the
  account, sign-in, installations and OAuth clients screens are chunks of their own. The start parses
  116 KiB of script and 24 KiB of styles instead of 373 KiB and 66 KiB; the page's load and script
  steps went from about 70 and 30 ms to about 35 and 18 ms.
- **The first sync waits for the first paint** (at most 2 s; at once when nothing is cached), so it no
  longer competes with the window for the two cores: the list comes from the cache and the sync only
  brings it up to date afterwards.
- **The list draws about a screen of cards at first**: before its box is measured it takes the window's
  height for it, instead of drawing 12 cards and then dropping most of them; with 5,000 versions the
  render step went from about 140 to about 90 ms.

\`Store::list_apps\` itself is about 10 ms of the \`list_apps\` step with 5,000 versions; the rest is the
payload (its size is in the table), carried over IPC and parsed by the page.
`;
}

/** The start-up steps, in order: the key in `steps`, and the row's text. */
const STEPS = [
  ['exec', "exec and dynamic linking (spawn to `main`'s first line)"],
  ['main', "`main` to the Tauri builder (the log file opened, the built-in assets)"],
  ['shell', 'Tauri and GTK start (the builder to the setup hook; the plugins)'],
  ['setup', "setup (the hook: opening the profile's cache, starting the background sync)"],
  ['window', "window and WebView (setup done to the page's load starting: WebKit's web and network processes)"],
  ['page', "page load (the page's navigation to its first script: the HTML and the bundle loaded and parsed)"],
  ['script', 'script (the first script to the `list_apps` call: the bundle evaluated, the window mounted)'],
  ['list', null],
  ['render', 'render (the answer to the DOM updated: the first cards built)'],
  ['paint', 'paint (the DOM updated to after the next frame was painted)'],
];

/** The rows of the steps table, demo cache and 5,000 versions side by side, and their sum. */
function stepRows(demo, scale) {
  const listText =
    `\`list_apps\` (the call to its answer in the page: the cache read, JSON, IPC, parsing; the shell's part, ` +
    `reading the cache and building the reply, ${ms(demo.steps.listShell)} / ${ms(scale.steps.listShell)}; ` +
    `the list sent ${size(demo.listBytes / 1024)} / ${size(scale.listBytes / 1024)})`;
  const rows = STEPS.map(([key, text]) => `| ${text ?? listText} | ${ms(demo.steps[key])} | ${ms(scale.steps[key])} |`);
  const sum = (steps) => STEPS.reduce((total, [key]) => total + steps[key], 0);
  rows.push(
    `| sum of the steps (the benchmark's median: ${ms(demo.app.median)} / ${ms(scale.app.median)}) | ${ms(sum(demo.steps))} | ${ms(sum(scale.steps))} |`,
  );
  return rows.join('\n');
}

/** When the first background sync ran, in ms since `main`'s start; null when it began after the first paint. */
function syncSpan(steps) {
  const at = (value) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(1) : null);
  const [started, done] = [at(steps.syncStarted), at(steps.syncDone)];
  if (started === null) return null;
  if (done === null) return `from ${started} ms to after the first paint (its end is not marked)`;
  return `from ${started} to ${done} ms`;
}

/** Where the first background sync fell: after the first paint (as it waits for it), or when it ran beside the start. */
function syncLine(demo, scale) {
  const [a, b] = [syncSpan(demo), syncSpan(scale)];
  if (a === null && b === null) {
    return 'The first background sync began after the first paint in the median runs of both caches (it waits for it), so it is in no step.';
  }
  const said = (span) => span ?? 'after the first paint';
  return `The first background sync ran ${said(a)} (demo) and ${said(b)} (5,000 versions), beside the start.`;
}

/** KiB as MiB with one decimal and no unit, for the split beside a process's PSS. */
const mib = (kib) => (kib / 1024).toFixed(1);

function memorySection(run) {
  const { memory } = run;
  const split = (p) => [`anon ${mib(p.anon)}`, `file ${mib(p.file)}`, ...(p.shmem >= 52 ? [`shmem ${mib(p.shmem)}`] : [])].join(', ');
  const rows = (label, m) =>
    `| ${label} | **${size(m.total)}** | ${m.processes.map((p) => `${p.name} ${size(p.pss)} (${split(p)})`).join(', ')} |`;
  const table = (heading, app, minimal) => `| ${heading} | PSS, summed | by process (MiB: anon, file, shmem) |
| --- | --- | --- |
${rows('app, 5,000 cached versions', app)}
${rows('minimal window (baseline)', minimal)}`;
  const verdictOf = (app, minimal) =>
    `**${ratio(app.total, minimal.total)}** (${size(app.total - minimal.total)} more than the minimal window; budget ${within(
      app.total,
      minimal.total,
      BUDGETS.memory,
    )})`;
  return `## Memory: the app with 5,000 cached versions (issue 8)

The release \`partner-workbench\` on the cache of 5,000 versions above (1,000 apps on its list), and the
minimal window, each started as for the start-up runs and left alone for ${memory.settleSeconds} s after its first
painted frame (the app fetches its visible icons and runs its start-up sync meanwhile), as the partner
sees the list after a start: the cards in and near the window drawn (scrolling recycles them, so the
memory should not grow with the scroll: the second table checks it). Then the
proportional set size (PSS: each page shared by N processes counts 1/N) of every process of its tree is
summed: the app or window process and its WebKitGTK web and network processes. ${memory.runs} runs each,
alternating; each table shows the run with the median total. Budget (issue 19): the app's PSS within
${BUDGETS.memory}× of the minimal window's, both right after the start and after scrolling.

Each process's PSS is split as \`/proc/PID/smaps_rollup\` splits it (\`Pss\`, \`Pss_Anon\`, \`Pss_File\`,
\`Pss_Shmem\`), so the breakdown can be redone on any running process: anon is its heaps (malloc, and in
the web process the JavaScript heap, the DOM and its layers), file the code and data of the binary and
its libraries, and fonts, shmem what WebKit's processes share with each other (shown when there is any).
The JavaScript heap is inside the web process's anonymous memory and is not split out further:
WebKitGTK exposes no JavaScript heap figure to the page.

${table(`right after the start (load average ${load(memory.load)} at its start)`, memory.app, memory.minimal)}

Ratio: ${verdictOf(memory.app, memory.minimal)}.

Then the list is scrolled to its end and back, as a partner would with the keyboard (\`xdotool\`: a
click on the first card's heading, which focuses it and opens nothing, End, 3 s, Home, 3 s), and the
PSS is read again. The same input is sent to the minimal window, where it changes nothing.

${table('after scrolling to the end and back', memory.scrolled.app, memory.scrolled.minimal)}

Ratio: ${verdictOf(memory.scrolled.app, memory.scrolled.minimal)}.
`;
}

function storeSection(run) {
  const { storeList, storeBare } = run.criterion;
  return `## Store: the app list at start-up (issue 2)

\`Store::list_apps\` reads 1,000 apps × 5 versions (5,000 version rows with both review statuses
and whether each has an icon) from an SQLite file, grouped into one listing per app, newest
version first. The baseline is a bare rusqlite query of the same rows: the store's own SQL
(\`workbench_store::LIST_APPS_SQL\`) on the store's own connection, so the same file and the same
page cache, collected into plain tuples. Budget: the store within 1.3× of the bare query.

\`\`\`sh
cargo bench -p workbench-store --bench list
\`\`\`

Why the baseline runs on the store's connection (issue 19 asked to explain a 1.56× that came and
went between runs): profiled with \`perf record\` and \`perf stat -e syscalls:sys_enter_pread64\`,
both figures were mostly SQLite copying pages from the OS (\`pread\`, the kernel's
\`_copy_to_iter\` on top). The cache file of 5,000 versions is 2,244 pages (8.8 MiB) and each
connection's page cache holds 2 MiB, so every listing reads pages again; the bare query then ran on
a second connection, and which of the two connections kept the useful pages decided which figure
won. In one run it read about 13,400 pages per listing against about 1,400 for the store's
connection, and took 16.2 ms against the store's 9.5 ms; the recorded run before had it the
other way round, 10.8 ms against 16.9 ms. With the bare query on the store's own connection, and
the store's SQL (the old baseline had lost the clause that hides versions deleted offline), the
two figures differ only by what the store does with the rows. What the store does is less than the
tuples do: it reads an app's fields once, not once per version.

| measurement (median of ${storeList.samples} samples, criterion; load average ${load(run.loads.store)} at its start) | time |
| --- | --- |
| \`Store::list_apps\`, 1,000 apps × 5 versions | ${median(storeList)} |
| bare rusqlite query of the same rows (baseline) | ${median(storeBare)} |
| ratio | **${ratio(storeList.median, storeBare.median)}** (budget ${within(storeList.median, storeBare.median, BUDGETS.store)}) |

The benchmark also asserts that both read the same 5,000 rows, so it cannot go fast by reading
less. \`./dev test\` runs it once in test mode (\`cargo test --all-targets\`), which checks those
assertions on every CI run but does not time it.
`;
}

function cliSection(run) {
  const { cli } = run;
  const bytes = `${cli.bytes.toLocaleString('en-US')} bytes (${size(cli.bytes / 1024)})`;
  return `## Command line: \`pwb apps --offline --json\` (issue 19)

The release \`pwb\` lists the cache of 5,000 versions above (1,000 apps) as JSON, without asking the
server (\`pwb apps --offline --json\`). The baseline is \`tests/minimal-list\`: the least Rust program that
does the same, which opens the same cache file read-only with rusqlite and prints the same JSON with
serde_json, its SQL and JSON written out bare, with no crate of the workspace, so it stays the floor
however the store changes. Each run is a new process, timed from just before \`spawn\` to its exit; the
two alternate after one warm-up run of each (not counted), and every run's output is checked byte for
byte against the other's: both printed the same ${bytes}. Budget (issue 19): within
${BUDGETS.cli}× of the minimal program.

\`\`\`sh
./dev bench      # it needs the cache of 5,000 versions that the desktop part fills: the suite does it all
\`\`\`

| measurement (${cli.runs} runs each, after one warm-up; load average ${load(cli.load)} at its start) | median | p95 |
| --- | --- | --- |
| \`pwb apps --offline --json\` | **${ms(cli.pwb.median)}** | ${ms(cli.pwb.p95)} |
| \`tests/minimal-list\` on the same cache file (baseline) | ${ms(cli.minimal.median)} | ${ms(cli.minimal.p95)} |
| ratio | **${ratio(cli.pwb.median, cli.minimal.median)}** (budget ${within(cli.pwb.median, cli.minimal.median, BUDGETS.cli)}) | |
`;
}

/** The offline-creation push section from its two figures, the load at the start and the date of the run. */
export function createSection({ created, createdBare, createdInFlight, load: loadAtStart, date }) {
  return `${CREATE_START}
## Sync: a push of 100 versions started offline (issue 16)

Before each sample, the first version of each of 100 apps registered on a demo sandbox is started
offline (\`Workbench::create_version\`, a local id) and its listing summary edited (100 creates and
100 edits in the outbox); the sample is the sync that sends them, through the push's fast lane
(\`workbench::push::batch\`): the 100 \`POST .../versions\`, four in flight, each with the
idempotency key recorded when it was started; the move of every local id to the server's, with
the content write each sends next recorded in flight, in one transaction; the 100 \`PATCH\`es of
the edited section with the ETag each create answered, four in flight; every answer settled in one
transaction; then the feed read. The baseline makes the same requests from a bare reqwest loop,
one at a time (a create, then a \`PATCH\` of the same body with the ETag it answered); a second
baseline makes them with four apps in flight, as the fast lane does. Between samples the versions
are deleted on the server (not timed). The benchmark asserts, on every sample, that all 100 were
created and that the push made at most one create and one content write per version.

\`\`\`sh
node tests/benches/sync.mjs     # the sync benchmarks alone; rewrites this section and the one above
\`\`\`

| measurement (median of ${created.samples} samples, criterion; load average ${load(loadAtStart)} at its start; ${date}) | time |
| --- | --- |
| \`Workbench::pull\` sending 100 versions started offline (100 creates, 100 \`PATCH\`es, then the feed read) | ${median(created)} |
| the same 200 requests from a bare loop, one at a time (baseline) | ${median(createdBare)} |
| ratio | **${ratio(created.median, createdBare.median)}** (budget ${within(created.median, createdBare.median, BUDGETS.sync)}) |
| the same 200 requests from a bare loop, 4 apps in flight (second baseline) | ${median(createdInFlight)} |
| ratio to the second baseline | ${ratio(created.median, createdInFlight.median)} |
| writes | **at most 200** (asserted on every sample: met) |

What the push does beyond the bare loops: two commits that wait for the disk
(\`synchronous=FULL\`) for the whole push, where one a version would be 200; a read of each
working copy; and, once, the feed read after the push, which skips the 200 echoes of its own
writes by their ETags. Nothing is acted on before its commit: a crash at any point sends the
creates again with their recorded keys and the writes in flight again exactly (the crash test of
\`workbench-cli/tests/lifecycle.rs\` kills \`pwb sync\` 30 times during this push).
${CREATE_END}
`;
}

/** The durability section from the two commit figures, the load at the start and the date of the run. */
export function durabilitySection({ commitFull, commitNormal, load: loadAtStart, date }) {
  return `${DURABILITY_START}
## Store: what "saved means on disk" costs (issue 15)

Every commit of the cache runs with \`synchronous=FULL\`: in WAL mode, \`NORMAL\` survives a crash
of the program but a power cut or an OS crash can drop the last commits, the partner's edits that
the window already called saved; \`FULL\` syncs the WAL at each commit. The benchmark commits one
local edit with its outbox entry through \`Store::edit\` on a cache file (20 apps × 5 versions),
with \`FULL\` as shipped against \`NORMAL\` on an identical file in the same run. The difference is
one sync of the WAL per commit; on a laptop's SSD it is well under a millisecond, on a virtual
disk it can be more. An edit is saved 400 ms after typing stops, so even a few milliseconds are
not felt.

\`\`\`sh
node tests/benches/commit.mjs     # this benchmark alone; rewrites this section
\`\`\`

| measurement (median of ${commitFull.samples} samples, criterion; load average ${load(loadAtStart)} at its start; ${date}) | time |
| --- | --- |
| one edit committed, \`synchronous=FULL\` (shipped) | ${median(commitFull)} |
| the same, \`synchronous=NORMAL\` (baseline) | ${median(commitNormal)} |
| ratio | **${ratio(commitFull.median, commitNormal.median)}** |

The benchmark asserts that every call commits a real change and that each store runs at the
level it claims, so neither side can go fast by doing less.
${DURABILITY_END}
`;
}

function pullSection(run) {
  const { pull, pullBare } = run.criterion;
  return `## Sync: a full pull over loopback (issue 3)

A full pull of 1,000 apps × 5 versions with their icons (the sandbox's \`--seed scale\`: 50 pages
of apps, 1,000 pages of versions, 5,000 icons; about 6,050 requests with a bearer token) from a
real sandbox on 127.0.0.1 into an empty cache, through \`Workbench::pull\` (the client's paging,
size caps and checksum checks, then the one-transaction swap into SQLite). The baseline, in the
same run against the same sandbox, is a bare reqwest loop that sends the same requests and
parses only what it needs to find the next ones. Budget: 1.5×.

\`\`\`sh
cargo bench -p workbench-tests --bench pull
\`\`\`

| measurement (median of ${pull.samples} samples, criterion; load average ${load(run.loads.pull)} at its start) | time |
| --- | --- |
| \`Workbench::pull\` into an empty cache | ${median(pull)} |
| bare HTTP loop of the same requests (baseline) | ${median(pullBare)} |
| ratio | **${ratio(pull.median, pullBare.median)}** (budget ${within(pull.median, pullBare.median, BUDGETS.sync)}) |

What the pull pays on top of the bare loop is the cache's side: 5,000 versions with their plans
and icons written in one transaction, each with an upsert that first checks it for local changes
(since issue 6, when the pull learnt to merge instead of replace), the JSON decoded into typed
values rather than skimmed, and one more request, for the feed's end (\`GET /changes?cursor=latest\`).
Both figures pay the sandbox's check of each bearer token against its hashed store. Earlier runs,
on the same machine: 2.05 s against 1.67 s (1.22×, issue 3), 2.29 s against 1.77 s (1.30×, issue 6).
`;
}

export function syncSection(run) {
  const { idle, idleBare, push, pushBare } = run.criterion;
  return `${SYNC_START}
## Sync: nothing to do, and a push of 100 edited versions (issue 6)

\`\`\`sh
node tests/benches/sync.mjs     # the sync benchmarks alone; rewrites this section and the next one
\`\`\`

A sync with nothing to do (an empty outbox, a cache already at the feed's end) against a demo
sandbox whose fault profile adds 50 ms to every request; the baseline is one bare reqwest
\`GET /changes?cursor=C\` through the same latency. The benchmark asserts, on every sample, that
the sync sent exactly one request (\`PullReport::requests\`, counted by the client, retries
included). Budget: 1.5×.

| measurement (median of ${idle.samples} samples, criterion; load average ${load(run.loads.sync)} at its start) | time |
| --- | --- |
| \`Workbench::pull\` with nothing to do: push (no request) + one feed read | ${median(idle)} |
| one bare \`GET /changes\` round trip (baseline) | ${median(idleBare)} |
| ratio | **${ratio(idle.median, idleBare.median)}** (budget ${within(idle.median, idleBare.median, BUDGETS.sync)}), **1 request** (asserted) |

A push of 100 edited versions: before each sample, two fields of the marketplace section of the
newest version of 100 apps of the scale seed are edited (200 edits, 200 outbox entries); the
sample is the sync that sends them. The benchmark asserts, on every sample, that all 100 versions
were sent and that the push made at most 100 write requests (it makes exactly 100: the two edits
of a version are coalesced into one \`PATCH\` of the section, with \`If-Match\` and an idempotency
key, through the push's fast lane: four in flight, their answers settled in one transaction).
The baseline sends the same 100 section bodies as bare \`PATCH\` requests, one at a time, with
\`If-Match: *\` and an idempotency key each, as the push sends them (the server records every
keyed write's reply: that is part of what the request costs).

| measurement (median of ${push.samples} samples, criterion) | time |
| --- | --- |
| \`Workbench::pull\` sending 100 edited versions (100 \`PATCH\`es, then the feed read) | ${median(push)} |
| 100 bare \`PATCH\` requests of the same bodies (baseline) | ${median(pushBare)} |
| ratio | **${ratio(push.median, pushBare.median)}** (budget ${within(push.median, pushBare.median, BUDGETS.sync)}) |
| writes | **100** (budget: at most 100, asserted on every sample: met) |

What the push does on top of the bare requests is the cache's: the 100 writes are recorded in
flight in one transaction before any is sent, and their answers (each server copy becomes its
version's base, the entries leave the outbox) in one more, so a crash at any point loses nothing
and sends nothing twice; and the feed read that follows skips the 100 echoes of the push by their
ETags (one column read each) without fetching them.
${SYNC_END}
`;
}

function validationSection(run) {
  const c = run.criterion;
  const { bomb } = run;
  return `## Validation: icon checks and the decompression bomb

\`\`\`sh
cargo bench -p workbench-domain --bench validate -- --warm-up-time 1 --measurement-time 4
cargo test -p workbench-domain --release --test bomb_memory -- --nocapture   # peak memory
\`\`\`

| measurement (criterion, median; load average ${load(run.loads.validate)} at its start) | time |
| --- | --- |
| \`image\` decode alone of a 1024×1024 RGBA PNG (baseline) | ${median(c.decode)} |
| \`image\` decode with the engine's \`Limits\` | ${median(c.decodeLimits)} |
| \`validate\` of a version with that icon (every rule of the default pack) | ${median(c.validate)} |
| \`validate_icon\` of the same bytes (icon rules only) | ${median(c.validateIcon)} |
| \`validate\` of the same version without an icon | ${median(c.validateNoIcon)} |
| ratio, version with icon / decode alone | **${ratio(c.validate.median, c.decode.median)}** (target ${within(c.validate.median, c.decode.median, BUDGETS.validate)}) |
| refusing the 60000×60000 PNG bomb (\`validate_icon\`) | **${median(c.bomb)}** (target 5 ms: ${verdict(c.bomb.median <= 5e6)}) |
| peak live heap while refusing the bomb (counting allocator, \`tests/bomb_memory.rs\`) | **${size(bomb.peakBytes / 1024)}** (target 16 MiB: ${verdict(bomb.peakBytes < 16 * 2 ** 20)}) |

The blank-icon check skips pixels equal to the first one (the usual transparent margin): in the
first measurement it scanned the margin pixel by pixel, a quarter of all instructions
under callgrind, and the ratio was 1.51×. The bomb is refused from its header, before any pixel is
decoded; the bomb test asserts the 16 MiB bound on every CI run.
`;
}

/** The keystroke benchmark's section, between its markers (also what `tests/preview/bench.mjs` writes alone). */
export function previewSection(preview) {
  const { on, off, split } = preview;
  return `${PREVIEW_START}
## Preview: keystroke to updated preview (issue 7)

The version editor in Chromium (${preview.chromium}, headless, through playwright-core) on the built
window and the fake backend, with a ${preview.length.toLocaleString('en-US')}-character description (headings, emphasis, links,
lists, quotes, inline code) and the preview's Listing tab scrolled to its end, so the paragraph being
typed is on screen and must be painted. Each keystroke typed at the end of the description is timed
with the page's Performance API: a \`performance.mark\` in a capturing \`input\` listener (before the
editor's own), and a second one after the next frame was painted (\`requestAnimationFrame\`, then
\`setTimeout 0\`); the benchmark also checks that the preview showed the typed letter by then. The
baseline, in the same run on the same page, is the same keystrokes with the preview turned off (what
the editor itself costs per keystroke: the form, the draft, the debounced checks and save).

\`\`\`sh
npm --prefix ui run build && node tests/preview/bench.mjs     # alone: rewrites this section only
\`\`\`

| measurement (${preview.keystrokes} keystrokes each, after ${preview.warmup} warm-up; load average ${load(preview.load)} at its start) | median | p95 |
| --- | --- | --- |
| preview on (Listing tab, description rendered) | **${ms(on.median)}** | ${ms(on.p95)} |
| preview off (baseline) | ${ms(off.median)} | ${ms(off.p95)} |

Split of the medians, input event to the frame's \`requestAnimationFrame\` (the editor's and the
preview's script) then to after its paint: preview on ${ms(split.on.script)} + ${ms(split.on.frame)}, off
${ms(split.off.script)} + ${ms(split.off.frame)}.

Target: median at most ${preview.targetMs} ms with the preview on: **${on.median <= preview.targetMs ? 'met' : 'not met'}**. Measured ${preview.date} on
${preview.cores} cores, ${preview.memoryGiB} GiB. Both figures ran one after the other in the same run,
under the same load. Both include waiting for the next frame, so neither can be below the time to
the next vsync of the headless compositor.

What keeps it there: markdown-it parses the whole description on each keystroke (about 1 ms), but
the DOM keeps the top-level blocks that did not change (\`patchBlocks\`), and the listing is laid out
and painted in its own containment (\`contain: content\`, and \`layout paint\` on the description), so
the browser redoes the paragraph being typed, not the window. Before those two, a first version of
this benchmark (the listing not scrolled to its end) gave a median of 29.8 ms against 12.8 ms.
${PREVIEW_END}
`;
}

/** The filter benchmark's section, between its markers (also what `tests/benches/filter.mjs` writes alone). */
export function filterSection(filter) {
  const { list, baseline, split } = filter;
  const count = (n) => n.toLocaleString('en-US');
  const queries = filter.queries.map((query) => `\`${query}\``).join(', ');
  return `${FILTER_START}
## App list: keystroke to filtered list (issue 19)

The app list in Chromium (${filter.chromium}, headless, through playwright-core) on the built window
and the fake backend's \`?demo=scale-5\`: ${count(filter.apps.list)} apps × 5 versions (${count(filter.apps.list * 5)} versions, as the
sandbox's \`--seed scale\`). The filter box is typed in as a partner types: a query letter by letter, then
Backspace letter by letter to the empty box, then the next (${queries}), round and round;
${filter.changed} of the ${filter.keystrokes} keystrokes timed changed how many apps the list shows (from all of them
down to one, or none); the others (\`a\` to \`ap\`: every app matches both) changed which versions it shows, or
nothing but the box. Each keystroke is timed with the page's Performance API as
the preview's are: a \`performance.mark\` in a capturing \`input\` listener (before the list's own), and a
second one after the next frame was painted (\`requestAnimationFrame\`, then \`setTimeout 0\`). The
baseline, in the same run with the same procedure, is the same keystrokes on the demo portfolio (\`?demo\`,
${filter.apps.baseline} apps): what the box and a frame cost without a long list.

The benchmark checks that the frame it times is the one that shows the keystroke: at that frame it
records the count beside the box ("12 of 1000 apps"), and after the typing it sets the box to each of
the ${filter.distinct} texts typed, waits for the window to settle, and asserts that every keystroke's frame showed
its text's settled count. It also asserts that the list draws only what is in and near view: with
the box empty, ${filter.cards} cards of ${count(filter.apps.list)} were in the DOM (asserted under 200).

\`\`\`sh
npm --prefix ui run build && node tests/benches/filter.mjs     # alone: rewrites this section only
\`\`\`

| measurement (${filter.keystrokes} keystrokes each, after ${filter.warmup} warm-up; load average ${load(filter.load)} at its start) | median | p95 |
| --- | --- | --- |
| ${count(filter.apps.list)} apps × 5 versions (\`?demo=scale-5\`) | **${ms(list.median)}** | ${ms(list.p95)} |
| ${filter.apps.baseline} apps (\`?demo\`, baseline) | ${ms(baseline.median)} | ${ms(baseline.p95)} |

Split of the medians, input event to the frame's \`requestAnimationFrame\` (the filter and the list's
update) then to after its paint: ${count(filter.apps.list)} apps ${ms(split.list.script)} + ${ms(split.list.frame)}, ${filter.apps.baseline} apps
${ms(split.baseline.script)} + ${ms(split.baseline.frame)}.

What was cut: the first measurement gave 28.3 ms against 12.4 ms. Every keystroke builds the cards the
list then draws anew, so the list now draws one card beyond each edge of the view instead of three (about
4 ms less), and the toolbar above it is opaque with no backdrop blur, which Chromium computed again over
what changed under it (about 4 ms of the paint; the desktop window, drawn without compositing, never drew
the blur). The list's data is plain, not reactive (\`$state.raw\`), so filtering 5,000 versions is a loop
over plain objects.

Target: median at most ${filter.targetMs} ms at 1,000 apps × 5 versions: ${verdict(list.median <= filter.targetMs)}. Measured ${filter.date} on
${filter.cores} cores, ${filter.memoryGiB} GiB. Both figures ran one after the other in the same run, under the
same load. Both include waiting for the next frame, so neither can be below the time to the next
vsync of the headless compositor.
${FILTER_END}
`;
}

/** BENCHMARKS.md, whole, from one suite run's figures. */
export function render(run) {
  return [
    header(run),
    summary(run),
    startupSection(run),
    memorySection(run),
    storeSection(run),
    cliSection(run),
    durabilitySection({
      commitFull: run.criterion.commitFull,
      commitNormal: run.criterion.commitNormal,
      load: run.loads.commit,
      date: run.date,
    }),
    pullSection(run),
    syncSection(run),
    createSection({
      created: run.criterion.created,
      createdBare: run.criterion.createdBare,
      createdInFlight: run.criterion.createdInFlight,
      load: run.loads.sync,
      date: run.date,
    }),
    validationSection(run),
    previewSection(run.preview),
    filterSection(run.filter),
  ].join('\n');
}

/** `document` with the text between `start` and `end` replaced by `section` (appended when it has none). */
export function replaceSection(document, start, end, section) {
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  return from !== -1 && to > from
    ? `${document.slice(0, from)}${section.trimEnd()}${document.slice(to + end.length)}`
    : `${document.trimEnd()}\n\n${section}`;
}

/** `document` with the text between the preview markers replaced by `section` (appended when it has none). */
export function replacePreviewSection(document, section) {
  return replaceSection(document, PREVIEW_START, PREVIEW_END, section);
}

/** `document` with the text between the filter markers replaced by `section` (appended when it has none). */
export function replaceFilterSection(document, section) {
  return replaceSection(document, FILTER_START, FILTER_END, section);
}
