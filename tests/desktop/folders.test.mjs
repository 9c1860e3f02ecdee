// Where the installed app keeps things, as a partner's machine has it: no PWB_DATA_DIR, the XDG base directories
// (data, config, state) in a fresh home. Settings an earlier version left in the data folder move to the config
// folder on the first start, byte for byte and once; the log is written to a file a day in the state folder, and
// older days beyond the seven kept are deleted; the window takes the size kept in the config folder; the account
// screen shows the three folders.
//
// Needs PWB_APP_BINARY (absolute path), a display (xvfb-run) and tauri-driver on PATH. `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
assert.ok(app, 'PWB_APP_BINARY must point at the built desktop binary');

/** The folders' name: the tests run the debug build, which keeps apart from a partner's real folders. */
const NAME = 'partner-workbench-debug';

let home;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'pwb-desktop-folders-'));
});
after(() => rmSync(home, { recursive: true, force: true }));

test('settings move to the config folder once, the log is kept a file a day, the window keeps its size', async () => {
  const data = join(home, 'data', NAME);
  const config = join(home, 'config', NAME);
  const logs = join(home, 'state', NAME, 'logs');
  mkdirSync(data, { recursive: true });
  mkdirSync(config, { recursive: true });
  mkdirSync(logs, { recursive: true });

  // Settings as an earlier version wrote them, spaced by hand, with a field this version does not know.
  const settings = '{\n  "active_profile":   "sandbox",\n  "from_an_older_build": {"kept": true}\n}\n';
  writeFileSync(join(data, 'settings.json'), settings);
  // Ten days of old logs, the oldest written first: more than the seven kept. The appender tells old from new by
  // when each file was created, which the file system stamps with a coarse clock: 20 ms apart, they differ.
  const oldDays = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 10).padStart(2, '0')}`);
  for (const day of oldDays) {
    writeFileSync(join(logs, `partner-workbench.${day}.log`), `a line of ${day}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  // The window's size as the window-state plugin keeps it, in the config folder.
  const kept = { width: 900, height: 640, x: 20, y: 30, prev_x: 20, prev_y: 30, maximized: false, visible: true, decorated: true, fullscreen: false };
  writeFileSync(join(config, 'window-state.json'), JSON.stringify({ main: kept }));

  const driver = await startDriver({
    PWB_DATA_DIR: '',
    PWB_SERVER: '',
    PWB_PROFILE: '',
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
  });
  const session = await openSession(driver.url, app);
  try {
    await session.waitFor(
      `return document.querySelectorAll('[data-testid="app-name"]').length >= 3;`,
      'the demo apps from the embedded sandbox',
      60_000,
    );

    assert.equal(readFileSync(join(config, 'settings.json'), 'utf8'), settings, 'the settings moved byte for byte');
    assert.ok(!existsSync(join(data, 'settings.json')), 'and are no longer in the data folder');
    assert.ok(existsSync(join(data, 'profiles', 'sandbox', 'cache.sqlite3')), 'the cache stays in the data folder');

    const size = await session.execute('return { width: window.innerWidth, height: window.innerHeight };');
    assert.ok(
      Math.abs(size.width - kept.width) <= 2 && size.height <= kept.height && size.height >= kept.height - 80,
      `the window takes the kept size (900 × 640 with its frame): ${JSON.stringify(size)}`,
    );

    // Today's log (the appender's days are UTC), written as the app starts; the oldest days deleted.
    const today = new Date().toISOString().slice(0, 10);
    const todays = join(logs, `partner-workbench.${today}.log`);
    const logged = await (async () => {
      for (let i = 0; i < 50; i++) {
        const text = existsSync(todays) ? readFileSync(todays, 'utf8') : '';
        if (text.includes('starting')) return text;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return existsSync(todays) ? readFileSync(todays, 'utf8') : null;
    })();
    assert.ok(logged?.includes('Partner Workbench') && logged.includes(data), `today's log says where the data is:\n${logged}`);
    const files = readdirSync(logs).sort();
    assert.deepEqual(
      files,
      [...oldDays.slice(-6).map((day) => `partner-workbench.${day}.log`), `partner-workbench.${today}.log`],
      'the oldest days are deleted',
    );

    // The account screen says where each thing is.
    await session.click(await session.find('[data-testid="account-button"]'));
    const shown = await session.waitFor(
      `const text = (id) => document.querySelector('[data-testid="' + id + '"]')?.textContent.trim();
       const f = { settings: text('folder-settings'), log: text('folder-log'), data: text('folder-data') };
       return f.settings && f;`,
      'the folders on the account screen',
    );
    assert.deepEqual(shown, { settings: join(config, 'settings.json'), log: logs, data });
  } finally {
    await session.close();
    await driver.stop();
  }

  // A second start finds nothing to move and keeps the settings as they are.
  assert.equal(readFileSync(join(config, 'settings.json'), 'utf8'), settings);
});
