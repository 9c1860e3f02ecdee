import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EMBEDDED } from '../../ipc/fake-account';
import { FAKE_PROFILES, fakeProfile, type FakeOptions } from '../../ipc/fake';
import { axeViolations } from '../../test/axe';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [version('v-crm-1', '1.0.0', 'available', 'advertised')]);
const EU_APP = app('app-eu', 'Euro Dialer', [version('v-eu-1', '2.0.0', 'draft', 'draft')]);
const EU_SERVER = 'https://api.talkdeskapp.eu';
const CUSTOM_SERVER = 'https://partners.example.com';

function profiles(): FakeOptions['profiles'] {
  return [
    fakeProfile('sandbox', EMBEDDED, { active: true }),
    { ...fakeProfile('eu', EU_SERVER, { signed_in: true }), apps: [EU_APP] },
    fakeProfile('acme', CUSTOM_SERVER),
  ];
}

async function openAccount(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [CRM], status: status('idle'), profiles: profiles(), ...options });
  await screen.findByText('Acme CRM Connector');
  await fireEvent.click(screen.getByTestId('account-button'));
  await screen.findByTestId('profiles');
  await screen.findAllByTestId('profile-row');
  return rendered;
}

function rows() {
  return screen.getAllByTestId('profile-row').map((row) => ({
    name: row.dataset.profile,
    current: within(row).queryByTestId('profile-current') !== null,
    signedIn: within(row).getByTestId('profile-signed-in').textContent?.trim(),
    canSwitch: within(row).queryByTestId('switch-profile') !== null,
    text: row.textContent ?? '',
  }));
}

