// The version editor's live validation panel in the real window, against the real rules engine: open a published
// demo version, see the pack version and an all-clear panel, and its general section read-only with why; then open
// the draft, clear the display name and see the engine's `listing.required` diagnostic for it, activate that
// diagnostic and land in the outlined input, type the name back and see the diagnostic go.
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
/** Delta Surveys 1.0.0: a first draft, Draft on both tracks, so every part is editable. */
const DRAFT_ID = 'ver-delta-surveys-1-0-0';
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

    // Published: the general section is read-only, and says why and what to do.
    const locked = await session.execute(
      `const lock = document.querySelector('[data-testid="lock-general"]');
       return { disabled: document.querySelector(${JSON.stringify(NAME_INPUT)}).matches(':disabled'), why: lock && lock.textContent };`,
    );
    assert.equal(locked.disabled, true, 'a locked part cannot be typed in');
    assert.match(locked.why, /technical review is Available.*create a new version/);

    // The draft: clear the display name, as a partner would (select it all, delete).
    await session.press('\uE00C');
    const draftRow = `[data-testid="version"][data-version-id="${DRAFT_ID}"] [data-testid="open-version"]`;
    await session.waitFor(`return document.querySelector(${JSON.stringify(draftRow)}) !== null;`, `the row of ${DRAFT_ID}`);
    await session.click(await session.find(draftRow));
    await session.waitFor(
      `const p = document.querySelector('[data-testid="version-page"]'); return p && p.getAttribute('data-version-id') === ${JSON.stringify(DRAFT_ID)};`,
      'the draft version page',
    );
    const onName = 'p.diagnostics.some((d) => d.field === "general.display_name")';
    await session.waitFor(panelWhere(`!(${onName})`), 'the draft checked', 15_000);
    const draftName = await session.execute(`return document.querySelector(${JSON.stringify(NAME_INPUT)}).value;`);
    const name = await session.find(NAME_INPUT);
    await session.click(name);
    await session.press(['\uE009', 'a'], '\uE003');
    const broken = await session.waitFor(panelWhere(onName), 'a diagnostic on the display name', 15_000);
    assert.deepEqual(
      broken.diagnostics.filter((d) => d.field === 'general.display_name'),
      [
        {
          rule: 'listing.required',
          field: 'general.display_name',
          severity: 'error',
          message: 'general.display_name is required.',
        },
      ],
    );

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

    // Put the name back: the diagnostic goes.
    await session.type(name, draftName);
    await session.waitFor(panelWhere(`!(${onName})`), 'no diagnostic on the name after restoring it', 15_000);
    const after = await session.execute(
      `const el = document.querySelector(${JSON.stringify(NAME_INPUT)});
       return { value: el.value, invalid: el.getAttribute('aria-invalid') };`,
    );
    assert.deepEqual(after, { value: draftName, invalid: null });

    // Escape goes back to the list.
    await session.press('\uE00C');
    await session.waitFor(`return document.querySelector('[data-testid="app-list"]') !== null;`, 'the app list', 5_000);
  } finally {
    await session.close();
    await driver.stop();
  }
});
