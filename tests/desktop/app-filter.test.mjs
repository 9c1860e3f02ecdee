// A long list in the real window: 1,000 apps (the sandbox's scale seed, 5 versions each) stay light however far the
// partner scrolls (the list draws only the cards near the window and recycles them), and find-as-you-type narrows
// them: type in the filter, the right app shows with the count, open one of its versions, Escape back to the list,
// Escape in the filter restores every app. Nothing is mocked: the app works against a partner-sandbox by URL.
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

/** The most cards the list may hold in its DOM at once, however long the list (ui/src/features/apps/VirtualList.svelte). */
const MOST_CARDS = 40;

let workDir;
let stopSandbox;
let server;
let token;
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-filter-'));
  ({ server, token, stop: stopSandbox } = await startSandbox(sandboxBinary, join(workDir, 'sandbox'), [], {
    seed: 'scale',
  }));
});
after(async () => {
  await stopSandbox?.();
  rmSync(workDir, { recursive: true, force: true });
});

const CARDS = `return Array.from(document.querySelectorAll('[data-testid="app"]'), (c) => c.getAttribute('data-app-id'));`;

test('1,000 apps: the list stays light as it scrolls, and the filter finds one, opens it and clears with Escape', async () => {
  const total = (await fetch(`${server}/apps?per_page=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json()))
    .total;
  assert.equal(total, 1000, 'the scale seed has 1,000 apps');
  const driver = await startDriver({
    PWB_DATA_DIR: join(workDir, 'data'),
    PWB_SERVER: server,
    PWB_TOKEN: token,
    PWB_PROFILE: '',
  });
  const session = await openSession(driver.url, app);
  try {
    // The first sync fills the cache with all of them (a full pull of 5,000 versions).
    await session.waitFor(
      `const t = document.querySelector('.total'); return t && t.textContent.trim() === '1000';`,
      'the list of 1,000 apps',
      180_000,
    );
    const first = await session.execute(CARDS);
    assert.ok(first.length > 0 && first.length <= MOST_CARDS, `at most ${MOST_CARDS} cards drawn: ${first.length}`);
    assert.equal(first[0], 'app-scale-0000');

    // Scroll to the end: other cards are drawn, still a bounded number, the last app among them.
    await session.execute(`const s = document.querySelector('[data-testid="app-list-scroller"]');
       s.scrollTop = s.scrollHeight; s.dispatchEvent(new Event('scroll'));`);
    const last = await session.waitFor(
      `const ids = (() => {${CARDS}})(); return ids.includes('app-scale-0999') && ids;`,
      'the last app drawn at the end of the list',
    );
    assert.ok(last.length <= MOST_CARDS, `still at most ${MOST_CARDS} cards: ${last.length}`);
    assert.ok(!last.includes('app-scale-0000'), 'the first cards were recycled');

    // Find as you type: `/` focuses the filter; one app has 0537 in its name.
    await session.press('/');
    assert.equal(await session.execute(`return document.activeElement?.getAttribute('data-testid');`), 'app-filter');
    await session.type(await session.find('[data-testid="app-filter"]'), '0537');
    const found = await session.waitFor(
      `const ids = (() => {${CARDS}})();
       const count = document.querySelector('[data-testid="app-filter-count"]');
       return ids.length === 1 && count && { ids, count: count.textContent.trim() };`,
      'the filter to keep one app',
    );
    assert.deepEqual(found, { ids: ['app-scale-0537'], count: '1 of 1000 apps' });

    // Open one of its versions, then Escape back to the list, still filtered.
    await session.click(await session.find('[data-testid="app"][data-app-id="app-scale-0537"] [data-testid="open-version"]'));
    await session.waitFor(
      `const page = document.querySelector('[data-testid="version-page"]');
       return page && page.getAttribute('data-version-id')?.startsWith('ver-scale-0537-');`,
      'the version to open',
    );
    await session.press('\uE00C');
    await session.waitFor(
      `const ids = (() => {${CARDS}})(); return !document.querySelector('[data-testid="version-page"]') && ids.length === 1;`,
      'the filtered list back',
    );

    // Escape in the filter clears it: every app again, the count gone.
    await session.click(await session.find('[data-testid="app-filter"]'));
    await session.press('\uE00C');
    const restored = await session.waitFor(
      `const ids = (() => {${CARDS}})();
       return ids.length > 1 && !document.querySelector('[data-testid="app-filter-count"]') &&
         document.querySelector('[data-testid="app-filter"]').value === '' && ids;`,
      'the whole list back',
    );
    assert.ok(restored.length <= MOST_CARDS, `at most ${MOST_CARDS} cards: ${restored.length}`);
  } catch (error) {
    const shot = await session.screenshot().catch(() => null);
    if (shot) console.error(`screenshot (base64 PNG) at failure: ${shot.slice(0, 80)}…`);
    throw error;
  } finally {
    await session.close();
    await driver.stop();
  }
});