function row(name: string): HTMLElement {
  const found = screen.getAllByTestId('profile-row').find((r) => r.dataset.profile === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

describe('the profile switch', () => {
  it('shows the active profile in the header: its name and server', async () => {
    renderApp({ apps: [CRM], status: status('idle'), profiles: profiles() });
    const badge = await screen.findByTestId('current-profile');
    expect(screen.getByTestId('current-profile-name').textContent).toBe('sandbox');
    expect(screen.getByTestId('current-profile-server').textContent).toBe('the embedded sandbox');
    expect(badge.dataset.profile).toBe('sandbox');
  });

  it('lists every profile with its server and sign-in state, the one in use marked and the others switchable', async () => {
    await openAccount();

    expect(rows().map(({ name, current, signedIn, canSwitch }) => ({ name, current, signedIn, canSwitch }))).toEqual([
      { name: 'sandbox', current: true, signedIn: 'Not signed in', canSwitch: false },
      { name: 'eu', current: false, signedIn: 'Signed in', canSwitch: true },
      { name: 'acme', current: false, signedIn: 'Not signed in', canSwitch: true },
    ]);
    expect(rows()[1]?.text).toContain(EU_SERVER);
    expect(rows()[2]?.text).toContain(CUSTOM_SERVER);
    expect(screen.queryByTestId('profile-chosen-by')).toBeNull();
  });

  it('lists the built-in profiles by default', async () => {
    await openAccount({ profiles: undefined });
    expect(rows().map((r) => r.name)).toEqual(FAKE_PROFILES.map((p) => p.row.name));
  });

  it('switches: the header, the list of apps, the account and the marks follow, and a sync runs', async () => {
    const { backend } = await openAccount({ syncResult: { apps: [CRM] } });

    await fireEvent.click(within(row('eu')).getByTestId('switch-profile'));

    // Back on the list, with the other profile's own cached apps.
    expect(await screen.findByText('Euro Dialer')).toBeTruthy();
    expect(screen.queryByText('Acme CRM Connector')).toBeNull();
    expect(screen.getByTestId('current-profile-name').textContent).toBe('eu');
    expect(screen.getByTestId('current-profile-server').textContent).toBe(EU_SERVER);
    expect(screen.getByTestId('notice').textContent).toContain(`Switched to profile eu (${EU_SERVER}).`);
    expect(backend.calls.switchProfile).toEqual(['eu']);
    // The sync after the switch ran (as a start does), and left the cache as it was.
    await waitFor(() => expect(screen.getByTestId('sync-indicator').textContent).toMatch(/Synced/));
    expect(screen.getByText('Euro Dialer')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('account-button'));
    await screen.findAllByTestId('profile-row');
    expect(screen.getByTestId('account-server').textContent).toBe(EU_SERVER);
    expect(rows().find((r) => r.current)?.name).toBe('eu');
    expect(within(row('sandbox')).getByTestId('switch-profile')).toBeTruthy();

    // And back: the first profile's cache, kept as it was.
    await fireEvent.click(within(row('sandbox')).getByTestId('switch-profile'));
    expect(await screen.findByText('Acme CRM Connector')).toBeTruthy();
    expect(screen.queryByText('Euro Dialer')).toBeNull();
    expect(screen.getByTestId('current-profile-name').textContent).toBe('sandbox');
  });

  it('forgets the banner of outcomes the desktop could not show: they were the previous profile\'s', async () => {
    const unshown = {
      reason: 'no notification service is running on this desktop',
      outcomes: [
        {
          app_id: CRM.id,
          app_name: 'Acme CRM Connector',
          version_id: 'v-crm',
          version_number: '2.1.0',
          track: 'technical' as const,
          decision: 'rejected' as const,
          feedback: [],
          at: null,
          summary: 'Acme CRM Connector 2.1.0: technical review rejected',
          body: '',
          published: false,
        },
      ],
    };
    const { backend } = await openAccount({ unshown });
    expect(await screen.findByTestId('notifications-unavailable')).toBeTruthy();

    await fireEvent.click(within(row('eu')).getByTestId('switch-profile'));
    expect(await screen.findByText('Euro Dialer')).toBeTruthy();
    expect(screen.queryByTestId('notifications-unavailable')).toBeNull();
    expect(await backend.unshownOutcomes()).toBeNull();
  });

  it('refuses to switch while a sign-in is waiting, and says why', async () => {
    const { backend } = await openAccount();
    // A sign-in the backend is still waiting on (the sign-in screen cancels its own when left, so start it here).
    await backend.startSignIn(false);
    expect(backend.waitingAttempt()).not.toBeNull();

    await fireEvent.click(within(row('acme')).getByTestId('switch-profile'));

    const error = await screen.findByTestId('switch-error');
    expect(error.textContent).toBe('a sign-in is in progress: finish or cancel it, then switch profiles');
    expect(screen.getByTestId('current-profile-name').textContent).toBe('sandbox');
    expect(rows().find((r) => r.current)?.name).toBe('sandbox');
  });

  it('says when the environment chose the profile, and still switches', async () => {
    await openAccount({ currentProfile: 'acme', chosenBy: 'PWB_PROFILE=acme' });
    expect(screen.getByTestId('profile-chosen-by').textContent).toContain('PWB_PROFILE=acme');
    expect(screen.getByTestId('current-profile').getAttribute('title')).toBe('Chosen at start by PWB_PROFILE=acme');

    await fireEvent.click(within(row('eu')).getByTestId('switch-profile'));

    expect(await screen.findByText('Euro Dialer')).toBeTruthy();
    expect(screen.getByTestId('current-profile').getAttribute('title')).toBe('The active profile');
  });

  it('says why the profiles cannot be read, and the rest of the account screen still works', async () => {
    const failProfiles = { code: 'cache' as const, message: 'settings: settings.json cannot be read: expected value' };
    renderApp({ apps: [CRM], status: status('idle'), failProfiles });
    await screen.findByText('Acme CRM Connector');
    expect(screen.queryByTestId('current-profile')).toBeNull();
    await fireEvent.click(screen.getByTestId('account-button'));

    expect((await screen.findByTestId('profiles-error')).textContent).toBe(failProfiles.message);
    expect(screen.queryAllByTestId('profile-row')).toEqual([]);
    expect(await screen.findByTestId('account-details')).toBeTruthy();
  });
});

describe('adding a profile', () => {
  async function openForm(options: FakeOptions = {}) {
    const rendered = await openAccount(options);
    await fireEvent.click(screen.getByTestId('add-profile-open'));
    expect(screen.getByTestId('add-profile-open').getAttribute('aria-expanded')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('new-profile-name')));
    return rendered;
  }

  it('labels every field, and groups the sign-in ones as optional', async () => {
    await openForm();
    expect(screen.getByLabelText('Name')).toBe(screen.getByTestId('new-profile-name'));
    expect(screen.getByLabelText('Server URL')).toBe(screen.getByTestId('new-profile-url'));
    const elsewhere = screen.getByRole('group', { name: 'Sign in elsewhere (optional)' });
    expect(within(elsewhere).getByLabelText('Issuer URL')).toBe(screen.getByTestId('new-profile-issuer'));
    expect(within(elsewhere).getByLabelText('Client id')).toBe(screen.getByTestId('new-profile-client-id'));
    expect(within(elsewhere).getByLabelText('Scopes')).toBe(screen.getByTestId('new-profile-scopes'));
  });

  it('has no WCAG 2.1 A or AA violation axe can find without a layout, with an error shown too', async () => {
    await openForm();
    expect(await axeViolations(screen.getByTestId('profiles'))).toEqual([]);
    await fireEvent.click(screen.getByTestId('add-profile'));
    await screen.findByTestId('add-profile-error');
    expect(await axeViolations(screen.getByTestId('profiles'))).toEqual([]);
  });

  it('adds one with Enter: the list shows it, with its issuer, the window stays on its profile, and the form closes', async () => {
    const user = userEvent.setup();
    const { backend } = await openForm();

    await user.type(screen.getByTestId('new-profile-name'), 'acme-us');
    await user.type(screen.getByTestId('new-profile-url'), 'https://api.acme.example');
    await user.type(screen.getByTestId('new-profile-issuer'), 'https://acme.talkdeskid.com');
    await user.type(screen.getByTestId('new-profile-client-id'), 'abc123');
    await user.type(screen.getByTestId('new-profile-scopes'), 'apps:read apps:write');
    await user.keyboard('{Enter}');

    expect(await screen.findByText('Added acme-us. Switch to it to sign in.')).toBeTruthy();
    expect(backend.calls.addProfile).toEqual([
      { name: 'acme-us', url: 'https://api.acme.example', issuer: 'https://acme.talkdeskid.com', client_id: 'abc123', scopes: 'apps:read apps:write' },
    ]);
    expect(rows().map((r) => r.name)).toEqual(['sandbox', 'eu', 'acme', 'acme-us']);
    expect(within(row('acme-us')).getByTestId('profile-issuer').textContent).toBe('signs in at https://acme.talkdeskid.com');
    expect(within(row('acme-us')).getByTestId('switch-profile')).toBeTruthy();
    expect(within(row('acme')).queryByTestId('profile-issuer')).toBeNull();
    expect(rows().find((r) => r.current)?.name).toBe('sandbox');
    expect(screen.getByTestId('current-profile-name').textContent).toBe('sandbox');
    // Closed and cleared: opened again, it is empty.
    expect(screen.queryByTestId('add-profile-form')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('add-profile-open'));
    await fireEvent.click(screen.getByTestId('add-profile-open'));
    expect((screen.getByTestId('new-profile-name') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('new-profile-issuer') as HTMLInputElement).value).toBe('');
  });

  it('shows why an invalid URL is refused, and adds nothing', async () => {
    const { backend } = await openForm();
    const before = rows();

    await fireEvent.input(screen.getByTestId('new-profile-name'), { target: { value: 'acme-us' } });
    await fireEvent.input(screen.getByTestId('new-profile-url'), { target: { value: 'http://api.acme.example' } });
    await fireEvent.click(screen.getByTestId('add-profile'));

    const error = await screen.findByTestId('add-profile-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('uses plain HTTP');
    expect(backend.calls.addProfile).toHaveLength(1);
    expect(rows()).toEqual(before);
    expect(screen.getByTestId('add-profile-status').textContent?.trim()).toBe('');
    // The form stays open with what was typed, to correct it.
    expect((screen.getByTestId('new-profile-url') as HTMLInputElement).value).toBe('http://api.acme.example');

    await fireEvent.input(screen.getByTestId('new-profile-url'), { target: { value: 'https://api.acme.example' } });
    await fireEvent.click(screen.getByTestId('add-profile'));
    expect(await screen.findByText('Added acme-us. Switch to it to sign in.')).toBeTruthy();
    expect(screen.queryByTestId('add-profile-error')).toBeNull();
  });

  it('shows the backend\'s refusal of a name taken', async () => {
    await openForm();
    await fireEvent.input(screen.getByTestId('new-profile-name'), { target: { value: 'acme' } });
    await fireEvent.input(screen.getByTestId('new-profile-url'), { target: { value: 'https://other.example.com' } });
    await fireEvent.click(screen.getByTestId('add-profile'));

    expect((await screen.findByTestId('add-profile-error')).textContent).toContain('a profile named acme exists already');
    expect(rows().filter((r) => r.name === 'acme')).toHaveLength(1);
  });

  it('closes the form with Escape, leaving the account screen open', async () => {
    const user = userEvent.setup();
    const { backend } = await openForm();

    await user.keyboard('{Escape}');

    expect(screen.queryByTestId('add-profile-form')).toBeNull();
    expect(screen.getByTestId('account-page')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('add-profile-open'));
    expect(screen.getByTestId('add-profile-open').getAttribute('aria-expanded')).toBe('false');
    expect(backend.calls.addProfile).toEqual([]);
    // A second Escape leaves the screen, as before.
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('account-page')).toBeNull();
  });

  it('shows where a profile signs in, when elsewhere than its server', async () => {
    await openAccount({
      profiles: [
        fakeProfile('sandbox', EMBEDDED, { active: true }),
        fakeProfile('acme', CUSTOM_SERVER, { issuer: 'https://acme.talkdeskid.com', client_id: 'abc', scopes: ['apps:read'] }),
      ],
    });
    expect(within(row('acme')).getByTestId('profile-issuer').textContent).toBe('signs in at https://acme.talkdeskid.com');
    expect(within(row('sandbox')).queryByTestId('profile-issuer')).toBeNull();
  });
});
