// One sign-in shared by the desktop app and `pwb`, through several access-token expiries: a partner-sandbox by URL
// whose access tokens live 2 s (the client renews a token within 60 s of its expiry, so every use renews it, and each
// renewal rotates the refresh token: a refresh token used twice ends the whole sign-in on the server). `pwb login`
// signs in (device flow, approved through the sandbox's admin route); the app starts on the same data folder and
// server, so on the same account; then, round after round, Sync now in the window and two `pwb sync` at the same
// moment, waiting past the token's lifetime between rounds. The account lock (account.lock beside account.json) lets
// one program at a time renew the tokens, and the others take the renewed ones: every `pwb sync` exits 0, every sync
// of the window ends idle, and at the end `pwb whoami` and the window's account screen both say signed in, with the
// same account (the same keyring entry) as at the start. How each sync of the window ended is read from the app's IPC
// trace (`PWB_IPC_TRACE`, its `sync-status` events), so a sync that fails and is followed by a good one is still seen.
//
// Needs PWB_APP_BINARY, PWB_CLI_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run), tauri-driver on
// PATH and a private D-Bus session with an unlocked Secret Service (`secret-tool` from libsecret-tools). `./dev test`
// sets them up. On failure a screenshot of the window is written to the temporary folder and its path printed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { keptTokenSets } from './secrets.mjs';
import { openSession, startDriver, startSandbox } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const cli = process.env.PWB_CLI_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && cli && sandboxBinary, 'PWB_APP_BINARY, PWB_CLI_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');
assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'the desktop suite runs inside a D-Bus session (dbus-run-session)');

/** How long the sandbox's access tokens live, in seconds. */
const TOKEN_TTL_S = 2;
/** Rounds of the window and `pwb` syncing at once. */
const ROUNDS = 4;
/** `pwb sync` processes beside the window in each round. */
const PROGRAMS = 2;
/** What a `pwb` run may take before the test calls it stuck. */
const PWB_TIMEOUT_MS = 60_000;

