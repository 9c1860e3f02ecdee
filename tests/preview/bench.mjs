// The keystroke benchmark of issue 7: in Chromium, the version editor with a 4,000-character description; each
// keystroke typed into the description is timed with the page's Performance API from its input event
// (performance.mark, in a capturing listener that runs before the editor's own) to the first moment after the next
// frame was painted (requestAnimationFrame, then a setTimeout 0), with the preview's Listing tab showing the
// description, then the same keystrokes on the same page with the preview turned off (the baseline). Prints the
// median and p95 of each and writes them into BENCHMARKS.md between its markers.
//
//   npm --prefix ui run build && node tests/preview/bench.mjs        (KEYSTROKES=N to change the count, default 300)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { launchChromium, openPreview, ROOT, serveDist } from './support.mjs';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 300);
const WARMUP = 20;
const LENGTH = 4_000;
const TARGET_MS = 16;
const DESCRIPTION_FIELD = '[id="field:marketplace.description"]';
const START = '<!-- bench:preview-keystroke:start -->';
const END = '<!-- bench:preview-keystroke:end -->';

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

/** Installs the in-page timer: one measure per input event on the description. */
function install() {
  const field = document.getElementById('field:marketplace.description');
  const bench = { durations: [], updated: [], frames: [], seq: 0 };
  Object.defineProperty(window, '__bench', { value: bench, configurable: true });
  document.addEventListener(
    'input',
    (event) => {
      if (event.target !== field) return;
      const n = ++bench.seq;
      const typed = field.value;
      const t0 = performance.mark(`key-${n}`).startTime;
      requestAnimationFrame(() => {
        const tRaf = performance.now();
        setTimeout(() => {
          bench.frames.push([tRaf - t0, performance.now() - tRaf]);
          performance.mark(`painted-${n}`);
          const measure = performance.measure(`keystroke-${n}`, `key-${n}`, `painted-${n}`);
          bench.durations.push(measure.duration);
          // Did the preview show this keystroke? (Only asked when it is on: its description ends with the typed word.)
          const shown = document.querySelector('[data-testid="listing-description"]');
          const word = typed.slice(typed.lastIndexOf(' ') + 1);
          bench.updated.push(shown ? (shown.textContent ?? '').trimEnd().endsWith(word) : null);
        }, 0);
      });
    },
    true,
  );
}

function stats(durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    n: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

/** Types `count` letters at the end of the description, one at a time, each measured; resolves with the durations. */
async function typeKeys(page, count) {
  const before = await page.evaluate(() => window.__bench.durations.length);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < count; i += 1) {
    await page.keyboard.press(letters[i % letters.length]);
    await page.evaluate(
      (n) => new Promise((resolve) => {
        const check = () => (window.__bench.durations.length >= n ? resolve() : setTimeout(check, 1));
        check();
      }),
      before + i + 1,
    );
  }
  return page.evaluate(
    (from) => ({
      durations: window.__bench.durations.slice(from),
      updated: window.__bench.updated.slice(from),
      frames: window.__bench.frames.slice(from),
    }),
    before,
  );
}

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
  await page.evaluate(install);

  // Preview on, Listing tab: the description is rendered on every keystroke, its typed end in view.
  await page.evaluate(() =>
    document.querySelector('[data-testid="listing-description"]').lastElementChild.scrollIntoView({ block: 'center' }),
  );
  await focusEnd(page);
  await typeKeys(page, WARMUP);
  on = await typeKeys(page, KEYSTROKES);
  assert.ok(on.updated.every((shown) => shown === true), 'the preview did not show every keystroke by the next frame');

  // The baseline: the same page with the preview turned off.
  await page.click('[data-testid="preview-toggle"]');
  await page.waitForSelector('[data-testid="preview-pane"]', { state: 'detached' });
  await focusEnd(page);
  await typeKeys(page, WARMUP);
  off = await typeKeys(page, KEYSTROKES);
  assert.ok(off.updated.every((shown) => shown === null), 'the preview was still there with the preview off');
} finally {
  await browser.close();
  await server.close();
}

