// One app per data folder, in the real window: with the app running on its embedded sandbox (driven through
// tauri-driver), the same binary launched again with the same environment exits by itself within 15 s with status 0;
// afterwards only the first app process runs on that data folder, listening on the same sockets as before (one
// embedded sandbox, no second one), and its window still answers WebDriver and logged that it was asked to show itself.
// An app on another data folder is another instance: it starts and keeps running beside the first.
//
// Needs PWB_APP_BINARY (absolute path), a display (xvfb-run), tauri-driver on PATH and a D-Bus session bus (the
// single-instance check lives there on Linux): `./dev test` runs the desktop suite inside a private `dbus-run-session`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
assert.ok(app, 'PWB_APP_BINARY must point at the built desktop binary');

/** How long a second launch may take to hand over and exit. */
const EXIT_BOUND_MS = 15_000;

let workDir;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-single-'));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

const syncStateIs = (state) => `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el !== null && el.getAttribute('data-state') === ${JSON.stringify(state)};`;

/** The PIDs of this binary's processes whose environment names `dataDir` as their data folder. */
function appProcesses(dataDir) {
  const binary = realpathSync(app);
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) !== binary) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`PWB_DATA_DIR=${dataDir}`)) found.push(Number(entry));
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found.sort((a, b) => a - b);
}

/** The TCP ports `pid` listens on (IPv4 and IPv6), from /proc/net/tcp* and the process's socket descriptors. */
function listeningPorts(pid) {
  const listening = new Map();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl, local_address, rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode
      if (fields.length < 10 || fields[3] !== '0A') continue;
      listening.set(fields[9], parseInt(fields[1].split(':').pop(), 16));
    }
  }
  const ports = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && listening.has(inode)) ports.push(listening.get(inode));
  }
  return ports.sort((a, b) => a - b);
}

/**
 * Launches the app binary as a person would (no WebDriver), with `env` over this process's environment, in a process
 * group of its own. Resolves with `exited` (its `{ code, signal }` once it ends) and `stop`, which ends the group.
 */
function launch(env, log) {
  const out = openSync(log, 'a');
  const child = spawn(app, [], { env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  return { pid: child.pid, exited, stop };
}

/** `promise`'s value, or `null` when it has not settled within `ms`. */
const within = (promise, ms) => Promise.race([promise, sleep(ms).then(() => null)]);

test('a second launch on the same data folder shows the first window and exits; another folder is another app', async () => {
  assert.ok(
    process.env.DBUS_SESSION_BUS_ADDRESS,
    'no D-Bus session bus: run the desktop tests inside dbus-run-session (./dev test does)',
  );
  const dataDir = join(workDir, 'data');
  const env = { PWB_DATA_DIR: dataDir, PWB_SERVER: '', PWB_PROFILE: '', PWB_LOG: 'info' };
  const driver = await startDriver(env);
  const session = await openSession(driver.url, app);
  const launched = [];
  try {
    // The first app is up: its embedded sandbox started and the first sync ended.
    await session.waitFor(syncStateIs('idle'), 'the first sync', 60_000);
    const first = appProcesses(dataDir);
    assert.equal(first.length, 1, `one app process on the data folder at first: ${first}`);
    const ports = listeningPorts(first[0]);
    assert.ok(ports.length >= 1, 'the first app listens (its embedded sandbox)');

    // The same binary, the same environment, launched again.
    const secondLog = join(workDir, 'second.log');
    const second = launch(env, secondLog);
    launched.push(second);
    const exit = await within(second.exited, EXIT_BOUND_MS);
    const secondOutput = () => readFileSync(secondLog, 'utf8').slice(-4000);
    assert.ok(exit, `the second launch was still running after ${EXIT_BOUND_MS / 1000} s:\n${secondOutput()}`);
    assert.deepEqual(exit, { code: 0, signal: null }, `the second launch ended badly:\n${secondOutput()}`);

    // Only the first app remains on the folder, with the same listening sockets: no second embedded sandbox.
    assert.deepEqual(appProcesses(dataDir), first);
    assert.deepEqual(listeningPorts(first[0]), ports);

    // The first window still answers, and was asked to show itself.
    assert.equal(await session.execute('return document.title;'), 'Partner Workbench');
    await session.waitFor(syncStateIs('idle'), 'the first window, still idle');
    const deadline = Date.now() + 5_000;
    while (!readFileSync(driver.log, 'utf8').includes('launched again on this data folder')) {
      assert.ok(Date.now() < deadline, `the first app did not log the second launch; see ${driver.log}`);
      await sleep(100);
    }

    // An app on another data folder is an instance of its own: it keeps running.
    const otherDir = join(workDir, 'other');
    const other = launch({ ...env, PWB_DATA_DIR: otherDir }, join(workDir, 'other.log'));
    launched.push(other);
    assert.equal(await within(other.exited, 5_000), null, 'the app on another data folder exited');
    assert.deepEqual(appProcesses(otherDir), [other.pid]);
    assert.deepEqual(appProcesses(dataDir), first);
  } finally {
    for (const child of launched) await child.stop();
    await session.close();
    await driver.stop();
  }
});
