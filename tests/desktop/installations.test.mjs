// A pending installation approved from the real window: the app works against a partner-sandbox by URL (demo seed);
// the partner opens Acme CRM Connector's installations from its card, sees Initech Care's pending installation with
// the badge its customer sees ("Installing"), approves it, and the window reads the list again. The sandbox, asked
// over HTTP, has it completed. Nothing is mocked.
//
// Needs PWB_APP_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run) and tauri-driver on PATH.
// `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, startDriver, startSandbox } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && sandboxBinary, 'PWB_APP_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');

/** Acme CRM Connector in the demo seed, and its installation in Initech Care, pending the partner's approval. */
const APP_ID = 'app-acme-crm';
const INSTALLATION_ID = 'inst-acme-crm-03';

let workDir;
let stopSandbox;
let server;
let token;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-installations-'));
  ({ server, token, stop: stopSandbox } = await startSandbox(sandboxBinary, join(workDir, 'sandbox')));
});
after(() => {
  stopSandbox?.();
  rmSync(workDir, { recursive: true, force: true });
});

/** The installation as the server has it now. */
async function serverInstallation() {
  const res = await fetch(`${server}/apps/${APP_ID}/installations/${INSTALLATION_ID}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, `GET the installation: ${res.status}`);
  return res.json();
}

const indicator = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && el.getAttribute('data-state');`;
const rowOf = `[data-testid="installation"][data-installation-id="${INSTALLATION_ID}"]`;

test('a pending installation is approved from the window, and the server has it completed', async () => {
  assert.equal((await serverInstallation()).state, 'pending', 'the seed has it pending');
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, 'data'),
    PWB_SERVER: server,
    PWB_TOKEN: token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  try {
    // The start-up sync has filled the cache (the badges use the app's versions).
    const open = `[data-testid="app"][data-app-id="${APP_ID}"] [data-testid="open-installations"]`;
    await session.waitFor(`return document.querySelector(${JSON.stringify(open)}) !== null;`, `the card of ${APP_ID}`);
    await session.waitFor(`return (() => {${indicator}})() === 'idle';`, 'the first sync to end');
    await session.click(await session.find(open));

    const shown = await session.waitFor(
      `const row = document.querySelector(${JSON.stringify(rowOf)});
       if (!row) return null;
       return {
         state: row.getAttribute('data-state'),
         account: row.querySelector('[data-testid="installation-account"]').textContent.trim(),
         badge: row.querySelector('[data-testid="installation-badge"]').getAttribute('data-shown'),
         label: row.querySelector('[data-testid="badge-label"]').textContent.replace(/\\s+/g, ' ').trim(),
       };`,
      'the pending installation in the list',
    );
    assert.deepEqual(shown, { state: 'pending', account: 'Initech Care', badge: 'installing', label: 'Installing' });
    // Every installation of the app is listed, as the server has them.
    const count = await session.execute(`return document.querySelectorAll('[data-testid="installation"]').length;`);
    const listed = await fetch(`${server}/apps/${APP_ID}/installations?per_page=100`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    assert.equal(count, listed.total);

    await session.click(await session.find(`${rowOf} [data-testid="approve"]`));
    const done = await session.waitFor(
      `const d = document.querySelector('[data-testid="installations-done"]');
       const row = document.querySelector(${JSON.stringify(rowOf)});
       return d && row && row.getAttribute('data-state') === 'completed' && d.textContent.trim();`,
      'the approval to be shown and the list read again',
    );
    assert.equal(done, 'Approved the installation in Initech Care.');
    const after = await session.execute(
      `const row = document.querySelector(${JSON.stringify(rowOf)});
       return { approve: row.querySelector('[data-testid="approve"]') !== null,
                label: row.querySelector('[data-testid="badge-label"]').textContent.trim() };`,
    );
    assert.deepEqual(after, { approve: false, label: 'Active' });

    const served = await serverInstallation();
    assert.equal(served.state, 'completed', 'the server has the approval');
  } catch (error) {
    const shot = await session.screenshot().catch(() => null);
    if (shot) console.error(`screenshot (base64 PNG) at failure: ${shot.slice(0, 80)}…`);
    throw error;
  } finally {
    await session.close();
    await driver.stop();
  }
});
