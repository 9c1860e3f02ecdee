// Shared by the preview's browser tests and the window's keystroke benchmarks (`tests/preview/bench.mjs`,
// `tests/benches/filter.mjs`): the built window (ui/dist) served on 127.0.0.1 by a tiny static server, on the in-memory
// fake backend (a plain browser has no Tauri), Debian's Chromium driven by playwright-core, and the benchmarks' in-page
// keystroke timer. The npm packages come from ui/node_modules (`npm ci --prefix ui`).
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stats } from '../benches/report.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'ui', 'dist');
const uiRequire = createRequire(join(ROOT, 'ui', 'package.json'));

/** A package installed in ui/node_modules. */
export async function uiPackage(name) {
  return import(pathToFileURL(uiRequire.resolve(name)).href);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Serves ui/dist on 127.0.0.1 at a free port; resolves with its origin and a close function. */
export async function serveDist() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('ui/dist is missing: build the window first (npm --prefix ui run build)');
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Debian's Chromium, or the one PWB_CHROMIUM names. */
const chromiumPath = () => process.env.PWB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium (PWB_CHROMIUM overrides the path) with a fresh user-data dir, removed on close. Resolves with
 * the persistent context (one window, one profile) and a close function.
 */
export async function launchChromium() {
  const playwright = await uiPackage('playwright-core');
  const chromium = playwright.chromium ?? playwright.default.chromium;
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's chromium package (./dev test does) or set PWB_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'pwb-preview-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    reducedMotion: 'reduce',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The preview's fixture version (src/ipc/demo-preview.ts). */
export const PREVIEW_VERSION_ID = 'ver-preview-300';

/** Opens the window on a fake-backend scenario, opens the fixture version and shows the preview pane. */
export async function openPreview(page, origin, scenario, versionId = PREVIEW_VERSION_ID) {
  await page.goto(`${origin}/?demo=${scenario}`);
  await page.click(`[data-testid="version"][data-version-id="${versionId}"] [data-testid="open-version"]`);
  await page.waitForSelector('[data-testid="version-form"]');
  if ((await page.locator('[data-testid="preview-pane"]').count()) === 0) {
    await page.click('[data-testid="preview-toggle"]');
  }
  await page.waitForSelector('[data-testid="preview-pane"]');
}

/**
 * Installs the keystroke timer in the page: one measure per `input` event on the element `field` selects, from the
 * event (`performance.mark` in a capturing listener on the document, so before the window's own listeners) to the first
 * moment after the next frame was painted (`requestAnimationFrame`, then a `setTimeout 0`). At that moment it also
 * records the field's value as the event left it (`typed`) and the text of the element `probe` selects, or null when
 * there is none (`shown`): what the painted frame showed of that keystroke. Installed again, it starts afresh.
 */
export async function installKeystrokeTimer(page, field, probe) {
  await page.evaluate(
    ([fieldSelector, probeSelector]) => {
      const input = document.querySelector(fieldSelector);
      if (!input) throw new Error(`no ${fieldSelector} to time`);
      const bench = { durations: [], frames: [], typed: [], shown: [], seq: 0 };
      Object.defineProperty(window, '__bench', { value: bench, configurable: true });
      document.addEventListener(
        'input',
        (event) => {
          if (event.target !== input || window.__bench !== bench) return;
          const n = ++bench.seq;
          const typed = input.value;
          const t0 = performance.mark(`key-${n}`).startTime;
          requestAnimationFrame(() => {
            const tRaf = performance.now();
            setTimeout(() => {
              bench.frames.push([tRaf - t0, performance.now() - tRaf]);
              performance.mark(`painted-${n}`);
              const measure = performance.measure(`keystroke-${n}`, `key-${n}`, `painted-${n}`);
              bench.durations.push(measure.duration);
              bench.typed.push(typed);
              bench.shown.push(document.querySelector(probeSelector)?.textContent ?? null);
            }, 0);
          });
        },
        true,
      );
    },
    [field, probe],
  );
}

/**
 * Presses `keys` (Playwright key names) one at a time into the focused field, each once the timer measured the one
 * before (every key must make an input event); resolves with this batch's `durations` (ms), `frames` (the split of each:
 * to the frame's requestAnimationFrame, then to after its paint), and `typed` and `shown` as the timer recorded them.
 */
export async function typeKeys(page, keys) {
  const before = await page.evaluate(() => window.__bench.durations.length);
  for (const [i, key] of keys.entries()) {
    await page.keyboard.press(key);
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
      frames: window.__bench.frames.slice(from),
      typed: window.__bench.typed.slice(from),
      shown: window.__bench.shown.slice(from),
    }),
    before,
  );
}

/** The median split of a batch `typeKeys` timed: input event to the frame's rAF (script), then to after its paint. */
export function frameSplit({ frames }) {
  return {
    script: stats(frames.map((f) => f[0])).median,
    frame: stats(frames.map((f) => f[1])).median,
  };
}

/** What a browser benchmark's figures say of its run: the Chromium, the load given, the date and the machine. */
export function browserRunFacts(load) {
  return {
    chromium: execFileSync(chromiumPath(), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(),
    load,
    date: new Date().toISOString().slice(0, 10),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/**
 * A benchmark's ending: with a `jsonFile` (the suite's way), its figures written there and BENCHMARKS.md left alone;
 * without, its own section of BENCHMARKS.md rewritten by `rewrite(document)`.
 */
export function writeFigures(jsonFile, figures, rewrite) {
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`wrote the figures to ${jsonFile}`);
  } else {
    const file = join(ROOT, 'BENCHMARKS.md');
    writeFileSync(file, rewrite(readFileSync(file, 'utf8')));
    console.log('wrote the section to BENCHMARKS.md');
  }
}
