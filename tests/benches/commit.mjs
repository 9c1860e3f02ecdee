// The durability benchmark alone: runs `cargo bench -p workbench-store --bench commit` (a local edit committed with
// synchronous=FULL, as shipped, against NORMAL, in the same run) and rewrites its own section of BENCHMARKS.md,
// between its markers, leaving the rest of the file as the last whole run wrote it. `./dev bench` runs it as part
// of the suite.
//
//   node tests/benches/commit.mjs

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CRITERION_IDS,
  DURABILITY_END,
  DURABILITY_START,
  durabilitySection,
  pick,
  readCriterion,
  replaceSection,
} from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = mkdtempSync(join(tmpdir(), 'pwb-bench-commit-'));
try {
  const began = Date.now();
  const loadAtStart = loadavg()[0];
  const result = spawnSync('cargo', ['bench', '--locked', '-p', 'workbench-store', '--bench', 'commit'], {
    cwd: ROOT,
    env: { ...process.env, CRITERION_HOME: home },
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`cargo bench failed (${result.status ?? result.signal})`);
  const { commitFull, commitNormal } = pick(readCriterion(home, began), {
    commitFull: CRITERION_IDS.commitFull,
    commitNormal: CRITERION_IDS.commitNormal,
  });
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const file = join(ROOT, 'BENCHMARKS.md');
  const section = durabilitySection({ commitFull, commitNormal, load: loadAtStart, date });
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), DURABILITY_START, DURABILITY_END, section));
  console.error(`wrote the durability section of BENCHMARKS.md: FULL ${commitFull.median} ns, NORMAL ${commitNormal.median} ns`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
