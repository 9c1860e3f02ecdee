// Editing an app's own fields from its card, and settling the conflicts on them there, against the fake backend: what
// the partner sees, and what the fake's cache and server copy hold after.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEMO_APPS, DEMO_VERSIONS } from '../../ipc/demo-data';
import type { FakeBackend } from '../../ipc/fake';
import { renderApp, status } from '../../test/fixtures';

const ACME = DEMO_APPS[0]!; // Acme CRM Connector: standalone, portal
const NORTHWIND = DEMO_APPS[1]!; // Northwind Ticket Bridge: atlas, canvas

const card = (appId: string) =>
  waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="app"][data-app-id="${appId}"]`);
    if (!found) throw new Error(`no card for ${appId}`);
    return found;
  });

/** The window on Acme and Northwind, with Acme's Edit app dialog open. */
async function openEdit(appId = ACME.id) {
  const user = userEvent.setup();
  const rendered = renderApp({ apps: [ACME, NORTHWIND], versions: DEMO_VERSIONS, status: status('idle') });
  const button = within(await card(appId)).getByTestId('edit-app');
  await user.click(button);
  const dialog = screen.getByTestId('edit-app-dialog');
  const field = (name: string) => within(dialog).getByTestId(`edit-app-${name}`) as HTMLInputElement;
  return { user, button, dialog, field, ...rendered };
}

/** Saves a new display name for Acme, after the server changed it to another (as another client would). */
async function conflicting() {
  const opened = await openEdit();
  const { user, dialog, field, backend } = opened;
  backend.appFields.serverChange(ACME.id, { display_name: 'Acme Connector' });
  await user.clear(field('display_name'));
  await user.type(field('display_name'), 'Acme CRM');
  await user.click(within(dialog).getByTestId('edit-app-save'));
  await waitFor(() => expect(screen.queryByTestId('edit-app-dialog')).toBeNull());
  await backend.syncNow();
  const conflict = await within(await card(ACME.id)).findByTestId('app-conflict');
  return { ...opened, conflict };
}

const pendingCount = () => screen.queryByTestId('count-pending')?.textContent?.trim() ?? null;

const serverName = (backend: FakeBackend) => backend.appFields.server(ACME.id)?.display_name;

describe('the Edit app dialog', () => {
  it('opens with the app’s fields, its name shown read-only as its fixed identifier, and Escape closes it', async () => {
    const { user, button, dialog, field } = await openEdit(NORTHWIND.id);

    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(screen.getByRole('dialog', { name: 'Edit Northwind Ticket Bridge' })).toBe(dialog);
    expect(field('display_name').value).toBe('Northwind Ticket Bridge');
    expect(field('created_type').value).toBe('Northwind Labs');
    expect(field('slug').value).toBe('northwind-ticket-bridge');
    expect(field('app_type-atlas').checked).toBe(true);
    expect(field('app_type-standalone').checked).toBe(false);
    expect(field('render-canvas').checked).toBe(true);
    expect(within(dialog).getByLabelText('Vendor')).toBe(field('created_type'));
    expect(within(dialog).getByRole('group', { name: 'Where it shows' })).toBeTruthy();
    const name = field('name');
    expect(name.value).toBe('northwind-ticket-bridge');
    expect(name.readOnly).toBe(true);
    expect(document.getElementById(name.getAttribute('aria-describedby')!)?.textContent).toMatch(/fixed/);
    expect(document.activeElement).toBe(field('display_name'));

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('edit-app-dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('points out a blank display name and a too long slug as typed, and refuses to save them', async () => {
    const { user, dialog, field, backend } = await openEdit();
    const save = within(dialog).getByTestId('edit-app-save');
    expect(save.getAttribute('aria-disabled')).toBe('false');

    await user.clear(field('display_name'));
    // Checked by the backend's rules as typed: the answer comes after a short pause.
    const problem = await within(dialog).findByTestId('edit-app-problem');
    expect(problem.dataset.field).toBe('display_name');
    expect(problem.textContent).toBe('Display name must not be empty');
    expect(field('display_name').getAttribute('aria-invalid')).toBe('true');
    expect(field('display_name').getAttribute('aria-describedby')!.split(' ')).toContain(problem.id);
    expect(save.getAttribute('aria-disabled')).toBe('true');

    await user.click(field('slug'));
    await user.paste('x'.repeat(200));
    await waitFor(() =>
      expect(within(dialog).getAllByTestId('edit-app-problem').map((p) => p.textContent)).toEqual([
        'Display name must not be empty',
        'Slug must be at most 200 characters',
      ]),
    );

    await user.click(save);
    expect(backend.calls.editApp).toEqual([]);
    expect(screen.getByTestId('edit-app-dialog')).toBe(dialog);
    expect(document.activeElement).toBe(field('display_name'));
  });

  it('saves a valid change: the card shows it at once, unsent until the sync sends it to the server', async () => {
    const { user, dialog, field, backend } = await openEdit();
    await user.clear(field('display_name'));
    await user.type(field('display_name'), 'Acme CRM Suite');
    await user.click(field('app_type-atlas'));
    await user.click(within(dialog).getByTestId('edit-app-save'));

    await waitFor(() => expect(screen.queryByTestId('edit-app-dialog')).toBeNull());
    const fields = { slug: ACME.name, display_name: 'Acme CRM Suite', created_type: 'Acme Corp', app_type: 'atlas', render: 'portal' };
    expect(backend.calls.editApp).toEqual([{ appId: ACME.id, form: fields }]);
    const edited = await card(ACME.id);
    expect(within(edited).getByTestId('app-name').textContent).toBe('Acme CRM Suite');
    expect(within(edited).getByText('Atlas')).toBeTruthy();
    // Unsent: the card says so, and the window's count and the queue agree.
    await waitFor(() => expect(pendingCount()).toBe('1 unsent'));
    await waitFor(async () => expect(within(await card(ACME.id)).queryByTestId('app-unsent')).not.toBeNull());
    expect(backend.local.changeOf(ACME.id, 'edit_app')).toBeDefined();
    expect(serverName(backend)).toBe(ACME.display_name);

    await backend.syncNow();
    expect(backend.appFields.server(ACME.id)).toEqual(fields);
    await waitFor(() => expect(pendingCount()).toBeNull());
    expect(within(await card(ACME.id)).getByTestId('app-name').textContent).toBe('Acme CRM Suite');
    await waitFor(async () => expect(within(await card(ACME.id)).queryByTestId('app-unsent')).toBeNull());
  });

  it('shows the backend’s refusal in the dialog, which stays open', async () => {
    const { user, dialog, field, backend } = await openEdit();
    backend.setApps([NORTHWIND]); // Acme left the cache meanwhile
    await user.type(field('created_type'), ' Inc');
    await user.click(within(dialog).getByTestId('edit-app-save'));

    const error = await within(dialog).findByTestId('edit-app-error');
    expect(error.dataset.code).toBe('invalid_input');
    expect(error.textContent).toBe(`no cached app ${ACME.id}: run \`pwb apps\` to see the cached ones`);
    expect(screen.getByTestId('edit-app-dialog')).toBe(dialog);
  });

  it('is offered for an app not sent yet, whose registration then carries the change, not for a refused one', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle'), serverAppNames: ['taken-name'] });
    const form = { slug: '', created_type: 'Acme Corp', app_type: 'standalone', render: 'portal' } as const;
    const taken = await backend.createApp({ ...form, name: 'taken-name', display_name: 'Taken App' });
    await backend.syncNow(); // the server refuses the name: Rename or Discard, not Edit app
    const refused = await card(taken);
    await within(refused).findByTestId('registration-refused');
    expect(within(refused).queryByTestId('edit-app')).toBeNull();

    const localId = await backend.createApp({ ...form, name: 'later-app', display_name: 'Later App' });
    await user.click(within(await card(localId)).getByTestId('edit-app'));
    const dialog = screen.getByTestId('edit-app-dialog');
    expect((within(dialog).getByTestId('edit-app-slug') as HTMLInputElement).value).toBe('later-app');
    await user.type(within(dialog).getByTestId('edit-app-display_name'), ' Pro');
    await user.click(within(dialog).getByTestId('edit-app-save'));
    await waitFor(() => expect(screen.queryByTestId('edit-app-dialog')).toBeNull());
    const edited = await card(localId);
    expect(within(edited).getByTestId('app-name').textContent).toBe('Later App Pro');
    expect(within(edited).getByTestId('not-sent')).toBeTruthy();

    await backend.syncNow();
    const serverId = backend.lifecycle.resolve(localId)!;
    expect(serverId).toMatch(/^app-/);
    expect(backend.appFields.server(serverId)?.display_name).toBe('Later App Pro');
    // The edit followed the app to its server id, and went with the registration: nothing is left to send of it.
    expect(backend.local.changesOf(serverId, 'edit_app')).toEqual([]);
    expect(backend.local.changesOf(localId, 'edit_app')).toEqual([]);
    expect((await backend.syncStatus()).pending).toBe(1); // the refused registration of taken-name, held
  });
});

