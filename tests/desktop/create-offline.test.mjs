// Registering an app and starting its first version in the real window while the server is down (issue 16): the
// app and the version are in the window at once, marked as not sent, the version opens in the editor, a listing
// summary typed there is saved; the server comes back, Sync now, and both are on the server (checked over HTTP),
// while the editor stays open on the same version, now under the server's id, with what was typed.
//
// Needs PWB_APP_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run) and tauri-driver on PATH.
// `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, openSession, startDriver, startSandbox } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && sandboxBinary, 'PWB_APP_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');

const NAME = 'made-while-offline';
const DISPLAY_NAME = 'Made While Offline';
const SUMMARY = 'Typed while the server was down.';
const SUMMARY_INPUT = '[id="field:marketplace.listing_summary"]';

let workDir;
let sandboxDir;
let listen;
let sandbox;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-create-'));
  sandboxDir = join(workDir, 'sandbox');
  listen = `127.0.0.1:${await freePort()}`;
  sandbox = await startSandbox(sandboxBinary, sandboxDir, [], { listen });
});
after(async () => {
  await sandbox?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function serverGet(path) {
  const res = await fetch(`${sandbox.server}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } });
  assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
  return res.json();
}

const byTestId = (id) => `[data-testid="${id}"]`;
const INDICATOR = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && { state: el.getAttribute('data-state'), text: el.textContent.replace(/\\s+/g, ' ').trim() };`;
const syncStateIs = (state) => `const s = (() => {${INDICATOR}})(); return s && s.state === ${JSON.stringify(state)} && s;`;
const SYNCED_ALL = `const s = (() => {${INDICATOR}})();
  return s && s.state === 'idle' && !document.querySelector('[data-testid="count-pending"]')
    && !document.querySelector('[data-testid="count-held"]') && s;`;
/** Clicks the element `selector` names once it is there and visible. */
async function clickWhen(session, selector) {
  await session.waitFor(
    `const el = document.querySelector(${JSON.stringify(selector)});
     if (el === null || el.getClientRects().length === 0) return false;
     el.scrollIntoView({ block: 'center' });
     return true;`,
    selector,
  );
  try {
    await session.click(await session.find(selector));
  } catch (error) {
    throw new Error(`clicking ${selector}: ${error.message}`);
  }
}

/** The card of the app named NAME in the list, as `{id, notSent}`. */
const MY_APP = `
  const card = [...document.querySelectorAll('[data-testid="app"]')]
    .find((c) => c.querySelector('[data-testid="app-name"]')?.textContent.includes(${JSON.stringify(DISPLAY_NAME)}));
  return card ? { id: card.getAttribute('data-app-id'), notSent: card.querySelector('[data-testid="not-sent"]') !== null } : null;`;

test('an app and its first version made with the server down reach it at the next sync, the editor open throughout', async () => {
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, 'data'),
    PWB_SERVER: sandbox.server,
    PWB_TOKEN: sandbox.token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  try {
    await session.waitFor(`return document.querySelector('[data-testid="app"]') !== null;`, 'the app list');
    await session.waitFor(syncStateIs('idle'), 'the first sync to end');

    // The server goes down; the window finds out at its next sync.
    const { token } = sandbox;
    await sandbox.stop();
    await session.click(await session.find(byTestId('sync-now')));
    await session.waitFor(syncStateIs('offline'), 'the window to say offline');

    // New app: the form, a name the rules refuse, then one they take.
    await session.click(await session.find(byTestId('new-app')));
    const nameInput = await session.find(byTestId('new-app-name'));
    await session.type(nameInput, 'Not A Name');
    await session.waitFor(
      `return document.querySelector('[data-testid="new-app-problem"][data-field="name"]') !== null;`,
      'the name refused as typed',
    );
    await session.press(['\uE009', 'a'], '\uE003');
    await session.type(nameInput, NAME);
    await session.type(await session.find(byTestId('new-app-display_name')), DISPLAY_NAME);
    await session.type(await session.find(byTestId('new-app-created_type')), 'Offline Inc');
    await session.waitFor(
      `const b = document.querySelector('[data-testid="new-app-create"]');
       return b && !b.disabled && b.getAttribute('aria-disabled') !== 'true'
         && document.querySelector('[data-testid="new-app-problem"]') === null;`,
      'Create to be allowed',
    );
    await session.click(await session.find(byTestId('new-app-create')));
    const made = await session.waitFor(MY_APP, 'the new app in the list');
    assert.match(made.id, /^local-app-/, 'a local id until the server has it');
    assert.equal(made.notSent, true, 'marked as not sent yet');

    // New version on it: the editor opens on it; type a listing summary and let it save.
    await session.click(await session.find(`[data-testid="app"][data-app-id="${made.id}"] [data-testid="new-version"]`));
    const localVersion = await session.waitFor(
      `const p = document.querySelector('[data-testid="version-page"]');
       const input = document.querySelector(${JSON.stringify(SUMMARY_INPUT)});
       return p && input && !input.matches(':disabled') && p.getAttribute('data-version-id');`,
      'the new version open in the editor',
    );
    assert.match(localVersion, /^local-ver-/);
    const summary = await session.find(SUMMARY_INPUT);
    await session.click(summary);
    await session.type(summary, SUMMARY);
    await session.press('\uE004');
    await session.waitFor(
      `const s = document.querySelector('[data-testid="save-status"]'); return s && s.getAttribute('data-state') === 'saved';`,
      'the summary to be saved',
    );

    // The server comes back where it was; Sync now.
    sandbox = { ...(await startSandbox(sandboxBinary, sandboxDir, [], { listen, issueToken: false })), token };
    await session.click(await session.find(byTestId('sync-now')));
    await session.waitFor(SYNCED_ALL, 'a sync with nothing left to send', 30_000);

    // On the server, once: the app, its version, the summary.
    const apps = (await serverGet('/apps?per_page=100'))._embedded.apps.filter((a) => a.name === NAME);
    assert.equal(apps.length, 1, `one app named ${NAME}`);
    const versions = (await serverGet(`/apps/${apps[0].id}/versions?per_page=100`))._embedded.versions;
    assert.equal(versions.length, 1, 'one version');
    assert.equal(versions[0].marketplace.listing_summary, SUMMARY, 'the summary typed offline is on the server');

    // The editor never closed: it is on the same version, now under the server's id, with the summary.
    const open = await session.waitFor(
      `const p = document.querySelector('[data-testid="version-page"]');
       const id = p && p.getAttribute('data-version-id');
       return id && !id.startsWith('local-') && { id, summary: document.querySelector(${JSON.stringify(SUMMARY_INPUT)})?.value };`,
      'the editor to move to the server id',
    );
    assert.deepEqual(open, { id: versions[0].id, summary: SUMMARY });
  } finally {
    await session.close();
    await driver.stop();
  }
});

test('a draft deleted and a registration refused for its name are settled in the window', async () => {
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, 'data-settle'),
    PWB_SERVER: sandbox.server,
    PWB_TOKEN: sandbox.token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  const DRAFT = 'ver-delta-surveys-1-0-0';
  const row = `[data-testid="version"][data-version-id="${DRAFT}"] [data-testid="open-version"]`;
  try {
    await session.waitFor(`return document.querySelector(${JSON.stringify(row)}) !== null;`, `the row of ${DRAFT}`);
    await session.waitFor(syncStateIs('idle'), 'the first sync to end');

    // Delete the draft: the confirmation names it; the row goes at once, the server's copy at the sync.
    await clickWhen(session, row);
    await clickWhen(session, byTestId('delete-draft'));
    const question = await session.waitFor(
      `return document.querySelector('[data-testid="delete-dialog"] h2')?.textContent.trim();`,
      'the confirmation',
    );
    assert.match(question, /1\.0\.0/);
    assert.match(question, /Delta Surveys/);
    await clickWhen(session, byTestId('delete-dialog-confirm'));
    await session.waitFor(`return document.querySelector(${JSON.stringify(row)}) === null
      && document.querySelector('[data-testid="version-page"]') === null;`, 'back on the list without the draft');
    await session.waitFor(SYNCED_ALL, 'the deletion to be sent', 30_000);
    const gone = await fetch(`${sandbox.server}/apps/app-delta-surveys/versions/${DRAFT}`, {
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    assert.equal(gone.status, 404, 'deleted on the server');

    // Someone registers a name on the server; the partner registers the same one in the window.
    const taken = 'taken-in-the-window';
    const other = await fetch(`${sandbox.server}/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: taken, slug: taken, display_name: 'Someone Else', created_type: 'Other Inc',
        app_type: 'standalone', render: 'portal',
      }),
    });
    assert.equal(other.status, 201);
    await clickWhen(session, byTestId('new-app'));
    await session.type(await session.find(byTestId('new-app-name')), taken);
    await session.type(await session.find(byTestId('new-app-display_name')), 'Mine, Renamed Later');
    await session.type(await session.find(byTestId('new-app-created_type')), 'Partner Inc');
    await session.waitFor(
      `const b = document.querySelector('[data-testid="new-app-create"]');
       return b && !b.disabled && b.getAttribute('aria-disabled') !== 'true';`,
      'Create to be allowed',
    );
    await clickWhen(session, byTestId('new-app-create'));
    // The sync this schedules is refused for the name: held, with the server's reason, on the card.
    const refused = await session.waitFor(
      `return document.querySelector('[data-testid="registration-refused"]')?.textContent.replace(/\\s+/g, ' ').trim();`,
      'the refusal on the card',
      30_000,
    );
    assert.match(refused, /already exists/);

    await clickWhen(session, byTestId('rename-app'));
    const rename = await session.find(byTestId('rename-name'));
    await session.click(rename);
    await session.press(['\uE009', 'a'], '\uE003');
    await session.type(rename, `${taken}-2`);
    await clickWhen(session, byTestId('rename-save'));
    await session.waitFor(`return document.querySelector('[data-testid="registration-refused"]') === null;`, 'the refusal cleared');
    await clickWhen(session, byTestId('sync-now'));
    await session.waitFor(SYNCED_ALL, 'the renamed registration to be sent', 30_000);
    const names = (await serverGet('/apps?per_page=100'))._embedded.apps.map((a) => a.name);
    assert.equal(names.filter((n) => n === `${taken}-2`).length, 1, 'registered once under the new name');
    assert.equal(names.filter((n) => n === taken).length, 1, 'the other partner keeps theirs');
  } finally {
    await session.close();
    await driver.stop();
  }
});
