// Review outcomes in the real window, with real desktop notifications on the private D-Bus session `./dev test` runs
// the suite in: a partner-sandbox by URL with manual review; a version is submitted, the sandbox's reviewer rejects
// it with feedback, Sync now in the window. With a notification server on the bus (`notification-recorder.py`, which
// records every Notify call and then chooses the notification as a person would), the notification's summary, body
// and action are asserted from the recording, choosing it opens the version with the fields named in the feedback
// marked, and the timeline in the window shows the feedback. With no notification server on the bus, the window
// shows a banner saying notifications are unavailable, listing the outcome.
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

/** Demo versions whose technical track can be submitted: Delta Surveys 1.0.0 (Draft), Beacon Analytics 1.1.0 (Rejected). */
const DELTA = { app: 'app-delta-surveys', version: 'ver-delta-surveys-1-0-0', name: 'Delta Surveys', number: '1.0.0' };
const BEACON = { app: 'app-beacon-analytics', version: 'ver-beacon-analytics-1-1-0', name: 'Beacon Analytics', number: '1.1.0' };
const FEEDBACK = [
  { field: 'general.display_name', message: 'Say what the app does in the name', rule: 'text.display_name' },
  { field: 'technical.scopes_reason', message: 'Explain why each scope is needed' },
];

let workDir;
let stopSandbox;
let server;
let token;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-outcome-'));
  ({ server, token, stop: stopSandbox } = await startSandbox(sandboxBinary, join(workDir, 'sandbox'), ['--review', 'manual']));
});
after(async () => {
  await stopSandbox?.();
  rmSync(workDir, { recursive: true, force: true });
});

/** Submits the version's technical track through the API, as another client would. */
async function submit({ app: appId, version }) {
  const path = `${server}/apps/${appId}/versions/${version}`;
  const current = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(current.status, 200, `GET ${version}: ${current.status}`);
  const etag = current.headers.get('etag');
  const submitted = await fetch(`${path}/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify({ track: 'technical' }),
  });
  assert.ok(submitted.ok, `the submission of ${version}: ${submitted.status} ${await submitted.text()}`);
}

/** The sandbox's reviewer rejects the technical track with FEEDBACK. */
async function reject({ version }) {
  const reviewed = await fetch(`${server}/_sandbox/versions/${version}/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ track: 'technical', decision: 'reject', feedback: FEEDBACK }),
  });
  assert.ok(reviewed.ok, `the review of ${version}: ${reviewed.status} ${await reviewed.text()}`);
}

