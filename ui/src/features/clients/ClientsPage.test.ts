import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FakeOptions } from '../../ipc/fake';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);

async function openClients(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [CRM], status: status('idle'), ...options });
  await screen.findByText('Acme CRM Connector');
  await fireEvent.click(screen.getByTestId('account-button'));
  await fireEvent.click(await screen.findByTestId('open-clients'));
  await screen.findByTestId('clients-page');
  return rendered;
}

describe('the OAuth clients screen', () => {
  it('creates a client and shows its secret once, gone when the dialog closes', async () => {
    const user = userEvent.setup();
    const { backend } = await openClients();
    expect((await screen.findByTestId('clients-empty')).textContent).toMatch(/No OAuth clients yet/);

    await user.type(screen.getByTestId('client-name'), 'Nightly export');
    const scopes = await screen.findAllByTestId('client-scope');
    await user.click(scopes.find((s) => (s as HTMLInputElement).value === 'apps:read')!);
    await user.click(screen.getByTestId('client-create-submit'));

    const dialog = await screen.findByTestId('secret-dialog');
    const secret = (within(dialog).getByTestId('client-secret') as HTMLInputElement).value;
    expect(secret).toMatch(/^pwbs_/);
    expect(within(dialog).getByTestId('secret-warning').textContent).toMatch(/you will not see it again/);
    expect(backend.liveCalls.createOAuthClient).toEqual([
      { name: 'Nightly export', scopes: ['apps:read'], redirectUris: [], grantTypes: ['client_credentials'] },
    ]);
    const listed = await screen.findByTestId('client');
    expect(listed.textContent).toMatch(/Nightly export/);
    expect(listed.textContent).not.toContain(secret);

    await user.click(within(dialog).getByTestId('secret-copy'));
    expect(await navigator.clipboard.readText()).toBe(secret);

    await user.click(within(dialog).getByTestId('secret-close'));
    expect(screen.queryByTestId('secret-dialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('refuses a client without a name or a scope, sending nothing', async () => {
    const user = userEvent.setup();
    const { backend } = await openClients();
    await screen.findByTestId('clients-empty');
    await user.click(screen.getByTestId('client-create-submit'));
    expect((await screen.findByTestId('client-form-error')).textContent).toBe('Give the client a name.');
    await user.type(screen.getByTestId('client-name'), 'X');
    await user.click(screen.getByTestId('client-create-submit'));
    expect(screen.getByTestId('client-form-error').textContent).toBe('Choose at least one scope.');
    expect(backend.liveCalls.createOAuthClient).toEqual([]);
  });

  it('offers the Talkdesk API scopes, not this tool\'s own, and creates a client with redirect URIs and grant types', async () => {
    const user = userEvent.setup();
    const { backend } = await openClients();
    await screen.findByTestId('clients-empty');
    const scopes = (await screen.findAllByTestId('client-scope')).map((s) => (s as HTMLInputElement).value);
    expect(scopes).toEqual(expect.arrayContaining(['users:read', 'contacts:read', 'account:read']));
    expect(scopes).not.toContain('oauth-clients:write');

    await user.type(screen.getByTestId('client-name'), 'Acme CRM sign-in');
    for (const scope of ['users:read', 'contacts:read']) {
      await user.click((await screen.findAllByTestId('client-scope')).find((s) => (s as HTMLInputElement).value === scope)!);
    }
    const grant = (name: string) => screen.getAllByTestId('client-grant-type').find((g) => (g as HTMLInputElement).value === name)!;
    expect((grant('client_credentials') as HTMLInputElement).checked).toBe(true);
    await user.click(grant('authorization_code'));
    await user.type(screen.getByTestId('client-redirect-uris'), 'https://crm.example.com/talkdesk/callback\nhttp://127.0.0.1:8080/cb');
    await user.click(screen.getByTestId('client-create-submit'));

    const dialog = await screen.findByTestId('secret-dialog');
    expect(backend.liveCalls.createOAuthClient).toEqual([
      {
        name: 'Acme CRM sign-in',
        scopes: ['contacts:read', 'users:read'],
        redirectUris: ['https://crm.example.com/talkdesk/callback', 'http://127.0.0.1:8080/cb'],
        grantTypes: ['client_credentials', 'authorization_code'],
      },
    ]);
    await user.click(within(dialog).getByTestId('secret-close'));
    const listed = await screen.findByTestId('client');
    expect(within(listed).getByTestId('client-grant-types').textContent).toBe('client_credentials, authorization_code');
    expect(within(listed).getByTestId('client-redirect-uris-listed').textContent).toContain('http://127.0.0.1:8080/cb');
  });

  it('refuses an http redirect URI off loopback, naming it, and sends nothing', async () => {
    const user = userEvent.setup();
    const { backend } = await openClients();
    await screen.findByTestId('clients-empty');
    await user.type(screen.getByTestId('client-name'), 'Plain http');
    await user.click((await screen.findAllByTestId('client-scope')).find((s) => (s as HTMLInputElement).value === 'users:read')!);
    const field = screen.getByTestId('client-redirect-uris');
    await user.type(field, 'https://ok.example.com/cb\nhttp://example.com/cb');
    await user.click(screen.getByTestId('client-create-submit'));
    const error = await screen.findByTestId('client-form-error');
    expect(error.textContent).toBe(
      'Redirect URI 2 (http://example.com/cb) uses http off loopback: use https, or http only on localhost, 127.0.0.1 or [::1].',
    );
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field);

    // Authorization code without a redirect URI is refused too.
    await user.clear(field);
    await user.click(screen.getAllByTestId('client-grant-type').find((g) => (g as HTMLInputElement).value === 'authorization_code')!);
    await user.click(screen.getByTestId('client-create-submit'));
    expect(screen.getByTestId('client-form-error').textContent).toBe('Authorization code needs a redirect URI to return the user to.');
    expect(backend.liveCalls.createOAuthClient).toEqual([]);
  });

  it('deletes a client only after a confirmation', async () => {
    const user = userEvent.setup();
    const clients = [
      {
        id: 'oc-1',
        name: 'Reports',
        scopes: ['apps:read'],
        redirect_uris: [],
        grant_types: ['client_credentials'],
        created_at: '2026-01-02T03:04:05Z',
      },
    ];
    const { backend } = await openClients({ clients });
    await screen.findByTestId('client');
    await user.click(screen.getByTestId('client-delete'));
    expect(backend.liveCalls.deleteOAuthClient).toEqual([]);
    await user.click(screen.getByTestId('client-delete-cancel'));
    await user.click(screen.getByTestId('client-delete'));
    await user.click(screen.getByTestId('client-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('client')).toBeNull());
    expect(backend.liveCalls.deleteOAuthClient).toEqual(['oc-1']);
    expect(await screen.findByTestId('clients-empty')).toBeTruthy();
  });

  it('says offline and what to do', async () => {
    await openClients({ failLive: { code: 'server_unreachable', message: 'cannot reach the server' } });
    const problem = await screen.findByTestId('clients-error');
    expect(problem.textContent).toMatch(/You're offline/);
    expect(problem.textContent).toMatch(/Connect, then try again/);
  });

  it('goes back to the account screen with Back', async () => {
    await openClients();
    await fireEvent.click(screen.getByTestId('clients-back'));
    expect(await screen.findByTestId('account-page')).toBeTruthy();
  });
});

describe("the account screen's licenses and credits", () => {
  it('shows licenses and the credit balance with its currency', async () => {
    renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');
    await fireEvent.click(screen.getByTestId('account-button'));
    expect((await screen.findByTestId('licenses')).textContent).toMatch(/1 of 3 used, 2 available.*3 free with your developer account/s);
    expect(screen.getByTestId('credits').textContent).toBe('$25.00');
  });

  it('says offline when the server cannot be reached', async () => {
    renderApp({ apps: [CRM], status: status('idle'), failLive: { code: 'server_unreachable', message: 'x' } });
    await screen.findByText('Acme CRM Connector');
    await fireEvent.click(screen.getByTestId('account-button'));
    expect((await screen.findByTestId('partner-summary-error')).textContent).toMatch(/Offline: licenses and credits come live/);
  });
});
