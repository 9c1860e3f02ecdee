import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InstallationRow } from '../../ipc';
import { DEMO_INSTALLATIONS, FAILED_UPDATE_HELP } from '../../ipc/fake-live';
import type { FakeOptions } from '../../ipc/fake';
import { app, renderApp, status, version } from '../../test/fixtures';

const ACME = app('app-acme-crm', 'Acme CRM Connector', [version('ver-acme-200', '2.0.0', 'available', 'advertised')]);

async function openInstallations(options: FakeOptions = {}) {
  const rendered = renderApp({ apps: [ACME], status: status('idle'), ...options });
  await screen.findByText('Acme CRM Connector');
  await fireEvent.click(screen.getByTestId('open-installations'));
  await screen.findByTestId('installations-page');
  return rendered;
}

const row = (id: string) => screen.getAllByTestId('installation').find((li) => li.dataset.installationId === id)!;

const DEMO = DEMO_INSTALLATIONS['app-acme-crm']!;
/** The demo's installations with only `waiting` left waiting for the partner (the others decided long ago). */
const onlyWaiting = (...waiting: string[]): Record<string, InstallationRow[]> => ({
  'app-acme-crm': DEMO.filter((r) => r.waiting === null || waiting.includes(r.id)),
});

describe('the installations screen', () => {
  it('lists every installation with the badge its customer sees, plan, licenses and trial dates', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    expect(backend.liveCalls.installations).toEqual(['app-acme-crm']);
    const rows = screen.getAllByTestId('installation');
    expect(rows).toHaveLength(DEMO_INSTALLATIONS['app-acme-crm']!.length);
    const labels = rows.map((li) => within(li).getByTestId('badge-label').textContent ?? '');
    for (const label of ['Active', 'Installing', 'Failed Installation', 'Updating', 'Failed Update', 'Upgrade Available', 'Trial Expired']) {
      expect(labels.some((text) => text.includes(label)), label).toBe(true);
    }
    // A failed installation dims the icon and draws its status badge; a completed one draws none.
    const failed = within(row('inst-acme-04')).getByTestId('installation-badge');
    expect(failed.dataset.dimmed).toBe('true');
    expect(failed.dataset.shown).toBe('failed_installation');
    expect(row('inst-acme-04').querySelector('[data-badge="failed_installation"]')).toBeTruthy();
    expect(row('inst-acme-01').querySelector('.badge.status')).toBeNull();
    // A completed installation reads "Active" in its details as on its badge, and so does the filter.
    expect(row('inst-acme-01').dataset.state).toBe('completed');
    expect(row('inst-acme-01').querySelector('.meta')!.textContent).toMatch(/· Active/);
    expect(row('inst-acme-01').textContent).not.toMatch(/Completed/);
    const options = [...(screen.getByTestId('installations-filter') as HTMLSelectElement).options].map((o) => o.text);
    expect(options.some((text) => /^Active \(\d+\)$/.test(text))).toBe(true);
    expect(options.some((text) => text.startsWith('Completed'))).toBe(false);
    // The manually provisioned mark keeps the state's label.
    expect(within(row('inst-acme-10')).getByTestId('badge-label').textContent).toMatch(/Active.*manually provisioned/s);
    // FAQ §16: beside Installing and Trial Expired the mark is drawn too; Updating hides it.
    for (const [id, label, shown] of [
      ['inst-acme-14', 'Installing', 'installing'],
      ['inst-acme-15', 'Trial Expired', 'trial_expired'],
    ] as const) {
      const text = within(row(id)).getByTestId('badge-label').textContent;
      expect(text).toMatch(new RegExp(`${label}.*manually provisioned`, 's'));
      const icon = within(row(id)).getByTestId('badged-icon');
      expect(icon.dataset.shown).toBe(shown);
      expect(icon.dataset.beside).toBe('manually_provisioned');
      expect(row(id).querySelector(`[data-badge="${shown}"]`)).toBeTruthy();
      expect(row(id).querySelector('[data-badge="manually_provisioned"]')).toBeTruthy();
      expect(icon.getAttribute('aria-label')).toMatch(/Manually Provisioned/);
    }
    expect(row('inst-acme-16').querySelector('[data-badge="manually_provisioned"]')).toBeNull();
    expect(within(row('inst-acme-16')).queryByTestId('manually-provisioned')).toBeNull();
    expect(within(row('inst-acme-16')).getByTestId('badge-label').textContent).toMatch(/covers Manually Provisioned/);
    // A covered badge is said.
    expect(within(row('inst-acme-05')).getByTestId('badge-label').textContent).toMatch(/covers Trial Expired/);
    expect(within(row('inst-acme-05')).getByTestId('installation-trial').textContent).toBe('2 Mar 2026 – 1 Apr 2026');
    expect(row('inst-acme-07').textContent).toMatch(/Enterprise/);
    // An installing installation waits for the partner to confirm or reject it; an update under way, to accept or
    // reject it; nothing else waits for them.
    expect(row('inst-acme-02').dataset.state).toBe('installing');
    expect(row('inst-acme-02').dataset.waiting).toBe('installation');
    expect(row('inst-acme-02').querySelector('.meta')!.textContent).toMatch(/· Waiting for your confirmation/);
    expect(within(row('inst-acme-02')).getByTestId('approve').textContent?.trim()).toBe('Confirm');
    expect(within(row('inst-acme-02')).getByTestId('reject')).toBeTruthy();
    expect(within(row('inst-acme-02')).queryByTestId('accept-update')).toBeNull();
    expect(row('inst-acme-06').dataset.waiting).toBe('update');
    expect(within(row('inst-acme-06')).getByTestId('accept-update').textContent?.trim()).toBe('Accept update');
    expect(within(row('inst-acme-06')).getByTestId('reject-update')).toBeTruthy();
    expect(within(row('inst-acme-06')).queryByTestId('approve')).toBeNull();
    for (const id of ['inst-acme-01', 'inst-acme-07', 'inst-acme-11']) {
      expect(row(id).dataset.waiting).toBe('');
      for (const testid of ['approve', 'reject', 'accept-update', 'reject-update']) {
        expect(within(row(id)).queryByTestId(testid), `${id} ${testid}`).toBeNull();
      }
    }
    // A Failed Update waits for nothing from the partner: only Talkdesk can recover it, and the row says how.
    expect(within(row('inst-acme-07')).getByTestId('installation-help').textContent).toBe(FAILED_UPDATE_HELP);
    expect(FAILED_UPDATE_HELP).toMatch(/Talkdesk Support at https:\/\/support\.talkdesk\.com/);
    expect(screen.getAllByTestId('installation-help')).toHaveLength(1);
    // Opened from the card, no installation is singled out.
    expect(document.querySelector('[data-focused]')).toBeNull();
  });

  it('says how many customers are waiting for the partner', async () => {
    await openInstallations();
    await screen.findAllByTestId('installation');
    const waiting = DEMO.filter((r) => r.waiting !== null).length;
    expect(waiting).toBe(5);
    expect(screen.getByTestId('installations-waiting').textContent?.trim()).toBe('5 customers are waiting for you');
  });

  it('says one customer is waiting, and nothing when none is', async () => {
    const { unmount } = await openInstallations({ installations: onlyWaiting('inst-acme-06') });
    await screen.findAllByTestId('installation');
    expect(screen.getByTestId('installations-waiting').textContent?.trim()).toBe('1 customer is waiting for you');
    unmount();

    await openInstallations({ installations: onlyWaiting() });
    await screen.findAllByTestId('installation');
    expect(screen.queryByTestId('installations-waiting')).toBeNull();
    const select = screen.getByTestId('installations-filter') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).not.toContain('waiting');
  });

  it('filters by state, and by what waits for the partner', async () => {
    await openInstallations();
    await screen.findAllByTestId('installation');
    const select = screen.getByTestId('installations-filter') as HTMLSelectElement;
    const options = [...select.options].map((o) => [o.value, o.text]);
    expect(options).toContainEqual(['waiting', 'Waiting for you (5)']);
    expect(options).toContainEqual(['installing', 'Waiting for your confirmation (3)']);
    // Every state the backend knows, and no other: "Waiting for you" is not a state.
    expect(options.map(([value]) => value)).toEqual([
      'all',
      'waiting',
      'installing',
      'completed',
      'timeout',
      'failed',
      'rejected',
      'suspended',
      'revoked',
    ]);

    await fireEvent.change(select, { target: { value: 'installing' } });
    let rows = screen.getAllByTestId('installation');
    expect(rows.map((li) => li.dataset.installationId)).toEqual(['inst-acme-02', 'inst-acme-03', 'inst-acme-14']);
    expect(rows.every((li) => li.dataset.state === 'installing')).toBe(true);

    await fireEvent.change(select, { target: { value: 'waiting' } });
    rows = screen.getAllByTestId('installation');
    expect(rows.map((li) => li.dataset.installationId)).toEqual([
      'inst-acme-02',
      'inst-acme-03',
      'inst-acme-06',
      'inst-acme-14',
      'inst-acme-16',
    ]);
    expect(rows.map((li) => li.dataset.waiting)).toEqual(['installation', 'installation', 'update', 'installation', 'update']);

    await fireEvent.change(select, { target: { value: 'all' } });
    expect(screen.getAllByTestId('installation')).toHaveLength(DEMO.length);
  });

  it('shows them all again when nothing is left waiting under the waiting filter', async () => {
    await openInstallations({ installations: onlyWaiting('inst-acme-02') });
    await screen.findAllByTestId('installation');
    const select = screen.getByTestId('installations-filter') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'waiting' } });
    expect(screen.getAllByTestId('installation').map((li) => li.dataset.installationId)).toEqual(['inst-acme-02']);

    await fireEvent.click(within(row('inst-acme-02')).getByTestId('approve'));

    await screen.findByText('Confirmed the installation in Initech Care.');
    await waitFor(() => expect(select.value).toBe('all'));
    expect(screen.getAllByTestId('installation').length).toBeGreaterThan(1);
    expect([...select.options].map((o) => o.value)).not.toContain('waiting');
    expect(screen.queryByTestId('installations-waiting')).toBeNull();
    expect(screen.queryByTestId('installations-none-in-state')).toBeNull();
  });

  it('confirms an installation, sending what it showed waiting, and reads the list again', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await fireEvent.click(within(row('inst-acme-02')).getByTestId('approve'));

    expect((await screen.findByTestId('installations-done')).textContent).toBe('Confirmed the installation in Initech Care.');
    expect(backend.liveCalls.decideInstallation).toEqual([
      { appId: 'app-acme-crm', installationId: 'inst-acme-02', expect: 'installation', decision: 'approve', reason: null },
    ]);
    expect(backend.liveCalls.installations).toHaveLength(2);
    await waitFor(() => expect(row('inst-acme-02').dataset.state).toBe('completed'));
    expect(row('inst-acme-02').dataset.waiting).toBe('');
    expect(within(row('inst-acme-02')).queryByTestId('approve')).toBeNull();
    expect(screen.getByTestId('installations-waiting').textContent?.trim()).toBe('4 customers are waiting for you');
  });

  it('accepts an update, sending that an update was waiting', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await fireEvent.click(within(row('inst-acme-06')).getByTestId('accept-update'));

    expect((await screen.findByTestId('installations-done')).textContent).toBe('Accepted the update of Pied Piper Desk.');
    expect(backend.liveCalls.decideInstallation).toEqual([
      { appId: 'app-acme-crm', installationId: 'inst-acme-06', expect: 'update', decision: 'approve', reason: null },
    ]);
    await waitFor(() => expect(row('inst-acme-06').dataset.waiting).toBe(''));
    expect(row('inst-acme-06').dataset.state).toBe('completed');
    expect(within(row('inst-acme-06')).queryByTestId('accept-update')).toBeNull();
    expect(within(row('inst-acme-06')).getByTestId('badge-label').textContent).toMatch(/Active/);
  });

  it('rejects an update only with a reason, in the same dialog worded for the update', async () => {
    const user = userEvent.setup();
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await user.click(within(row('inst-acme-16')).getByTestId('reject-update'));
    const dialog = await screen.findByTestId('reject-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Reject the update of Bluth Company?');
    expect(within(dialog).getByTestId('reject-confirm').textContent?.trim()).toBe('Reject update');
    expect(document.activeElement).toBe(within(dialog).getByTestId('reject-reason'));
    await user.click(within(dialog).getByTestId('reject-confirm'));
    expect(await within(dialog).findByTestId('reject-reason-missing')).toBeTruthy();
    await user.type(within(dialog).getByTestId('reject-reason'), '   ');
    await user.click(within(dialog).getByTestId('reject-confirm'));
    expect(backend.liveCalls.decideInstallation).toEqual([]);

    await user.clear(within(dialog).getByTestId('reject-reason'));
    await user.type(within(dialog).getByTestId('reject-reason'), 'Those seats are not in your plan.');
    await user.click(within(dialog).getByTestId('reject-confirm'));

    await waitFor(() => expect(screen.queryByTestId('reject-dialog')).toBeNull());
    expect(backend.liveCalls.decideInstallation).toEqual([
      {
        appId: 'app-acme-crm',
        installationId: 'inst-acme-16',
        expect: 'update',
        decision: 'reject',
        reason: 'Those seats are not in your plan.',
      },
    ]);
    expect(screen.getByTestId('installations-done').textContent).toBe('Rejected the update of Bluth Company.');
    await waitFor(() => expect(row('inst-acme-16').dataset.waiting).toBe(''));
    expect(row('inst-acme-16').dataset.state).toBe('completed');
    expect(row('inst-acme-16').textContent).toMatch(/Update rejected: Those seats are not in your plan\./);
  });

  it('says why when the installation waits for something else by now, deciding nothing', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');
    // Another window (or `pwb`) confirmed it meanwhile.
    await backend.decideInstallation('app-acme-crm', 'inst-acme-03', 'installation', 'approve', null);

    await fireEvent.click(within(row('inst-acme-03')).getByTestId('approve'));

    const problem = await screen.findByTestId('installations-action-error');
    expect(problem.textContent).toMatch(/inst-acme-03 is completed and waits for nothing from you/);
    expect(screen.queryByTestId('installations-done')).toBeNull();
  });

  it('shows the help as text, never as markup', async () => {
    const help = 'Open a request with <b>Talkdesk Support</b> at https://support.talkdesk.com/hc/en-us.';
    const failed: InstallationRow = { ...DEMO.find((r) => r.id === 'inst-acme-07')!, help };
    await openInstallations({ installations: { 'app-acme-crm': [failed] } });
    const note = await screen.findByTestId('installation-help');
    expect(note.textContent).toBe(help);
    expect(note.querySelector('b')).toBeNull();
    expect(row('inst-acme-07').querySelector('b')).toBeNull();
  });

  it('rejects an installation only with a reason, given in a dialog', async () => {
    const user = userEvent.setup();
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await user.click(within(row('inst-acme-02')).getByTestId('reject'));
    const dialog = await screen.findByTestId('reject-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Reject the installation in Initech Care?');
    expect(within(dialog).getByTestId('reject-confirm').textContent?.trim()).toBe('Reject installation');
    expect(document.activeElement).toBe(within(dialog).getByTestId('reject-reason'));
    await user.click(within(dialog).getByTestId('reject-confirm'));
    expect(await within(dialog).findByTestId('reject-reason-missing')).toBeTruthy();
    expect(backend.liveCalls.decideInstallation).toEqual([]);

    await user.type(within(dialog).getByTestId('reject-reason'), 'Not in your region yet.');
    await user.click(within(dialog).getByTestId('reject-confirm'));

    await waitFor(() => expect(screen.queryByTestId('reject-dialog')).toBeNull());
    expect(backend.liveCalls.decideInstallation).toEqual([
      { appId: 'app-acme-crm', installationId: 'inst-acme-02', expect: 'installation', decision: 'reject', reason: 'Not in your region yet.' },
    ]);
    expect(screen.getByTestId('installations-done').textContent).toBe('Rejected the installation in Initech Care.');
    await waitFor(() => expect(row('inst-acme-02').dataset.state).toBe('rejected'));
    expect(row('inst-acme-02').textContent).toMatch(/Rejected: Not in your region yet\./);
  });

  it('closes the reject dialog with Escape, leaving the screen open', async () => {
    const user = userEvent.setup();
    await openInstallations();
    await screen.findAllByTestId('installation');
    await user.click(within(row('inst-acme-02')).getByTestId('reject'));
    await screen.findByTestId('reject-dialog');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('reject-dialog')).toBeNull();
    expect(screen.getByTestId('installations-page')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('installations-page')).toBeNull();
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
  });

  it('says offline and what to do, and tries again', async () => {
    const failLive = { code: 'server_unreachable' as const, message: 'offline: installations come live from the server' };
    const { backend } = await openInstallations({ failLive });
    const problem = await screen.findByTestId('installations-error');
    expect(problem.textContent).toMatch(/You're offline/);
    expect(problem.textContent).toMatch(/Connect to the network/);
    backend.setFailLive(null);
    await fireEvent.click(within(problem).getByText('Try again'));
    expect(await screen.findAllByTestId('installation')).not.toHaveLength(0);
  });

  it('has an empty state', async () => {
    await openInstallations({ installations: {} });
    const empty = await screen.findByTestId('installations-empty');
    expect(empty.textContent).toMatch(/No installations yet/);
  });
});

