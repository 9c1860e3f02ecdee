import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../../test/axe';
import { app, renderApp, status, version } from '../../test/fixtures';
import type { FakeOptions } from '../../ipc/fake';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);

async function firstStart(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [CRM], status: status('idle'), welcome: true, ...options });
  await screen.findByText('Acme CRM Connector');
  await screen.findByTestId('welcome');
  return rendered;
}

describe('the first start\'s welcome', () => {
  it('is shown above the app list when the backend says welcome, without taking the focus or blocking the list', async () => {
    await firstStart();
    const welcome = screen.getByTestId('welcome');

    expect(within(welcome).getByRole('heading', { name: 'Welcome to Partner Workbench' })).toBeTruthy();
    expect(welcome.textContent).toContain('demo apps of the sandbox built into the app');
    expect(welcome.textContent).toContain('nothing reaches Talkdesk');
    expect(screen.getByRole('region', { name: 'Welcome to Partner Workbench' })).toBe(welcome);
    // Above the list, in the page's flow: no dialog, the focus where it was.
    const list = screen.getByRole('heading', { name: 'Your apps' });
    expect(welcome.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(document.querySelector('[aria-modal="true"]')).toBeNull();
    expect(document.activeElement).toBe(document.body);
    expect(screen.getByTestId('open-version')).toBeTruthy();
  });

  it('is not shown when the backend does not say welcome', async () => {
    renderApp({ apps: [CRM], status: status('idle') });
    await screen.findByText('Acme CRM Connector');
    await screen.findByTestId('current-profile');

    expect(screen.queryByTestId('welcome')).toBeNull();
  });

  it('goes after Try the demo, which keeps the sandbox, and the keyboard lands on the list', async () => {
    const { backend } = await firstStart();

    await fireEvent.click(screen.getByTestId('welcome-demo'));

    await waitFor(() => expect(screen.queryByTestId('welcome')).toBeNull());
    expect(backend.calls.keepDemo).toBe(1);
    expect((await backend.profiles()).welcome).toBe(false);
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
    expect(screen.getByTestId('current-profile-name').textContent).toBe('sandbox');
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Your apps' }));
  });

  it('says why Try the demo failed, and stays', async () => {
    const { backend } = await firstStart();
    const failure = { code: 'cache' as const, message: 'settings: settings.json cannot be written: read-only file system' };
    backend.keepDemo = () => Promise.reject(failure);

    await fireEvent.click(screen.getByTestId('welcome-demo'));

    expect((await screen.findByTestId('welcome-error')).textContent).toBe(failure.message);
    expect(screen.getByTestId('welcome')).toBeTruthy();
  });

  it('Sign in to Talkdesk… opens the account screen with Add a profile open on Talkdesk\'s API, and keeps the welcome until a choice', async () => {
    const { backend } = await firstStart();

    await fireEvent.click(screen.getByTestId('welcome-talkdesk'));

    expect(await screen.findByTestId('account-page')).toBeTruthy();
    const form = await screen.findByTestId('add-profile-form');
    expect(screen.getByTestId('add-profile-open').getAttribute('aria-expanded')).toBe('true');
    expect((screen.getByTestId('new-profile-url') as HTMLInputElement).value).toBe('https://api.talkdeskapp.com');
    expect((screen.getByTestId('new-profile-name') as HTMLInputElement).value).toBe('');
    const hint = within(form).getByTestId('add-profile-talkdesk-hint');
    expect(hint.textContent).toContain('https://ACCOUNT.talkdeskid.com');
    expect(hint.textContent).toContain('client id Talkdesk gave you');
    expect(screen.getByTestId('new-profile-issuer').getAttribute('placeholder')).toBe('https://ACCOUNT.talkdeskid.com');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('new-profile-name')));
    expect(backend.calls.keepDemo).toBe(0);

    // Back without adding: the choice is still offered.
    await fireEvent.click(screen.getByTestId('account-back'));
    expect(await screen.findByTestId('welcome')).toBeTruthy();

    // Opened again, the account screen's form is closed, as usual.
    await fireEvent.click(screen.getByTestId('account-button'));
    await screen.findByTestId('account-page');
    expect(screen.queryByTestId('add-profile-form')).toBeNull();
    await waitFor(() => expect(document.activeElement?.id).toBe('account-title'));
  });

  it('goes once a profile is added', async () => {
    await firstStart();
    await fireEvent.click(screen.getByTestId('welcome-talkdesk'));
    await screen.findByTestId('add-profile-form');

    await fireEvent.input(screen.getByTestId('new-profile-name'), { target: { value: 'acme-us' } });
    await fireEvent.input(screen.getByTestId('new-profile-issuer'), { target: { value: 'https://acme.talkdeskid.com' } });
    await fireEvent.click(screen.getByTestId('add-profile'));
    expect(await screen.findByText('Added acme-us. Switch to it to sign in.')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('account-back'));
    await screen.findByText('Acme CRM Connector');
    expect(screen.queryByTestId('welcome')).toBeNull();
  });

  it('goes once the window switches profile', async () => {
    await firstStart();
    await fireEvent.click(screen.getByTestId('account-button'));
    const eu = (await screen.findAllByTestId('profile-row')).find((r) => r.dataset.profile === 'eu')!;

    await fireEvent.click(within(eu).getByTestId('switch-profile'));

    await waitFor(() => expect(screen.getByTestId('current-profile-name').textContent).toBe('eu'));
    expect(screen.queryByTestId('welcome')).toBeNull();
  });

  it('has no WCAG 2.1 A or AA violation axe can find without a layout', async () => {
    await firstStart();
    expect(await axeViolations(screen.getByTestId('welcome'))).toEqual([]);
  });
});
