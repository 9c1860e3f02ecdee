// The first start on a machine, in the real window: no settings and no cache yet. The app opens the embedded
// sandbox's demo and says so with a welcome that offers the choice; "Sign in to Talkdesk…" opens the account
// screen's new profile form on Talkdesk's API, and the profile added there (with its issuer and client id) is in
// settings.json; the welcome is gone then. A second window on a machine that has chosen shows no welcome.
//
// Needs PWB_APP_BINARY (absolute path), a display (xvfb-run) and tauri-driver on PATH. `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
assert.ok(app, 'PWB_APP_BINARY must point at the built desktop binary');

let dataDir;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-welcome-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const byTestId = (id) => `[data-testid="${id}"]`;
const env = () => ({ PWB_DATA_DIR: dataDir, PWB_SERVER: '', PWB_PROFILE: '' });

test('the first start offers the demo or a Talkdesk sign-in, and a profile added there is kept', async () => {
  let driver = await startDriver(env());
  let session = await openSession(driver.url, app);
  try {
    await session.waitFor(
      `return document.querySelector('${byTestId('welcome')}') !== null
         && document.querySelectorAll('${byTestId('app-name')}').length >= 3;`,
      'the welcome over the demo apps',
      60_000,
    );
    await session.click(await session.find(byTestId('welcome-talkdesk')));
    const prefilled = await session.waitFor(
      `const url = document.querySelector('${byTestId('new-profile-url')}'); return url && url.value;`,
      'the new profile form on Talkdesk',
    );
    assert.equal(prefilled, 'https://api.talkdeskapp.com');

    const fill = async (id, text) => {
      const input = await session.find(byTestId(id));
      await session.click(input);
      await session.type(input, text);
    };
    await fill('new-profile-name', 'acme-us');
    await fill('new-profile-issuer', 'https://acme.talkdeskid.com');
    await fill('new-profile-client-id', 'client-from-talkdesk');
    await session.click(await session.find(byTestId('add-profile')));
    const shown = await session.waitFor(
      `const rows = Array.from(document.querySelectorAll('${byTestId('profile-issuer')}'), (n) => n.textContent);
       return rows.some((t) => t.includes('https://acme.talkdeskid.com')) && rows;`,
      'the new profile in the list, with its issuer',
    );
    assert.ok(shown.length >= 1);

    const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
    assert.deepEqual(settings.custom_profiles['acme-us'], {
      url: 'https://api.talkdeskapp.com',
      issuer: 'https://acme.talkdeskid.com',
      client_id: 'client-from-talkdesk',
    });
    assert.equal(settings.active_profile, undefined, 'the window stays on the demo until the partner switches');

    await session.click(await session.find(byTestId('account-back')));
    await session.waitFor(
      `return document.querySelector('${byTestId('app-name')}') !== null
         && document.querySelector('${byTestId('welcome')}') === null;`,
      'the list without the welcome',
    );
  } finally {
    await session.close();
    await driver.stop();
  }

  // The machine has chosen: no welcome at the next start.
  driver = await startDriver(env());
  session = await openSession(driver.url, app);
  try {
    await session.waitFor(`return document.querySelectorAll('${byTestId('app-name')}').length >= 3;`, 'the demo apps', 60_000);
    assert.equal(await session.execute(`return document.querySelector('${byTestId('welcome')}') !== null;`), false);
  } finally {
    await session.close();
    await driver.stop();
  }
});