let workDir;
let dataDir;
let tracePath;
let sandbox;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-shared-'));
  dataDir = join(workDir, 'data');
  tracePath = join(workDir, 'ipc-trace.jsonl');
  sandbox = await startSandbox(
    sandboxBinary,
    join(workDir, 'sandbox'),
    ['--access-token-ttl', String(TOKEN_TTL_S), '--device-interval', '1'],
    { issueToken: false },
  );
});
after(async () => {
  await sandbox?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** The environment of `pwb` beside the window: the app's data folder and server, no PWB_TOKEN. */
function pwbEnv() {
  const env = { ...process.env, PWB_DATA_DIR: dataDir, PWB_SERVER: sandbox.server };
  delete env.PWB_TOKEN;
  delete env.PWB_PROFILE;
  return env;
}

/** Runs `pwb args`; resolves with its exit code, output and time, or rejects when it runs past PWB_TIMEOUT_MS. */
function pwb(args) {
  const started = Date.now();
  const child = spawn(cli, args, { env: pwbEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pwb ${args.join(' ')} ran past ${PWB_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, PWB_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function pwbJson(args) {
  const run = await pwb([...args, '--json']);
  assert.equal(run.code, 0, `pwb ${args.join(' ')} exits 0: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** `pwb login --json`, its code approved through the sandbox's admin route as the person would on the page. */
async function signInWithPwb() {
  const child = spawn(cli, ['login', '--json'], { env: pwbEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const rest = [];
  const first = await new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`pwb login exited with ${code} before showing a code: ${stderr}`)));
    lines.once('line', resolve);
  });
  lines.on('line', (line) => rest.push(line));
  const shown = JSON.parse(first);
  assert.ok(shown.user_code, `pwb login shows a user code: ${first}`);
  assert.ok(shown.verification_uri?.startsWith(sandbox.server), `the page is on the sandbox: ${first}`);
  const approved = await fetch(`${sandbox.server}/_sandbox/device-codes/${encodeURIComponent(shown.user_code)}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(approved.status, 204, `the sandbox takes the approval: ${await approved.text()}`);
  const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
  if (code === 'timeout') child.kill('SIGKILL');
  assert.equal(code, 0, `pwb login exits 0: ${stderr}`);
  return JSON.parse(rest.join('\n'));
}

/** The IPC trace's sync-status events so far, in order. */
function syncEvents() {
  if (!existsSync(tracePath)) return [];
  // The app may be writing a line as it is read: only the complete lines count.
  const text = readFileSync(tracePath, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.kind === 'event' && entry.event === 'sync-status')
    .map((entry) => entry.payload);
}

/** Waits for the window's next sync after event number `mark` to start and end; resolves with its final status. */
async function windowSyncAfter(mark, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = syncEvents().slice(mark);
    const start = seen.findIndex((status) => status.state === 'syncing');
    const end = start < 0 ? undefined : seen.slice(start + 1).find((status) => status.state !== 'syncing');
    if (end) return end;
    await sleep(100);
  }
  throw new Error(`${what}: no sync of the window started and ended within ${timeoutMs} ms; its statuses: ${JSON.stringify(seen)}`);
}

const byTestId = (id) => `[data-testid="${id}"]`;
const INDICATOR = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && { state: el.getAttribute('data-state'), text: el.textContent.replace(/\\s+/g, ' ').trim() };`;
const READ_ACCOUNT = `
  const access = document.querySelector('[data-testid="account-access"]');
  const vault = document.querySelector('[data-testid="account-vault"]');
  const server = document.querySelector('[data-testid="account-server"]');
  return access && {
    access: access.getAttribute('data-access'),
    accessText: access.textContent.trim(),
    server: server && server.textContent.trim(),
    vault: vault && vault.getAttribute('data-vault'),
  };`;
const SYNC_READY = `const b = document.querySelector('[data-testid="sync-now"]');
  return b !== null && b.getAttribute('aria-disabled') !== 'true';`;

test('the window and two pwb runs sync at once through several token expiries, and all stay signed in', async () => {
  // Signed in with pwb: the tokens in the Secret Service, account.json naming them.
  const login = await signInWithPwb();
  assert.equal(login.token_kept_in, 'secret_service', `pwb login: ${JSON.stringify(login)}`);
  const whoBefore = await pwbJson(['whoami']);
  assert.equal(whoBefore.signed_in, true, `pwb whoami after login: ${JSON.stringify(whoBefore)}`);
  const profileDir = whoBefore.data_dir;
  const accountBefore = JSON.parse(readFileSync(join(profileDir, 'account.json'), 'utf8'));
  assert.equal(accountBefore.vault, 'secret_service');
  assert.equal(keptTokenSets(accountBefore.key).length, 1, 'one token set in the Secret Service');

  // The app on the same data folder and server: the same profile, so the same account.
  const driver = await startDriver({
    PWB_DATA_DIR: dataDir,
    PWB_SERVER: sandbox.server,
    PWB_PROFILE: '',
    PWB_TOKEN: '',
    PWB_IPC_TRACE: tracePath,
    PWB_LOG: 'debug',
  });
  const session = await openSession(driver.url, app);
  const timings = [];
  /** Clicks the element `selector` names, once it is there. */
  const click = async (selector, what = selector) => {
    await session.waitFor(`return document.querySelector(${JSON.stringify(selector)}) !== null;`, what, 10_000);
    await session.click(await session.find(selector));
  };
  try {
    // The first sync, with the account pwb signed in.
    const first = await windowSyncAfter(0, 'the first sync');
    assert.equal(first.state, 'idle', `the window's first sync: ${JSON.stringify(first)}`);
    await click(byTestId('account-button'), 'the account button');
    const signedIn = await session.waitFor(
      `const a = (() => {${READ_ACCOUNT}})(); return a && a.access === 'account' && a;`,
      'the account screen, signed in',
    );
    assert.equal(signedIn.accessText, 'Signed in');
    assert.equal(signedIn.vault, 'secret_service');
    await click(byTestId('account-back'), 'the way back from the account screen');
    // Past the first token's lifetime: the first round meets expired tokens everywhere.
    await sleep(TOKEN_TTL_S * 1000 + 500);

    for (let round = 1; round <= ROUNDS; round += 1) {
      await session.waitFor(SYNC_READY, `round ${round}: Sync now ready`);
      const syncNow = await session.find(byTestId('sync-now'));
      const mark = syncEvents().length;
      const started = Date.now();
      // The click and the programs at the same moment.
      const [, ...runs] = await Promise.all([
        session.click(syncNow),
        ...Array.from({ length: PROGRAMS }, () => pwb(['sync', '--json'])),
      ]);
      runs.forEach((run, n) => {
        assert.equal(
          run.code,
          0,
          `round ${round}, pwb sync ${n + 1} of ${PROGRAMS} exits 0 (it exited ${run.code ?? run.signal}): ${run.stderr}`,
        );
        JSON.parse(run.stdout);
      });
      const ended = await windowSyncAfter(mark, `round ${round}`);
      assert.equal(ended.state, 'idle', `round ${round}: the window's sync ends well: ${JSON.stringify(ended)}`);
      timings.push({ round, pwbMs: runs.map((run) => run.ms), allMs: Date.now() - started });
      // Past the access token's lifetime, so the next round meets an expired token again.
      await sleep(TOKEN_TTL_S * 1000 + 500);
    }

    // pwb: still signed in, on the same account, its tokens in the Secret Service.
    const who = await pwbJson(['whoami']);
    assert.equal(who.signed_in, true, `pwb whoami at the end: ${JSON.stringify(who)}`);
    assert.equal(who.access, 'account');
    assert.equal(who.token_kept_in, 'secret_service');
    const accountAfter = JSON.parse(readFileSync(join(profileDir, 'account.json'), 'utf8'));
    assert.equal(accountAfter.key, accountBefore.key, 'the same sign-in, never replaced');
    assert.equal(keptTokenSets(accountAfter.key).length, 1, 'one token set in the Secret Service');
    assert.ok(existsSync(join(profileDir, 'account.lock')), 'the account lock is beside account.json');

    // The window: no sync ended signed out or failed, its indicator is idle, its account screen says signed in.
    const bad = syncEvents().filter((status) => status.state === 'not_signed_in' || status.state === 'error');
    assert.deepEqual(bad, [], 'no sync of the window ended signed out or failed');
    const indicator = await session.execute(INDICATOR);
    assert.equal(indicator?.state, 'idle', `the sync indicator: ${JSON.stringify(indicator)}`);
    await click(byTestId('account-button'), 'the account button');
    const still = await session.waitFor(
      `const a = (() => {${READ_ACCOUNT}})(); return a && a.access !== null && a;`,
      'the account screen at the end',
    );
    assert.equal(still.access, 'account', `the window's account screen at the end: ${JSON.stringify(still)}`);
    assert.equal(still.accessText, 'Signed in');
    assert.equal(still.vault, 'secret_service');
    console.log(`rounds: ${JSON.stringify(timings)}`);
  } catch (error) {
    const shot = await session.screenshot().catch(() => null);
    if (shot) {
      const path = join(tmpdir(), `pwb-shared-sign-in-failure-${process.pid}.png`);
      writeFileSync(path, Buffer.from(shot, 'base64'));
      console.error(`screenshot of the window at the failure: ${path}`);
    }
    console.error(`the app's log: ${driver.log}`);
    throw error;
  } finally {
    await session.close();
    await driver.stop();
  }
});
