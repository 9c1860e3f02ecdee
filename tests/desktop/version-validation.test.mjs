// The version editor's live validation panel in the real window, against the real rules engine: open a demo
// version, see the pack version and an all-clear panel, clear the display name and see the engine's
// `listing.required` diagnostic for it, activate that diagnostic and land in the outlined input, type the name back
// and see all clear again.
//
// Needs PWB_APP_BINARY (absolute path), a display (xvfb-run) and tauri-driver on PATH. `./dev test` sets them up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession, startDriver } from './webdriver.mjs';

const app = process.env.PWB_APP_BINARY;
assert.ok(app, 'PWB_APP_BINARY must point at the built desktop binary');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The pack the app ships: the panel must name its version. */
const pack = JSON.parse(readFileSync(join(root, 'src-tauri/crates/workbench-domain/rules/default.json'), 'utf8'));

/** Acme CRM Connector 1.1.0 in the sandbox's demo seed: published, complete, with its icon. */
const VERSION_ID = 'ver-acme-crm-1-1-0';
const DISPLAY_NAME = 'Acme CRM Connector';
const NAME_INPUT = '[id="field:general.display_name"]';

let dataDir;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pwb-desktop-validation-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** What the panel shows, read from the window's DOM. */
const READ_PANEL = `
  const panel = document.querySelector('[data-testid="validation-panel"]');
  if (!panel) return null;
  const pack = panel.querySelector('[data-testid="pack-version"]');
  return {
    checking: panel.getAttribute('data-checking') === 'true',
    pack: pack ? pack.textContent.trim() : null,
    allClear: panel.querySelector('[data-testid="all-clear"]') !== null,
    diagnostics: Array.from(panel.querySelectorAll('[data-testid="diagnostic"]')).map((d) => ({
      rule: d.getAttribute('data-rule'),
      field: d.getAttribute('data-field'),
      severity: d.getAttribute('data-severity'),
      message: d.querySelector('.message').textContent.trim(),
    })),
    notChecked: Array.from(panel.querySelectorAll('[data-testid="not-checked"] li')).map((li) => li.textContent),
  };`;

const panelWhere = (condition) => `const p = (() => {${READ_PANEL}})(); return p && !p.checking && (${condition}) && p;`;

test('the panel checks the open version with the real engine, live, and jumps to the field it names', async () => {
  const driver = await startDriver({ PWB_DATA_DIR: dataDir, PWB_SERVER: '' });
  const session = await openSession(driver.url, app);
  try {
    const row = `[data-testid="version"][data-version-id="${VERSION_ID}"] [data-testid="open-version"]`;
    await session.waitFor(`return document.querySelector(${JSON.stringify(row)}) !== null;`, `the row of ${VERSION_ID}`);
    await session.click(await session.find(row));

    const header = await session.waitFor(
      `const n = document.querySelector('[data-testid="version-app-name"]');
       const v = document.querySelector('[data-testid="version-title-number"]');
       return n && v && { name: n.textContent.trim(), number: v.textContent.trim() };`,
      'the version page',
    );
    assert.deepEqual(header, { name: DISPLAY_NAME, number: '1.1.0' });

    const clean = await session.waitFor(panelWhere('p.allClear'), 'an all-clear panel', 15_000);
    assert.equal(clean.pack, pack.version, 'the panel names the rules pack in force');
    assert.deepEqual(clean.diagnostics, []);
    assert.ok(
      clean.notChecked.some((line) => line.startsWith('state.track_editable')),
      `rules that cannot run are listed as not checked, not passed: ${JSON.stringify(clean.notChecked)}`,
    );
    assert.ok(
      !clean.notChecked.some((line) => line.startsWith('icon.square')),
      'the cached icon is checked by the real engine',
    );

    // Clear the display name, as a partner would: select it all, delete.
    const name = await session.find(NAME_INPUT);
    await session.click(name);
    await session.press(['\uE009', 'a'], '\uE003');
    const broken = await session.waitFor(panelWhere('p.diagnostics.length > 0'), 'a diagnostic', 15_000);
    assert.deepEqual(broken.diagnostics, [
      {
        rule: 'listing.required',
        field: 'general.display_name',
        severity: 'error',
        message: 'general.display_name is required.',
      },
    ]);

    // Move the focus away, then activate the diagnostic from the keyboard.
    await session.execute(`document.querySelector('[data-testid="back"]').focus();`);
    const diagnostic = await session.find('[data-testid="diagnostic"][data-rule="listing.required"]');
    await session.execute(`document.querySelector('[data-testid="diagnostic"][data-rule="listing.required"]').focus();`);
    await session.press('\uE007');
    const landed = await session.waitFor(
      `const el = document.activeElement;
       return el && el.id === 'field:general.display_name' && {
         id: el.id,
         invalid: el.getAttribute('aria-invalid'),
         issue: el.getAttribute('data-issue'),
         jumped: el.hasAttribute('data-jumped'),
         outline: getComputedStyle(el).outlineStyle,
         visible: (() => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })(),
       };`,
      'the display name input to be focused',
      5_000,
    );
    assert.deepEqual(landed, {
      id: 'field:general.display_name',
      invalid: 'true',
      issue: 'error',
      jumped: true,
      outline: 'solid',
      visible: true,
    });

    // A click on the diagnostic lands there too.
    await session.execute(`document.querySelector('[data-testid="back"]').focus();`);
    await session.click(diagnostic);
    await session.waitFor(`return document.activeElement && document.activeElement.id === 'field:general.display_name';`, 'focus after a click', 5_000);

    // Put the name back: all clear again.
    await session.type(name, DISPLAY_NAME);
    const restored = await session.waitFor(panelWhere('p.allClear'), 'all clear after restoring the name', 15_000);
    assert.deepEqual(restored.diagnostics, []);
    const after = await session.execute(
      `const el = document.querySelector(${JSON.stringify(NAME_INPUT)});
       return { value: el.value, invalid: el.getAttribute('aria-invalid') };`,
    );
    assert.deepEqual(after, { value: DISPLAY_NAME, invalid: null });

    // Escape goes back to the list.
    await session.press('\uE00C');
    await session.waitFor(`return document.querySelector('[data-testid="app-list"]') !== null;`, 'the app list', 5_000);
  } finally {
    await session.close();
    await driver.stop();
  }
});
