// Shared by the preview's browser tests and its benchmark: the built window (ui/dist) served on 127.0.0.1 by a tiny
// static server, on the in-memory fake backend (a plain browser has no Tauri), and Debian's Chromium driven by
// playwright-core. The npm packages come from ui/node_modules (`npm ci --prefix ui`).
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  const executablePath = process.env.PWB_CHROMIUM ?? '/usr/bin/chromium';
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
