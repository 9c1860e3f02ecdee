// The filter's keystroke benchmark of issue 19: in Chromium, the app list of 1,000 apps × 5 versions (the fake
// backend's `?demo=scale-5`); each keystroke typed into its filter box is timed with the page's Performance API from
// its input event (performance.mark, in a capturing listener that runs before the list's own) to the first moment
// after the next frame was painted (requestAnimationFrame, then a setTimeout 0), as the preview's keystroke benchmark
// (`tests/preview/bench.mjs`) times its own; then the same keystrokes on the demo portfolio (`?demo`, 4 apps), the
// baseline. The keys type queries letter by letter and erase them with Backspace, so the list changes on keystroke
// after keystroke. The frame timed must be the one showing the keystroke's result: the count beside the box at that
// frame must be the count the same text settles to, which is checked afterwards for every text typed.
//
// Prints the median and p95 of each and writes them into BENCHMARKS.md between its markers (the section is rendered
// by `report.mjs`, as the whole file is when the suite runs it). With `--json FILE` it writes its figures to FILE
// instead and leaves BENCHMARKS.md alone: the suite (`suite.mjs`) runs it that way.
//
//   npm --prefix ui run build && node tests/benches/filter.mjs        (KEYSTROKES=N to change the count, default 300)

import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  browserRunFacts,
  frameSplit,
  installKeystrokeTimer,
  launchChromium,
  serveDist,
  typeKeys,
  writeFigures,
} from '../preview/support.mjs';
import { filterSection, ms, replaceFilterSection, stats } from './report.mjs';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 300);
const WARMUP = 20;
const TARGET_MS = 16;
const FILTER = '[data-testid="app-filter"]';
const COUNT = '[data-testid="app-filter-count"]';
/** The cards the virtual list draws. */
const CARD = '[data-testid="app-list"] [data-testid="app"]';
const MAX_CARDS = 200;
const { values: options } = parseArgs({ options: { json: { type: 'string' } } });

assert.ok(KEYSTROKES >= 200, 'KEYSTROKES must be at least 200');

/**
 * What a partner looks for, typed in turn, each letter by letter and then erased: app numbers and names, a review
 * status, version numbers, one that matches nothing. At 1,000 apps × 5 versions most keys change how many apps match,
 * from all of them down to one or none (the figures say how many).
 */
const QUERIES = ['0123', 'app 0042', '999', 'rej', '1000', '5.7', '750', '9.9', '678', '8.'];

/** The first `count` keys of the endless round of QUERIES (Playwright key names); the box is empty before the first. */
function keystrokes(count) {
  const round = QUERIES.flatMap((query) => [...query, ...Array(query.length).fill('Backspace')]);
  return Array.from({ length: count }, (_, i) => round[i % round.length]);
}

/** Waits until the window is idle: two frames, then 50 ms. */
const settle = (page) =>
  page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)))),
  );

/** What a painted frame showed beside the box: the count, or "none" when the box was empty (no count shown). */
const shownCount = (text) => text ?? 'none';

/**
 * Times the keystrokes on a scenario's list, in a page of its own, and checks them. Answers the timed batch with the
 * list's size, the cards drawn with the box empty, and the settled count of each text typed.
 */
async function measure(context, origin, scenario) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/?demo${scenario ? `=${scenario}` : ''}`);
    await page.waitForSelector(CARD);
    // The list's length, as its rows tell assistive technology; the versions on its first card.
    const apps = Number(await page.getAttribute('[data-testid="app-list"] > li', 'aria-setsize'));
    const versions = await page.locator(CARD).first().locator('[data-testid="version"]').count();
    const cards = await page.locator(CARD).count();

    await page.focus(FILTER);
    await installKeystrokeTimer(page, FILTER, COUNT);
    const keys = keystrokes(WARMUP + KEYSTROKES);
    await typeKeys(page, keys.slice(0, WARMUP));
    const run = await typeKeys(page, keys.slice(WARMUP));
    assert.equal(run.durations.length, KEYSTROKES);

    // The honesty check: each text typed, set again and left to settle, shows the count its keystroke's frame showed.
    const settled = new Map();
    for (const text of new Set(run.typed)) {
      await page.fill(FILTER, text);
      await settle(page);
      settled.set(text, shownCount(await page.evaluate((selector) => document.querySelector(selector)?.textContent ?? null, COUNT)));
    }
    run.typed.forEach((text, i) => {
      assert.equal(
        shownCount(run.shown[i]),
        settled.get(text),
        `${scenario || 'demo'}: keystroke ${i + 1} ("${text}") painted "${shownCount(run.shown[i])}", but the text settles to "${settled.get(text)}"`,
      );
    });
    await page.fill(FILTER, '');
    await settle(page);
    const cardsAfter = await page.locator(CARD).count();
    return { run, apps, versions, cards: Math.max(cards, cardsAfter), settled };
  } finally {
    await page.close();
  }
}

const load = loadavg()[0];
const server = await serveDist();
const browser = await launchChromium();
let list;
let baseline;
try {
  list = await measure(browser.context, server.origin, 'scale-5');
  baseline = await measure(browser.context, server.origin, '');
} finally {
  await browser.close();
  await server.close();
}

assert.equal(list.apps, 1000, 'scale-5 lists 1,000 apps');
assert.equal(list.versions, 5, "scale-5's first card shows its 5 versions");
assert.ok(list.cards > 0 && list.cards < MAX_CARDS, `the list drew ${list.cards} cards of 1,000 (fewer than ${MAX_CARDS} allowed)`);

/** How many keystrokes changed the count shown from the keystroke before (the first, from the empty box's). */
const changed = ({ shown }) => shown.filter((text, i) => shownCount(text) !== shownCount(i === 0 ? null : shown[i - 1])).length;

const figures = {
  ...browserRunFacts(load),
  keystrokes: KEYSTROKES,
  warmup: WARMUP,
  targetMs: TARGET_MS,
  apps: { list: list.apps, baseline: baseline.apps },
  cards: list.cards,
  queries: QUERIES,
  distinct: list.settled.size,
  changed: changed(list.run),
  list: stats(list.run.durations),
  baseline: stats(baseline.run.durations),
  split: { list: frameSplit(list.run), baseline: frameSplit(baseline.run) },
};

const { list: l, baseline: b, split } = figures;
console.log(`keystroke to filtered app list, ${KEYSTROKES} keystrokes each (after ${WARMUP} warm-up), ${figures.changed} of them changing the count:`);
console.log(`  1,000 apps x 5 versions:  median ${ms(l.median)}  p95 ${ms(l.p95)}  mean ${ms(l.mean)}  max ${ms(l.max)}`);
console.log(`  ${baseline.apps} apps (baseline):      median ${ms(b.median)}  p95 ${ms(b.p95)}  mean ${ms(b.mean)}  max ${ms(b.max)}`);
console.log(`  split (medians): 1,000 apps ${ms(split.list.script)} to the frame + ${ms(split.list.frame)} to after its paint; baseline ${ms(split.baseline.script)} + ${ms(split.baseline.frame)}`);
console.log(`  checked: every painted count matched its text's settled count (${figures.distinct} texts); ${figures.cards} cards drawn of 1,000`);
console.log(`  target: median <= ${TARGET_MS} ms at 1,000 apps x 5 versions: ${l.median <= TARGET_MS ? 'met' : 'NOT met'}`);

writeFigures(options.json, figures, (document) => replaceFilterSection(document, filterSection(figures)));
