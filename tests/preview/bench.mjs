// The keystroke benchmark of issue 7: in Chromium, the version editor with a 4,000-character description; each
// keystroke typed into the description is timed with the page's Performance API from its input event
// (performance.mark, in a capturing listener that runs before the editor's own) to the first moment after the next
// frame was painted (requestAnimationFrame, then a setTimeout 0), with the preview's Listing tab showing the
// description, then the same keystrokes on the same page with the preview turned off (the baseline). Prints the
// median and p95 of each and writes them into BENCHMARKS.md between its markers (the section is rendered by
// `tests/benches/report.mjs`, as the whole file is when the benchmark suite runs it). With `--json FILE` it writes its
// figures to FILE instead and leaves BENCHMARKS.md alone: the suite (`tests/benches/suite.mjs`) runs it that way.
//
//   npm --prefix ui run build && node tests/preview/bench.mjs        (KEYSTROKES=N to change the count, default 300)

import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ms, previewSection, replacePreviewSection, stats } from '../benches/report.mjs';
import {
  browserRunFacts,
  frameSplit,
  installKeystrokeTimer,
  launchChromium,
  openPreview,
  serveDist,
  typeKeys,
  writeFigures,
} from './support.mjs';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 300);
const WARMUP = 20;
const LENGTH = 4_000;
const TARGET_MS = 16;
const DESCRIPTION_FIELD = '[id="field:marketplace.description"]';
const { values: options } = parseArgs({ options: { json: { type: 'string' } } });

assert.ok(KEYSTROKES >= 200, 'KEYSTROKES must be at least 200');

/** A realistic description of exactly LENGTH characters, every construct of the subset, ending in a paragraph. */
function description() {
  const blocks = [];
  let i = 0;
  while (blocks.join('\n\n').length < LENGTH) {
    i += 1;
    blocks.push(
      `## Part ${i}: what it does`,
      `Acme CRM Connector logs **every call**, note and disposition into Acme CRM and pops the caller's record for the agent *before* they answer. See [the guide](https://docs.acme-corp.example/part-${i}) or \`Call\` objects.`,
      `- Two-way contact lookup\n- Screen pops with the open deals\n- Click-to-call from any record`,
      `1. Install the app\n2. Sign in to Acme CRM\n3. Map the fields`,
      `> Set up in five minutes, no code.`,
    );
  }
  const tail = '\n\nTyping goes here: ';
  const text = blocks.join('\n\n');
  return `${text.slice(0, LENGTH - tail.length)}${tail}`.slice(0, LENGTH);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** `count` letters to type, a to z and again. */
const letters = (count) => Array.from({ length: count }, (_, i) => LETTERS[i % LETTERS.length]);

/** For each keystroke, whether its painted frame's preview ended with the word typed; null with no preview shown. */
const updated = ({ typed, shown }) =>
  shown.map((text, i) => {
    const word = typed[i].slice(typed[i].lastIndexOf(' ') + 1);
    return text === null ? null : text.trimEnd().endsWith(word);
  });

async function focusEnd(page) {
  await page.focus(DESCRIPTION_FIELD);
  await page.evaluate((selector) => {
    const field = document.querySelector(selector);
    field.setSelectionRange(field.value.length, field.value.length);
  }, DESCRIPTION_FIELD);
}

const load = loadavg()[0];
const server = await serveDist();
const browser = await launchChromium();
let on;
let off;
try {
  const page = await browser.context.newPage();
  await openPreview(page, server.origin, 'preview');
  await page.click('[data-testid="preview-tab-listing"]');
  const text = description();
  assert.equal(text.length, LENGTH);
  await page.fill(DESCRIPTION_FIELD, text);
  await page.waitForSelector('[data-testid="listing-description"] h2');
  await installKeystrokeTimer(page, DESCRIPTION_FIELD, '[data-testid="listing-description"]');

  // Preview on, Listing tab: the description is rendered on every keystroke, its typed end in view.
  await page.evaluate(() =>
    document.querySelector('[data-testid="listing-description"]').lastElementChild.scrollIntoView({ block: 'center' }),
  );
  await focusEnd(page);
  await typeKeys(page, letters(WARMUP));
  on = await typeKeys(page, letters(KEYSTROKES));
  assert.ok(updated(on).every((shown) => shown === true), 'the preview did not show every keystroke by the next frame');

  // The baseline: the same page with the preview turned off.
  await page.click('[data-testid="preview-toggle"]');
  await page.waitForSelector('[data-testid="preview-pane"]', { state: 'detached' });
  await focusEnd(page);
  await typeKeys(page, letters(WARMUP));
  off = await typeKeys(page, letters(KEYSTROKES));
  assert.ok(updated(off).every((shown) => shown === null), 'the preview was still there with the preview off');
} finally {
  await browser.close();
  await server.close();
}

const withPreview = stats(on.durations);
const baseline = stats(off.durations);
const figures = {
  ...browserRunFacts(load),
  length: LENGTH,
  keystrokes: KEYSTROKES,
  warmup: WARMUP,
  targetMs: TARGET_MS,
  on: withPreview,
  off: baseline,
  split: { on: frameSplit(on), off: frameSplit(off) },
};

console.log(`keystroke to updated preview, ${LENGTH}-character description, ${KEYSTROKES} keystrokes each (after ${WARMUP} warm-up):`);
console.log(`  preview on (Listing tab):  median ${ms(withPreview.median)}  p95 ${ms(withPreview.p95)}  mean ${ms(withPreview.mean)}  max ${ms(withPreview.max)}`);
console.log(`  preview off (baseline):    median ${ms(baseline.median)}  p95 ${ms(baseline.p95)}  mean ${ms(baseline.mean)}  max ${ms(baseline.max)}`);
console.log(`  split (medians): on ${ms(figures.split.on.script)} to the frame + ${ms(figures.split.on.frame)} to after its paint; off ${ms(figures.split.off.script)} + ${ms(figures.split.off.frame)}`);
console.log(`  target: median <= ${TARGET_MS} ms with the preview on: ${withPreview.median <= TARGET_MS ? 'met' : 'NOT met'}`);

writeFigures(options.json, figures, (document) => replacePreviewSection(document, previewSection(figures)));
