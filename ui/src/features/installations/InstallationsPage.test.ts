import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEMO_INSTALLATIONS } from '../../ipc/fake-live';
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
    // Only pending installations can be approved or rejected.
    expect(within(row('inst-acme-02')).getByTestId('approve')).toBeTruthy();
    expect(within(row('inst-acme-01')).queryByTestId('approve')).toBeNull();
  });

  it('filters by state', async () => {
    await openInstallations();
    await screen.findAllByTestId('installation');
    const select = screen.getByTestId('installations-filter') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'pending' } });
    const rows = screen.getAllByTestId('installation');
    expect(rows.map((li) => li.dataset.state)).toEqual(['pending']);
    await fireEvent.change(select, { target: { value: 'all' } });
    expect(screen.getAllByTestId('installation').length).toBeGreaterThan(1);
  });

  it('shows them all again when the filtered state has no installation left', async () => {
    await openInstallations();
    await screen.findAllByTestId('installation');
    const select = screen.getByTestId('installations-filter') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'pending' } });
    expect(screen.getAllByTestId('installation').map((li) => li.dataset.installationId)).toEqual(['inst-acme-02']);

    await fireEvent.click(within(row('inst-acme-02')).getByTestId('approve'));

    await screen.findByText('Approved the installation in Initech Care.');
    await waitFor(() => expect(select.value).toBe('all'));
    expect(screen.getAllByTestId('installation').length).toBeGreaterThan(1);
    expect([...select.options].map((o) => o.value)).not.toContain('pending');
    expect(screen.queryByTestId('installations-none-in-state')).toBeNull();
  });

  it('approves a pending installation and reads the list again', async () => {
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await fireEvent.click(within(row('inst-acme-02')).getByTestId('approve'));

    await screen.findByText('Approved the installation in Initech Care.');
    expect(backend.liveCalls.decideInstallation).toEqual([
      { appId: 'app-acme-crm', installationId: 'inst-acme-02', decision: 'approve', reason: null },
    ]);
    expect(backend.liveCalls.installations).toHaveLength(2);
    await waitFor(() => expect(row('inst-acme-02').dataset.state).toBe('completed'));
    expect(within(row('inst-acme-02')).queryByTestId('approve')).toBeNull();
  });

  it('rejects only with a reason, given in a dialog', async () => {
    const user = userEvent.setup();
    const { backend } = await openInstallations();
    await screen.findAllByTestId('installation');

    await user.click(within(row('inst-acme-02')).getByTestId('reject'));
    const dialog = await screen.findByTestId('reject-dialog');
    expect(document.activeElement).toBe(within(dialog).getByTestId('reject-reason'));
    await user.click(within(dialog).getByTestId('reject-confirm'));
    expect(await within(dialog).findByTestId('reject-reason-missing')).toBeTruthy();
    expect(backend.liveCalls.decideInstallation).toEqual([]);

    await user.type(within(dialog).getByTestId('reject-reason'), 'Not in your region yet.');
    await user.click(within(dialog).getByTestId('reject-confirm'));

    await waitFor(() => expect(screen.queryByTestId('reject-dialog')).toBeNull());
    expect(backend.liveCalls.decideInstallation).toEqual([
      { appId: 'app-acme-crm', installationId: 'inst-acme-02', decision: 'reject', reason: 'Not in your region yet.' },
    ]);
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
