// Accessibility of the built window, in Chromium on the in-memory fake backend: axe-core runs its WCAG 2.1 A and AA
// rules on eight screens (the app list, the same list with the first start's welcome, the same list offline, a
// version's editor, the preview, the account with and without its new profile form, an app's installations), in the light theme and in the dark one (`prefers-color-scheme`), and every screen must have no
// violation. The screens' content is the fake backend's demo portfolio (`?demo=`), the same in every run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launchChromium, openPreview, serveDist } from './support.mjs';

/** axe-core's browser build, evaluated in the page (the window's CSP allows no script tag of ours). */
const AXE = readFileSync(createRequire(join(ROOT, 'ui', 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');
/** The rules axe runs: WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The demo portfolio's app list, loaded. */
async function appList(page, scenario = 'portfolio') {
  await page.goto(`${server.origin}/?demo=${scenario}`);
  await page.waitForSelector('[data-testid="app"]');
}

const SCREENS = {
  'the app list': (page) => appList(page),
  "the first start's welcome over the app list": async (page) => {
    await appList(page, 'first-start');
    await page.waitForSelector('[data-testid="welcome"]');
  },
  'the app list offline': async (page) => {
    await appList(page, 'offline');
    await page.waitForSelector('[data-testid="sync-indicator"][data-state="offline"]');
  },
  'a version editor': async (page) => {
    await appList(page);
    await page.click('[data-testid="version"] [data-testid="open-version"]');
    await page.waitForSelector('[data-testid="version-form"]');
  },
  'the preview': (page) => openPreview(page, server.origin, 'preview'),
  'the account': async (page) => {
    await appList(page);
    await page.click('[data-testid="account-button"]');
    await page.waitForSelector('[data-testid="account-page"]');
  },
  'the account with the new profile form open': async (page) => {
    await appList(page);
    await page.click('[data-testid="account-button"]');
    await page.click('[data-testid="add-profile-open"]');
    await page.waitForSelector('[data-testid="new-profile-name"]');
  },
  "an app's installations": async (page) => {
    await appList(page);
    await page.click('[data-testid="open-installations"]');
    await page.waitForSelector('[data-testid="installations-page"] [data-testid="installation"]');
  },
};

for (const theme of ['light', 'dark']) {
  for (const [name, open] of Object.entries(SCREENS)) {
    test(`${name}, ${theme} theme: no WCAG 2.1 A or AA violation`, async () => {
      const page = await browser.context.newPage();
      try {
        await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
        await open(page);
        await page.evaluate(() => document.fonts.ready);
        await page.evaluate(AXE);
        const result = await page.evaluate(
          (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] }),
          TAGS,
        );
        const violations = result.violations.flatMap((v) =>
          v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
        );
        assert.deepEqual(violations, [], `${name} in the ${theme} theme`);
      } finally {
        await page.close();
      }
    });
  }
}
