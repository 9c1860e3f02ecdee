import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEMO_USER_CODE, VAULT_WORDS } from '../../ipc/fake-account';
import type { FakeOptions } from '../../ipc/fake';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);

/** Mounts the window, opens the account screen, then the sign-in screen. */
async function openSignIn(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [CRM], status: status('idle'), ...options });
  await screen.findByText('Acme CRM Connector');
  await fireEvent.click(screen.getByTestId('account-button'));
  await fireEvent.click(await screen.findByTestId('sign-in'));
  return rendered;
}

function page(): HTMLElement {
  return screen.getByTestId('signin-page');
}

async function stateIs(state: string) {
  await waitFor(() => expect(page().dataset.state).toBe(state));
}

describe('signing in with the device flow', () => {
  it('shows the code large, the page, a QR code of the page with the code, and the countdown', async () => {
    const { backend } = await openSignIn();
    await stateIs('device');

    expect(screen.getByTestId('user-code').textContent).toBe(DEMO_USER_CODE);
    expect(screen.getByTestId('verification-uri').textContent).toBe('http://127.0.0.1:8787/device');
    expect(screen.getByTestId('signin-server').textContent).toBe('the embedded sandbox');
    const qr = screen.getByTestId('qr-code') as HTMLImageElement;
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml,/);
    expect(qr.alt).toMatch(/QR code/);
    expect(screen.getByTestId('countdown').textContent).toMatch(/The code expires in (10:00|9:5\d)/);
    expect(backend.accountCalls.startSignIn).toEqual([false]);
    expect(backend.waitingAttempt()).toBe(1);
  });

  it('copies the code to the clipboard, and opens the page in the browser through the backend', async () => {
    const user = userEvent.setup();
    const { backend } = await openSignIn();
    await stateIs('device');

    await user.click(screen.getByTestId('copy-code'));
    expect(await navigator.clipboard.readText()).toBe(DEMO_USER_CODE);
    expect(await screen.findByText('Copied')).toBeTruthy();

    await user.click(screen.getByTestId('open-browser'));
    expect(backend.accountCalls.openSignInPage).toEqual([1]);
  });

  it('once approved, returns to the list, says where the token is kept, and syncs', async () => {
    const { backend } = await openSignIn({ syncResult: { status: { last_synced_at: '2025-03-04T11:00:00Z' } } });
    await stateIs('device');
    const reads = backend.calls.listApps;

    backend.approveSignIn();

    const notice = await screen.findByTestId('notice');
    expect(notice.textContent).toContain('Signed in to the embedded sandbox.');
    expect(notice.textContent).toContain(`The token is kept in ${VAULT_WORDS.secret_service}.`);
    expect(screen.queryByTestId('signin-page')).toBeNull();
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
    await waitFor(() => expect(backend.calls.listApps).toBeGreaterThan(reads));
    expect(screen.getByTestId('sync-indicator').dataset.state).toBe('idle');

    await fireEvent.click(screen.getByTestId('account-button'));
    const access = await screen.findByTestId('account-access');
    expect(access.dataset.access).toBe('account');
  });

  it('says so when the code is denied, and Start again gets a new code', async () => {
    const { backend } = await openSignIn();
    await stateIs('device');

    backend.denySignIn();

    await stateIs('denied');
    const problem = screen.getByTestId('signin-problem');
    expect(within(problem).getByRole('heading').textContent).toBe('Sign-in was denied');
    expect(screen.getByTestId('signin-message').textContent).toMatch(/denied on the verification page/);

    await fireEvent.click(screen.getByTestId('start-again'));

    await stateIs('device');
    expect(backend.accountCalls.startSignIn).toEqual([false, false]);
    expect(backend.waitingAttempt()).toBe(2);
  });

  it('says so when the server reports the code expired', async () => {
    const { backend } = await openSignIn();
    await stateIs('device');

    backend.expireSignIn();

    await stateIs('expired');
    expect(within(screen.getByTestId('signin-problem')).getByRole('heading').textContent).toBe('The code expired');
    expect(screen.getByTestId('start-again')).toBeTruthy();
  });

  it('ends the wait itself when the countdown runs out, stopping the backend too', async () => {
    const { backend } = await openSignIn({ signIn: { expiresInMs: 1_200 } });
    await stateIs('device');
    expect(screen.getByTestId('countdown').textContent).toMatch(/0:0[12]/);

    await waitFor(() => expect(page().dataset.state).toBe('expired'), { timeout: 3_000 });
    expect(screen.getByTestId('signin-message').textContent).toMatch(/expired before it was approved/);
    expect(backend.accountCalls.cancelSignIn).toEqual([1]);
    expect(backend.waitingAttempt()).toBeNull();
  });

  it('ignores the events of a sign-in that was started over', async () => {
    const { backend } = await openSignIn();
    await stateIs('device');
    backend.denySignIn();
    await stateIs('denied');
    await fireEvent.click(screen.getByTestId('start-again'));
    await stateIs('device');

    // Attempt 1 is over; a late event about it changes nothing.
    backend.emitSignInEvent({ attempt: 1, state: 'expired', message: 'late', account: null });

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(page().dataset.state).toBe('device');
  });

  it('Cancel and Escape stop the sign-in and go back to the account screen', async () => {
    const { backend } = await openSignIn();
    await stateIs('device');

    await fireEvent.click(screen.getByTestId('cancel-sign-in'));

    expect(await screen.findByTestId('account-page')).toBeTruthy();
    expect(backend.accountCalls.cancelSignIn).toEqual([1]);
    expect(backend.waitingAttempt()).toBeNull();

    await fireEvent.click(await screen.findByTestId('sign-in'));
    await stateIs('device');
    await fireEvent.keyDown(window, { key: 'Escape' });

    expect(await screen.findByTestId('account-page')).toBeTruthy();
    expect(backend.accountCalls.cancelSignIn).toEqual([1, 2]);
  });
});

