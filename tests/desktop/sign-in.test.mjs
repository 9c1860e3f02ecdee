// Signing in from the real window, end to end: the app on its embedded sandbox (demo access at first), the account
// screen, the sign-in screen's code and page read from the window, the device code approved through the sandbox's
// admin route as a person would on the page, the signed-in account screen naming the Secret Service, then sign-out
// and demo access again. After the session, neither the data folder (cache, sandbox, account.json), nor the app's log,
// nor the IPC traffic to the window (`PWB_IPC_TRACE`) holds any of the token strings the Secret Service kept.
//
// Needs PWB_APP_BINARY (absolute path), a display (xvfb-run), tauri-driver on PATH, `secret-tool` (libsecret-tools)
// and a Secret Service in the session: `./dev test` runs the desktop suite inside a private D-Bus session with an
// unlocked GNOME Keyring.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, keptTokenSets, tokenStrings } from './secrets.mjs';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
assert.ok(app, 'PWB_APP_BINARY must point at the built desktop binary');

let workDir;
let dataDir;
let profileDir;
let tracePath;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-signin-'));
  dataDir = join(workDir, 'data');
  // The sandbox profile's own data folder, where its account.json lives.
  profileDir = join(dataDir, 'profiles', 'sandbox');
  tracePath = join(workDir, 'ipc-trace.jsonl');
});
after(() => rmSync(workDir, { recursive: true, force: true }));

const READ_ACCOUNT = `
  const access = document.querySelector('[data-testid="account-access"]');
  const vault = document.querySelector('[data-testid="account-vault"]');
  const server = document.querySelector('[data-testid="account-server"]');
  return access && {
    access: access.getAttribute('data-access'),
    accessText: access.textContent.trim(),
    server: server && server.textContent.trim(),
    vault: vault && vault.getAttribute('data-vault'),
    vaultText: vault && vault.textContent.trim(),
  };`;

const accountWhere = (condition) => `const a = (() => {${READ_ACCOUNT}})(); return a && (${condition}) && a;`;

const syncStateIs = (state) => `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el !== null && el.getAttribute('data-state') === ${JSON.stringify(state)};`;

const byTestId = (id) => `[data-testid="${id}"]`;