describe('opening a customer\'s request from its notification', () => {
  const scrolled: Element[] = [];
  const original = Element.prototype.scrollIntoView;
  afterEach(() => {
    Element.prototype.scrollIntoView = original;
    scrolled.length = 0;
  });
  function watchScrolling() {
    Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
      scrolled.push(this);
    });
  }
  const request = (installation_id: string) => ({
    app_id: 'app-acme-crm',
    installation_id,
    summary: 'Soylent Foods is waiting for you to confirm Acme CRM Connector 2.0.0',
  });

  it('opens the app\'s installations with that one in view, marked and focused', async () => {
    watchScrolling();
    const { backend } = renderApp({ apps: [ACME], status: status('idle') });
    await screen.findByText('Acme CRM Connector');

    backend.emitOpenInstallation(request('inst-acme-14'));

    const page = await screen.findByTestId('installations-page');
    expect(page.dataset.appId).toBe('app-acme-crm');
    await waitFor(() => expect(document.activeElement).toBe(row('inst-acme-14')));
    const focused = row('inst-acme-14');
    expect(focused.dataset.focused).toBe('true');
    expect(focused.classList.contains('focused')).toBe(true);
    expect(focused.getAttribute('tabindex')).toBe('-1');
    expect(scrolled).toEqual([focused]);
    expect(document.querySelectorAll('[data-focused="true"]')).toHaveLength(1);
    // The partner decides right there.
    await fireEvent.click(within(focused).getByTestId('approve'));
    expect((await screen.findByTestId('installations-done')).textContent).toBe('Confirmed the installation in Soylent Foods.');
    expect(backend.liveCalls.decideInstallation[0]).toMatchObject({ installationId: 'inst-acme-14', expect: 'installation' });
    // Back returns to the list.
    await fireEvent.click(screen.getByTestId('installations-back'));
    expect(screen.queryByTestId('installations-page')).toBeNull();
    expect(screen.getByText('Acme CRM Connector')).toBeTruthy();
  });

  it('reads the list again and moves the focus when the screen was open already', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');
    expect(backend.liveCalls.installations).toHaveLength(1);

    backend.emitOpenInstallation(request('inst-acme-16'));

    await waitFor(() => expect(backend.liveCalls.installations).toHaveLength(2));
    await waitFor(() => expect(document.activeElement).toBe(row('inst-acme-16')));
    expect(row('inst-acme-16').dataset.focused).toBe('true');
    expect(row('inst-acme-16').dataset.waiting).toBe('update');
    expect(row('inst-acme-02').dataset.focused).toBeUndefined();
  });

  it('says so when the installation is not in the list any more', async () => {
    const { backend } = renderApp({ apps: [ACME], status: status('idle') });
    await screen.findByText('Acme CRM Connector');

    backend.emitOpenInstallation(request('inst-gone'));

    expect(await screen.findByTestId('installations-focus-missing')).toBeTruthy();
    expect(document.querySelector('[data-focused]')).toBeNull();
    expect(document.activeElement?.id).toBe('installations-title');
  });
});
