// The benchmark suite: runs every benchmark of the project in one go and rewrites BENCHMARKS.md whole from this
// run's figures (`report.mjs` renders it). `./dev bench` builds what it needs first and runs this inside a private
// D-Bus session:
//
//   npm --prefix ui run build
//   cargo build --release -p partner-workbench -p workbench-cli -p partner-sandbox -p minimal-window
//   dbus-run-session -- node tests/benches/suite.mjs
//
// STARTUP_RUNS (default 10) and MEMORY_RUNS (default 3) change the number of desktop runs of each program.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launch, startXvfb, treePss } from './desktop.mjs';
import { CRITERION_IDS, parseBomb, pick, readCriterion, render, stats } from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STARTUP_RUNS = Number(process.env.STARTUP_RUNS ?? 10);
const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 3);
const SETTLE_SECONDS = 10;
assert.ok(STARTUP_RUNS >= 5 && MEMORY_RUNS >= 1, 'STARTUP_RUNS must be at least 5 and MEMORY_RUNS at least 1');

const say = (text) => console.error(`\x1b[1m==> ${text}\x1b[0m`);
const load = () => loadavg()[0];

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return process.env.CARGO_TARGET_DIR;
  const metadata = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT });
  return JSON.parse(metadata).target_directory;
}

/** Runs a command in the repository, its output shown; with `capture`, also answers its stdout and stderr. */
function run(command, args, { env = {}, capture = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (capture) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
  }
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  return capture ? `${result.stdout}${result.stderr}` : '';
}

function machine() {
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  return {
    cpu: cpus()[0].model.replace(/\s+/g, ' ').trim(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux',
    rustc: execFileSync('rustc', ['--version'], { encoding: 'utf8' }).split(' ')[1],
  };
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
  const result = spawnSync(binary, args, { env: desktopEnv(env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`pwb ${args.join(' ')} failed (${result.status})`);
  return result.stdout;
}

/** Starts and stops the app and the minimal window in turn, `runs` times each after a warm-up of each. */
async function startup(app, minimal, runs) {
  const once = async (program) => {
    const started = await launch(program.binary, program.env);
    await started.stop();
    await sleep(300);
    return started;
  };
  await once(app);
  await once(minimal);
  const times = { app: [], minimal: [], selfReported: [] };
  for (let i = 0; i < runs; i += 1) {
    const a = await once(app);
    times.app.push(a.ms);
    times.selfReported.push(a.selfReported);
    times.minimal.push((await once(minimal)).ms);
  }
  return { app: stats(times.app), minimal: stats(times.minimal), selfReported: stats(times.selfReported) };
}

/** The PSS of each program's process tree, SETTLE_SECONDS after its first paint; the run with the median total. */
async function memory(app, minimal, runs) {
  const measure = async (program) => {
    const started = await launch(program.binary, program.env);
    try {
      await sleep(SETTLE_SECONDS * 1000);
      return treePss(started.pid);
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
  return { app: medianRun(results.app), minimal: medianRun(results.minimal) };
}

async function desktop(release, work) {
  const binaries = {
    app: join(release, 'partner-workbench'),
    minimal: join(release, 'minimal-window'),
    pwb: join(release, 'pwb'),
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

    const demo = { binary: binaries.app, env: desktopEnv({ ...common, PWB_DATA_DIR: demoData }) };
    const scale = { binary: binaries.app, env: desktopEnv({ ...common, ...scaleEnv }) };

    say(`desktop: start-up, ${STARTUP_RUNS} runs each, alternating with the minimal window`);
    const startupLoad = load();
    const startupDemo = await startup(demo, minimal, STARTUP_RUNS);
    const startupScale = await startup(scale, minimal, STARTUP_RUNS);

    say(`desktop: memory with 5,000 cached versions, ${MEMORY_RUNS} runs each, ${SETTLE_SECONDS} s after the first paint`);
    const memoryLoad = load();
    const memoryFigures = await memory(scale, minimal, MEMORY_RUNS);
    return {
      startup: { load: startupLoad, runs: STARTUP_RUNS, demo: { apps: demoApps, ...startupDemo }, scale: startupScale },
      memory: { load: memoryLoad, runs: MEMORY_RUNS, settleSeconds: SETTLE_SECONDS, ...memoryFigures },
    };
  } finally {
    await sandbox?.stop();
    await xvfb.stop();
  }
}

const target = targetDir();
const release = join(target, 'release');
const work = mkdtempSync(join(tmpdir(), 'pwb-bench-'));
const criterionHome = join(work, 'criterion');
const began = Date.now();
const loadStart = load();
const loads = {};
const cargoEnv = { CRITERION_HOME: criterionHome };
let figures;
try {
  say('store: Store::list_apps against a bare rusqlite query');
  loads.store = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-store', '--bench', 'list'], { env: cargoEnv });

  say('validation: icon checks against a bare decode, and the bomb');
  loads.validate = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-domain', '--bench', 'validate', '--', '--warm-up-time', '1', '--measurement-time', '4'], {
    env: cargoEnv,
  });
  const bomb = parseBomb(
    run('cargo', ['test', '--locked', '-p', 'workbench-domain', '--release', '--test', 'bomb_memory', '--', '--nocapture'], {
      capture: true,
    }),
  );

  say('sync: a full pull against a bare HTTP loop');
  loads.pull = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-tests', '--bench', 'pull'], { env: cargoEnv });

  say('sync: nothing to do, and a push of 100 versions');
  loads.sync = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-tests', '--bench', 'sync'], { env: cargoEnv });

  say('preview: keystroke to updated preview, in Chromium');
  const previewFile = join(work, 'preview.json');
  run('node', ['tests/preview/bench.mjs', '--json', previewFile]);
  const preview = JSON.parse(readFileSync(previewFile, 'utf8'));

  const criterion = pick(readCriterion(criterionHome, began), CRITERION_IDS);
  const desktopFigures = await desktop(release, work);

  figures = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machine(),
    loadStart,
    loadEnd: load(),
    loads,
    criterion,
    bomb,
    preview,
    ...desktopFigures,
  };
} finally {
  rmSync(work, { recursive: true, force: true });
}

mkdirSync(join(target, 'bench'), { recursive: true });
writeFileSync(join(target, 'bench', 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
writeFileSync(join(ROOT, 'BENCHMARKS.md'), render(figures));
say(`wrote BENCHMARKS.md (and the figures as JSON in ${join(target, 'bench', 'figures.json')})`);
