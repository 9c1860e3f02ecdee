// Every case of the shared case file, which the Rust twin (`AppFilter` in the workbench crate) reads too.
import { describe, expect, it } from 'vitest';
import cases from '../../../../tests/fixtures/filter/cases.json';
import type { ReviewStatus } from '../../ipc';
import { app, version } from '../../test/fixtures';
import { AppFilter, filterApps, prepare, type FilterableApp } from './filter';
import { STATUS_LABEL } from './labels';

/** Each kept app's name with its kept versions' numbers, as the case file states them. */
function kept(apps: FilterableApp[], text: string) {
  return filterApps(apps, text).map((one) => ({
    name: one.app.name,
    versions: one.versions.map((v) => v.version_number),
  }));
}

describe('the shared case file', () => {
  it('has a dozen cases and more, each with apps to filter', () => {
    expect(cases.cases.length).toBeGreaterThanOrEqual(12);
    for (const c of cases.cases) expect(c.apps.length).toBeGreaterThan(0);
  });

  it('names every status the window knows, by its wire name', () => {
    const statuses = new Set(cases.cases.flatMap((c) => c.apps.flatMap((a) => a.versions.flatMap((v) => [v.technical, v.marketplace]))));
    expect([...statuses].sort()).toEqual(Object.keys(STATUS_LABEL).sort());
  });

  it.each(cases.cases.map((c, i) => [i, JSON.stringify(c.text), c] as const))('case %i, %s', (_i, _text, c) => {
    expect(kept(c.apps as FilterableApp[], c.text), c.about).toEqual(c.expected);
  });
});

describe('the filter over the window’s rows', () => {
  const CRM = app('app-crm', 'Acme CRM Connector', [
    version('v-3', '3.0.0', 'in_review', 'draft'),
    version('v-1', '1.0.0', 'available', 'advertised'),
  ]);

  it('keeps the very app row, whole, when the app matches, and the rows of the matching versions otherwise', () => {
    const [whole] = filterApps([CRM], 'acme');
    expect(whole?.app).toBe(CRM);
    expect(whole?.versions).toBe(CRM.versions);

    const [part] = filterApps([CRM], 'advertised');
    expect(part?.app).toBe(CRM);
    expect(part?.versions).toEqual([CRM.versions[1]]);
  });

  it('matches statuses by the labels the badges show', () => {
    for (const [status, label] of Object.entries(STATUS_LABEL) as [ReviewStatus, string][]) {
      const filter = new AppFilter(label.toUpperCase());
      expect(filter.matchesVersion({ version_number: '9', technical: status, marketplace: 'draft' }), label).toBe(true);
    }
  });

  it('trims as Rust trims, and lowercases', () => {
    expect(prepare('  Acme\t')).toBe('acme');
    expect(prepare('\u0085\u00a0Acme\u2003')).toBe('acme');
    expect(prepare('\ufeffAcme')).toBe('\ufeffacme');
    expect(new AppFilter(' \n ').isEmpty).toBe(true);
  });

  it('filters a thousand apps of five versions each in well under a frame', () => {
    const apps = Array.from({ length: 1000 }, (_, i) =>
      app(
        `app-${i}`,
        `App ${i}`,
        Array.from({ length: 5 }, (_, k) => version(`v-${i}-${k}`, `${k}.${i % 10}.0`, 'approved', 'draft')),
      ),
    );
    filterApps(apps, 'warm up');
    const start = performance.now();
    for (const text of ['a', 'ap', 'app', 'app 9', 'app 99', 'app 999', 'in review', '1.9']) filterApps(apps, text);
    expect((performance.now() - start) / 8).toBeLessThan(16);
  });
});
