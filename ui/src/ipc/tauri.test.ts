import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listen = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke }));
vi.mock('@tauri-apps/api/event', () => ({ listen }));

const { createTauriBackend } = await import('./tauri');

describe('the Tauri backend', () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
  });

  it('calls the Rust commands by their names, with camelCase arguments', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue('result');

    await backend.listApps();
    await backend.appListPainted({ script: 1.5 });
    await backend.syncStatus();
    await backend.syncNow();
    await expect(backend.versionIcon('ver-1')).resolves.toBe('result');
    await backend.openVersion('ver-2');
    await backend.validateDraft('ver-2', null);
    await backend.account();
    await backend.startSignIn(false);
    await backend.startSignIn(true);
    await backend.cancelSignIn(3);
    await backend.openSignInPage(3);
    await backend.signOut();
    await backend.copyText('WDJB-MJHT');

    expect(invoke.mock.calls).toEqual([
      ['list_apps', undefined],
      ['app_list_painted', { page: { script: 1.5 } }],
      ['sync_status', undefined],
      ['sync_now', undefined],
      ['version_icon', { versionId: 'ver-1' }],
      ['open_version', { versionId: 'ver-2' }],
      ['validate_draft', { versionId: 'ver-2', draft: null }],
      ['account', undefined],
      ['start_sign_in', { fileStore: false }],
      ['start_sign_in', { fileStore: true }],
      ['cancel_sign_in', { attempt: 3 }],
      ['open_sign_in_page', { attempt: 3 }],
      ['sign_out', undefined],
      ['copy_text', { text: 'WDJB-MJHT' }],
    ]);
  });

  it('calls the editor\'s commands by their names, with camelCase arguments', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);
    const form = { general: {} } as never;

    await backend.saveDraft('v', form, form);
    await backend.setIcon('v', 'icon.png', 'iVBORw0=');
    await backend.undoEdit('v');
    await backend.localState('v');
    await backend.resolveConflict('v', 'general.display_name', { kind: 'take_theirs' });
    await backend.checkSubmission('v', 'marketplace');
    await backend.queueReviewAction('v', 'submit', 'technical');
    await backend.retryHeld('v');
    await backend.discardChange('v', '42');

    expect(invoke.mock.calls).toEqual([
      ['save_draft', { versionId: 'v', base: form, draft: form }],
      ['set_icon', { versionId: 'v', fileName: 'icon.png', base64: 'iVBORw0=' }],
      ['undo_edit', { versionId: 'v' }],
      ['local_state', { versionId: 'v' }],
      ['resolve_conflict', { versionId: 'v', field: 'general.display_name', choice: { kind: 'take_theirs' } }],
      ['check_submission', { versionId: 'v', track: 'marketplace' }],
      ['queue_review_action', { versionId: 'v', action: 'submit', track: 'technical' }],
      ['retry_held', { versionId: 'v' }],
      ['discard_change', { versionId: 'v', changeId: '42' }],
    ]);
  });

  it('calls the commands that register and edit apps and start or delete versions, with camelCase arguments', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);
    const form = {
      name: 'acme',
      slug: '',
      display_name: 'Acme',
      created_type: 'Acme Corp',
      app_type: 'standalone',
      render: 'portal',
    } as const;

    await backend.checkNewApp(form);
    await backend.createApp(form);
    await backend.renameApp('local-app-1', 'acme-2');
    const fields = { slug: 'acme', display_name: 'Acme', created_type: 'Acme Corp', app_type: 'atlas', render: 'canvas' } as const;
    await backend.editApp('app-1', fields);
    await backend.createVersion('app-1');
    await backend.deleteVersion('local-ver-1');
    await backend.resolveId('local-ver-1');

    expect(invoke.mock.calls).toEqual([
      ['check_new_app', { form }],
      ['create_app', { form }],
      ['rename_app', { appId: 'local-app-1', name: 'acme-2' }],
      ['edit_app', { appId: 'app-1', form: fields }],
      ['create_version', { appId: 'app-1' }],
      ['delete_version', { versionId: 'local-ver-1' }],
      ['resolve_id', { id: 'local-ver-1' }],
    ]);
  });

  it('calls the profile commands by their names, with their arguments', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);
    const form = {
      name: 'acme-us',
      url: 'https://api.talkdeskapp.com',
      issuer: 'https://acme.talkdeskid.com',
      client_id: 'abc123',
      scopes: 'apps:read apps:write',
    };

    await backend.profiles();
    await backend.switchProfile('eu');
    await backend.addProfile(form);
    await backend.keepDemo();

    expect(invoke.mock.calls).toEqual([
      ['profiles', undefined],
      ['switch_profile', { name: 'eu' }],
      ['add_profile', { form }],
      ['keep_demo', undefined],
    ]);
  });

  it("calls the preview's commands by their names, with camelCase arguments", async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);

    await backend.previewSource('v');
    await backend.openListingLink('v', 'https://acme.example/docs');

    expect(invoke.mock.calls).toEqual([
      ['preview_source', { versionId: 'v' }],
      ['open_listing_link', { versionId: 'v', url: 'https://acme.example/docs' }],
    ]);
  });

  it('calls the review-outcome commands and listens to their events by name', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);
    listen.mockResolvedValue(vi.fn());

    await backend.versionTimeline('v');
    await backend.notificationPrefs();
    await backend.setNotification('approved', false);
    await backend.setNotification('requests', true);
    await backend.unshownOutcomes();
    await backend.dismissUnshownOutcomes();
    const unavailable: unknown[] = [];
    const opened: unknown[] = [];
    const requests: unknown[] = [];
    await backend.onNotificationsUnavailable((event) => unavailable.push(event));
    await backend.onOpenOutcome((event) => opened.push(event));
    await backend.onOpenInstallation((event) => requests.push(event));

    expect(invoke.mock.calls).toEqual([
      ['version_timeline', { versionId: 'v' }],
      ['notification_prefs', undefined],
      ['set_notification', { kind: 'approved', on: false }],
      ['set_notification', { kind: 'requests', on: true }],
      ['unshown_outcomes', undefined],
      ['dismiss_unshown_outcomes', undefined],
    ]);
    expect(listen.mock.calls.map(([name]) => name)).toEqual(['notifications-unavailable', 'open-outcome', 'open-installation']);
    listen.mock.calls[0]![1]({ payload: { reason: 'r', outcomes: [] } });
    listen.mock.calls[1]![1]({ payload: { version_id: 'v' } });
    const request = {
      app_id: 'app-1',
      installation_id: 'inst-1',
      summary: 'Globex Corp is waiting for you to confirm Acme CRM Connector 2.0.0',
    };
    listen.mock.calls[2]![1]({ event: 'open-installation', id: 3, payload: request });
    expect(unavailable).toEqual([{ reason: 'r', outcomes: [] }]);
    expect(opened).toEqual([{ version_id: 'v' }]);
    expect(requests).toEqual([request]);
  });

  it('passes a CommandError from Rust through unchanged', async () => {
    invoke.mockRejectedValue({ code: 'cache', message: 'database is locked' });

    await expect(createTauriBackend().listApps()).rejects.toEqual({ code: 'cache', message: 'database is locked' });
  });

  it('turns any other rejection into an internal CommandError', async () => {
    invoke.mockRejectedValue('command list_apps not found');

    await expect(createTauriBackend().listApps()).rejects.toEqual({
      code: 'internal',
      message: 'command list_apps not found',
    });
  });

  it('listens to the "sync-status" event and hands over its payload', async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValue(unlisten);
    const received: unknown[] = [];

    const stop = await createTauriBackend().onSyncStatus((status) => received.push(status));
    const [eventName, handler] = listen.mock.calls[0]!;
    const payload = { state: 'idle', server: null, last_synced_at: null, message: null };
    handler({ event: 'sync-status', id: 1, payload });
    stop();

    expect(eventName).toBe('sync-status');
    expect(received).toEqual([payload]);
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it('listens to the "sign-in" event and hands over its payload', async () => {
    listen.mockResolvedValue(vi.fn());
    const received: unknown[] = [];

    await createTauriBackend().onSignIn((event) => received.push(event));
    const [eventName, handler] = listen.mock.calls[0]!;
    const payload = { attempt: 1, state: 'denied', message: 'denied', account: null };
    handler({ event: 'sign-in', id: 2, payload });

    expect(eventName).toBe('sign-in');
    expect(received).toEqual([payload]);
  });
  it('calls the live-data commands by their names, with camelCase arguments', async () => {
    const backend = createTauriBackend();
    invoke.mockResolvedValue(null);

    await backend.installations('app-1');
    await backend.decideInstallation('app-1', 'inst-1', 'installation', 'reject', 'Not yet.');
    await backend.decideInstallation('app-1', 'inst-2', 'update', 'approve', null);
    await backend.oauthClients();
    await backend.oauthClientScopes();
    await backend.createOAuthClient('Reports', ['users:read'], ['https://crm.example.com/cb'], ['authorization_code']);
    await backend.deleteOAuthClient('oc-1');
    await backend.partnerAccount();
    await backend.openCreditsHelp();

    expect(invoke.mock.calls).toEqual([
      ['installations', { appId: 'app-1' }],
      ['decide_installation', { appId: 'app-1', installationId: 'inst-1', expect: 'installation', decision: 'reject', reason: 'Not yet.' }],
      ['decide_installation', { appId: 'app-1', installationId: 'inst-2', expect: 'update', decision: 'approve', reason: null }],
      ['oauth_clients', undefined],
      ['oauth_client_scopes', undefined],
      [
        'create_oauth_client',
        { name: 'Reports', scopes: ['users:read'], redirectUris: ['https://crm.example.com/cb'], grantTypes: ['authorization_code'] },
      ],
      ['delete_oauth_client', { clientId: 'oc-1' }],
      ['partner_account', undefined],
      ['open_credits_help', undefined],
    ]);
  });
});
