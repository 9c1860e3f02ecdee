// The desktop tests' side of `notification-recorder.py`: start it on the session bus the suite runs in (the private one
// `./dev test` makes), and read what it recorded.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const RECORDER = join(dirname(fileURLToPath(import.meta.url)), 'notification-recorder.py');

/**
 * Starts the notification recorder, appending every Notify call to `recordFile` and choosing each notification a
 * second after it is shown (as a person would); resolves once it owns the name on the bus.
 */
export async function startRecorder(recordFile) {
  const child = spawn(RECORDER, [recordFile, '--invoke', 'default'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`the notification recorder exited with ${code}`)));
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`recorder said ${line}`))));
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The notifications recorded in `recordFile` so far (summary, body, actions, app_name, id), oldest first. */
function readRecorded(recordFile) {
  if (!existsSync(recordFile)) return [];
  return readFileSync(recordFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Waits until at least `count` notifications are recorded, then answers them all; fails after 30 s. */
export async function recorded(recordFile, what, count = 1) {
  const deadline = Date.now() + 30_000;
  let seen = [];
  while (Date.now() < deadline) {
    seen = readRecorded(recordFile);
    if (seen.length >= count) return seen;
    await sleep(100);
  }
  throw new Error(
    `${count} notification(s) were not recorded within 30 s (${what}); recorded: ${JSON.stringify(seen.map((n) => n.summary))}`,
  );
}
