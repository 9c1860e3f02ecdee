// The whole story of a version, end to end in the real window, with nothing mocked: a partner-sandbox by URL (its own
// process, on a port of its own, `--review manual`), the app with a fresh data folder and no token.
//
//  1. Sign in with the device flow from Account → Sign in; this test is the partner's browser: it opens the
//     verification page the window names, enters the code the window shows in the page's form and approves. The
//     tokens land in the Secret Service (`pwb whoami --json`, `secret-tool`).
//  2. The server goes away (its process ends): Sync now, and the window says offline.
//  3. The listing summary is edited in the window's form and saved while offline.
//  4. An icon that fails the icon rules is picked through the window's file input: the window shows the refusal
//     naming the rule and keeps the old (no) icon; a good one is then accepted.
//  5. Ctrl+P opens the preview: its card shows the edited summary and the new icon.
//  6. The server comes back, on the same port with the same data folder: it kept its state and tokens (the test's
//     token from before still works, the app syncs without signing in again); Sync now, and the edit and the icon
//     are on the server, read over HTTP.
//  7. The technical review is submitted from the window's review panel; the sandbox's reviewer rejects it with
//     feedback naming `technical.scopes_reason`; after Sync now, a desktop notification arrives (recorded on the
//     private bus by notification-recorder.py, which then chooses it): the window opens the version with that field
//     marked.
//  8. The field is fixed in the window, the technical review resubmitted and approved: Make available from the
//     window. The marketplace review is submitted from the window and approved; Talkdesk publishes it on AppConnect
//     (the sandbox's admin route, as its manual mode has it): a fourth notification says so.
//  9. The window and the server agree: Available and Advertised; the timeline tells the story; and no token string is
//     in the data folder, the app's log or the IPC traffic to the window (`PWB_IPC_TRACE`).
//
// Needs PWB_APP_BINARY, PWB_CLI_BINARY and PWB_SANDBOX_BINARY (absolute paths), a display (xvfb-run), tauri-driver on
// PATH, a private D-Bus session with an unlocked Secret Service (`secret-tool` from libsecret-tools) and
// /usr/bin/python3 with python3-dbus and python3-gi. `./dev test` sets them up. On failure a screenshot of the window
// is written to the temporary folder and its path printed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recorded, startRecorder } from './notifications.mjs';
import { filesUnder, keptTokenSets, tokenStrings } from './secrets.mjs';
import { freePort, openSession, startDriver, startSandbox } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
const cli = process.env.PWB_CLI_BINARY;
const sandboxBinary = process.env.PWB_SANDBOX_BINARY;
assert.ok(app && cli && sandboxBinary, 'PWB_APP_BINARY, PWB_CLI_BINARY and PWB_SANDBOX_BINARY must point at the built binaries');
assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'the desktop suite runs inside a D-Bus session (dbus-run-session)');

const ICONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'icons');
const expectedIcons = JSON.parse(readFileSync(join(ICONS, 'expected.json'), 'utf8'));
/** A PNG the icon rules refuse (it does not decode: a safety rule, an error), and one they accept. */
const BAD_ICON = 'truncated.png';
const GOOD_ICON = 'valid.png';
assert.deepEqual(expectedIcons[BAD_ICON].rules, ['icon.decodes'], `${BAD_ICON} fails icon.decodes alone`);
assert.deepEqual(expectedIcons[GOOD_ICON].rules, [], `${GOOD_ICON} passes every icon rule`);

/**
 * Delta Surveys 1.0.0 in the demo seed: Draft on both tracks, with no icon yet, so it can go all the way through both
 * reviews once it has one.
 */
const APP_ID = 'app-delta-surveys';
const VERSION_ID = 'ver-delta-surveys-1-0-0';
const SUMMARY = 'Post-call surveys by SMS or email, written offline.';
const FEEDBACK = { field: 'technical.scopes_reason', message: 'Say why each scope is needed, one by one' };
const SCOPES_REASON =
  'account:read finds the account, calls:read the finished call, contacts:read the contact to send the survey to.';
/** Sandbox options kept across the restart: manual reviews, and device sign-in polled every second. */
const SANDBOX_ARGS = ['--review', 'manual', '--device-interval', '1'];