test('sign in from the window, approved through the sandbox; sign out; no token anywhere but the keyring', async () => {
  const driver = await startDriver({
    PWB_DATA_DIR: dataDir,
    PWB_SERVER: '',
    PWB_IPC_TRACE: tracePath,
    PWB_LOG: 'debug',
  });
  const session = await openSession(driver.url, app);
  let tokens = [];
  try {
    // Demo access at first: the embedded sandbox lets the app in without signing in.
    await session.waitFor(syncStateIs('idle'), 'the first sync');
    await session.click(await session.find(byTestId('account-button')));
    const demo = await session.waitFor(accountWhere(`a.access === 'demo'`), 'the account screen with demo access');
    assert.equal(demo.server, 'the embedded sandbox');
    assert.equal(demo.accessText, 'Demo access to the embedded sandbox (not signed in)');
    assert.equal(demo.vault, null, 'no token is kept while not signed in');

    // The sign-in screen: the code and the page, read from the window.
    await session.click(await session.find(byTestId('sign-in')));
    const shown = await session.waitFor(
      `const p = document.querySelector('[data-testid="signin-page"]');
       if (!p || p.getAttribute('data-state') !== 'device') return null;
       const qr = document.querySelector('[data-testid="qr-code"]');
       return {
         code: document.querySelector('[data-testid="user-code"]').textContent.trim(),
         page: document.querySelector('[data-testid="verification-uri"]').textContent.trim(),
         countdown: document.querySelector('[data-testid="countdown"]').textContent.trim(),
         qr: qr && qr.getAttribute('src').slice(0, 26),
       };`,
      'the user code',
    );
    assert.match(shown.code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, `a user code like WDJB-MJHT: ${shown.code}`);
    assert.match(shown.countdown, /^The code expires in \d+:\d\d$/);
    assert.equal(shown.qr, 'data:image/svg+xml;base64,');
    // The image decodes after the page shows: wait for it, briefly.
    await session.waitFor(
      `const qr = document.querySelector('[data-testid="qr-code"]'); return qr !== null && qr.complete && qr.naturalWidth > 0;`,
      'the QR code image to render under the CSP',
      5_000,
    );
    // Copy puts the code on the system clipboard (the shell's clipboard plugin), read back here as another program
    // would: xclip, on the same X display.
    await session.click(await session.find(byTestId('copy-code')));
    const copied = await session.waitFor(
      `const c = document.querySelector('[data-testid="signin-page"] .copied'); return c && c.textContent.trim();`,
      'the Copy button to answer',
    );
    assert.equal(copied, 'Copied');
    const clipboard = execFileSync('xclip', ['-out', '-selection', 'clipboard'], { encoding: 'utf8', timeout: 5_000 });
    assert.equal(clipboard, shown.code, 'the code is on the clipboard');
    const page = new URL(shown.page);
    assert.equal(page.hostname, '127.0.0.1', 'the embedded sandbox listens on loopback');

    // The person approves the code, as on the verification page.
    const approved = await fetch(`${page.origin}/_sandbox/device-codes/${encodeURIComponent(shown.code)}/approve`, {
      method: 'POST',
    });
    assert.equal(approved.status, 204, 'the sandbox takes the approval');

    // Back to the list, signed in, synced with the account's token.
    const notice = await session.waitFor(
      `const n = document.querySelector('[data-testid="notice"]'); return n && n.textContent.trim();`,
      'the signed-in notice',
      20_000,
    );
    assert.match(notice, /^Signed in to the embedded sandbox\. The token is kept in the system keyring \(Secret Service\)\./);
    await session.waitFor(syncStateIs('idle'), 'the sync after signing in');
    await session.click(await session.find(byTestId('account-button')));
    const signedIn = await session.waitFor(accountWhere(`a.access === 'account'`), 'the signed-in account screen');
    assert.equal(signedIn.accessText, 'Signed in');
    assert.equal(signedIn.vault, 'secret_service');
    assert.equal(signedIn.vaultText, 'the system keyring (Secret Service)');

    // The tokens are in the Secret Service, under the key account.json names (account.json holds no secret): read
    // them before signing out, to look for them everywhere else.
    const account = JSON.parse(readFileSync(join(profileDir, 'account.json'), 'utf8'));
    assert.equal(account.vault, 'secret_service');
    const sets = keptTokenSets(account.key);
    assert.equal(sets.length, 1, 'one token set kept');
    tokens = tokenStrings(sets);
    assert.equal(tokens.length, 2, 'an access token and a refresh token');

    // Sign out: revoked, deleted from the keyring, demo access again.
    await session.click(await session.find(byTestId('sign-out')));
    const result = await session.waitFor(
      `const r = document.querySelector('[data-testid="sign-out-result"]'); return r && r.textContent.trim();`,
      'the sign-out result',
    );
    assert.match(result, /Signed out\. The server revoked the token, and it is deleted from the system keyring/);
    assert.match(result, /Your cached apps and drafts are kept/);
    await session.waitFor(accountWhere(`a.access === 'demo'`), 'demo access again');
    assert.deepEqual(keptTokenSets(account.key), [], 'the keyring entry is deleted');

    // The list still works, on demo access.
    await session.click(await session.find(byTestId('account-back')));
    await session.click(await session.find(byTestId('sync-now')));
    await session.waitFor(syncStateIs('idle'), 'a sync on demo access after signing out');
    const apps = await session.execute(`return document.querySelectorAll('[data-testid="app"]').length;`);
    assert.ok(apps >= 3, 'the cached apps are kept');
  } finally {
    await session.close();
    await driver.stop();
  }

  // Nothing of the session holds a token: the data folder, the app's log, the IPC traffic.
  assert.ok(!existsSync(join(profileDir, 'account.json')), 'account.json is gone after signing out');
  const files = filesUnder(dataDir);
  assert.ok(files.some((f) => f.endsWith('cache.sqlite3')), `the cache is in the data folder: ${files}`);
  const places = [...files, driver.log, tracePath];
  for (const path of places) {
    const bytes = readFileSync(path);
    for (const token of tokens) {
      assert.ok(!bytes.includes(token), `a token string in ${path}`);
    }
  }

  // The trace saw the traffic (so its silence about tokens means something).
  const trace = readFileSync(tracePath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.ok(
    trace.some((entry) => entry.kind === 'event' && entry.event === 'sign-in' && entry.payload.state === 'signed_in'),
    'the trace holds the signed-in event',
  );
  assert.ok(
    trace.some((entry) => entry.kind === 'reply' && entry.payload?.method === 'device' && entry.payload.user_code),
    'the trace holds the start of the sign-in',
  );
  assert.ok(trace.some((entry) => entry.kind === 'event' && entry.event === 'sync-status'), 'and the sync events');
});
