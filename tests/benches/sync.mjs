// The sync benchmarks alone: runs the `sync` bench (a sync with nothing to do, a push of 100 edited versions, a push
// of 100 versions started offline, each beside its baseline in the same run) and rewrites their two sections of
// BENCHMARKS.md, between their markers, leaving the rest of the file as the last whole run wrote it. `./dev bench`
// runs the same bench as part of the whole suite.
//
//   node tests/benches/sync.mjs

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CREATE_END,
  CREATE_START,
  CRITERION_IDS,
  SYNC_END,
  SYNC_START,
  createSection,
  pick,
  readCriterion,
  replaceSection,
  syncSection,
} from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = mkdtempSync(join(tmpdir(), 'pwb-bench-sync-'));
try {
  const began = Date.now();
  const loadAtStart = loadavg()[0];
  const args = ['bench', '--locked', '-p', 'workbench-tests', '--bench', 'sync'];
  const result = spawnSync('cargo', args, { cwd: ROOT, env: { ...process.env, CRITERION_HOME: home }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`cargo bench failed (${result.status ?? result.signal})`);
  const ids = ['idle', 'idleBare', 'push', 'pushBare', 'created', 'createdBare', 'createdInFlight'];
  const criterion = pick(readCriterion(home, began), Object.fromEntries(ids.map((id) => [id, CRITERION_IDS[id]])));
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const file = join(ROOT, 'BENCHMARKS.md');
  let text = readFileSync(file, 'utf8');
  text = replaceSection(text, SYNC_START, SYNC_END, syncSection({ criterion, loads: { sync: loadAtStart } }));
  text = replaceSection(text, CREATE_START, CREATE_END, createSection({ ...criterion, load: loadAtStart, date }));
  writeFileSync(file, text);
  console.error(`wrote the sync sections of BENCHMARKS.md (${date})`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
