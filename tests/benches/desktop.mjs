// The start-up and memory measurements of the real window: a private Xvfb display, a process started and timed to
// its "painted" log line, and the proportional set size of its process tree; and the two caches they start on.
// Used by `suite.mjs`.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureCli } from './cli.mjs';
import { stats } from './report.mjs';

/** The line the app and the minimal window log once their first list (or page) was painted. */
const PAINTED = /painted (\d+) ms after start/;
/** The app's next line: the marks of its start (`src-tauri/src/startup.rs`), as JSON. */
const STEPS = /start-up steps (\{.*\})\s*$/;
const PAINT_TIMEOUT_MS = 120_000;
/** How long a program is left alone after its first paint before its memory is read. */
const SETTLE_SECONDS = 10;
/** A point on the first card's heading in a 1280×800 window at the screen's corner. */
const FIRST_CARD_HEADING = { x: 300, y: 200 };
/** How long the list is given to draw after End and after Home. */
const SCROLL_PAUSE_MS = 3_000;

/** Starts Xvfb on a free display (it picks one and writes its number to fd 3); resolves with it and `stop`. */
async function startXvfb() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${errors.slice(-2000)}`)));
    child.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
  });
  child.removeAllListeners('exit');
  return {
    display,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Starts `binary` with the environment `env` and times it from just before `spawn` to the moment its "painted" line reaches
 * this process. Resolves with `{ ms, selfReported, steps, pid, stop }`: `selfReported` is the time the process itself
 * logged, `steps` its start-up marks (with `withSteps`: the app logs them right after), `stop` ends its process group.
 * The process leads a group of its own, so its WebKit processes end with it.
 */
async function launch(binary, env, { withSteps = false } = {}) {
  const t0 = performance.now();
  const child = spawn(binary, [], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let log = '';
  const lines = createInterface({ input: child.stderr });
  const stop = async () => {
    const signal = (name) => {
      try {
        process.kill(-child.pid, name);
      } catch {
        // the group is already gone
      }
    };
    signal('SIGTERM');
    const ended = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    signal('SIGKILL');
    if (!ended) await exited;
    lines.close();
  };
  try {
    const painted = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "painted" line within ${PAINT_TIMEOUT_MS / 1000} s`)), PAINT_TIMEOUT_MS);
      exited.then((code) => reject(new Error(`exited with ${code} before painting`)));
      let seen = null;
      lines.on('line', (line) => {
        log += `${line}\n`;
        const match = PAINTED.exec(line);
        if (match && !seen) {
          seen = { ms: performance.now() - t0, selfReported: Number(match[1]) };
          if (!withSteps) {
            clearTimeout(timer);
            resolve(seen);
          }
        }
        const steps = STEPS.exec(line);
        if (steps && seen && withSteps) {
          clearTimeout(timer);
          resolve({ ...seen, steps: JSON.parse(steps[1]) });
        }
      });
    });
    // Keep reading the log so the process never blocks on a full pipe.
    return { ...painted, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw new Error(`${binary}: ${error.message}\n${log.slice(-4000)}`);
  }
}

