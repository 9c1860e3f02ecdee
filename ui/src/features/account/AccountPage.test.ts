import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../ipc';
import { DEMO_FOLDERS, EMBEDDED, NOT_SIGNED_IN, VAULT_WORDS } from '../../ipc/fake-account';
import type { FakeOptions } from '../../ipc/fake';
import { app, renderApp, SERVER, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);

const SIGNED_IN: AccountView = {
  server: EMBEDDED,
  embedded: true,
  access: 'account',
  account: {
    server: EMBEDDED,
    current_server: true,
    scopes: ['apps:read', 'apps:write', 'account:read'],
    signed_in_at: '2025-03-04T09:30:00Z',
    vault: 'secret_service',
    token_kept_in: VAULT_WORDS.secret_service,
  },
  folders: DEMO_FOLDERS,
};

async function openAccount(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [CRM], status: status('idle'), ...options });
  await screen.findByText('Acme CRM Connector');
  await fireEvent.click(screen.getByTestId('account-button'));
  await screen.findByTestId('account-details');
  return rendered;
}

describe('the account screen', () => {
  it('shows demo access to the embedded sandbox when not signed in, with Sign in', async () => {
    await openAccount({ account: NOT_SIGNED_IN });

    expect(screen.getByTestId('account-server').textContent).toBe('the embedded sandbox');
    const access = screen.getByTestId('account-access');
    expect(access.dataset.access).toBe('demo');
    expect(access.textContent).toBe('Demo access to the embedded sandbox (not signed in)');
    expect(screen.queryByTestId('account-vault')).toBeNull();
    expect(screen.queryByTestId('sign-out')).toBeNull();
    expect(screen.getByTestId('sign-in').textContent?.trim()).toBe('Sign in to the embedded sandbox');
  });

  it('shows who is signed in to which server, since when, the scopes, and where the token is kept', async () => {
    await openAccount({ account: SIGNED_IN });

    expect(screen.getByTestId('account-server').textContent).toBe('the embedded sandbox');
    expect(screen.getByTestId('account-access').textContent).toBe('Signed in');
    const since = screen.getByTestId('account-since');
    expect(since.querySelector('time')?.getAttribute('datetime')).toBe('2025-03-04T09:30:00Z');
    expect(since.textContent).toMatch(/since .*2025/);
    const scopes = Array.from(screen.getByTestId('account-scopes').querySelectorAll('li')).map((li) => li.textContent);
    expect(scopes).toEqual(['apps:read', 'apps:write', 'account:read']);
    const vault = screen.getByTestId('account-vault');
    expect(vault.dataset.vault).toBe('secret_service');
    expect(vault.textContent).toBe('the system keyring (Secret Service)');
    expect(screen.queryByTestId('sign-in')).toBeNull();
    expect(screen.getByText(/Signing out revokes the token on the server and deletes it from the system keyring/)).toBeTruthy();
  });

  it('names PWB_TOKEN and "not signed in" in words', async () => {
    await openAccount({ account: { server: SERVER, embedded: false, access: 'environment', account: null, folders: null } });
    expect(screen.getByTestId('account-access').textContent).toBe('With the token in PWB_TOKEN');

    await fireEvent.click(screen.getByTestId('account-back'));
    await screen.findByText('Acme CRM Connector');
  });

  it('says "not signed in" for a server given by URL without an account', async () => {
    await openAccount({ account: { server: SERVER, embedded: false, access: 'none', account: null, folders: null } });

    expect(screen.getByTestId('account-access').textContent).toBe('Not signed in');
    expect(screen.getByText(/wants you to sign in before it shows your apps/)).toBeTruthy();
  });

  it('signs out: the token revoked and deleted, the cache kept, demo access again', async () => {
    const { backend } = await openAccount({ account: SIGNED_IN });

    await fireEvent.click(screen.getByTestId('sign-out'));

    const result = await screen.findByTestId('sign-out-result');
    expect(result.textContent).toContain(
      'Signed out. The server revoked the token, and it is deleted from the system keyring (Secret Service).',
    );
    expect(result.textContent).toContain('Your cached apps and drafts are kept on this computer.');
    expect(backend.accountCalls.signOut).toBe(1);
    expect(screen.getByTestId('account-access').dataset.access).toBe('demo');
    expect(screen.queryByTestId('account-vault')).toBeNull();
    expect(screen.getByTestId('sign-in')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('account-back'));
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
  });

  it('says when the server could not be told to revoke the token', async () => {
    await openAccount({ account: SIGNED_IN, signIn: { notRevoked: 'the server was not reachable' } });

    await fireEvent.click(screen.getByTestId('sign-out'));

    const result = await screen.findByTestId('sign-out-result');
    expect(result.textContent).toContain('The token is deleted from the system keyring (Secret Service).');
    expect(result.textContent).toContain('could not be told to revoke it (the server was not reachable)');
  });

  it("shows the developer account's three free licenses and $25.00 of credits, and how credits are added (FAQ §8, §9)", async () => {
    const { backend } = await openAccount({ account: SIGNED_IN });

    expect((await screen.findByTestId('licenses')).textContent).toMatch(/1 of 3 used, 2 available.*3 free with your developer account/s);
    expect(screen.getByTestId('credits').textContent).toBe('$25.00');
    const help = screen.getByTestId('credits-help');
    expect(help.querySelector('h3')?.textContent).toBe('How credits are added');
    expect(help.textContent).toContain('There are two ways to add credits (FAQ §9):');
    const ways = Array.from(screen.getByTestId('credits-ways').querySelectorAll('li')).map((li) => li.textContent);
    expect(ways).toEqual([
      'On a contract with a talk time commitment: the account is funded automatically, using your preferred payment method.',
      'Paying by credit card: an automatic recharge or a one-time payment, each deducted from your credit card.',
    ]);
    expect(screen.getByTestId('credits-where').textContent).toBe('In your Talkdesk account, as an administrator: Admin, Usage, Manage credits.');
    const address = 'https://support.talkdesk.com/hc/en-us/articles/206633273-One-Time-Payments';
    expect(screen.getByTestId('credits-help-url').textContent).toBe(address);

    // The shell opens its one address: the window asks, naming nothing.
    await fireEvent.click(screen.getByTestId('open-credits-help'));
    expect((await screen.findByTestId('credits-help-note')).textContent?.trim()).toBe(`Opened ${address} in your browser.`);
    expect(backend.liveCalls.openCreditsHelp).toBe(1);
  });

  it('shows where this computer keeps the settings, the log and the data, as selectable text', async () => {
    await openAccount({ account: SIGNED_IN });

    const folders = screen.getByTestId('account-folders');
    expect(folders.querySelector('h2')?.textContent).toBe('This computer');
    expect(screen.getByTestId('folder-settings').textContent).toBe('/home/partner/.config/partner-workbench/settings.json');
    expect(screen.getByTestId('folder-log').textContent).toBe('/home/partner/.local/state/partner-workbench/logs');
    expect(screen.getByTestId('folder-data').textContent).toBe('/home/partner/.local/share/partner-workbench');
    expect(screen.getByTestId('folder-settings').tagName).toBe('CODE');
    expect(folders.textContent).toContain('a file a day, the last 7 days kept');
  });

  it('shows no folders when the platform has none', async () => {
    await openAccount({ account: { ...SIGNED_IN, folders: null } });

    expect(screen.queryByTestId('account-folders')).toBeNull();
    expect(screen.queryByTestId('folder-settings')).toBeNull();
    expect(screen.queryByTestId('folder-log')).toBeNull();
    expect(screen.queryByTestId('folder-data')).toBeNull();
    expect(screen.queryByText('This computer')).toBeNull();
  });

  it('is reached from the header with the keyboard, and Escape goes back', async () => {
    const user = userEvent.setup();
    renderApp({ apps: [CRM], status: status('idle'), account: SIGNED_IN });
    await screen.findByText('Acme CRM Connector');

    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('sync-now'));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('account-button'));
    await user.keyboard('{Enter}');

    expect(await screen.findByTestId('account-page')).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('account-title'));

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('account-page')).toBeNull();
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
  });
});

