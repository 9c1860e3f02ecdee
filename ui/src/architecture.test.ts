// Guards for rules no type checker enforces: only src/ipc may talk to Tauri, and the markup must survive the
// webview's strict CSP (no inline styles, no raw HTML, no remote loads).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
// Spelled in pieces so this file does not trip its own check.
const TAURI_PACKAGES = ['@tauri', 'apps'].join('-');
const TAURI_IMPORT = new RegExp(`(['"\`])${TAURI_PACKAGES}(?:/|\\1)`);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|svelte|css)$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({
  path: relative(SRC, path).split(sep).join('/'),
  text: readFileSync(path, 'utf8'),
}));

/** A .svelte file without its <script> blocks: markup and styles. */
function withoutScript(text: string): string {
  return text.replace(/<script\b[\s\S]*?<\/script>/g, '');
}

/** A .svelte file's markup: what is left after removing its <script> and <style> blocks. */
function markup(text: string): string {
  return text.replace(/<script\b[\s\S]*?<\/script>/g, '').replace(/<style\b[\s\S]*?<\/style>/g, '');
}

describe('the IPC boundary', () => {
  it('recognises Tauri imports in every form', () => {
    const pkg = TAURI_PACKAGES;
    for (const line of [
      `import { invoke } from '${pkg}/api/core';`,
      `export * from "${pkg}/api";`,
      `const m = await import(\`${pkg}/api/event\`);`,
      `import '${pkg}';`,
    ]) {
      expect(TAURI_IMPORT.test(line), line).toBe(true);
    }
    expect(TAURI_IMPORT.test(`import { mount } from 'svelte';`)).toBe(false);
  });

  it('has src/ipc/tauri.ts as the real backend, so the scan below sees real files', () => {
    const tauri = files.find((file) => file.path === 'ipc/tauri.ts');
    expect(tauri && TAURI_IMPORT.test(tauri.text)).toBe(true);
    expect(files.some((file) => file.path.endsWith('.svelte'))).toBe(true);
  });

  it('keeps every Tauri import inside src/ipc, so components only know the Backend interface', () => {
    const offenders = files
      .filter((file) => !file.path.startsWith('ipc/') && TAURI_IMPORT.test(file.text))
      .map((file) => file.path);

    expect(offenders, `only src/ipc/ may import ${TAURI_PACKAGES}`).toEqual([]);
  });
});

describe('markup under the strict CSP', () => {
  const components = files.filter((file) => file.path.endsWith('.svelte'));

  it('uses no inline style attributes or style: directives (style-src self blocks them)', () => {
    const offenders = components
      .filter((file) => /\sstyle\s*=|\sstyle:[a-z-]+/i.test(markup(file.text)))
      .map((file) => file.path);

    expect(offenders).toEqual([]);
  });

  it('renders no raw HTML, so partner-written text stays inert', () => {
    const offenders = components.filter((file) => file.text.includes('{@html')).map((file) => file.path);

    expect(offenders).toEqual([]);
  });

  it('loads nothing from the network in markup or CSS', () => {
    const remote = /(?:src|href)\s*=\s*["']?(?:https?:)?\/\/|url\(\s*["']?(?:https?:)?\/\/|@import/i;
    const offenders = files
      .filter((file) => file.path.endsWith('.svelte') || file.path.endsWith('.css'))
      .filter((file) => remote.test(file.path.endsWith('.svelte') ? withoutScript(file.text) : file.text))
      .map((file) => file.path);

    expect(offenders).toEqual([]);
  });
});