let workDir;
let sandboxDir;
let dataDir;
let listen;
let sandbox;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-story-'));
  sandboxDir = join(workDir, 'sandbox');
  dataDir = join(workDir, 'data');
  listen = `127.0.0.1:${await freePort()}`;
  sandbox = await startSandbox(sandboxBinary, sandboxDir, SANDBOX_ARGS, { listen });
});
after(async () => {
  await sandbox?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

// The server, as any client reaches it with the token the sandbox issued to this test at its first start.

async function serverGet(path) {
  return fetch(`${sandbox.server}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } });
}

async function serverVersion() {
  const res = await serverGet(`/apps/${APP_ID}/versions/${VERSION_ID}`);
  assert.equal(res.status, 200, `GET the version: ${res.status}`);
  return res.json();
}

/** Waits until the server's copy of the version passes `check`; fails naming `what` and the last copy. */
async function serverVersionWhere(check, what) {
  const deadline = Date.now() + 30_000;
  let last;
  while (Date.now() < deadline) {
    last = await serverVersion();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not get to ${what} within 30 s; its status is ${JSON.stringify(last?.status)}`);
}

/** The sandbox's reviewer decides a track (the reviewer's side of the API, not the partner's). */
async function review(track, decision, feedback = []) {
  const res = await fetch(`${sandbox.server}/_sandbox/versions/${VERSION_ID}/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ track, decision, feedback }),
  });
  assert.ok(res.ok, `the reviewer's ${decision} of the ${track} review: ${res.status} ${await res.text()}`);
}

/** Talkdesk publishes the version on AppConnect (Talkdesk's step, not the partner's: the sandbox's admin route). */
async function publish() {
  const res = await fetch(`${sandbox.server}/_sandbox/versions/${VERSION_ID}/advertisement`, { method: 'POST' });
  assert.ok(res.ok, `Talkdesk's publication: ${res.status} ${await res.text()}`);
}

/** What the partner's browser does with the device page: enter the code in its form, then approve. */
async function approveInTheBrowser(pageUrl, userCode) {
  const first = await fetch(pageUrl);
  assert.equal(first.status, 200, `the verification page ${pageUrl}: ${first.status}`);
  const enter = readForm(await first.text(), pageUrl);
  assert.ok(enter.fields.has('user_code'), 'the page asks for the code');
  enter.fields.set('user_code', userCode);
  const second = await fetch(enter.action, { method: 'POST', body: enter.fields });
  const secondHtml = await second.text();
  assert.equal(second.status, 200, `the code entered: ${second.status}`);
  assert.ok(secondHtml.includes(userCode), 'the page shows the code it is about to approve');
  const decide = readForm(secondHtml, pageUrl);
  const approve = decide.buttons.find((b) => b.text === 'Approve');
  assert.ok(approve, `an Approve button: ${JSON.stringify(decide.buttons)}`);
  decide.fields.set(approve.name, approve.value);
  const third = await fetch(decide.action, { method: 'POST', body: decide.fields });
  const done = await third.text();
  assert.equal(third.status, 200, `the approval: ${third.status}`);
  assert.match(done, /<h1>Device approved<\/h1>/, 'the page says the device is approved');
}

/** The first form of an HTML page: where it posts, its inputs' names and values, its buttons. */
function readForm(html, base) {
  const form = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/);
  assert.ok(form, `a form on the page: ${html}`);
  const attr = (tag, name) => {
    const found = tag.match(new RegExp(`\\b${name}="([^"]*)"`));
    return found ? decodeEntities(found[1]) : null;
  };
  assert.equal(attr(form[1], 'method')?.toLowerCase(), 'post', 'the form posts');
  const fields = new URLSearchParams();
  for (const [input] of form[2].matchAll(/<input\b[^>]*>/g)) {
    fields.set(attr(input, 'name'), attr(input, 'value') ?? '');
  }
  const buttons = [...form[2].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)].map(([, tag, text]) => ({
    name: attr(tag, 'name'),
    value: attr(tag, 'value'),
    text: text.trim(),
  }));
  return { action: new URL(attr(form[1], 'action') ?? '', base).href, fields, buttons };
}

function decodeEntities(text) {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#(x27|39);/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** `pwb` on the app's data folder and server, as the partner would run it beside the window. */
function pwbJson(args) {
  const out = execFileSync(cli, [...args, '--json'], {
    env: { ...process.env, PWB_DATA_DIR: dataDir, PWB_SERVER: sandbox.server, PWB_PROFILE: '', PWB_TOKEN: '' },
  });
  return JSON.parse(out.toString());
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const byTestId = (id) => `[data-testid="${id}"]`;
const INDICATOR = `
  const el = document.querySelector('[data-testid="sync-indicator"]');
  return el && { state: el.getAttribute('data-state'), text: el.textContent.replace(/\\s+/g, ' ').trim() };`;
const syncStateIs = (state) => `const s = (() => {${INDICATOR}})(); return s && s.state === ${JSON.stringify(state)} && s;`;
/** The sync ended with nothing left to send. */
const SYNCED_ALL = `const s = (() => {${INDICATOR}})();
  return s && s.state === 'idle' && !document.querySelector('[data-testid="count-pending"]')
    && !document.querySelector('[data-testid="count-held"]') && s;`;
/** The version is open in the window, with its review panel. */
const VERSION_OPEN = `document.querySelector('[data-testid="version-page"]')?.getAttribute('data-version-id') === ${JSON.stringify(VERSION_ID)}
  && document.querySelector('[data-testid="review-panel"]') !== null`;
const onVersionPage = `return ${VERSION_OPEN};`;
/** The window opened the version from the notification of `summary` (the recorder chose it): its marks say so. */
const openedFrom = (summary) => `return ${VERSION_OPEN}
  && document.querySelector('[data-testid="reviewer-marks"] .summary')?.textContent.trim() === ${JSON.stringify(summary)};`;
const trackStatusIs = (track, label) => `
  const s = document.querySelector('[data-testid="track-${track}"] [data-testid="track-status"]');
  return s !== null && s.textContent.trim() === ${JSON.stringify(label)};`;

/** Names the story's step in any failure inside it. */
async function step(name, body) {
  try {
    return await body();
  } catch (error) {
    error.message = `story step "${name}": ${error.message}`;
    throw error;
  }
}

test('the full story: sign in, offline edit and icon, preview, back online, rejected with feedback, fixed, approved, available, published by Talkdesk', async () => {
  const recordFile = join(workDir, 'notifications.jsonl');
  const tracePath = join(workDir, 'ipc-trace.jsonl');
  const recorder = await startRecorder(recordFile);
  // BROWSER=true: nothing opens a real browser; this test is the browser.
  const driver = await startDriver({
    PWB_DATA_DIR: dataDir,
    PWB_SERVER: sandbox.server,
    PWB_PROFILE: '',
    PWB_TOKEN: '',
    PWB_IPC_TRACE: tracePath,
    PWB_LOG: 'debug',
    BROWSER: 'true',
  });
  const session = await openSession(driver.url, app);
  const tokens = new Set();
  let vaultKey;

  /** Clicks the element `selector` names, once it is there. */
  const click = async (selector, what = selector) => {
    await session.waitFor(`return document.querySelector(${JSON.stringify(selector)}) !== null;`, what, 10_000);
    await session.click(await session.find(selector));
  };
  /** Replaces the text of the input or textarea `selector` names as a person does, then leaves it (which saves). */
  const retype = async (selector, text) => {
    await session.waitFor(
      `const el = document.querySelector(${JSON.stringify(selector)}); return el !== null && !el.matches(':disabled');`,
      `an editable ${selector}`,
      10_000,
    );
    const field = await session.find(selector);
    await session.click(field);
    await session.press(['\uE009', 'a'], '\uE003');
    await session.type(field, text);
    await session.press('\uE004');
    await session.waitFor(
      `const s = document.querySelector('[data-testid="save-status"]'); return s && s.getAttribute('data-state') === 'saved';`,
      `the edit of ${selector} to be saved`,
    );
  };
  /** Sync now, once no sync runs (a click then is ignored): the sync it starts sees what happened before it. */
  const syncNow = async () => {
    await session.waitFor(
      `const b = document.querySelector('[data-testid="sync-now"]'); return b !== null && b.getAttribute('aria-disabled') !== 'true';`,
      'the running sync to end before Sync now',
    );
    await click(byTestId('sync-now'), 'Sync now');
  };
  /** Checks a track from the review panel, looks at what will be sent, and submits it. */
  const submitFromWindow = async (track) => {
    await click(`[data-testid="submit-${track}"] [data-testid="check-submission"]`, `the ${track} check`);
    const checked = await session.waitFor(
      `const s = document.querySelector('[data-testid="submit-${track}"]');
       const state = s && s.getAttribute('data-state');
       if (state !== 'ready' && state !== 'blocked') return null;
       const problems = s.querySelector('[data-testid="submit-problems"]');
       const json = s.querySelector('[data-testid="submit-json"]');
       return { state, problems: problems && problems.textContent, json: json && json.textContent };`,
      `the ${track} check to end`,
    );
    assert.equal(checked.state, 'ready', `the ${track} review can be submitted: ${checked.problems}`);
    await click(`[data-testid="submit-${track}"] [data-testid="submit"]`, `Submit for ${track} review`);
    return JSON.parse(checked.json);
  };
  const keptTokens = () => {
    const sets = keptTokenSets(vaultKey);
    for (const token of tokenStrings(sets)) tokens.add(token);
    return sets;
  };

  try {
    await step('sign in with the device flow', async () => {
      const first = await session.waitFor(syncStateIs('not_signed_in'), 'the first sync to say "not signed in"');
      assert.equal(first.text, 'Not signed in');
      await click(byTestId('account-button'), 'the account button');
      await session.waitFor(
        `const a = document.querySelector('[data-testid="account-access"]'); return a && a.getAttribute('data-access') === 'none';`,
        'the account screen, not signed in',
      );
      await click(byTestId('sign-in'), 'Sign in');
      const shown = await session.waitFor(
        `const p = document.querySelector('[data-testid="signin-page"]');
         if (!p || p.getAttribute('data-state') !== 'device') return null;
         return {
           code: document.querySelector('[data-testid="user-code"]').textContent.trim(),
           page: document.querySelector('[data-testid="verification-uri"]').textContent.trim(),
           server: document.querySelector('[data-testid="signin-server"]').textContent.trim(),
         };`,
        'the code and the page to show',
      );
      assert.match(shown.code, /^[A-Z]{4}-[A-Z]{4}$/, `a user code like WDJB-MJHT: ${shown.code}`);
      assert.equal(shown.page, `${sandbox.server}/device`, 'the verification page is on the server');
      assert.equal(shown.server, sandbox.server);

      await approveInTheBrowser(shown.page, shown.code);

      const notice = await session.waitFor(
        `const n = document.querySelector('[data-testid="notice"]'); return n && n.textContent.trim();`,
        'the signed-in notice',
        20_000,
      );
      assert.ok(
        notice.startsWith(`Signed in to ${sandbox.server}. The token is kept in the system keyring (Secret Service).`),
        notice,
      );
      await session.waitFor(SYNCED_ALL, 'the sync with the new account');

      const who = pwbJson(['whoami']);
      assert.equal(who.signed_in, true, `pwb whoami: ${JSON.stringify(who)}`);
      assert.equal(who.access, 'account');
      assert.equal(who.token_kept_in, 'secret_service');
      const account = JSON.parse(readFileSync(join(who.data_dir, 'account.json'), 'utf8'));
      assert.equal(account.vault, 'secret_service');
      vaultKey = account.key;
      assert.equal(keptTokens().length, 1, 'one token set in the Secret Service');
      assert.equal(tokens.size, 2, 'an access token and a refresh token');
    });

    await step('open the draft', async () => {
      const row = `[data-testid="version"][data-version-id="${VERSION_ID}"] [data-testid="open-version"]`;
      await click(row, `the row of ${VERSION_ID}`);
      await session.waitFor(onVersionPage, 'the version page');
      const header = await session.execute(
        `return [...document.querySelectorAll('[data-testid="version-page"] .head [data-testid^="badge-"]')]
           .map((b) => b.getAttribute('data-status'));`,
      );
      assert.deepEqual(header, ['draft', 'draft']);
    });

    await step('the server goes away', async () => {
      await sandbox.stop();
      await assert.rejects(fetch(`${sandbox.server}/rules`), 'nothing answers on the port any more');
      await syncNow();
      const offline = await session.waitFor(syncStateIs('offline'), 'the window to say offline');
      assert.match(offline.text, /^Offline/);
      const banner = await session.waitFor(
        `const b = document.querySelector('[data-testid="offline-banner"]'); return b && b.textContent.replace(/\\s+/g, ' ').trim();`,
        'the offline banner',
      );
      assert.match(banner, /Offline — showing your cached apps/);
    });

    await step('edit the draft offline', async () => {
      await retype('[id="field:marketplace.listing_summary"]', SUMMARY);
      // Once the save has answered (a machine under load may still show Saving…).
      const saved = await session.waitFor(
        `const s = document.querySelector('[data-testid="save-status"] [role="status"]');
         const text = s && s.textContent.trim();
         return text && !text.startsWith('Saving') && text;`,
        'the save to answer',
      );
      assert.equal(saved, 'Saved on this computer; sent at the next sync.');
      const offline = await session.waitFor(
        `const s = (() => {${INDICATOR}})(); return s && s.state === 'offline' && document.querySelector('[data-testid="count-pending"]') && s;`,
        'the status bar to count the unsent edit, still offline',
      );
      assert.match(offline.text, /unsent/);
    });

    await step('the chosen icon fails validation, then a good one replaces it', async () => {
      const before = await session.execute(
        `const icon = document.querySelector('[data-testid="version-icon"]');
         return { img: icon.querySelector('img') !== null, caption: icon.querySelector('.caption').textContent.trim() };`,
      );
      assert.deepEqual(before, { img: false, caption: 'No icon yet' }, 'the draft has no icon yet');
      // The window's own file input: WebDriver hands it the file as the file chooser would.
      await session.type(await session.find(byTestId('icon-file')), join(ICONS, BAD_ICON));
      const refused = await session.waitFor(
        `const e = document.querySelector('[data-testid="icon-error"]');
         return e && { code: e.getAttribute('data-code'), message: e.textContent.trim() };`,
        'the refusal of the bad icon',
      );
      assert.match(refused.message, /icon\.decodes/, `the refusal names the rule: ${refused.message}`);
      const kept = await session.execute(
        `const icon = document.querySelector('[data-testid="version-icon"]');
         return { img: icon.querySelector('img') !== null, caption: icon.querySelector('.caption').textContent.trim() };`,
      );
      assert.deepEqual(kept, before, 'the refused icon is not kept');

      await session.waitFor(
        `const input = document.querySelector('[data-testid="icon-file"]'); return input !== null && !input.disabled;`,
        'the file input to be ready again',
      );
      await session.type(await session.find(byTestId('icon-file')), join(ICONS, GOOD_ICON));
      const accepted = await session.waitFor(
        `const icon = document.querySelector('[data-testid="version-icon"]');
         const img = icon.querySelector('img');
         return img && img.complete && img.naturalWidth > 0 && {
           caption: icon.querySelector('.caption').textContent.trim(),
           error: document.querySelector('[data-testid="icon-error"]') !== null,
         };`,
        'the good icon to show',
      );
      assert.deepEqual(accepted, { caption: 'Icon', error: false });
      await session.waitFor(syncStateIs('offline'), 'still offline');
    });

    await step('look at the preview', async () => {
      const pane = `return document.querySelector('[data-testid="preview-pane"]') !== null;`;
      // The window remembers whether the pane was open: start from closed.
      if (await session.execute(pane)) {
        await session.press(['\uE009', 'p']);
        await session.waitFor(`return document.querySelector('[data-testid="preview-pane"]') === null;`, 'the preview to close');
      }
      await session.press(['\uE009', 'p']);
      const card = await session.waitFor(
        `const card = document.querySelector('[data-testid="preview-pane"] [data-testid="card-preview"]');
         if (!card) return null;
         const img = card.querySelector('[data-field="icon"] img');
         // The icon arrives (its own call) and decodes after the card appears: wait for both (a
         // machine under load is slower). An icon that never comes fails the wait, naming it.
         if (img === null || !img.complete) return null;
         return {
           name: card.querySelector('[data-field="name"]').textContent.trim(),
           summary: card.querySelector('[data-field="summary"]').textContent.trim(),
           icon: img !== null && img.naturalWidth > 0,
         };`,
        'the preview card, its icon loaded',
      );
      assert.deepEqual(card, { name: 'Delta Surveys', summary: SUMMARY, icon: true }, 'the card shows the offline edit and icon');
      const pressed = await session.execute(`return document.querySelector('[data-testid="preview-toggle"]').getAttribute('aria-pressed');`);
      assert.equal(pressed, 'true');
    });

    await step('the server comes back; sync', async () => {
      const { server, token } = sandbox;
      sandbox = { ...(await startSandbox(sandboxBinary, sandboxDir, SANDBOX_ARGS, { listen, issueToken: false })), token };
      assert.equal(sandbox.server, server, 'the same address');
      // It kept its state: the token it issued before still lets this test in.
      const before = await serverGet(`/apps/${APP_ID}/versions/${VERSION_ID}`);
      assert.equal(before.status, 200, 'the token issued before the restart is still valid');

      await syncNow();
      await session.waitFor(SYNCED_ALL, 'a sync with nothing left to send', 30_000);
      assert.equal(
        await session.execute(`return document.querySelector('[data-testid="offline-banner"]') === null;`),
        true,
        'the offline banner is gone',
      );
      const onServer = await serverVersion();
      assert.equal(onServer.marketplace.listing_summary, SUMMARY, 'the offline edit reached the server');
      const icon = await serverGet(`/apps/${APP_ID}/versions/${VERSION_ID}/icon`);
      assert.equal(icon.status, 200, 'the server has an icon');
      assert.equal(sha256(Buffer.from(await icon.arrayBuffer())), sha256(readFileSync(join(ICONS, GOOD_ICON))), 'the good icon, byte for byte');
      // The app's own token, from the keyring, was kept by the sandbox too (the app synced without signing in again).
      const [appTokens] = keptTokens();
      const asTheApp = await fetch(`${sandbox.server}/apps`, { headers: { authorization: `Bearer ${appTokens.access_token}` } });
      assert.equal(asTheApp.status, 200, "the app's token issued before the restart is still valid");
    });

    await step('submit the technical review from the window', async () => {
      const sent = await submitFromWindow('technical');
      assert.equal(sent.marketplace.listing_summary, SUMMARY, 'what is sent has the offline edit');
      await serverVersionWhere((v) => v.status.technical === 'in_review', 'technical In Review');
      await session.waitFor(trackStatusIs('technical', 'In Review'), 'the window to show In Review');
    });

    await step('the reviewer rejects with feedback; the notification arrives and opens the version', async () => {
      // Back to the list first, so opening the version is the notification's doing.
      await click(byTestId('back'), 'Back');
      await session.waitFor(`return document.querySelector('[data-testid="app-list"]') !== null;`, 'the app list');
      await review('technical', 'reject', [FEEDBACK]);
      await syncNow();
      const [notification] = await recorded(recordFile, 'the rejection, after Sync now');
      assert.equal(notification.app_name, 'Partner Workbench');
      assert.equal(notification.summary, 'Delta Surveys 1.0.0: technical review rejected, 1 issue');
      assert.equal(notification.body, `${FEEDBACK.field}: ${FEEDBACK.message}`);
      assert.deepEqual(notification.actions, ['default', 'Open']);

      // The recorder chooses it: the version opens with the field the reviewer named marked.
      await session.waitFor(openedFrom(notification.summary), 'the version to open from the notification');
      const marked = await session.waitFor(
        `const flagged = [...document.querySelectorAll('.review-flagged')];
         return flagged.length > 0 && flagged.map((el) => ({
           field: el.getAttribute('data-review-flagged'),
           remark: el.querySelector('[data-testid="review-remark"]').textContent.replace(/\\s+/g, ' ').trim(),
         }));`,
        'the named field to be marked',
      );
      assert.equal(marked.length, 1, JSON.stringify(marked));
      assert.equal(marked[0].field, FEEDBACK.field);
      assert.match(marked[0].remark, new RegExp(`Reviewer:\\s*${FEEDBACK.message}`));
      await session.waitFor(trackStatusIs('technical', 'Rejected'), 'the window to show Rejected');
    });

    await step('fix the named field and resubmit', async () => {
      await retype(`[id="field:${FEEDBACK.field}"]`, SCOPES_REASON);
      const sent = await submitFromWindow('technical');
      assert.equal(sent.technical.scopes_reason, SCOPES_REASON, 'what is sent has the fix');
      const onServer = await serverVersionWhere((v) => v.status.technical === 'in_review', 'technical In Review again');
      assert.equal(onServer.technical.scopes_reason, SCOPES_REASON, 'the fix reached the server');
      await session.waitFor(trackStatusIs('technical', 'In Review'), 'the window to show In Review again');
    });

    await step('approved; make available', async () => {
      await review('technical', 'approve');
      await syncNow();
      const notifications = await recorded(recordFile, 'the technical approval', 2);
      assert.equal(notifications[1].summary, 'Delta Surveys 1.0.0: technical review approved');
      await session.waitFor(openedFrom(notifications[1].summary), 'the window to open the approval');
      await session.waitFor(trackStatusIs('technical', 'Approved'), 'the window to show Approved');
      await click(`[data-testid="track-technical"] ${byTestId('action-make_available')}`, 'Make available');
      await serverVersionWhere((v) => v.status.technical === 'available', 'technical Available');
      await session.waitFor(trackStatusIs('technical', 'Available'), 'the window to show Available');
    });

    await step('marketplace review approved; Talkdesk publishes it', async () => {
      await submitFromWindow('marketplace');
      await serverVersionWhere((v) => v.status.marketplace === 'in_review', 'marketplace In Review');
      await session.waitFor(trackStatusIs('marketplace', 'In Review'), 'the window to show the marketplace In Review');
      await review('marketplace', 'approve');
      await syncNow();
      const notifications = await recorded(recordFile, 'the marketplace approval', 3);
      assert.equal(notifications[2].summary, 'Delta Surveys 1.0.0: marketplace review approved');
      await session.waitFor(openedFrom(notifications[2].summary), 'the window to open the approval');
      await session.waitFor(trackStatusIs('marketplace', 'Approved'), 'the window to show the marketplace Approved');
      const actions = await session.execute(
        `return [...document.querySelectorAll('[data-testid="track-marketplace"] [data-testid^="action-"]')].map((b) => b.dataset.testid);`,
      );
      assert.ok(!actions.includes('action-advertise'), `publishing is Talkdesk's step, not a button: ${actions}`);
      await publish();
      await serverVersionWhere((v) => v.status.marketplace === 'advertised', 'marketplace Advertised');
      await syncNow();
      const published = await recorded(recordFile, 'the publication', 4);
      assert.equal(published[3].summary, 'Delta Surveys 1.0.0: published on AppConnect');
    });

    await step('the window and the server agree on the end', async () => {
      await session.waitFor(trackStatusIs('marketplace', 'Advertised'), 'the window to show Advertised');
      await session.waitFor(SYNCED_ALL, 'nothing left to send');
      const header = await session.execute(
        `return [...document.querySelectorAll('[data-testid="version-page"] .head [data-testid^="badge-"]')]
           .map((b) => b.getAttribute('data-status'));`,
      );
      assert.deepEqual(header, ['available', 'advertised']);
      const onServer = await serverVersion();
      assert.deepEqual(onServer.status, { technical: 'available', marketplace: 'advertised' });
      assert.equal(onServer.marketplace.listing_summary, SUMMARY);
      assert.equal(onServer.technical.scopes_reason, SCOPES_REASON);

      const titles = await session.waitFor(
        `const titles = [...document.querySelectorAll('[data-testid="timeline-event"] .title')].map((t) => t.textContent.trim());
         return titles[titles.length - 1] === 'Published on AppConnect' && titles;`,
        'the timeline to reach the publication',
      );
      assert.deepEqual(titles, [
        'Submitted for technical review',
        'Technical review rejected, 1 issue',
        'Submitted for technical review',
        'Technical review approved',
        'Made available',
        'Submitted for marketplace review',
        'Marketplace review approved',
        'Published on AppConnect',
      ]);

      await click(byTestId('back'), 'Back');
      const row = await session.waitFor(
        `const v = document.querySelector('[data-testid="version"][data-version-id="${VERSION_ID}"]');
         return v && [v.querySelector('[data-testid="badge-technical"]').textContent.trim(),
                      v.querySelector('[data-testid="badge-marketplace"]').textContent.trim()];`,
        'the row in the list',
      );
      assert.deepEqual(row, ['Available', 'Advertised']);
      keptTokens();
    });
  } catch (error) {
    const shot = await session.screenshot().catch(() => null);
    if (shot) {
      const path = join(tmpdir(), `pwb-full-story-failure-${process.pid}.png`);
      writeFileSync(path, Buffer.from(shot, 'base64'));
      console.error(`screenshot of the window at the failure: ${path}`);
    }
    throw error;
  } finally {
    await session.close();
    await driver.stop();
    await recorder.stop();
  }

  // No token string anywhere but the keyring: the data folder, the app's log, the traffic to the window.
  assert.ok(tokens.size >= 2, 'the tokens were read from the keyring');
  const trace = readFileSync(tracePath, 'utf8');
  assert.ok(trace.includes('"sign-in"'), 'the trace saw the sign-in (so its silence about tokens means something)');
  for (const path of [...filesUnder(dataDir), driver.log, tracePath]) {
    const bytes = readFileSync(path);
    for (const token of tokens) {
      assert.ok(!bytes.includes(token), `a token string in ${path}`);
    }
  }
});