describe('the not-signed-in banner', () => {
  const notSignedIn = { code: 'not_signed_in' as const, message: 'not signed in: sign in, or set PWB_TOKEN and name its server' };

  it('appears when a sync ends "not signed in", keeps the list, and Sign in opens the sign-in screen', async () => {
    renderApp({
      apps: [CRM],
      status: status('idle'),
      account: { server: SERVER, embedded: false, access: 'none', account: null, folders: null },
      syncResult: notSignedIn,
    });
    await screen.findByText('Acme CRM Connector');
    expect(screen.queryByTestId('not-signed-in-banner')).toBeNull();

    await fireEvent.click(screen.getByTestId('sync-now'));

    const banner = await screen.findByTestId('not-signed-in-banner');
    expect(banner.textContent).toContain(`Not signed in — ${SERVER} wants you to sign in before it syncs.`);
    expect(banner.textContent).toContain('not signed in: sign in, or set PWB_TOKEN and name its server');
    expect(screen.getByTestId('sync-indicator').textContent?.trim()).toBe('Not signed in');
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
    expect(screen.queryByTestId('offline-banner')).toBeNull();

    await fireEvent.click(screen.getByTestId('banner-sign-in'));

    await waitFor(() => expect(screen.getByTestId('signin-page').dataset.state).toBe('device'));
    // Back from a sign-in started on the banner returns to the list.
    await fireEvent.click(screen.getByTestId('cancel-sign-in'));
    expect(await screen.findByTestId('not-signed-in-banner')).toBeTruthy();
  });

  it('appears for a status event that says so, as when the server ended the session', async () => {
    const { backend } = renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');

    backend.emit(status('not_signed_in', { message: 'signed out: the server no longer accepts this sign-in' }));

    expect((await screen.findByTestId('not-signed-in-banner')).textContent).toContain('no longer accepts this sign-in');
  });
});