/** Every process in the tree under `root` (itself included): `[{ pid, name }]`, from `/proc/PID/stat` and `exe`. */
function processTree(root) {
  const children = new Map();
  const names = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split after its last `)`.
    const close = stat.lastIndexOf(')');
    let name = stat.slice(stat.indexOf('(') + 1, close);
    try {
      name = basename(readlinkSync(`/proc/${entry}/exe`)); // the whole name: comm is cut at 15 characters
    } catch {
      // not ours to read, or ended: keep comm
    }
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const pid = Number(entry);
    names.set(pid, name);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const tree = [];
  const visit = (pid) => {
    if (!names.has(pid)) return;
    tree.push({ pid, name: names.get(pid) });
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/**
 * The PSS of a process from `/proc/PID/smaps_rollup`, in KiB: in all, and split into anonymous memory (heaps: malloc,
 * the JavaScript heap, the DOM and its layers), file-backed (the code and data of the binary and its libraries, fonts)
 * and shared memory (what WebKit's processes share with each other). Zeros for a process that ended meanwhile.
 */
function pss(pid) {
  let rollup = '';
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    // ended meanwhile
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? 0);
  return { pss: field('Pss'), anon: field('Pss_Anon'), file: field('Pss_File'), shmem: field('Pss_Shmem') };
}

/** The PSS of the tree under `root`: the total in KiB, and per process name (summed over processes of that name). */
function treePss(root) {
  const byName = new Map();
  for (const { pid, name } of processTree(root)) {
    const sum = byName.get(name) ?? { pss: 0, anon: 0, file: 0, shmem: 0 };
    const one = pss(pid);
    for (const key of Object.keys(sum)) sum[key] += one[key];
    byName.set(name, sum);
  }
  const processes = [...byName].map(([name, kib]) => ({ name, ...kib })).sort((a, b) => b.pss - a.pss);
  return { total: processes.reduce((sum, p) => sum + p.pss, 0), processes };
}

/** Starts the release sandbox with the scale seed; resolves with its URL, an access token it issued, and `stop`. */
async function startScaleSandbox(binary, dataDir) {
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--data', dataDir, '--seed', 'scale'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.replace(/^listening on /, '')));
  });
  child.removeAllListeners('exit');
  const issued = await fetch(`${server}/_sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(issued.status, 200, 'the sandbox issues a token');
  const { access_token: token } = await issued.json();
  return {
    server,
    token,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The environment of a desktop run: this one without any Partner Workbench setting, plus `extra`. */
function desktopEnv(extra) {
  const env = { ...process.env };
  for (const name of ['PWB_DATA_DIR', 'PWB_PROFILE', 'PWB_SERVER', 'PWB_TOKEN', 'PWB_IPC_TRACE', 'PWB_LOG']) delete env[name];
  return { ...env, ...extra };
}

/** `pwb` with `env`, answering its stdout. */
function pwb(binary, args, env) {
  const result = spawnSync(binary, args, {
    env: desktopEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20, // the listing of 5,000 versions
  });
  if (result.status !== 0) throw new Error(`pwb ${args.join(' ')} failed (${result.status})`);
  return result.stdout;
}

/**
 * The median of each step of the app's start (milliseconds; `runs` from `launch` with their `steps`), measured from the
 * moment before the next one began. The shell's marks count from its `build_app`, the page's from its navigation.
 */
export function breakdown(runs) {
  const phases = {
    exec: [],
    main: [],
    shell: [],
    setup: [],
    window: [],
    page: [],
    script: [],
    list: [],
    listShell: [],
    render: [],
    paint: [],
    syncStarted: [],
    syncDone: [],
  };
  for (const { ms, selfReported, steps } of runs) {
    const shell = steps.ms;
    const page = steps.page_ms;
    phases.exec.push(ms - selfReported);
    phases.main.push(shell.builder);
    phases.shell.push(shell.setup - shell.builder);
    phases.setup.push(shell.setup_done - shell.setup);
    phases.window.push(shell.page_started - shell.setup_done);
    phases.page.push(page.script);
    phases.script.push(page.list_asked - page.script);
    phases.list.push(page.list_received - page.list_asked);
    phases.listShell.push(shell.list_answered - shell.list_asked);
    phases.render.push(page.rendered - page.list_received);
    phases.paint.push(page.painted - page.rendered);
    phases.syncStarted.push(shell.sync_started ?? Number.NaN);
    phases.syncDone.push(shell.sync_done ?? Number.NaN);
  }
  return Object.fromEntries(Object.entries(phases).map(([name, values]) => [name, stats(values).median]));
}

/**
 * The size in bytes of the first app list the app sends its window, as sent: from one more start (not timed) with the
 * shell's IPC trace on (`PWB_IPC_TRACE`), its first reply holding `apps`.
 */
async function listPayloadBytes(app, work) {
  const trace = join(work, `ipc-trace-${Date.now()}.jsonl`);
  const started = await launch(app.binary, { ...app.env, PWB_IPC_TRACE: trace });
  await started.stop();
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (!line) continue;
    const { kind, payload } = JSON.parse(line);
    if (kind === 'reply' && Array.isArray(payload?.apps)) return Buffer.byteLength(JSON.stringify(payload));
  }
  throw new Error('the trace holds no app list');
}

/** Starts and stops the app and the minimal window in turn, `runs` times each after a warm-up of each. */
async function startup(app, minimal, runs, work) {
  const once = async (program) => {
    const started = await launch(program.binary, program.env, { withSteps: program === app });
    await started.stop();
    await sleep(300);
    return started;
  };
  await once(app);
  await once(minimal);
  const times = { app: [], minimal: [], selfReported: [], minimalSelfReported: [] };
  const appRuns = [];
  for (let i = 0; i < runs; i += 1) {
    const a = await once(app);
    appRuns.push(a);
    times.app.push(a.ms);
    times.selfReported.push(a.selfReported);
    const m = await once(minimal);
    times.minimal.push(m.ms);
    times.minimalSelfReported.push(m.selfReported);
  }
  return {
    app: stats(times.app),
    minimal: stats(times.minimal),
    selfReported: stats(times.selfReported),
    minimalSelfReported: stats(times.minimalSelfReported),
    steps: breakdown(appRuns),
    listBytes: await listPayloadBytes(app, work),
  };
}

/**
 * Scrolls the app's list to its end and back as a partner would with the keyboard: a click on the first card's heading
 * (which focuses the card, and opens nothing), End, then Home, each followed by a pause for the list to draw what came
 * into view. The same input goes to the minimal window, where it changes nothing.
 */
function scrollToEndAndBack(display) {
  const xdotool = (...args) => {
    const result = spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`xdotool ${args.join(' ')} failed: ${result.stderr}`);
  };
  xdotool('mousemove', String(FIRST_CARD_HEADING.x), String(FIRST_CARD_HEADING.y), 'click', '1');
  return sleep(500)
    .then(() => xdotool('key', 'End'))
    .then(() => sleep(SCROLL_PAUSE_MS))
    .then(() => xdotool('key', 'Home'))
    .then(() => sleep(SCROLL_PAUSE_MS));
}

/**
 * The PSS of each program's process tree SETTLE_SECONDS after its first paint, and again after the list was scrolled to
 * its end and back; for each, the run with the median total.
 */
async function memory(app, minimal, runs, display) {
  const measure = async (program) => {
    const started = await launch(program.binary, program.env);
    try {
      await sleep(SETTLE_SECONDS * 1000);
      const atStart = treePss(started.pid);
      await scrollToEndAndBack(display);
      return { atStart, scrolled: treePss(started.pid) };
    } finally {
      await started.stop();
      await sleep(300);
    }
  };
  const results = { app: [], minimal: [] };
  for (let i = 0; i < runs; i += 1) {
    results.app.push(await measure(app));
    results.minimal.push(await measure(minimal));
  }
  const medianRun = (list) => [...list].sort((a, b) => a.total - b.total)[Math.floor((list.length - 1) / 2)];
  const median = (list, when) => medianRun(list.map((run) => run[when]));
  return {
    app: median(results.app, 'atStart'),
    minimal: median(results.minimal, 'atStart'),
    scrolled: { app: median(results.app, 'scrolled'), minimal: median(results.minimal, 'scrolled') },
  };
}

/**
 * The start-up and memory figures of the release app in `release` against the minimal window, with scratch files in
 * `work`: fills the two caches, starts Xvfb, runs both programs in turn, and stops everything it started.
 */
export async function measureDesktop(release, work, { startupRuns, memoryRuns, cliRuns, say }) {
  const binaries = {
    app: join(release, 'partner-workbench'),
    minimal: join(release, 'minimal-window'),
    pwb: join(release, 'pwb'),
    minimalList: join(release, 'minimal-list'),
    sandbox: join(release, 'partner-sandbox'),
  };
  const xvfb = await startXvfb();
  const xdg = join(work, 'xdg');
  const common = {
    DISPLAY: xvfb.display,
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    XDG_CONFIG_HOME: join(xdg, 'config'),
  };
  const minimal = { binary: binaries.minimal, env: desktopEnv(common) };
  let sandbox = null;
  try {
    say('desktop: filling the caches (the embedded sandbox\'s demo partner; 5,000 versions from a scale sandbox)');
    const demoData = join(work, 'demo');
    pwb(binaries.pwb, ['sync'], { PWB_DATA_DIR: demoData });
    const demoApps = JSON.parse(pwb(binaries.pwb, ['apps', '--offline', '--json'], { PWB_DATA_DIR: demoData })).apps.length;
    assert.ok(demoApps > 0, 'the demo cache has apps');
    sandbox = await startScaleSandbox(binaries.sandbox, join(work, 'sandbox'));
    const scaleEnv = { PWB_DATA_DIR: join(work, 'scale'), PWB_SERVER: sandbox.server, PWB_TOKEN: sandbox.token };
    pwb(binaries.pwb, ['sync'], scaleEnv);
    const scaleListing = JSON.parse(pwb(binaries.pwb, ['apps', '--offline', '--json'], scaleEnv)).apps;
    const versions = scaleListing.reduce((sum, listing) => sum + listing.versions.length, 0);
    assert.equal(versions, 5_000, 'the scale cache holds 5,000 versions');

    say('cli: pwb apps --offline --json over the 5,000 versions, against a minimal program printing the same bytes');
    const cli = measureCli({ pwb: binaries.pwb, minimal: binaries.minimalList, env: desktopEnv(scaleEnv), runs: cliRuns });

    const demo = { binary: binaries.app, env: desktopEnv({ ...common, PWB_DATA_DIR: demoData }) };
    const scale = { binary: binaries.app, env: desktopEnv({ ...common, ...scaleEnv }) };

    say(`desktop: start-up, ${startupRuns} runs each, alternating with the minimal window`);
    const startupLoad = loadavg()[0];
    const startupDemo = await startup(demo, minimal, startupRuns, work);
    const startupScale = await startup(scale, minimal, startupRuns, work);

    say(`desktop: memory with 5,000 cached versions, ${memoryRuns} runs each, ${SETTLE_SECONDS} s after the first paint`);
    const memoryLoad = loadavg()[0];
    const memoryFigures = await memory(scale, minimal, memoryRuns, xvfb.display);
    return {
      startup: { load: startupLoad, runs: startupRuns, demo: { apps: demoApps, ...startupDemo }, scale: startupScale },
      memory: { load: memoryLoad, runs: memoryRuns, settleSeconds: SETTLE_SECONDS, ...memoryFigures },
      cli,
    };
  } finally {
    await sandbox?.stop();
    await xvfb.stop();
  }
}
