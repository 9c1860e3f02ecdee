// Customers' requests answered from the real window (Partner Project FAQ §16: Installing is "a pending installation
// waiting for partner confirmation"; Updating ends when "the partner accepts or rejects the update"). The app works
// against a partner-sandbox by URL (demo seed). From Acme CRM Connector's installations the partner confirms Initech
// Care's installation, accepts Pied Piper Desk's update, and rejects an update of Northwind Traders with a reason; the
// sandbox, asked over HTTP, has each. Then a customer asks for a new installation: the desktop notification is
// captured on the private D-Bus session (`notification-recorder.py`), and choosing it shows that installation.
// Nothing is mocked.
//
// Needs PWB_APP_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run), tauri-driver on PATH, a
// session bus (dbus-run-session) and /usr/bin/python3 with python3-dbus and python3-gi. `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recorded, startRecorder } from './notifications.mjs';
import { openSession, startDriver, startSandbox } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && sandboxBinary, 'PWB_APP_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');
assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'the desktop suite runs inside a D-Bus session (dbus-run-session)');

/** Acme CRM Connector in the demo seed and three of its installations. */
const APP_ID = 'app-acme-crm';
const INITECH = 'inst-acme-crm-03'; // installing: waits for the partner's confirmation
const NORTHWIND = 'inst-acme-crm-01'; // active: the test has its customer change it
const PIED_PIPER = 'inst-acme-crm-08'; // an update waiting

let workDir;
let stopSandbox;
let server;
let token;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-installations-'));
  ({ server, token, stop: stopSandbox } = await startSandbox(sandboxBinary, join(workDir, 'sandbox')));
});
after(async () => {
  await stopSandbox?.();
  rmSync(workDir, { recursive: true, force: true });
});

