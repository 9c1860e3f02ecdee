// The `pwb apps --offline --json` benchmark of issue 19: the release `pwb` listing a cache of 5,000 versions as JSON,
// against `tests/minimal-list`, the least Rust program that opens the same cache file and prints the same bytes (its
// SQL and JSON written out bare). Each run is a new process, timed from just before `spawn` to its exit; the two
// alternate after a warm-up of each, and every run's output is checked equal to the other's. Used by `desktop.mjs`,
// which fills the cache; `suite.mjs` runs it as part of `./dev bench`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { stats } from './report.mjs';

/** The one `cache.sqlite3` under a data folder (a profile's, or a server's given by `PWB_SERVER`). */
function cacheFile(dataDir) {
  const found = readdirSync(dataDir, { recursive: true })
    .filter((name) => String(name).endsWith('cache.sqlite3'))
    .map((name) => join(dataDir, String(name)));
  assert.equal(found.length, 1, `one cache under ${dataDir}: ${found.join(', ')}`);
  return found[0];
}

/** Runs a program to its end; answers its stdout and how long it took, in milliseconds. */
function timed(binary, args, env) {
  const t0 = performance.now();
  const result = spawnSync(binary, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/**
 * `pwb apps --offline --json` (`pwb`, with `env`, whose `PWB_DATA_DIR` holds the cache) against `minimal` on the same
 * cache file, `runs` times each, alternating. Resolves with the median and p95 of each, the output's size and the load.
 */
export function measureCli({ pwb, minimal, env, runs }) {
  const cache = cacheFile(env.PWB_DATA_DIR);
  const once = () => {
    const a = timed(pwb, ['apps', '--offline', '--json'], env);
    const b = timed(minimal, [cache], env);
    assert.equal(a.stdout, b.stdout, 'pwb and the minimal program print the same bytes');
    return { pwb: a.ms, minimal: b.ms, bytes: Buffer.byteLength(a.stdout) };
  };
  const load = loadavg()[0];
  once();
  const times = { pwb: [], minimal: [] };
  let bytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const run = once();
    times.pwb.push(run.pwb);
    times.minimal.push(run.minimal);
    bytes = run.bytes;
  }
  return { load, runs, bytes, pwb: stats(times.pwb), minimal: stats(times.minimal) };
}