const indicator = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && el.getAttribute('data-state');`;

/** The window, started on the sandbox by URL with its own data folder; the first sync ended. */
async function openWindow(dataName) {
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, dataName),
    PWB_SERVER: server,
    PWB_TOKEN: token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  await session.waitFor(`return document.querySelector('[data-testid="version"]') !== null;`, 'the cached apps');
  await session.waitFor(`return (() => {${indicator}})() === 'idle';`, 'the first sync to end');
  return { driver, session };
}

async function syncNow(session) {
  await session.click(await session.find('[data-testid="sync-now"]'));
  await session.waitFor(`return (() => {${indicator}})() === 'idle';`, 'Sync now to end');
}

async function failing(session, error) {
  const shot = await session.screenshot().catch(() => null);
  if (shot) console.error(`screenshot (base64 PNG) at failure: ${shot.slice(0, 80)}…`);
  throw error;
}

test('a rejection is a desktop notification; choosing it opens the version with the fields marked and the timeline shows the feedback', async () => {
  const recordFile = join(workDir, 'notifications.jsonl');
  const recorder = await startRecorder(recordFile);
  const { driver, session } = await openWindow('data-notified');
  try {
    await submit(DELTA);
    await reject(DELTA);
    await syncNow(session);

    const [notification, ...more] = await recorded(recordFile, 'after Sync now');
    assert.equal(more.length, 0, 'one outcome, one notification');
    assert.equal(notification.summary, `${DELTA.name} ${DELTA.number}: technical review rejected, 2 issues`);
    assert.equal(
      notification.body,
      FEEDBACK.map((f) => `${f.field}: ${f.message}`).join('\n'),
      'the body lists the feedback, one field per line',
    );
    assert.deepEqual(notification.actions, ['default', 'Open']);
    assert.equal(notification.app_name, 'Partner Workbench');

    // The recorder chooses the notification: the window opens the version, the fields named are marked.
    await session.waitFor(
      `const page = document.querySelector('[data-testid="version-page"]');
       return page && page.getAttribute('data-version-id') === ${JSON.stringify(DELTA.version)};`,
      'the version to open from the notification',
    );
    const marked = await session.waitFor(
      `const flagged = [...document.querySelectorAll('.review-flagged')].map((el) => el.getAttribute('data-review-flagged'));
       return flagged.length === 2 && flagged;`,
      'the fields named in the feedback to be marked',
    );
    assert.deepEqual(marked.sort(), ['general.display_name', 'technical.scopes_reason']);
    const remark = await session.execute(
      `return document.querySelector('[data-review-flagged="general.display_name"] [data-testid="review-remark"]').textContent;`,
    );
    assert.match(remark, /Reviewer:\s*Say what the app does in the name/);

    // The timeline: submitted, then rejected with the feedback; and when the server was last checked.
    const timeline = await session.waitFor(
      `const panel = document.querySelector('[data-testid="timeline-panel"]');
       if (!panel) return null;
       const events = [...panel.querySelectorAll('[data-testid="timeline-event"]')];
       if (!events.some((e) => e.getAttribute('data-kind') === 'reviewed')) return null;
       return {
         kinds: events.map((e) => e.getAttribute('data-kind')),
         decision: events.find((e) => e.getAttribute('data-kind') === 'reviewed').getAttribute('data-decision'),
         feedback: panel.querySelector('[data-testid="timeline-feedback"]').textContent.replace(/\\s+/g, ' '),
         checked: panel.querySelector('[data-testid="timeline-last-checked"]').textContent,
       };`,
      'the timeline to show the review',
    );
    assert.deepEqual(timeline.kinds, ['submitted', 'reviewed']);
    assert.equal(timeline.decision, 'rejected');
    for (const entry of FEEDBACK) {
      assert.ok(timeline.feedback.includes(entry.field), `the timeline names ${entry.field}: ${timeline.feedback}`);
      assert.ok(timeline.feedback.includes(entry.message), `the timeline says "${entry.message}"`);
    }
    assert.match(timeline.checked, /^last checked /);
    assert.equal(
      await session.execute(`return document.querySelector('[data-testid="notifications-unavailable"]') === null;`),
      true,
      'no banner when the notification was shown',
    );

    // Clear marks takes them away.
    await session.click(await session.find('[data-testid="clear-review-marks"]'));
    await session.waitFor(`return document.querySelectorAll('.review-flagged').length === 0;`, 'the marks to clear');
  } catch (error) {
    await failing(session, error);
  } finally {
    await session.close();
    await driver.stop();
    await recorder.stop();
  }
});

test('with no notification server on the bus, a banner says notifications are unavailable and lists the outcome', async () => {
  const { driver, session } = await openWindow('data-unavailable');
  try {
    await submit(BEACON);
    await reject(BEACON);
    await syncNow(session);

    const banner = await session.waitFor(
      `const b = document.querySelector('[data-testid="notifications-unavailable"]');
       return b && { text: b.textContent.replace(/\\s+/g, ' '), version: b.querySelector('[data-testid="unshown-outcome"]').getAttribute('data-version-id') };`,
      'the banner of unshown outcomes',
    );
    assert.match(banner.text, /Notifications are unavailable — no notification service is running on this desktop/);
    assert.ok(banner.text.includes(`${BEACON.name} ${BEACON.number}: technical review rejected, 2 issues`), banner.text);
    assert.ok(banner.text.includes(`${FEEDBACK[1].field}: ${FEEDBACK[1].message}`), banner.text);
    assert.equal(banner.version, BEACON.version);

    // Open from the banner: the version with the fields marked.
    await session.click(await session.find('[data-testid="unshown-outcome"] button'));
    await session.waitFor(
      `const page = document.querySelector('[data-testid="version-page"]');
       return page && page.getAttribute('data-version-id') === ${JSON.stringify(BEACON.version)}
         && document.querySelector('[data-review-flagged="general.display_name"]') !== null;`,
      'the version to open with its fields marked',
    );
  } catch (error) {
    await failing(session, error);
  } finally {
    await session.close();
    await driver.stop();
  }
});
