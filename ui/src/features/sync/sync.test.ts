import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);
const TICKETS = app('app-tickets', 'Ticket Bridge', [version('v-t-1', '0.1.0', 'draft', 'draft')]);

async function indicator() {
  return screen.findByTestId('sync-indicator');
}

describe('the sync indicator', () => {
  it('shows the time of the last sync when idle', async () => {
    renderApp({ apps: [CRM], status: status('idle', { last_synced_at: '2025-03-04T09:30:00Z' }) });

    const el = await indicator();
    expect(el.dataset.state).toBe('idle');
    expect(el.textContent?.trim()).toMatch(/^Synced .*\d{1,2}:\d{2}/);
    expect(el.title).toContain('http://127.0.0.1:8787');
  });

  it('says so when the cache was never synced', async () => {
    renderApp({ status: status('idle', { last_synced_at: null }) });

    expect((await indicator()).textContent?.trim()).toBe('Not synced yet');
  });

  it('shows a spinner and "Syncing…" while a sync runs, and marks the button busy', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await indicator();

    backend.emit(status('syncing'));

    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('syncing'));
    expect(screen.getByTestId('sync-indicator').textContent?.trim()).toBe('Syncing…');
    expect(screen.getByTestId('sync-now').getAttribute('aria-busy')).toBe('true');
  });

  it('shows "Offline" when offline and the message when a sync failed', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('offline', { message: 'connection refused' }) });
    const el = await indicator();
    expect(el.dataset.state).toBe('offline');
    expect(el.textContent?.trim()).toBe('Offline');

    backend.emit(status('error', { message: 'The server answered 500.' }));

    await waitFor(() => expect(el.dataset.state).toBe('error'));
    expect(el.textContent?.trim()).toBe('The server answered 500.');
  });
});

describe('the offline banner', () => {
  it('appears when offline, says the cached apps are shown, and Retry syncs', async () => {
    const { backend } = renderApp({
      apps: [CRM],
      status: status('offline', { message: 'Could not connect to http://127.0.0.1:8787.' }),
    });

    const banner = await screen.findByTestId('offline-banner');
    expect(banner.textContent).toMatch(/Offline — showing your cached apps \(last synced .+\)\./);
    expect(banner.textContent).toContain('Changes sync when the server is reachable.');
    expect(banner.textContent).toContain('Could not connect to http://127.0.0.1:8787.');
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();

    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }));

    expect(backend.calls.syncNow).toBe(1);
    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('idle'));
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('is absent while online', async () => {
    renderApp({ apps: [CRM], status: status('idle') });
    await indicator();

    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('appears when a sync cannot reach the server, with the reason', async () => {
    const { backend } = renderApp({
      apps: [CRM],
      status: status('idle'),
      syncResult: { code: 'server_unreachable', message: 'connection refused' },
    });
    await indicator();

    await fireEvent.click(screen.getByTestId('sync-now'));

    const banner = await screen.findByTestId('offline-banner');
    expect(banner.textContent).toContain('connection refused');
    expect(screen.getByTestId('sync-indicator').dataset.state).toBe('offline');
    expect(backend.calls.syncNow).toBe(1);
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
  });
});

describe('syncing', () => {
  it('reloads the list when an idle status arrives, showing the new apps', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');
    expect(backend.calls.listApps).toBe(1);

    backend.setApps([CRM, TICKETS]);
    backend.emit(status('syncing'));
    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('syncing'));
    expect(backend.calls.listApps).toBe(1);

    backend.emit(status('idle', { last_synced_at: '2025-03-04T10:00:00Z' }));

    expect(await screen.findByText('Ticket Bridge')).toBeTruthy();
    expect(screen.getAllByTestId('app').map((el) => el.dataset.appId)).toEqual(['app-crm', 'app-tickets']);
    expect(backend.calls.listApps).toBeGreaterThanOrEqual(2);
  });

  it('Sync now pulls from the server and shows what it brought', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle'), syncResult: { apps: [TICKETS] } });
    await screen.findByText('Acme CRM Connector');

    await fireEvent.click(screen.getByTestId('sync-now'));

    expect(await screen.findByText('Ticket Bridge')).toBeTruthy();
    expect(screen.queryByText('Acme CRM Connector')).toBeNull();
    expect(backend.calls.syncNow).toBe(1);
  });

  it('shows a server error in the indicator, not the offline banner', async () => {
    renderApp({
      apps: [CRM],
      status: status('idle'),
      syncResult: { code: 'server_error', message: 'The server answered 503.' },
    });
    await indicator();

    await fireEvent.click(screen.getByTestId('sync-now'));

    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('error'));
    expect(screen.getByTestId('sync-indicator').textContent?.trim()).toBe('The server answered 503.');
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('stops listening for status events when the window goes away', async () => {
    const { backend, unmount } = renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');
    expect(backend.listenerCount()).toBe(1);

    unmount();

    expect(backend.listenerCount()).toBe(0);
  });
});

describe('the keyboard', () => {
  it.each([
    ['Ctrl+R', { key: 'r', code: 'KeyR', ctrlKey: true }],
    ['Cmd+R', { key: 'r', code: 'KeyR', metaKey: true }],
    ['F5', { key: 'F5', code: 'F5' }],
  ])('%s syncs and does not reload the page', async (_name, init) => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await indicator();

    const notPrevented = await fireEvent.keyDown(window, init);

    expect(notPrevented).toBe(false);
    await waitFor(() => expect(backend.calls.syncNow).toBe(1));
  });

  it('ignores R without a modifier', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await indicator();

    const notPrevented = await fireEvent.keyDown(window, { key: 'r', code: 'KeyR' });

    expect(notPrevented).toBe(true);
    expect(backend.calls.syncNow).toBe(0);
  });

  it('starts one sync at a time however often the shortcut is pressed', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle'), syncDelayMs: 30 });
    await indicator();

    await fireEvent.keyDown(window, { key: 'F5' });
    await fireEvent.keyDown(window, { key: 'F5' });
    await fireEvent.click(screen.getByTestId('sync-now'));

    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('idle'));
    expect(backend.calls.syncNow).toBe(1);
  });

  it('reaches Sync now with Tab, activates it with Enter, and shows the shortcut in its title', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');
    const button = screen.getByTestId('sync-now');

    await user.tab();
    expect(document.activeElement).toBe(button);
    expect(button.title).toBe('Sync now (Ctrl+R or F5)');

    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls.syncNow).toBe(1));
  });
});
