// The window's preview in Chromium (Debian's, through playwright-core) on the fake backend, from the built UI:
// the card and the listing render the draft; hostile partner text stays inert, proved by instrumenting the page
// (traps on alert/eval/a canary global, every request recorded, console errors and page errors collected, a DOM walk
// against the allowlists), not by matching strings; a link opens through the backend without navigating; a screenshot
// from a host that is not the partner's own is never requested until the partner asks; the card matches its reference
// screenshots in light and dark.
//
// Needs ui/dist (npm --prefix ui run build) and /usr/bin/chromium. `./dev test` runs it.
// PWB_UPDATE_SCREENSHOTS=1 rewrites the reference screenshots in tests/preview/reference/.

import { after, before, beforeEach, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, openPreview, ROOT, serveDist, uiPackage } from './support.mjs';

const REFERENCE = join(ROOT, 'tests', 'preview', 'reference');
/** The screenshot on the partner's own domain (its support email's): it loads as soon as the listing shows. */
const OWN_SHOT = 'https://cdn.acme-corp.example/shot-1.png';
/** The plain fixture's screenshot on another host: it may load only after the partner asks for it. */
const FOREIGN_SHOT = 'https://media.shots-host.example/acme/report.png';
/** The assets the fixture declares: the only remote URLs the preview may request. */
const DECLARED_ASSETS = new Set([OWN_SHOT, FOREIGN_SHOT]);

let server;
let browser;
let PNG;
let pixelmatch;
before(async () => {
  const pngjs = await uiPackage('pngjs');
  PNG = pngjs.PNG ?? pngjs.default.PNG;
  ({ default: pixelmatch } = await uiPackage('pixelmatch'));
  server = await serveDist();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A 4×3 PNG, what the declared screenshot answers with. */
function tinyPng() {
  const png = new PNG({ width: 4, height: 3 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

/**
 * A page with every trap set before any script of the page runs: `alert`, `confirm`, `prompt`, `print`, `eval`,
 * `Function`, and the canary `window.__pwned` that every payload of the fixtures sets when it runs. Every request is
 * recorded; none leaves the machine (the declared screenshot gets a local answer, anything else is aborted).
 */
async function instrumentedPage() {
  const page = await browser.context.newPage();
  const record = { requests: [], consoleErrors: [], pageErrors: [], navigations: [], popups: [] };
  await page.addInitScript(() => {
    const trap = { calls: [], canary: [] };
    Object.defineProperty(window, '__trap', { value: trap });
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
      window[name] = (...args) => {
        trap.calls.push(`${name}(${args.join(',')})`);
      };
    }
    const realEval = window.eval;
    // Playwright's own evaluations go through the page's eval (called from its UtilityScript or InjectedScript):
    // those are the test's, not counted.
    const harness = () => /^\s*at (UtilityScript|InjectedScript)\./.test((new Error().stack ?? '').split('\n')[3] ?? '');
    window.eval = function (...args) {
      if (!harness()) trap.calls.push('eval');
      return realEval.apply(this, args);
    };
    const RealFunction = window.Function;
    window.Function = function (...args) {
      trap.calls.push('Function');
      return RealFunction(...args);
    };
    Object.defineProperty(window, '__pwned', {
      configurable: false,
      get: () => undefined,
      set: (value) => trap.canary.push(String(value)),
    });
  });
  page.on('request', (request) => record.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(String(error)));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) record.navigations.push(frame.url());
  });
  page.on('popup', (popup) => record.popups.push(popup.url()));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.origin)) return route.continue();
    if (DECLARED_ASSETS.has(url)) return route.fulfill({ status: 200, contentType: 'image/png', body: tinyPng() });
    return route.abort();
  });
  return { page, record };
}

