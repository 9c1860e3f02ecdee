// The start-up and memory measurements of the real window: a private Xvfb display, a process started and timed to
// its "painted" log line, and the proportional set size of its process tree. Used by `suite.mjs`.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** The line the app and the minimal window log once their first list (or page) was painted. */
const PAINTED = /painted (\d+) ms after start/;
const PAINT_TIMEOUT_MS = 120_000;

/** Starts Xvfb on a free display (it picks one and writes its number to fd 3); resolves with it and `stop`. */
export async function startXvfb() {
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
 * Starts `binary` with `env` added and times it from just before `spawn` to the moment its "painted" line reaches
 * this process. Resolves with `{ ms, selfReported, pid, stop }`: `selfReported` is the time the process itself
 * logged, `stop` ends its process group. The process leads a group of its own, so its WebKit processes end with it.
 */
export async function launch(binary, env) {
  const t0 = performance.now();
  const child = spawn(binary, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
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
      lines.on('line', (line) => {
        log += `${line}\n`;
        const match = PAINTED.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve({ ms: performance.now() - t0, selfReported: Number(match[1]) });
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
export function processTree(root) {
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

/** The `Pss:` line of `/proc/PID/smaps_rollup`, in KiB (0 for a process that ended meanwhile). */
export function pss(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The PSS of the tree under `root`: the total in KiB, and per process name (summed over processes of that name). */
export function treePss(root) {
  const byName = new Map();
  for (const { pid, name } of processTree(root)) byName.set(name, (byName.get(name) ?? 0) + pss(pid));
  const processes = [...byName].map(([name, kib]) => ({ name, pss: kib })).sort((a, b) => b.pss - a.pss);
  return { total: processes.reduce((sum, p) => sum + p.pss, 0), processes };
}