const withPreview = stats(on.durations);
const baseline = stats(off.durations);
const chromiumVersion = execFileSync(process.env.PWB_CHROMIUM ?? '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
  .toString()
  .trim();
const ms = (value) => `${value.toFixed(1)} ms`;
const met = withPreview.median <= TARGET_MS;
const today = new Date().toISOString().slice(0, 10);

console.log(`keystroke to updated preview, ${LENGTH}-character description, ${KEYSTROKES} keystrokes each (after ${WARMUP} warm-up):`);
console.log(`  preview on (Listing tab):  median ${ms(withPreview.median)}  p95 ${ms(withPreview.p95)}  mean ${ms(withPreview.mean)}  max ${ms(withPreview.max)}`);
console.log(`  preview off (baseline):    median ${ms(baseline.median)}  p95 ${ms(baseline.p95)}  mean ${ms(baseline.mean)}  max ${ms(baseline.max)}`);
/** The median split of a run: from the input event to the frame's rAF (script), and from there to after the paint. */
const split = (run) => ({
  script: stats(run.frames.map((f) => f[0])).median,
  frame: stats(run.frames.map((f) => f[1])).median,
});
const onSplit = split(on);
const offSplit = split(off);
console.log(`  split (medians): on ${ms(onSplit.script)} to the frame + ${ms(onSplit.frame)} to after its paint; off ${ms(offSplit.script)} + ${ms(offSplit.frame)}`);
console.log(`  target: median <= ${TARGET_MS} ms with the preview on: ${met ? 'met' : 'NOT met'}`);

const section = `${START}
## Preview: keystroke to updated preview (issue 7)

The version editor in Chromium (${chromiumVersion}, headless, through playwright-core) on the built window and the
fake backend, with a ${LENGTH.toLocaleString('en-US')}-character description (headings, emphasis, links, lists, quotes,
inline code) and the preview's Listing tab scrolled to its end, so the paragraph being typed is on screen and must be
painted. Each keystroke typed at the end of the description is timed with the page's Performance API: a
\`performance.mark\` in a capturing \`input\` listener (before the editor's own), and a second one after the next frame
was painted (\`requestAnimationFrame\`, then \`setTimeout 0\`); the benchmark also checks that the preview showed the
typed letter by then. The baseline, in the same run on the same page, is the same keystrokes with the preview turned
off (what the editor itself costs per keystroke: the form, the draft, the debounced checks and save).

\`\`\`sh
npm --prefix ui run build && node tests/preview/bench.mjs
\`\`\`

| measurement (${KEYSTROKES} keystrokes each, after ${WARMUP} warm-up) | median | p95 |
| --- | --- | --- |
| preview on (Listing tab, description rendered) | **${ms(withPreview.median)}** | ${ms(withPreview.p95)} |
| preview off (baseline) | ${ms(baseline.median)} | ${ms(baseline.p95)} |

Split of the medians, input event to the frame's \`requestAnimationFrame\` (the editor's and the preview's script)
then to after its paint: preview on ${ms(onSplit.script)} + ${ms(onSplit.frame)}, off ${ms(offSplit.script)} + ${ms(offSplit.frame)}.

Target: median at most ${TARGET_MS} ms with the preview on: **${met ? 'met' : 'not met'}**. Measured ${today} on
${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load.toFixed(1)} at the start (both
figures ran one after the other in the same run, under the same load). Both include waiting for the next frame, so neither
can be below the time to the next vsync of the headless compositor.

What keeps it there: markdown-it parses the whole description on each keystroke (about 1 ms), but the DOM keeps the
top-level blocks that did not change (\`patchBlocks\`), and the listing is laid out and painted in its own containment
(\`contain: content\`, and \`layout paint\` on the description), so the browser redoes the paragraph being typed, not
the window. Before those two, a first version of this benchmark (the listing not scrolled to its end) gave a median
of 29.8 ms against 12.8 ms.
${END}`;

const file = join(ROOT, 'BENCHMARKS.md');
const current = readFileSync(file, 'utf8');
const start = current.indexOf(START);
const end = current.indexOf(END);
const next =
  start !== -1 && end > start
    ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
    : `${current.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
console.log(`wrote the section to BENCHMARKS.md`);
