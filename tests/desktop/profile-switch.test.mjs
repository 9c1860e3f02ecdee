// Switching profiles in the real window: started on the embedded sandbox (the demo partner's apps), the account
// screen switches to a custom profile whose server is gone (its own, empty cache, offline), then back (the sandbox's
// apps again, its sandbox started anew). The header follows each switch, and settings.json records the active one.
//
// Needs PWB_APP_BINARY and PWB_CLI_BINARY (absolute paths), a display (xvfb-run) and tauri-driver on PATH.
// `./dev test` sets all of them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const cli = process.env.PWB_CLI_BINARY;
assert.ok(app && cli, 'PWB_APP_BINARY and PWB_CLI_BINARY must point at the built binaries');

let dataDir;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-profiles-'));
});
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const byTestId = (id) => `[data-testid="${id}"]`;
const APP_IDS = `return Array.from(document.querySelectorAll('[data-testid="app"]')).map((a) => a.getAttribute('data-app-id'));`;
const HEADER = `
  const n = document.querySelector('[data-testid="current-profile-name"]');
  const s = document.querySelector('[data-testid="current-profile-server"]');
  return n && { name: n.textContent.trim(), server: s ? s.textContent.trim() : null };`;
const activeProfile = () => JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).active_profile;

/** Opens the account screen and presses Switch on `name`'s row. */
async function switchTo(session, name) {
  await session.click(await session.find(byTestId('account-button')));
  await session.waitFor(
    `return document.querySelector('[data-testid="profile-row"][data-profile="${name}"] [data-testid="switch-profile"]') !== null;`,
    `the profile list with ${name}`,
  );
  await session.click(await session.find(`[data-testid="profile-row"][data-profile="${name}"] [data-testid="switch-profile"]`));
}

test('switching to another profile shows its own cache, and switching back the first one', async () => {
  const gone = `http://127.0.0.1:${await freePort()}`;
  execFileSync(cli, ['profile', 'add', 'gone', '--url', gone], { env: { ...process.env, PWB_DATA_DIR: dataDir } });

  const driver = await startDriver({ PWB_DATA_DIR: dataDir });
  const session = await openSession(driver.url, app);
  try {
    const sandboxApps = await session.waitFor(
      `const ids = ${APP_IDS.replace(/^return /, '')} return ids.length >= 3 && ids;`,
      'the demo apps from the embedded sandbox',
      60_000,
    );
    assert.deepEqual(await session.waitFor(HEADER, 'the header'), { name: 'sandbox', server: 'the embedded sandbox' });

    await switchTo(session, 'gone');
    await session.waitFor(
      `const n = document.querySelector('[data-testid="current-profile-name"]'); return n && n.textContent.trim() === 'gone';`,
      'the header to name the new profile',
    );
    assert.deepEqual(await session.execute(HEADER), { name: 'gone', server: gone });
    await session.waitFor(`return document.querySelector('[data-testid="offline-banner"]') !== null;`, 'offline', 30_000);
    assert.deepEqual(await session.execute(APP_IDS), [], 'its own cache is empty');
    assert.equal(activeProfile(), 'gone');

    await switchTo(session, 'sandbox');
    const back = await session.waitFor(
      `const ids = ${APP_IDS.replace(/^return /, '')} return ids.length >= 3 && ids;`,
      "the sandbox profile's apps again",
    );
    assert.deepEqual(back, sandboxApps);
    assert.deepEqual(await session.execute(HEADER), { name: 'sandbox', server: 'the embedded sandbox' });
    // Its sync (a new embedded sandbox) ends well.
    await session.waitFor(
      `const el = document.querySelector('[data-testid="sync-indicator"]'); return el && el.getAttribute('data-state') === 'idle';`,
      'the sync after switching back',
      60_000,
    );
    assert.equal(activeProfile(), 'sandbox');
  } finally {
    await session.close();
    await driver.stop();
  }
});