/** Everything the traps and the recorders caught that should not have happened. */
async function assertInert(page, record, what) {
  const trap = await page.evaluate(() => window.__trap);
  assert.deepEqual(trap.canary, [], `${what}: a payload ran and set the canary`);
  assert.deepEqual(trap.calls, [], `${what}: a payload called alert/eval/Function`);
  const foreign = record.requests.filter(
    (url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('data:') && !DECLARED_ASSETS.has(url),
  );
  assert.deepEqual(foreign, [], `${what}: requests left the page's origin for something not declared`);
  assert.deepEqual(record.pageErrors, [], `${what}: page errors`);
  assert.deepEqual(record.consoleErrors, [], `${what}: console errors`);
  assert.deepEqual(record.popups, [], `${what}: a window was opened`);
  assert.ok(record.navigations.every((url) => url.startsWith(`${server.origin}/`)), `${what}: navigated to ${record.navigations}`);
  assert.equal(new URL(page.url()).origin, server.origin, `${what}: the page left its origin`);
}

/**
 * The DOM walk: inside the description only the renderer's elements and attributes; inside the whole pane only the
 * components' own elements, no `on*` or `style` attribute anywhere, images only from data: URLs or declared assets,
 * links only http(s) or mailto with rel="noopener noreferrer".
 */
async function walkPreview(page) {
  return page.evaluate((declared) => {
    const DESCRIPTION = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'hr', 'a']);
    const DESCRIPTION_ATTRS = { a: ['href', 'rel'], ol: ['start'] };
    const PANE = new Set([
      ...DESCRIPTION,
      'section', 'div', 'button', 'figure', 'figcaption', 'article', 'header', 'span', 'img', 'label', 'input',
      'table', 'thead', 'tbody', 'tr', 'th', 'td', 'dl', 'dt', 'dd', 'svg', 'path', 'circle',
    ]);
    const problems = [];
    const pane = document.querySelector('[data-testid="preview-pane"]');
    if (!pane) return ['no preview pane'];
    const description = pane.querySelector('[data-testid="listing-description"]');
    for (const el of pane.querySelectorAll('*')) {
      const tag = el.localName;
      if (!PANE.has(tag)) problems.push(`<${tag}> in the pane`);
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) problems.push(`<${tag} ${attr.name}>`);
        if (attr.name === 'style' || attr.name === 'srcset' || attr.name === 'background') problems.push(`<${tag} ${attr.name}>`);
        if (/^(xlink:)?href$/.test(attr.name) && tag !== 'a') problems.push(`<${tag} ${attr.name}>`);
      }
      if (tag === 'img') {
        const src = el.getAttribute('src') ?? '';
        if (!src.startsWith('data:') && !declared.includes(src)) problems.push(`<img src=${src}>`);
      }
      if (tag === 'a') {
        if (!/^(https?:|mailto:)/i.test(el.getAttribute('href') ?? '')) problems.push(`<a href=${el.getAttribute('href')}>`);
        if (el.getAttribute('rel') !== 'noopener noreferrer') problems.push('<a> without rel="noopener noreferrer"');
      }
      if (description && description.contains(el) && el !== description) {
        if (!DESCRIPTION.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`<${tag}> in the description`);
        for (const attr of el.attributes) {
          if (!(DESCRIPTION_ATTRS[tag] ?? []).includes(attr.name)) problems.push(`<${tag} ${attr.name}> in the description`);
        }
      }
    }
    return problems;
  }, [...DECLARED_ASSETS]);
}

