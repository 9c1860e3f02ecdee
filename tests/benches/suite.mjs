// The benchmark suite: runs every benchmark of the project in one go and rewrites BENCHMARKS.md whole from this
// run's figures (`report.mjs` renders it). `./dev bench` builds what it needs first and runs this inside a private
// D-Bus session:
//
//   npm --prefix ui run build
//   cargo build --release -p partner-workbench -p workbench-cli -p partner-sandbox -p minimal-window -p minimal-list
//   dbus-run-session -- node tests/benches/suite.mjs
//
// STARTUP_RUNS (default 10) and MEMORY_RUNS (default 3) change the number of desktop runs of each program, CLI_RUNS
// (default 30) that of `pwb apps --offline --json` and its baseline.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDesktop } from './desktop.mjs';
import { CRITERION_IDS, parseBomb, pick, readCriterion, render } from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STARTUP_RUNS = Number(process.env.STARTUP_RUNS ?? 10);
const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 3);
const CLI_RUNS = Number(process.env.CLI_RUNS ?? 30);
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
  // The desktop runs first: they need only the release build, and the criterion benchmarks build their own.
  const desktopFigures = await measureDesktop(release, work, { startupRuns: STARTUP_RUNS, memoryRuns: MEMORY_RUNS, cliRuns: CLI_RUNS, say });

  say('preview: keystroke to updated preview, in Chromium');
  const previewFile = join(work, 'preview.json');
  run('node', ['tests/preview/bench.mjs', '--json', previewFile]);
  const preview = JSON.parse(readFileSync(previewFile, 'utf8'));

  say('app list: keystroke to filtered list at 1,000 apps x 5 versions, in Chromium');
  const filterFile = join(work, 'filter.json');
  run('node', ['tests/benches/filter.mjs', '--json', filterFile]);
  const filter = JSON.parse(readFileSync(filterFile, 'utf8'));

  say('store: Store::list_apps against a bare rusqlite query');
  loads.store = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-store', '--bench', 'list'], { env: cargoEnv });

  say('store: a local edit committed with synchronous=FULL against NORMAL');
  loads.commit = load();
  run('cargo', ['bench', '--locked', '-p', 'workbench-store', '--bench', 'commit'], { env: cargoEnv });

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

  const criterion = pick(readCriterion(criterionHome, began), CRITERION_IDS);

  figures = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machine(),
    loadStart,
    loadEnd: load(),
    loads,
    criterion,
    bomb,
    preview,
    filter,
    ...desktopFigures,
  };
} finally {
  rmSync(work, { recursive: true, force: true });
}

mkdirSync(join(target, 'bench'), { recursive: true });
writeFileSync(join(target, 'bench', 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
writeFileSync(join(ROOT, 'BENCHMARKS.md'), render(figures));
say(`wrote BENCHMARKS.md (and the figures as JSON in ${join(target, 'bench', 'figures.json')})`);