describe('when no keyring works', () => {
  it('says so with the reason and offers the file store only as an explicit choice', async () => {
    const { backend } = await openSignIn({ signIn: { noKeyring: true } });
    await stateIs('no_keyring');

    const problem = screen.getByTestId('no-keyring');
    expect(within(problem).getByRole('heading').textContent).toBe('No keyring works on this computer');
    expect(screen.getByTestId('no-keyring-reason').textContent).toContain('no D-Bus session bus');
    const choice = screen.getByTestId('use-file-store');
    expect(choice.textContent?.trim()).toBe('Keep the token in a file instead (less safe)');
    expect(backend.accountCalls.startSignIn).toEqual([false]);

    await fireEvent.click(screen.getByTestId('retry-keyring'));
    await stateIs('no_keyring');
    expect(backend.accountCalls.startSignIn).toEqual([false, false]);

    await fireEvent.click(screen.getByTestId('use-file-store'));

    await stateIs('device');
    expect(backend.accountCalls.startSignIn).toEqual([false, false, true]);
    expect(screen.getByTestId('file-store-note').textContent).toMatch(/file readable only by you/);

    backend.approveSignIn();

    const notice = await screen.findByTestId('notice');
    expect(notice.textContent).toContain(`The token is kept in ${VAULT_WORDS.file}.`);
  });

  it('keeps the file choice when starting again', async () => {
    const { backend } = await openSignIn({ signIn: { noKeyring: true } });
    await stateIs('no_keyring');
    await fireEvent.click(screen.getByTestId('use-file-store'));
    await stateIs('device');
    backend.denySignIn();
    await stateIs('denied');

    await fireEvent.click(screen.getByTestId('start-again'));

    await stateIs('device');
    expect(backend.accountCalls.startSignIn).toEqual([false, true, true]);
  });
});

describe('a server without the device flow', () => {
  it('waits for the browser, shows the page to open by hand, and Cancel stops it', async () => {
    const { backend } = await openSignIn({ signIn: { method: 'browser' } });
    await stateIs('browser');

    const waiting = screen.getByTestId('waiting-for-browser');
    expect(waiting.textContent).toContain('Waiting for the browser');
    expect(screen.getByTestId('authorize-url').textContent).toMatch(/^http:\/\/127\.0\.0\.1:8787\/oauth\/authorize\?/);
    expect(screen.queryByTestId('user-code')).toBeNull();

    await fireEvent.click(screen.getByTestId('cancel-sign-in'));

    expect(await screen.findByTestId('account-page')).toBeTruthy();
    expect(backend.accountCalls.cancelSignIn).toEqual([1]);
  });

  it('returns to the list once the browser came back', async () => {
    const { backend } = await openSignIn({ signIn: { method: 'browser' } });
    await stateIs('browser');

    backend.approveSignIn();

    expect((await screen.findByTestId('notice')).textContent).toContain('Signed in to the embedded sandbox.');
  });
});

describe('a failure to start', () => {
  it('shows what went wrong, with Start again', async () => {
    await openSignIn({ signIn: { startError: { code: 'server_unreachable', message: 'connection refused' } } });
    await stateIs('failed');

    expect(screen.getByTestId('signin-message').textContent).toBe('connection refused');
    expect(screen.getByTestId('start-again')).toBeTruthy();
  });
});
