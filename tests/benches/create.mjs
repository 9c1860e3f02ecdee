// The offline-creation push benchmark alone: runs the `sync` bench's group "push of 100 versions started offline"
// (100 versions started offline and pushed, against the same requests from a bare loop, in the same run) and
// rewrites its own section of BENCHMARKS.md, between its markers, leaving the rest of the file as the last whole
// run wrote it. `./dev bench` runs it as part of the whole `sync` bench.
//
//   node tests/benches/create.mjs

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CREATE_END, CREATE_START, CRITERION_IDS, createSection, pick, readCriterion, replaceSection } from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = mkdtempSync(join(tmpdir(), 'pwb-bench-create-'));
try {
  const began = Date.now();
  const loadAtStart = loadavg()[0];
  const args = ['bench', '--locked', '-p', 'workbench-tests', '--bench', 'sync', '--', 'started offline'];
  const result = spawnSync('cargo', args, { cwd: ROOT, env: { ...process.env, CRITERION_HOME: home }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`cargo bench failed (${result.status ?? result.signal})`);
  const { created, createdBare, createdInFlight } = pick(readCriterion(home, began), {
    created: CRITERION_IDS.created,
    createdBare: CRITERION_IDS.createdBare,
    createdInFlight: CRITERION_IDS.createdInFlight,
  });
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const file = join(ROOT, 'BENCHMARKS.md');
  const section = createSection({ created, createdBare, createdInFlight, load: loadAtStart, date });
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), CREATE_START, CREATE_END, section));
  console.error(`wrote the offline-creation section of BENCHMARKS.md: ${created.median} ns against ${createdBare.median} ns`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
