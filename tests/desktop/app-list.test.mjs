// The real desktop window, end to end: tauri-driver + WebKitWebDriver under Xvfb launch the built
// app, which starts its embedded sandbox, fills its cache and shows the partner's apps. Then a
// server's cache with that server gone: the list shows at once, marked offline. (Each server has
// a data folder of its own, so the cache shown offline is the one that server filled.)
//
// Needs PWB_APP_BINARY and PWB_CLI_BINARY (absolute paths, with the partner-sandbox binary built
// beside pwb), a display (xvfb-run) and tauri-driver on PATH. `./dev test` sets all of them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const cli = process.env.PWB_CLI_BINARY;
assert.ok(app && cli, 'PWB_APP_BINARY and PWB_CLI_BINARY must point at the built binaries');

let dataDir;
let sandboxDir;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-e2e-'));
  sandboxDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-e2e-sandbox-'));
});
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(sandboxDir, { recursive: true, force: true });
});

/** A partner-sandbox of its own (the binary beside pwb), with its URL and a way to stop it. */
async function startSandbox(dir) {
  const child = spawn(join(dirname(cli), 'partner-sandbox'), ['--listen', '127.0.0.1:0', '--data', dir, '--seed', 'demo'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const listening = seen.match(/listening on (\S+)/);
      if (listening) resolve(listening[1]);
    });
    exited.then((code) => reject(new Error(`partner-sandbox exited with ${code} before listening`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { url, stop };
}

/** Everything the list shows, read from the window's DOM. */
const READ_LIST = `
  return Array.from(document.querySelectorAll('[data-testid="app"]')).map((app) => ({
    id: app.getAttribute('data-app-id'),
    name: app.querySelector('[data-testid="app-name"]').textContent.trim(),
    versions: Array.from(app.querySelectorAll('[data-testid="version"]')).map((v) => ({
      id: v.getAttribute('data-version-id'),
      number: v.querySelector('[data-testid="version-number"]').textContent.trim(),
      technical: v.querySelector('[data-testid="badge-technical"]').getAttribute('data-status'),
      technicalLabel: v.querySelector('[data-testid="badge-technical"]').textContent.trim(),
      marketplace: v.querySelector('[data-testid="badge-marketplace"]').getAttribute('data-status'),
    })),
  }));`;

/** A script that is true once the sync indicator shows `state`. */
const syncStateIs = (state) => `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el !== null && el.getAttribute('data-state') === ${JSON.stringify(state)};`;

/** What `pwb` reads from the same cache: the window must show exactly this. */
function cachedApps(env) {
  const out = execFileSync(cli, ['apps', '--json', '--offline'], { env: { ...process.env, ...env } });
  return JSON.parse(out.toString()).apps;
}

function expectedRows(apps) {
  return apps.map((a) => ({
    id: a.id,
    name: a.display_name,
    versions: a.versions.map((v) => ({ id: v.id, number: v.version_number, technical: v.technical, marketplace: v.marketplace })),
  }));
}

function shownRows(list) {
  return list.map((a) => ({
    id: a.id,
    name: a.name,
    versions: a.versions.map(({ id, number, technical, marketplace }) => ({
      id,
      number: number.replace(/^v/, ''),
      technical,
      marketplace,
    })),
  }));
}

test('first start: the window syncs from the embedded sandbox and lists the demo apps with both statuses', async () => {
  const env = { PWB_DATA_DIR: dataDir, PWB_SERVER: '', PWB_PROFILE: '' };
  const driver = await startDriver(env);
  const session = await openSession(driver.url, app);
  try {
    await session.waitFor(syncStateIs('idle'), 'the first sync to finish');
    const list = await session.waitFor(`const l = (() => {${READ_LIST}})(); return l.length >= 3 && l;`, 'the demo apps');
    assert.ok(list.length >= 3, 'the demo seed has at least three apps');
    assert.ok(list.some((a) => a.name === 'Acme CRM Connector'), `demo app missing from ${JSON.stringify(list.map((a) => a.name))}`);
    const statuses = new Set(list.flatMap((a) => a.versions.flatMap((v) => [v.technical, v.marketplace])));
    assert.ok(statuses.size >= 4, `versions in different statuses are shown: ${[...statuses]}`);
    const inReview = list.flatMap((a) => a.versions).find((v) => v.technical === 'in_review');
    assert.equal(inReview?.technicalLabel, 'In Review', 'badges carry the human label');
    assert.deepEqual(shownRows(list), expectedRows(cachedApps(env)), 'the window shows exactly what the cache holds');
  } finally {
    await session.close();
    await driver.stop();
  }
});

test('server down: the window shows the cached list at once and says it is offline', async () => {
  // A server's cache, filled by `pwb sync` with a token from the sandbox's admin route, then the
  // server stopped: its port refuses connections from then on.
  const sandbox = await startSandbox(sandboxDir);
  const env = { PWB_DATA_DIR: dataDir, PWB_SERVER: sandbox.url, PWB_PROFILE: '' };
  try {
    const reply = await fetch(`${sandbox.url}/_sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { access_token: token } = await reply.json();
    execFileSync(cli, ['sync'], { env: { ...process.env, ...env, PWB_TOKEN: token } });
  } finally {
    await sandbox.stop();
  }
  const expected = expectedRows(cachedApps(env));
  assert.ok(expected.length >= 3, 'the sync filled the cache of that server');
  const driver = await startDriver(env);
  const session = await openSession(driver.url, app);
  try {
    const list = await session.waitFor(`const l = (() => {${READ_LIST}})(); return l.length > 0 && l;`, 'the cached list', 10_000);
    assert.deepEqual(shownRows(list), expected, 'the cached list is shown as it was');
    await session.waitFor(syncStateIs('offline'), 'the offline state');
    const banner = await session.execute(`const b = document.querySelector('[data-testid="offline-banner"]'); return b && b.textContent;`);
    assert.match(banner ?? '', /offline/i, 'an offline banner explains why nothing is fresh');
  } finally {
    await session.close();
    await driver.stop();
  }
});
