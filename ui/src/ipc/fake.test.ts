import { describe, expect, it } from 'vitest';
import type { SyncStatus } from './bindings';
import { createDemoBackend, createFakeBackend } from './fake';

describe('the fake backend', () => {
  it('announces syncing then idle, and swaps in the synced apps', async () => {
    const backend = createFakeBackend({ syncResult: { apps: [] } });
    const seen: SyncStatus['state'][] = [];
    await backend.onSyncStatus((status) => seen.push(status.state));

    const final = await backend.syncNow();

    expect(seen).toEqual(['syncing', 'idle']);
    expect(final.state).toBe('idle');
    expect(final.last_synced_at).not.toBeNull();
  });

  it('rejects a failed sync with its CommandError and reports offline', async () => {
    const backend = createFakeBackend({ syncResult: { code: 'server_unreachable', message: 'refused' } });

    await expect(backend.syncNow()).rejects.toEqual({ code: 'server_unreachable', message: 'refused' });
    expect((await backend.syncStatus()).state).toBe('offline');
  });

  it('hands out copies, so callers cannot change its cache', async () => {
    const backend = createDemoBackend('');
    const first = await backend.listApps();
    first.apps[0]!.display_name = 'changed';

    expect((await backend.listApps()).apps[0]!.display_name).toBe('Acme CRM Connector');
  });

  it('has demo scenarios for the empty, offline and broken states', async () => {
    expect((await createDemoBackend('?demo=empty').listApps()).apps).toEqual([]);
    expect((await createDemoBackend('?demo=offline').syncStatus()).state).toBe('offline');
    await expect(createDemoBackend('?demo=list-error').listApps()).rejects.toMatchObject({ code: 'cache' });
  });

  it('opens demo versions and checks drafts with its few rules; an unknown version is not_found', async () => {
    const backend = createDemoBackend('');
    const acme = await backend.openVersion('ver-acme-210');
    expect(acme.app_name).toBe('Acme CRM Connector');
    expect((await backend.validateDraft('ver-acme-210', null)).diagnostics).toEqual([]);

    acme.content.general.display_name = ' ';
    const report = await backend.validateDraft('ver-acme-210', acme.content);
    expect(report.diagnostics.map((d) => [d.rule, d.field])).toEqual([['listing.required', 'general.display_name']]);
    expect(report.not_checked.length).toBeGreaterThan(0);

    const globex = await backend.validateDraft('ver-globex-010', null);
    expect(globex.diagnostics.map((d) => d.rule)).toEqual(
      expect.arrayContaining(['listing.required', 'listing.https', 'plans.one_trial']),
    );

    await expect(backend.openVersion('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(backend.validateDraft('nope', null)).rejects.toMatchObject({ code: 'not_found' });
  });
});
