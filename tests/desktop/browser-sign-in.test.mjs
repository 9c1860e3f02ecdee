// A server given by URL that has no device flow, in the real window: the first sync ends "not signed in" and the
// banner says so; its Sign in button goes through the browser with PKCE (the window waits for the browser and shows
// the page); this test plays the browser on the sandbox's authorization page, which sends it back to the app's
// loopback port; the window returns to the list signed in and syncs.
//
// Needs PWB_APP_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run), tauri-driver on PATH and a
// keyring (`./dev test` runs the desktop suite inside a private D-Bus session with an unlocked GNOME Keyring).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && sandboxBinary, 'PWB_APP_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');

let workDir;
let sandbox;
let server;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-browser-signin-'));
  sandbox = spawn(
    sandboxBinary,
    ['--listen', '127.0.0.1:0', '--data', join(workDir, 'sandbox'), '--seed', 'demo', '--no-device-flow'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines = createInterface({ input: sandbox.stdout });
  server = await new Promise((resolve, reject) => {
    sandbox.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    lines.once('line', (line) => resolve(line.replace(/^listening on /, '')));
  });
});
after(() => {
  sandbox?.kill();
  rmSync(workDir, { recursive: true, force: true });
});

const byTestId = (id) => `[data-testid="${id}"]`;
const syncStateIs = (state) => `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el !== null && el.getAttribute('data-state') === ${JSON.stringify(state)};`;

/** What a browser does on the sandbox's authorization page: approve, then follow the redirect to the app. */
async function approveInTheBrowser(authorizeUrl) {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(page.status, 200, 'the authorization page shows');
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  form.append('decision', 'approve');
  const chosen = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  assert.ok(chosen.status >= 300 && chosen.status < 400, `a redirect, not ${chosen.status}`);
  const back = chosen.headers.get('location');
  assert.match(back, /^http:\/\/127\.0\.0\.1:\d+\//, 'back to the app on loopback');
  const landing = await fetch(back);
  return landing.text();
}

test('not signed in to a server without a device flow: the banner, then signing in through the browser', async () => {
  // BROWSER=true: the app's attempt to open a browser does nothing here; this test is the browser.
  const driver = await startDriver({ PWB_DATA_DIR: join(workDir, 'data'), PWB_SERVER: server, BROWSER: 'true' });
  const session = await openSession(driver.url, app);
  try {
    await session.waitFor(syncStateIs('not_signed_in'), 'the first sync to say "not signed in"');
    const banner = await session.execute(
      `const b = document.querySelector('[data-testid="not-signed-in-banner"]'); return b && b.textContent;`,
    );
    assert.match(banner ?? '', /Not signed in/, 'the banner says so');

    await session.click(await session.find(byTestId('banner-sign-in')));
    const authorizeUrl = await session.waitFor(
      `const p = document.querySelector('[data-testid="signin-page"]');
       const u = document.querySelector('[data-testid="authorize-url"]');
       return p && p.getAttribute('data-state') === 'browser' && u && u.textContent.trim();`,
      'the wait for the browser',
    );
    assert.ok(authorizeUrl.startsWith(`${server}/`), `the page is on the server: ${authorizeUrl}`);
    assert.match(authorizeUrl, /code_challenge_method=S256/);

    const landing = await approveInTheBrowser(authorizeUrl);
    assert.match(landing, /Signed in/, 'the app tells the browser');

    const notice = await session.waitFor(
      `const n = document.querySelector('[data-testid="notice"]'); return n && n.textContent.trim();`,
      'the signed-in notice',
      20_000,
    );
    assert.match(notice, /^Signed in to http:\/\/127\.0\.0\.1:\d+\. The token is kept in /);
    await session.waitFor(syncStateIs('idle'), 'a sync with the new account');
    const banners = await session.execute(`return document.querySelectorAll('[data-testid="not-signed-in-banner"]').length;`);
    assert.equal(banners, 0, 'the banner is gone');
    await session.waitFor(`return document.querySelectorAll('[data-testid="app"]').length >= 3;`, 'the apps');

    // Signed out again, for the keyring's sake; the server given by URL then lets nothing in.
    await session.click(await session.find(byTestId('account-button')));
    await session.waitFor(
      `const a = document.querySelector('[data-testid="account-access"]'); return a && a.getAttribute('data-access') === 'account';`,
      'the account screen',
    );
    await session.click(await session.find(byTestId('sign-out')));
    await session.waitFor(
      `const a = document.querySelector('[data-testid="account-access"]'); return a && a.getAttribute('data-access') === 'none';`,
      '"not signed in" after signing out',
    );
  } finally {
    await session.close();
    await driver.stop();
  }
});