/** Waits until `predicate(arg)` is truthy in the page (polling with page.evaluate, which the eval trap knows). */
async function until(page, predicate, arg, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(predicate, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${predicate}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const text = (page, selector) => page.locator(selector).first().textContent().then((t) => t?.trim());

test('the card and the listing render the draft', async () => {
  const { page, record } = await instrumentedPage();
  try {
    await openPreview(page, server.origin, 'preview');
    await page.click('[data-testid="preview-tab-card"]');
    const card = '[data-testid="card-preview"]';
    await page.waitForSelector(`${card} [data-field="vendor"]:text("by Acme Corp")`);
    assert.equal(await text(page, `${card} [data-field="name"]`), 'Acme CRM Connector');
    assert.equal(await text(page, `${card} [data-field="category"]`), 'CRM');
    assert.equal(await text(page, `${card} [data-field="price"]`), 'from $9 / seat / month');
    assert.equal(await text(page, `${card} [data-field="trial"]`), '14-day free trial');
    assert.equal(
      await text(page, `${card} [data-field="summary"]`),
      'Sync every Talkdesk call, note and disposition into Acme CRM automatically, with two-way contact lookup and screen…',
    );
    await page.click('[data-testid="card-small"]');
    assert.equal(await text(page, `${card} [data-field="summary"]`), 'Sync every Talkdesk call, note and disposition into Acme…');

    // Compare with live: the server's copy has another display name and no Pro plan (so a dearer price line).
    await page.click('[data-testid="compare-live"]');
    await page.waitForSelector('[data-testid="card-live"]');
    assert.equal(await text(page, '[data-testid="card-live"] [data-field="name"]'), 'Acme CRM');
    assert.equal(await text(page, '[data-testid="card-live"] [data-field="price"]'), 'from $12 / seat / month');
    const marked = await page.$$eval(`${card} [data-changed]`, (els) => els.map((el) => el.getAttribute('data-field')));
    assert.deepEqual(marked, ['name', 'price']);

    // Typing updates the card at once, before any save.
    await page.fill('[id="field:general.display_name"]', 'Acme CRM Pro');
    assert.equal(await text(page, `${card} [data-field="name"]`), 'Acme CRM Pro');

    await page.click('[data-testid="preview-tab-listing"]');
    const listing = '[data-testid="listing-preview"]';
    await page.waitForSelector(listing);
    assert.equal(await text(page, '[data-testid="listing-name"]'), 'Acme CRM Pro');
    assert.equal(await text(page, '[data-testid="listing-price"]'), 'from $9 / seat / month');
    assert.equal(await text(page, '[data-testid="listing-trial"]'), '14-day free trial');
    const description = '[data-testid="listing-description"]';
    assert.equal(await text(page, `${description} h2`), 'Every call, in your CRM');
    assert.equal(await page.locator(`${description} ul > li`).count(), 3);
    assert.equal(await page.locator(`${description} ol > li`).count(), 2);
    assert.equal(await text(page, `${description} blockquote`), 'Set up in five minutes, no code.');
    assert.deepEqual(
      await page.$$eval(`${description} a`, (as) => as.map((a) => a.getAttribute('href'))),
      ['https://docs.acme-corp.example/talkdesk', 'mailto:support@acme-corp.example'],
    );
    const rows = await page.$$eval(`[data-testid="listing-plans"] tbody tr`, (trs) =>
      trs.map((tr) => [...tr.children].map((cell) => cell.textContent.trim().replace(/\s+/g, ' '))),
    );
    assert.deepEqual(rows.map((r) => r.slice(0, 2)), [
      ['Trial', 'Free for 14 days'],
      ['Team', '$12 / seat / month'],
      ['Pro', '$9 / seat / month'],
      ['Enterprise', '$499 / account / month'],
    ]);
    assert.deepEqual(await page.$$eval('[data-testid="listing-scopes"] li', (lis) => lis.map((li) => li.textContent.trim())), [
      'account:read',
      'contacts:read',
      'contacts:write',
    ]);
    assert.equal(
      await text(page, '[data-testid="listing-scopes-reason"]'),
      'Reads the caller from your contacts and writes each call back to them.',
    );
    // The screenshot on Acme's own domain loads at once; the one on another host waits, as a placeholder naming the
    // host, and is not requested until the partner asks; the video asset is not a screenshot.
    const shots = '[data-testid="listing-screenshots"]';
    await until(page, (src) => document.querySelector(`[data-testid="listing-screenshots"] img[src="${src}"]`)?.complete, OWN_SHOT);
    assert.equal(await page.locator(`${shots} li`).count(), 2);
    assert.ok(record.requests.includes(OWN_SHOT));
    assert.match(await text(page, '[data-testid="screenshot-rule"]'), /^Screenshots load at once only from the domains of this version's own links and support email \(acme-corp\.example\);/);
    // Time for anything that would load to ask for it: two frames and a macrotask.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
    assert.equal(await page.locator(`${shots} img[src="${FOREIGN_SHOT}"]`).count(), 0, 'no <img> for the foreign screenshot yet');
    assert.ok(!record.requests.includes(FOREIGN_SHOT), 'the foreign screenshot was requested before the partner asked');
    assert.equal(await page.getAttribute('[data-testid="screenshot-held"]', 'data-host'), 'media.shots-host.example');
    await page.click('[data-testid="screenshot-held"] button:text("Load screenshots from media.shots-host.example")');
    await until(page, (src) => document.querySelector(`[data-testid="listing-screenshots"] img[src="${src}"]`)?.complete, FOREIGN_SHOT);
    assert.ok(record.requests.includes(FOREIGN_SHOT), 'the foreign screenshot loads once asked for');
    assert.equal(await page.locator('[data-testid="screenshot-held"]').count(), 0);
    assert.deepEqual(await page.$$eval('[data-testid="listing-links"] a', (as) => as.map((a) => a.getAttribute('href'))), [
      'https://www.acme-corp.example/privacy',
      'https://www.acme-corp.example/terms',
      'https://help.acme-corp.example',
      'mailto:support@acme-corp.example',
    ]);

    await page.click('[data-testid="preview-tab-badges"]');
    await page.waitForSelector('[data-testid="badge-preview"]');
    assert.equal(await page.locator('[data-testid="badge-example"]').count(), 8);
    assert.deepEqual(await walkPreview(page), []);
    await assertInert(page, record, 'the plain fixture');
  } finally {
    await page.close();
  }
});

test('hostile partner text stays inert in every tab, loaded and typed', async () => {
  const { page, record } = await instrumentedPage();
  /** When the page stops answering, what the traps caught says why better than a timeout. */
  const inertOr = async (error, what) => {
    await assertInert(page, record, what);
    throw error;
  };
  try {
    await openPreview(page, server.origin, 'preview-hostile');
    for (const tab of ['card', 'listing', 'badges']) {
      await page.click(`[data-testid="preview-tab-${tab}"]`, { timeout: 5_000 }).catch((error) => inertOr(error, `the ${tab} tab`));
      await page
        .waitForSelector(`[data-testid="preview-pane"][data-tab="${tab}"]`, { timeout: 5_000 })
        .catch((error) => inertOr(error, `the ${tab} tab`));
      // Give anything that could load or run the time to do it: two frames and a macrotask.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
      assert.deepEqual(await walkPreview(page), [], `the ${tab} tab`);
    }
    await page.click('[data-testid="preview-tab-card"]');
    await page.click('[data-testid="compare-live"]');
    await page.waitForSelector('[data-testid="card-live"]');
    assert.deepEqual(await walkPreview(page), [], 'compare with live');

    // The payloads show as text, where a customer would see them.
    assert.match(await text(page, '[data-testid="card-preview"] [data-field="name"]'), /^Acme <img src=x onerror=/);

    // Typed live into the description, one payload after another.
    await page.click('[data-testid="preview-tab-listing"]');
    const typed = [
      '<img src=x onerror="window.__pwned=\'typed-img\'">',
      '<svg><script>window.__pwned="typed-svg"</script></svg><svg/onload=window.__pwned="typed-onload">',
      '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
      '<style>@import url(https://evil.example/import.css);</style>',
      '[click me](javascript:window.__pwned="typed-link") [me too](  JAVASCRIPT:window.__pwned=1  )',
      '![remote](https://evil.example/typed.png) <img src="https://evil.example/typed-tag.png">',
      '<meta http-equiv="refresh" content="0;url=https://evil.example/typed-refresh">',
      '<a href="https://evil.example" style="position:fixed;inset:0" onclick="window.__pwned=1">overlay</a>',
      '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned="mxss">',
    ];
    for (const [i, payload] of typed.entries()) {
      await page.fill('[id="field:marketplace.description"]', `Intro ${i}\n\n${payload}\n\n- item ${payload}`);
      await until(page, (n) => document.querySelector('[data-testid="listing-description"] p')?.textContent === `Intro ${n}`, i);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
      assert.deepEqual(await walkPreview(page), [], payload);
    }
    // Links that are not https/http/mailto render as their text alone.
    await page.fill('[id="field:marketplace.description"]', typed[4]);
    await until(page, () => document.querySelector('[data-testid="listing-description"]')?.textContent.includes('click me'));
    assert.equal(await page.locator('[data-testid="listing-description"] a').count(), 0);

    // The screenshot on the partner's own domain may load; the one on another host (a tracking pixel) waits for the
    // partner, the hostile screenshot URL and the other assets never load: assertInert fails on any request for them.
    assert.equal(await page.locator('[data-testid="listing-screenshots"] li').count(), 3);
    assert.equal(await page.getAttribute('[data-testid="screenshot-held"]', 'data-host'), 'evil.example');
    await assertInert(page, record, 'the hostile fixture');
  } finally {
    await page.close();
  }
});

test('a link in the preview opens through the backend and never navigates the window', async () => {
  const { page, record } = await instrumentedPage();
  try {
    await openPreview(page, server.origin, 'preview-hostile');
    await page.click('[data-testid="preview-tab-listing"]');
    const before = page.url();
    const link = page.locator('[data-testid="listing-description"] a', { hasText: 'A real link' });
    await link.click();
    await until(page, () => window.__pwbDemoCalls.openListingLink.length === 1);
    assert.deepEqual(await page.evaluate(() => window.__pwbDemoCalls.openListingLink), [
      { versionId: 'ver-preview-300', url: 'https://docs.acme-corp.example/start' },
    ]);
    assert.match(await text(page, '[data-testid="link-note"]'), /Opened https:\/\/docs\.acme-corp\.example\/start outside the app/);
    // A middle click, and Enter on the focused link, do not navigate either.
    await link.click({ button: 'middle' });
    await link.focus();
    await page.keyboard.press('Enter');
    await until(page, () => window.__pwbDemoCalls.openListingLink.length === 2);
    assert.equal(page.url(), before);
    assert.ok(!record.requests.some((url) => url.includes('docs.acme-corp.example')), 'the link was requested');
    await assertInert(page, record, 'clicking links');
  } finally {
    await page.close();
  }
});

/** Compares a PNG with its reference, or writes it when PWB_UPDATE_SCREENSHOTS=1. */
function compareWithReference(name, buffer) {
  const file = join(REFERENCE, name);
  if (process.env.PWB_UPDATE_SCREENSHOTS === '1') {
    writeFileSync(file, buffer);
    return;
  }
  assert.ok(existsSync(file), `no reference ${name}: run with PWB_UPDATE_SCREENSHOTS=1 to create it, look at it, commit it`);
  const actual = PNG.sync.read(buffer);
  const expected = PNG.sync.read(readFileSync(file));
  assert.deepEqual([actual.width, actual.height], [expected.width, expected.height], `${name}: size changed`);
  const diff = new PNG({ width: actual.width, height: actual.height });
  const different = pixelmatch(actual.data, expected.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
  const share = different / (actual.width * actual.height);
  if (share > 0.002) {
    const out = join(REFERENCE, name.replace(/\.png$/, '.diff.png'));
    writeFileSync(out, PNG.sync.write(diff));
    assert.fail(`${name}: ${different} pixels (${(share * 100).toFixed(2)}%) differ from the reference; see ${out}`);
  }
}

test('the card matches its reference screenshots, light and dark', async () => {
  const { page } = await instrumentedPage();
  try {
    await openPreview(page, server.origin, 'preview');
    await page.click('[data-testid="preview-tab-card"]');
    await page.click('[data-testid="card-large"]');
    await page.waitForSelector('[data-testid="card-preview"] [data-field="vendor"]:text("by Acme Corp")');
    await until(page, () => document.querySelector('[data-testid="card-preview"] img')?.complete);
    await page.evaluate(() => document.fonts.ready);
    for (const theme of ['light', 'dark']) {
      await page.click(`[data-testid="card-${theme}"]`);
      await page.waitForSelector(`figure[data-theme="${theme}"] [data-testid="card-preview"]`);
      const shot = await page.locator('[data-testid="card-preview"]').screenshot({ animations: 'disabled' });
      compareWithReference(`card-${theme}.png`, shot);
    }
  } finally {
    await page.close();
  }
});
