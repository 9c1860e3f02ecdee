// Editing and a conflict, settled in the real window: the app works against a partner-sandbox by URL; the portal
// (the sandbox's admin route) renames a draft version, the partner renames it differently in the window before the
// app has heard of it, the edit is saved, the sync finds both sides changed the same field and shows base, mine and
// theirs; the partner keeps theirs for nothing but their own name ("Keep mine"), syncs, and the server has it.
// Another field changed only in the portal must survive too.
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

/** Delta Surveys 1.0.0 in the demo seed: Draft on both tracks, so its general section is editable. */
const APP_ID = 'app-delta-surveys';
const VERSION_ID = 'ver-delta-surveys-1-0-0';
const NAME_INPUT = '[id="field:general.display_name"]';
const MINE = 'Delta Surveys (from the desk)';
const THEIRS = 'Delta Surveys (from the portal)';
const PORTAL_NOTES = 'Notes written in the portal.';

let workDir;
let stopSandbox;
let server;
let token;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-conflict-'));
  ({ server, token, stop: stopSandbox } = await startSandbox(sandboxBinary, join(workDir, 'sandbox')));
});
after(() => {
  stopSandbox?.();
  rmSync(workDir, { recursive: true, force: true });
});

/** The version as the server has it now. */
async function serverVersion() {
  const res = await fetch(`${server}/apps/${APP_ID}/versions/${VERSION_ID}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, `GET the version: ${res.status}`);
  return res.json();
}

const byTestId = (id) => `[data-testid="${id}"]`;
const indicator = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && { state: el.getAttribute('data-state'), text: el.textContent.replace(/\\s+/g, ' ').trim() };`;

test('a field changed in the window and in the portal is a conflict the partner settles in the window', async () => {
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, 'data'),
    PWB_SERVER: server,
    PWB_TOKEN: token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  try {
    // The start-up sync has filled the cache.
    const row = `[data-testid="version"][data-version-id="${VERSION_ID}"] [data-testid="open-version"]`;
    await session.waitFor(`return document.querySelector(${JSON.stringify(row)}) !== null;`, `the row of ${VERSION_ID}`);
    await session.waitFor(`const s = (() => {${indicator}})(); return s && s.state === 'idle';`, 'the first sync to end');
    await session.click(await session.find(row));
    await session.waitFor(`const el = document.querySelector(${JSON.stringify(NAME_INPUT)}); return el && !el.matches(':disabled');`, 'an editable name');
    const base = await session.execute(`return document.querySelector(${JSON.stringify(NAME_INPUT)}).value;`);

    // Meanwhile, in the portal: the same field, and another one.
    const before = await serverVersion();
    assert.equal(before.general.display_name, base, 'the window shows the server copy');
    const general = structuredClone(before.general);
    general.display_name = THEIRS;
    general.notes = PORTAL_NOTES;
    const portal = await fetch(`${server}/_sandbox/versions/${VERSION_ID}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ general }),
    });
    assert.equal(portal.status, 200, `the portal edit: ${portal.status} ${await portal.text()}`);

    // In the window: rename, then leave the field. "Saved" only once the cache has it.
    const name = await session.find(NAME_INPUT);
    await session.click(name);
    await session.press(['\uE009', 'a'], '\uE003');
    await session.type(name, MINE);
    await session.press('\uE004');
    await session.waitFor(
      `const s = document.querySelector('[data-testid="save-status"]'); return s && s.getAttribute('data-state') === 'saved';`,
      'the edit to be saved',
    );

    // Sync now: the push meets the portal's edit; the name is a conflict, the notes merge by themselves.
    await session.click(await session.find(byTestId('sync-now')));
    const conflict = await session.waitFor(
      `const c = document.querySelector('[data-testid="conflict"][data-field="general.display_name"]');
       if (!c) return null;
       const text = (id) => c.querySelector('[data-testid="' + id + '"]').textContent;
       return { base: text('conflict-base'), mine: text('conflict-mine'), theirs: text('conflict-theirs') };`,
      'the conflict on the display name',
    );
    assert.deepEqual(conflict, { base, mine: MINE, theirs: THEIRS });
    const marked = await session.waitFor(
      `const s = (() => {${indicator}})(); return s && s.state !== 'syncing' && document.querySelector('[data-testid="count-conflicts"]') && s;`,
      'the status bar to count the conflict',
    );
    assert.match(marked.text, /1 conflict/);
    const mid = await serverVersion();
    const midGeneral = mid.general;
    assert.equal(midGeneral.display_name, THEIRS, 'a conflict is never pushed over the server');

    // Keep mine, then sync: the server has the partner's name, and the portal's notes are still there.
    await session.click(await session.find(`[data-testid="conflict"][data-field="general.display_name"] [data-testid="keep-mine"]`));
    await session.waitFor(`return document.querySelector('[data-testid="conflicts"]') === null;`, 'the conflict to be settled');
    const notes = await session.execute(`return document.querySelector('[id="field:general.notes"]').value;`);
    assert.equal(notes, PORTAL_NOTES, 'the portal edit of another field is merged into the window');
    await session.click(await session.find(byTestId('sync-now')));
    await session.waitFor(
      `const s = (() => {${indicator}})();
       return s && s.state === 'idle' && !document.querySelector('[data-testid="count-pending"]') && !document.querySelector('[data-testid="count-conflicts"]');`,
      'a sync with nothing left to send',
    );
    const after = await serverVersion();
    const afterGeneral = after.general;
    assert.equal(afterGeneral.display_name, MINE, 'the kept value reached the server');
    assert.equal(afterGeneral.notes, PORTAL_NOTES, 'the portal edit of another field survived');
  } catch (error) {
    const shot = await session.screenshot().catch(() => null);
    if (shot) console.error(`screenshot (base64 PNG) at failure: ${shot.slice(0, 80)}…`);
    throw error;
  } finally {
    await session.close();
    await driver.stop();
  }
});
