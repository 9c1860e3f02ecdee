import { describe, expect, it } from 'vitest';
import type { SyncStatus } from './bindings';
import { DEMO_APPS, DEMO_ICONS, DEMO_VERSIONS } from './demo-data';
import { createDemoBackend, createFakeBackend } from './fake';

/** The demo portfolio, syncing at once. */
const demo = () => createFakeBackend({ apps: DEMO_APPS, versions: DEMO_VERSIONS, icons: DEMO_ICONS });

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

  it('has long lists: scale-5 is 1,000 apps of exactly 5 versions each, scale of 1 to 5', async () => {
    const { apps } = await createDemoBackend('?demo=scale-5').listApps();
    expect(apps).toHaveLength(1000);
    expect(apps.every((app) => app.versions.length === 5)).toBe(true);
    expect(new Set(apps.map((app) => app.id)).size).toBe(1000);
    const scale = (await createDemoBackend('?demo=scale').listApps()).apps;
    expect(scale).toHaveLength(1000);
    expect(new Set(scale.map((app) => app.versions.length))).toEqual(new Set([1, 2, 3, 4, 5]));
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
      expect.arrayContaining(['listing.required', 'listing.https_links', 'plans.one_trial']),
    );

    await expect(backend.openVersion('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(backend.validateDraft('nope', null)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('registers apps and starts versions under local ids, not sent until a sync moves them to server ids', async () => {
    const backend = demo();
    const form = {
      name: 'fresh-app',
      slug: '',
      display_name: 'Fresh App',
      created_type: 'Fresh Ltd',
      app_type: 'atlas',
      render: 'canvas',
    } as const;
    expect(await backend.checkNewApp({ ...form, name: 'Fresh', display_name: ' ' })).toEqual([
      { field: 'name', message: "must be 1 to 64 lower-case letters, digits or '-', starting with a letter or digit" },
      { field: 'display_name', message: 'must not be empty' },
    ]);
    await expect(backend.createApp({ ...form, name: 'acme-crm-connector' })).rejects.toMatchObject({ code: 'invalid_input' });

    const appId = await backend.createApp(form);
    const versionId = await backend.createVersion(appId);
    expect([appId, versionId]).toEqual([expect.stringMatching(/^local-app-/), expect.stringMatching(/^local-ver-/)]);
    const listed = (await backend.listApps()).apps.find((a) => a.id === appId)!;
    expect(listed).toMatchObject({
      not_sent: true,
      registration_refused: null,
      versions: [{ id: versionId, version_number: '1.0.0', not_sent: true }],
    });
    expect(listed.new_version_blocked).toMatch(/version 1.0.0 is Draft on the technical review/);
    await expect(backend.createVersion(appId)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^cannot start a version: /),
    });
    expect(await backend.resolveId(versionId)).toBeNull();

    await backend.syncNow();

    const [newApp, newVersion] = [await backend.resolveId(appId), await backend.resolveId(versionId)];
    const synced = (await backend.listApps()).apps.find((a) => a.id === newApp)!;
    expect(synced).toMatchObject({ not_sent: false, display_name: 'Fresh App', versions: [{ id: newVersion, not_sent: false }] });
    expect((await backend.openVersion(newVersion!)).app_id).toBe(newApp);
    expect((await backend.syncStatus()).pending).toBe(0);
  });

  it('copies an Available latest with the next free number, and deletes a draft the server never had at once', async () => {
    const backend = demo();
    await backend.deleteVersion('ver-acme-210');
    const copyId = await backend.createVersion('app-acme-crm');
    const copy = await backend.openVersion(copyId);
    expect(copy.version_number).toBe('2.1.0');
    expect(copy.content).toEqual((await backend.openVersion('ver-acme-200')).content);
    expect(await backend.versionIcon(copyId)).toBe(await backend.versionIcon('ver-acme-200'));

    await expect(backend.deleteVersion('ver-acme-200')).rejects.toMatchObject({ code: 'invalid_input' });
    await backend.deleteVersion(copyId);
    await expect(backend.openVersion(copyId)).rejects.toMatchObject({ code: 'not_found' });
    // Only the deletion of the version the server has waits for the sync.
    expect((await backend.syncStatus()).pending).toBe(1);
  });

  it("edits an app's own fields as the backend checks them, and merges them three ways with the server's at the sync", async () => {
    const backend = demo();
    const acme = (await backend.listApps()).apps[0]!;
    const form = { slug: acme.slug, display_name: acme.display_name, created_type: acme.created_type, app_type: acme.app_type, render: acme.render };
    await expect(backend.editApp(acme.id, { ...form, slug: ' ' })).rejects.toEqual({
      code: 'invalid_input',
      message: 'not changed: app.slug must not be empty',
    });
    await expect(backend.editApp(acme.id, { ...form, created_type: 'x'.repeat(201) })).rejects.toMatchObject({
      message: 'not changed: app.created_type must be at most 200 characters',
    });
    expect(await backend.editApp(acme.id, form)).toEqual([]);
    expect((await backend.syncStatus()).pending).toBe(0);

    // Mine: the display name and where it shows; theirs: the slug, and the display name too, alike.
    expect(await backend.editApp(acme.id, { ...form, display_name: 'Zeta CRM', render: 'canvas' })).toEqual(['app.display_name', 'app.render']);
    backend.appFields.serverChange(acme.id, { slug: 'acme-crm', display_name: 'Zeta CRM' });
    const listed = (await backend.listApps()).apps;
    expect(listed.at(-1)).toMatchObject({ id: acme.id, display_name: 'Zeta CRM', render: 'canvas', slug: acme.slug });
    expect((await backend.syncStatus()).pending).toBe(1);

    await backend.syncNow();

    const merged = { ...form, slug: 'acme-crm', display_name: 'Zeta CRM', render: 'canvas' };
    expect(backend.appFields.server(acme.id)).toEqual(merged);
    expect((await backend.listApps()).apps.at(-1)).toMatchObject({ ...merged, conflicts: [] });
    expect(await backend.syncStatus()).toMatchObject({ pending: 0, conflicts: 0 });
  });

  it('decides only what an installation waits for, as the shell does', async () => {
    const backend = createFakeBackend();
    const [confirm, update, failed] = ['inst-acme-02', 'inst-acme-06', 'inst-acme-07'];
    const rows = await backend.installations('app-acme-crm');
    const of = (id: string) => rows.find((r) => r.id === id)!;
    expect([of(confirm).waiting, of(update).waiting, of(failed).waiting]).toEqual(['installation', 'update', null]);
    expect(of(failed).help).toMatch(/Talkdesk Support/);

    await expect(backend.decideInstallation('app-acme-crm', confirm, 'update', 'approve', null)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('confirm or reject the installation, not an update'),
    });
    await expect(backend.decideInstallation('app-acme-crm', update, 'installation', 'approve', null)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('accept or reject an update'),
    });
    await expect(backend.decideInstallation('app-acme-crm', failed, 'update', 'approve', null)).rejects.toMatchObject({
      message: expect.stringContaining('waits for nothing from you'),
    });
    await expect(backend.decideInstallation('app-acme-crm', update, 'update', 'reject', ' ')).rejects.toMatchObject({
      code: 'invalid_input',
    });

    expect(await backend.decideInstallation('app-acme-crm', update, 'update', 'reject', 'Not now.')).toEqual({
      id: update,
      account_name: 'Pied Piper Desk',
      state: 'completed',
    });
    const after = (await backend.installations('app-acme-crm')).find((r) => r.id === update)!;
    expect(after).toMatchObject({ update: null, waiting: null, reason: 'Not now.' });
  });

  it('adds a profile as the real backend checks it, the window staying on its own, and refuses a bad one', async () => {
    const backend = createFakeBackend({ welcome: true });
    const form = { name: 'acme-us', url: 'https://api.example.com/', issuer: '', client_id: '', scopes: '' };
    const refused = async (change: Partial<typeof form>, message: string) => {
      await expect(backend.addProfile({ ...form, ...change })).rejects.toEqual({
        code: 'invalid_input',
        message: expect.stringContaining(message),
      });
    };

    await refused({ name: 'Acme' }, 'cannot name a profile');
    await refused({ name: 'a'.repeat(41) }, 'cannot name a profile');
    await refused({ name: 'eu' }, 'eu is a built-in profile');
    await refused({ url: 'api.example.com' }, 'is not a server URL');
    await refused({ url: 'http://api.example.com' }, 'uses plain HTTP');
    await refused({ issuer: 'http://acme.example.com' }, 'the issuer: ');
    await refused({ client_id: 'my client' }, 'the client id "my client"');
    expect((await backend.profiles()).profiles.map((p) => p.name)).toEqual(['sandbox', 'us', 'eu', 'ca', 'au']);
    expect((await backend.profiles()).welcome).toBe(true);

    const list = await backend.addProfile({ ...form, issuer: ' https://acme.talkdeskid.com ', client_id: 'abc', scopes: ' apps:read  apps:write ' });
    expect(list.welcome).toBe(false);
    expect(list.current.name).toBe('sandbox');
    expect(list.profiles.find((p) => p.name === 'acme-us')).toEqual({
      name: 'acme-us',
      kind: 'custom',
      server: 'https://api.example.com',
      current: false,
      active: false,
      signed_in: false,
      problem: null,
      issuer: 'https://acme.talkdeskid.com',
      client_id: 'abc',
      scopes: ['apps:read', 'apps:write'],
    });

    const local = await backend.addProfile({ ...form, name: 'local', url: 'http://127.0.0.1:8787' });
    expect(local.profiles.find((p) => p.name === 'local')).toMatchObject({ issuer: null, client_id: 'partner-workbench', scopes: null });
    await refused({}, 'a profile named acme-us exists already');
    expect(backend.calls.addProfile).toHaveLength(10);
  });

  it('keeps the demo on the first start: the sandbox is active and the welcome goes', async () => {
    expect((await createFakeBackend().profiles()).welcome).toBe(false);
    const backend = createDemoBackend('?demo=first-start');
    expect((await backend.profiles()).welcome).toBe(true);

    const list = await backend.keepDemo();

    expect(list.welcome).toBe(false);
    expect(list.profiles.filter((p) => p.active).map((p) => p.name)).toEqual(['sandbox']);
    expect((await backend.profiles()).welcome).toBe(false);
    expect(backend.calls.keepDemo).toBe(1);
  });

  it('forgets the welcome once the window switches profile', async () => {
    const backend = createFakeBackend({ welcome: true });
    expect((await backend.switchProfile('eu')).profiles.welcome).toBe(false);
  });
});