describe('a conflict on an app’s field', () => {
  it('shows on the card with what it was, yours and the server’s, and keeps yours unsent until settled', async () => {
    const { conflict, backend } = await conflicting();

    expect(conflict.dataset.field).toBe('app.display_name');
    expect(within(conflict).getByRole('heading').textContent).toBe('Display name');
    expect(within(conflict).getByTestId('conflict-base').textContent).toBe('Acme CRM Connector');
    expect(within(conflict).getByTestId('conflict-mine').textContent).toBe('Acme CRM');
    expect(within(conflict).getByTestId('conflict-theirs').textContent).toBe('Acme Connector');
    expect(within(await card(ACME.id)).getByTestId('app-name').textContent).toBe('Acme CRM');
    expect(await screen.findByTestId('count-conflicts')).toHaveProperty('textContent', expect.stringContaining('1 conflict'));

    // Nothing of the app's fields is sent while it is open.
    await backend.syncNow();
    expect(serverName(backend)).toBe('Acme Connector');
    expect(within(await card(ACME.id)).getAllByTestId('app-conflict')).toHaveLength(1);
  });

  it('Keep mine settles it, and the next sync sends yours', async () => {
    const { user, conflict, backend } = await conflicting();

    await user.click(within(conflict).getByTestId('app-keep-mine'));

    await waitFor(() => expect(screen.queryByTestId('app-conflict')).toBeNull());
    expect(backend.calls.resolveConflict).toEqual([{ versionId: ACME.id, field: 'app.display_name', choice: { kind: 'keep_mine' } }]);
    await backend.syncNow();
    expect(serverName(backend)).toBe('Acme CRM');
    expect(within(await card(ACME.id)).getByTestId('app-name').textContent).toBe('Acme CRM');
    expect((await backend.syncStatus()).pending).toBe(0);
  });

  it('Take theirs settles it with the server’s value, and nothing is left to send', async () => {
    const { user, conflict, backend } = await conflicting();

    await user.click(within(conflict).getByTestId('app-take-theirs'));

    await waitFor(() => expect(within(document.body).queryByTestId('app-conflict')).toBeNull());
    expect(backend.calls.resolveConflict).toEqual([{ versionId: ACME.id, field: 'app.display_name', choice: { kind: 'take_theirs' } }]);
    await waitFor(async () => expect(within(await card(ACME.id)).getByTestId('app-name').textContent).toBe('Acme Connector'));
    await backend.syncNow();
    expect(serverName(backend)).toBe('Acme Connector');
    expect(within(await card(ACME.id)).getByTestId('app-name').textContent).toBe('Acme Connector');
    expect((await backend.syncStatus()).pending).toBe(0);
  });
});
