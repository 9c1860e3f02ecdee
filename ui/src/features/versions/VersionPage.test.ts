import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEMO_APPS, DEMO_VERSIONS } from '../../ipc/demo-data';
import { FAKE_PACK_VERSION } from '../../ipc/fake-rules';
import { renderApp, status } from '../../test/fixtures';
import { fieldId, formTargets } from '../validation/fields';

const ACME = DEMO_APPS[0]!; // Acme CRM Connector, 2.1.0 first: a clean version
const GLOBEX = DEMO_APPS[3]!; // Globex Callback Scheduler 0.1.0: a first draft with problems

function openWith(apps = [ACME, GLOBEX]) {
  return renderApp({ apps, versions: DEMO_VERSIONS, status: status('idle') });
}

async function openVersion(versionId: string) {
  const row = await waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="version"][data-version-id="${versionId}"]`);
    if (!found) throw new Error(`no row for version ${versionId}`);
    return found;
  });
  const button = within(row).getByTestId('open-version');
  button.focus();
  await userEvent.keyboard('{Enter}');
  return screen.findByTestId('version-page');
}

const input = (path: string) => document.getElementById(fieldId(path)) as HTMLInputElement;
const allClear = () => screen.findByTestId('all-clear', {}, { timeout: 2_000 });

describe('the version page', () => {
  it('opens from the list with the keyboard and shows the app, the version, both statuses and its content', async () => {
    const { backend } = openWith();
    const page = await openVersion('ver-acme-210');

    expect(backend.calls.openVersion).toEqual(['ver-acme-210']);
    expect(await within(page).findByTestId('version-app-name')).toHaveProperty('textContent', 'Acme CRM Connector');
    expect(within(page).getByTestId('version-title-number').textContent).toBe('2.1.0');
    expect(within(page).getByTestId('badge-technical').dataset.status).toBe('draft');
    expect(within(page).getByTestId('badge-marketplace').dataset.status).toBe('draft');

    expect(screen.getByLabelText('Display name')).toHaveProperty('value', 'Acme CRM Connector');
    expect(screen.getByLabelText('Slug')).toHaveProperty('value', 'acme-crm-connector');
    expect(input('marketplace.categories[0]').value).toBe('CRM');
    expect(input('subscription_types[1].name').value).toBe('Team');
    expect(input('subscription_types[1].price').value).toBe('1500');
    expect(input('subscription_types[0].trial_days').value).toBe('30');
    expect(within(screen.getByTestId('plans')).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Type',
      'License',
      'Price',
      'Currency',
      'Min licenses',
      'Max licenses',
      'Trial days',
      'Order and remove',
    ]);
  });

  it('gives an element to exactly the paths the field mapping knows', async () => {
    openWith();
    await openVersion('ver-acme-210');
    await allClear();
    const ids = [...document.querySelectorAll('[id^="field:"]')].map((el) => el.id.slice('field:'.length)).sort();
    expect(ids).toEqual([...formTargets(DEMO_VERSIONS['ver-acme-210']!.content)].sort());
  });

  it('checks the version at once: pack version shown, all clear', async () => {
    const { backend } = openWith();
    await openVersion('ver-acme-210');
    await allClear();
    expect(screen.getByTestId('pack-version').textContent).toBe(FAKE_PACK_VERSION);
    expect(backend.calls.validateDraft).toHaveLength(1);
  });

  it('checks the draft as the partner types, once typing pauses, and jumps to the field a diagnostic names', async () => {
    const { backend } = openWith();
    await openVersion('ver-acme-210');
    await allClear();

    const name = screen.getByLabelText('Display name') as HTMLInputElement;
    const user = userEvent.setup();
    await user.clear(name);
    await user.type(name, 'Ac');
    await user.clear(name);

    const diagnostic = await screen.findByTestId('diagnostic', {}, { timeout: 2_000 });
    expect(diagnostic.dataset.rule).toBe('listing.required');
    expect(diagnostic.dataset.field).toBe('general.display_name');
    // Typing quickly sends one check for the pause, not one per key.
    expect(backend.calls.validateDraft.length).toBeLessThanOrEqual(3);
    expect(backend.calls.validateDraft.at(-1)?.draft?.general.display_name).toBe('');
    expect(screen.getByTestId('group-error').dataset.count).toBe('1');
    // The field is outlined inline, with the message under it.
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.dataset.issue).toBe('error');
    expect(document.getElementById(name.getAttribute('aria-describedby')!)?.textContent).toContain('is required');

    diagnostic.focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(name);
    expect(name.hasAttribute('data-jumped')).toBe(true);

    await user.type(name, 'Acme CRM Connector');
    await allClear();
    expect(name.hasAttribute('aria-invalid')).toBe(false);
    expect(name.hasAttribute('data-jumped')).toBe(false);
  });

  it('jumps to the nearest row, list or section when a field has no input of its own', async () => {
    openWith();
    await openVersion('ver-globex-010');
    const buttons = await screen.findAllByTestId('diagnostic');
    const byRule = (rule: string, field: string) =>
      buttons.find((b) => b.dataset.rule === rule && b.dataset.field === field)!;

    // No terms of service URL at all: the URL list.
    await fireEvent.click(byRule('listing.required', 'marketplace.urls.terms_of_service'));
    expect(document.activeElement?.id).toBe(fieldId('marketplace.urls'));
    expect((document.activeElement as HTMLElement).dataset.issue).toBe('error');

    // A privacy policy on plain HTTP: its input.
    await fireEvent.click(byRule('listing.https_links', 'marketplace.urls[0].url'));
    expect(document.activeElement).toBe(input('marketplace.urls[0].url'));

    // No trial plan: the plans table.
    await fireEvent.click(byRule('plans.one_trial', 'subscription_types'));
    expect(document.activeElement?.id).toBe(fieldId('subscription_types'));
  });

  it('reports a number that is not a number on its cell, and jumps there', async () => {
    openWith();
    await openVersion('ver-acme-210');
    await allClear();
    const price = input('subscription_types[1].price');
    await userEvent.clear(price);
    await userEvent.type(price, '15.00');

    const diagnostic = await waitFor(
      () => {
        const found = screen.getByTestId('diagnostic');
        expect(found.textContent).toContain('“15.00”');
        return found;
      },
      { timeout: 2_000 },
    );
    expect(diagnostic.dataset.rule).toBe('form.whole_number');
    expect(diagnostic.dataset.field).toBe('subscription_types[1].price');
    await fireEvent.click(diagnostic);
    expect(document.activeElement).toBe(price);
    expect(price.getAttribute('aria-invalid')).toBe('true');
    expect(price.title).toContain('15.00');
  });

  it('says how edits are kept, and saves a change once typing pauses', async () => {
    const { backend } = openWith();
    await openVersion('ver-acme-210');
    await allClear();
    const bar = screen.getByTestId('save-status');
    expect(bar.dataset.state).toBe('idle');
    expect(bar.textContent).toMatch(/saved on this computer as you type/i);

    const summary = screen.getByLabelText('Listing summary') as HTMLTextAreaElement;
    await userEvent.type(summary, ' Now faster.');
    await waitFor(() => expect(bar.dataset.state).toBe('saved'), { timeout: 2_000 });
    expect(backend.calls.saveDraft.length).toBeGreaterThanOrEqual(1);
    expect((await backend.openVersion('ver-acme-210')).content.marketplace.listing_summary).toBe(
      `${DEMO_VERSIONS['ver-acme-210']!.content.marketplace.listing_summary} Now faster.`,
    );
  });

  it('goes back with Escape, focusing the version it came from, and the edit is there when it opens again', async () => {
    openWith();
    await openVersion('ver-acme-210');
    await allClear();
    await userEvent.clear(screen.getByLabelText('Slug'));
    await userEvent.type(screen.getByLabelText('Slug'), 'Acme_CRM');
    await screen.findByTestId('diagnostic', {}, { timeout: 2_000 });

    await userEvent.keyboard('{Escape}');
    await screen.findByTestId('app-list');
    expect(screen.queryByTestId('version-page')).toBeNull();
    await waitFor(() =>
      expect(document.activeElement?.closest('[data-testid="version"]')?.getAttribute('data-version-id')).toBe(
        'ver-acme-210',
      ),
    );

    await userEvent.keyboard('{Enter}');
    await screen.findByTestId('version-page');
    await waitFor(() => expect(screen.getByLabelText('Slug')).toHaveProperty('value', 'Acme_CRM'));
    expect((await screen.findByTestId('diagnostic', {}, { timeout: 2_000 })).dataset.rule).toBe('listing.slug');
  });

  it('has a Back button, and adding a row puts the keyboard in it', async () => {
    openWith();
    await openVersion('ver-acme-210');
    await allClear();
    await userEvent.click(screen.getByRole('button', { name: '+ Add plan' }));
    expect(document.activeElement).toBe(input('subscription_types[3].name'));

    await userEvent.click(screen.getByTestId('back'));
    expect(await screen.findByTestId('app-list')).toBeTruthy();
  });

  it('says clearly when the version is not in the cache', async () => {
    const { backend } = renderApp({ apps: [ACME], versions: {}, status: status('idle') });
    await openVersion('ver-acme-210');
    const problem = await screen.findByTestId('version-error');
    expect(problem.dataset.code).toBe('not_found');
    expect(problem.textContent).toContain('This version is not in the local cache');
    expect(problem.textContent).toContain('ver-acme-210');
    expect(backend.calls.validateDraft).toEqual([]);

    await userEvent.click(within(problem).getByRole('button', { name: 'Back to your apps' }));
    expect(await screen.findByTestId('app-list')).toBeTruthy();
  });

  it('says so when a check fails, and keeps the form usable', async () => {
    const { backend } = openWith();
    backend.setFailValidate({ code: 'cache', message: 'The cache database is locked.' });
    await openVersion('ver-acme-210');
    const error = await screen.findByTestId('validation-error');
    expect(error.textContent).toContain('The cache database is locked.');

    backend.setFailValidate(null);
    await userEvent.type(screen.getByLabelText('Display name'), '!');
    await allClear();
    expect(screen.queryByTestId('validation-error')).toBeNull();
  });
});
