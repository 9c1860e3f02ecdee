import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { EMBEDDED } from '../../ipc/fake-account';
import { FAKE_PROFILES, fakeProfile, type FakeOptions } from '../../ipc/fake';
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
