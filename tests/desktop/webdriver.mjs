// A minimal W3C WebDriver client over fetch, and a tauri-driver launcher: enough to drive the
// real Partner Workbench window through WebKitWebDriver, with no extra packages.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts tauri-driver with `env` (the app it launches inherits it) and waits until it answers.
 * The driver leads its own process group, with WebKitWebDriver and the app under it, so `stop()`
 * ends all of them: no window outlives its test. Their output (the app's log included) goes to
 * the file `log`, never to this process's pipes, which a surviving app would otherwise hold open
 * and keep the runner waiting.
 */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const log = join(tmpdir(), `pwb-tauri-driver-${process.pid}-${port}.log`);
  const out = openSync(log, 'a');
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    signalGroup('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    // Whatever still runs in the group (a window that ignored SIGTERM) is ended for good.
    signalGroup('SIGKILL');
    if (!done) await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}; see ${log}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return { url, stop, log };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`tauri-driver did not start within 20 s; see ${log}`);
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/**
 * Brings an element into view and waits until it holds still where a click lands on it, as a hand would: its box the
 * same over two frames and the element at its centre its own (or a child). A list that measures the rows it has just
 * drawn moves them for a frame or two after a scroll; a click sent meanwhile lands beside its target. Gives up after
 * 2 s and lets the click say what it hits.
 */
const SETTLE = `
  const [el, done] = arguments;
  el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const deadline = performance.now() + 2000;
  let last = null;
  const frame = () => {
    const r = el.getBoundingClientRect();
    const now = [r.top, r.left, r.width, r.height].join();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if ((now === last && hit !== null && el.contains(hit)) || performance.now() > deadline) return done(null);
    if (hit === null || !el.contains(hit)) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);`;

/** The W3C WebDriver key of an element reference in a script's arguments. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A session with the app at `application`: the real window, its real DOM. */
export async function openSession(driverUrl, application) {
  const value = await call('POST', `${driverUrl}/session`, {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } },
  });
  const base = `${driverUrl}/session/${value.sessionId}`;
  return {
    /** Runs `script` (a function body) in the window and returns its JSON result. */
    execute: (script, args = []) => call('POST', `${base}/execute/sync`, { script, args }),
    /** Polls `script` until it returns a truthy value, or fails after `timeoutMs`. */
    async waitFor(script, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last;
      while (Date.now() < deadline) {
        last = await call('POST', `${base}/execute/sync`, { script, args: [] });
        if (last) return last;
        await sleep(100);
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}`);
    },
    /** The first element matching a CSS selector, as a handle for `click`, `clear` and `type`. */
    async find(selector) {
      const found = await call('POST', `${base}/element`, { using: 'css selector', value: selector });
      return Object.values(found)[0];
    },
    /**
     * A real click, as the user makes it (hit-tested). The element is first scrolled into view within the scrolling
     * boxes around it (the app list scrolls in a box of its own): WebKitWebDriver scrolls only the page, and calls an
     * element whose centre lies below a scrolled box's edge "not interactable". Then it waits for the element to hold
     * still (see `SETTLE`).
     */
    async click(element) {
      await call('POST', `${base}/execute/async`, { script: SETTLE, args: [{ [ELEMENT]: element }] });
      return call('POST', `${base}/element/${element}/click`, {});
    },
    /** Types `text` into an element, key by key. */
    type: (element, text) => call('POST', `${base}/element/${element}/value`, { text }),
    /**
     * Presses keys in the focused element, one after another: each is a W3C key code (like '\uE007' for Enter) or
     * an array of them pressed together (['\uE009', 'a'] is Ctrl+A).
     */
    async press(...keys) {
      const actions = keys.flatMap((key) => {
        const chord = Array.isArray(key) ? key : [key];
        return [
          ...chord.map((value) => ({ type: 'keyDown', value })),
          ...chord.reverse().map((value) => ({ type: 'keyUp', value })),
        ];
      });
      await call('POST', `${base}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
      await call('DELETE', `${base}/actions`);
    },
    /** A PNG of the window, base64-encoded: for looking at a failure. */
    screenshot: () => call('GET', `${base}/screenshot`),
    close: () => call('DELETE', base).catch(() => {}),
  };
}

/**
 * Starts `partner-sandbox` (the binary at `binary`) with its data in `dataDir` and the demo seed (or `seed`), plus `extraArgs`, on
 * `listen` (a free loopback port unless given: pass the address of a sandbox stopped earlier to start it again where
 * its clients look for it), and, unless `issueToken` is false, has it issue an access token through its admin route.
 * Resolves with the server's URL, the token and `stop`, which ends the process and resolves once it has exited (its
 * port is free again then).
 */
export async function startSandbox(
  binary,
  dataDir,
  extraArgs = [],
  { listen = '127.0.0.1:0', issueToken = true, seed = 'demo' } = {},
) {
  const child = spawn(binary, ['--listen', listen, '--data', dataDir, '--seed', seed, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const lines = createInterface({ input: child.stdout });
  const server = await new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`the sandbox exited with ${code} before listening on ${listen}`)));
    lines.once('line', (line) => resolve(line.replace(/^listening on /, '')));
  });
  if (!issueToken) return { server, token: null, stop };
  const issued = await fetch(`${server}/_sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (issued.status !== 200) {
    await stop();
    throw new Error(`the sandbox did not issue a token: ${issued.status}`);
  }
  const token = (await issued.json()).access_token;
  return { server, token, stop };
}