/** The installation as the server has it now. */
async function serverInstallation(id) {
  const res = await fetch(`${server}/apps/${APP_ID}/installations/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, `GET the installation ${id}: ${res.status}`);
  return res.json();
}

/** A sandbox admin route: AppConnect's side, a customer asking something of the partner. */
async function admin(path, body) {
  const res = await fetch(`${server}/_sandbox${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `POST /_sandbox${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

const indicator = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && el.getAttribute('data-state');`;
const rowOf = (id) => `[data-testid="installation"][data-installation-id="${id}"]`;

/** The window on the sandbox by URL with its own data folder; the first sync ended. */
async function openWindow(dataName) {
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, dataName),
    PWB_SERVER: server,
    PWB_TOKEN: token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  const open = `[data-testid="app"][data-app-id="${APP_ID}"] [data-testid="open-installations"]`;
  await session.waitFor(`return document.querySelector(${JSON.stringify(open)}) !== null;`, `the card of ${APP_ID}`);
  await session.waitFor(`return (() => {${indicator}})() === 'idle';`, 'the first sync to end');
  return { driver, session, open };
}

/** Waits for the "done" line after a decision, with the row read again in `state`; answers the line. */
function decided(session, id, what) {
  return session.waitFor(
    `const d = document.querySelector('[data-testid="installations-done"]');
     const row = document.querySelector(${JSON.stringify(rowOf(id))});
     return d && row && row.getAttribute('data-waiting') === '' && d.textContent.trim();`,
    what,
  );
}

async function failing(session, error) {
  const shot = await session.screenshot().catch(() => null);
  if (shot) console.error(`screenshot (base64 PNG) at failure: ${shot.slice(0, 80)}…`);
  throw error;
}

test('an installation is confirmed, an update accepted and another rejected with a reason, from the window', async () => {
  assert.equal((await serverInstallation(INITECH)).state, 'installing', 'the seed has it waiting');
  assert.equal((await serverInstallation(PIED_PIPER)).update, 'updating', 'the seed has its update waiting');
  // Northwind's customer changes their installation before the partner opens the list.
  await admin(`/apps/${APP_ID}/installations/${NORTHWIND}/update`);

  const { driver, session, open } = await openWindow('data-answers');
  try {
    await session.click(await session.find(open));
    const shown = await session.waitFor(
      `const row = document.querySelector(${JSON.stringify(rowOf(INITECH))});
       if (!row) return null;
       return {
         state: row.getAttribute('data-state'),
         waiting: row.getAttribute('data-waiting'),
         account: row.querySelector('[data-testid="installation-account"]').textContent.trim(),
         badge: row.querySelector('[data-testid="installation-badge"]').getAttribute('data-shown'),
         label: row.querySelector('[data-testid="badge-label"]').textContent.replace(/\\s+/g, ' ').trim(),
       };`,
      'the installation waiting for confirmation in the list',
    );
    assert.deepEqual(shown, {
      state: 'installing',
      waiting: 'installation',
      account: 'Initech Care',
      badge: 'installing',
      label: 'Installing',
    });
    // Every installation of the app is listed, as the server has them, and the page says who waits.
    const listed = await fetch(`${server}/apps/${APP_ID}/installations?per_page=100`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    const count = await session.execute(`return document.querySelectorAll('[data-testid="installation"]').length;`);
    assert.equal(count, listed.total);
    const waiting = listed._embedded.installations.filter((i) => i.state === 'installing' || i.update === 'updating');
    const summary = await session.execute(
      `return document.querySelector('[data-testid="installations-waiting"]').textContent.replace(/\\s+/g, ' ').trim();`,
    );
    assert.ok(summary.includes(String(waiting.length)), `"${summary}" counts ${waiting.length} waiting`);
    // A Failed Update says that only Talkdesk can recover it.
    const help = await session.execute(
      `const row = [...document.querySelectorAll('[data-testid="installation"]')]
         .find((r) => r.querySelector('[data-testid="installation-account"]').textContent.trim() === 'Massive Dynamic');
       return row.querySelector('[data-testid="installation-help"]').textContent;`,
    );
    assert.match(help, /open a request with Talkdesk Support at https:\/\/support\.talkdesk\.com/);

    // Confirm Initech Care's installation.
    await session.click(await session.find(`${rowOf(INITECH)} [data-testid="approve"]`));
    assert.match(await decided(session, INITECH, 'the confirmation'), /Confirmed the installation in Initech Care/);
    assert.equal(
      await session.execute(`return document.querySelector(${JSON.stringify(rowOf(INITECH))}).getAttribute('data-state');`),
      'completed',
    );
    assert.equal((await serverInstallation(INITECH)).state, 'completed', 'the server has the confirmation');

    // Accept Pied Piper Desk's update.
    await session.click(await session.find(`${rowOf(PIED_PIPER)} [data-testid="accept-update"]`));
    assert.match(await decided(session, PIED_PIPER, 'the accepted update'), /Accepted the update of Pied Piper Desk/);
    const accepted = await serverInstallation(PIED_PIPER);
    assert.equal(accepted.update, undefined, `the server ended the update: ${JSON.stringify(accepted)}`);
    assert.equal(accepted.state, 'completed');

    // Reject Northwind's update: the reason is required, and the customer sees it.
    await session.click(await session.find(`${rowOf(NORTHWIND)} [data-testid="reject-update"]`));
    await session.waitFor(`return document.querySelector('[data-testid="reject-dialog"]') !== null;`, 'the reject dialog');
    await session.click(await session.find('[data-testid="reject-confirm"]'));
    await session.waitFor(
      `return document.querySelector('[data-testid="reject-reason-missing"]') !== null;`,
      'the dialog to ask for a reason',
    );
    const reason = 'Your Team plan allows 40 users; move to Enterprise for more.';
    await session.type(await session.find('[data-testid="reject-reason"]'), reason);
    await session.click(await session.find('[data-testid="reject-confirm"]'));
    assert.match(await decided(session, NORTHWIND, 'the rejected update'), /Rejected the update of Northwind Traders/);
    const rejected = await serverInstallation(NORTHWIND);
    assert.equal(rejected.update, undefined, `the server ended the update: ${JSON.stringify(rejected)}`);
    assert.equal(rejected.state, 'completed', 'still installed');
    assert.equal(rejected.reason, reason);
  } catch (error) {
    await failing(session, error);
  } finally {
    await session.close();
    await driver.stop();
  }
});

test("a customer's new request is a desktop notification; choosing it shows the installation", async () => {
  const recordFile = join(workDir, 'notifications.jsonl');
  const recorder = await startRecorder(recordFile);
  const { driver, session } = await openWindow('data-notified');
  try {
    const created = await admin(`/apps/${APP_ID}/installations`, {
      account_name: 'Globex Corp',
      version_id: 'ver-acme-crm-1-1-0',
      plan: 'Team',
      licenses: 12,
    });
    await session.click(await session.find('[data-testid="sync-now"]'));
    await session.waitFor(`return (() => {${indicator}})() === 'idle';`, 'Sync now to end');

    const [notification, ...more] = await recorded(recordFile, 'after Sync now');
    assert.equal(more.length, 0, 'one request, one notification');
    assert.equal(notification.summary, 'Globex Corp is waiting for you to confirm Acme CRM Connector 1.1.0');
    assert.deepEqual(notification.actions, ['default', 'Open']);
    assert.equal(notification.app_name, 'Partner Workbench');

    // The recorder chooses the notification: the window shows the app's installations with that one focused.
    const focused = await session.waitFor(
      `const page = document.querySelector('[data-testid="installations-page"]');
       const row = document.querySelector(${JSON.stringify(rowOf(created.id))});
       return page && row && row.getAttribute('data-focused') === 'true' && {
         app: page.getAttribute('data-app-id'),
         waiting: row.getAttribute('data-waiting'),
         account: row.querySelector('[data-testid="installation-account"]').textContent.trim(),
       };`,
      'the installation to show from the notification',
    );
    assert.deepEqual(focused, { app: APP_ID, waiting: 'installation', account: 'Globex Corp' });
  } catch (error) {
    await failing(session, error);
  } finally {
    await session.close();
    await driver.stop();
    await recorder.stop();
  }
});
