// Registering an app, starting a version and deleting a draft from the window, offline first, against the fake
// backend: what the partner sees, and what the fake's cache holds after.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NewAppForm } from '../../ipc';
import { DEMO_APPS, DEMO_VERSIONS } from '../../ipc/demo-data';
import { app, renderApp, status, version } from '../../test/fixtures';

const ACME = DEMO_APPS[0]!; // Acme CRM Connector: 2.1.0 Draft on both tracks, then 2.0.0 and 1.0.0 Available
const INITECH = DEMO_APPS[2]!; // Initech Call Analytics: 3.0.0 In Review on both tracks
/** Acme without its draft: its latest, 2.0.0, is Available. */
const ACME_RELEASED = { ...ACME, versions: ACME.versions.slice(1) };

const FORM: NewAppForm = {
  name: 'taken-name',
  slug: '',
  display_name: 'Taken App',
  created_type: 'Acme Corp',
  app_type: 'standalone',
  render: 'portal',
};

const card = (appId: string) =>
  waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="app"][data-app-id="${appId}"]`);
    if (!found) throw new Error(`no card for ${appId}`);
    return found;
  });
const cardNamed = async (name: string) => (await screen.findByText(name)).closest<HTMLElement>('[data-testid="app"]')!;
const row = (versionId: string) => document.querySelector<HTMLElement>(`[data-testid="version"][data-version-id="${versionId}"]`);

describe('registering an app', () => {
  it('checks the fields as typed, enables Create once they are right, and shows the new app as not sent yet', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle') });
    await user.click(await screen.findByRole('button', { name: 'New app' }));

    const dialog = screen.getByRole('dialog', { name: 'Register an app' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const name = within(dialog).getByLabelText('Name') as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    const create = within(dialog).getByTestId('new-app-create');
    await waitFor(() => expect(create.getAttribute('aria-disabled')).toBe('true'));

    await user.type(name, 'Acme CRM');
    const problem = await within(dialog).findByTestId('new-app-problem');
    expect(problem.dataset.field).toBe('name');
    expect(problem.textContent).toBe("Name must be 1 to 64 lower-case letters, digits or '-', starting with a letter or digit");
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.getAttribute('aria-describedby')!.split(' ')).toContain(problem.id);
    // Only the field typed in shows its problem; Create waits for them all.
    expect(within(dialog).getAllByTestId('new-app-problem')).toHaveLength(1);
    expect(create.getAttribute('aria-disabled')).toBe('true');

    await user.clear(name);
    await user.type(name, 'acme-helpdesk');
    await user.type(within(dialog).getByLabelText('Display name'), 'Acme Helpdesk');
    await user.type(within(dialog).getByLabelText('Vendor'), 'Acme Corp');
    await user.click(within(dialog).getByLabelText('Atlas'));
    await user.click(within(dialog).getByLabelText('Canvas'));
    await waitFor(() => expect(create.getAttribute('aria-disabled')).toBe('false'));
    expect(within(dialog).queryByTestId('new-app-problem')).toBeNull();
    expect(name.hasAttribute('aria-invalid')).toBe(false);

    await user.click(create);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.calls.createApp).toEqual([
      { name: 'acme-helpdesk', slug: '', display_name: 'Acme Helpdesk', created_type: 'Acme Corp', app_type: 'atlas', render: 'canvas' },
    ]);
    const created = await cardNamed('Acme Helpdesk');
    expect(created.dataset.appId).toMatch(/^local-app-/);
    expect(within(created).getByTestId('not-sent').textContent).toBe('Not sent yet');
    expect(within(created).getByText('Atlas')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(created));
    // The card of an app the server has carries no such mark.
    expect(within(await card(ACME.id)).queryByTestId('not-sent')).toBeNull();

    // A sync registers it: the server's id, and no mark.
    const localId = created.dataset.appId!;
    await backend.syncNow();
    await waitFor(() => expect(screen.queryAllByTestId('not-sent')).toHaveLength(0));
    const registered = await cardNamed('Acme Helpdesk');
    expect(registered.dataset.appId).not.toMatch(/^local-/);
    expect(await backend.resolveId(localId)).toBe(registered.dataset.appId);
  });

  it('opens from the empty list too, and Escape closes it, giving the focus back', async () => {
    const user = userEvent.setup();
    renderApp({ apps: [], status: status('idle') });
    const register = await within(await screen.findByTestId('empty-state')).findByRole('button', { name: 'Register an app' });
    await user.click(register);

    const dialog = screen.getByRole('dialog', { name: 'Register an app' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Name'));
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(register);
  });

  it('submits with Enter, and shows a refusal in the dialog, which stays open', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle') });
    await user.click(await screen.findByRole('button', { name: 'New app' }));
    const dialog = screen.getByRole('dialog', { name: 'Register an app' });

    await user.type(within(dialog).getByLabelText('Name'), ACME.name);
    await user.type(within(dialog).getByLabelText('Display name'), 'Another Acme');
    await user.type(within(dialog).getByLabelText('Vendor'), 'Acme Corp{Enter}');

    const error = await within(dialog).findByTestId('new-app-error');
    expect(error.textContent).toBe(
      `an app named ${ACME.name} is already in the cache (${ACME.id}); app names are unique: choose another`,
    );
    expect(backend.calls.createApp).toHaveLength(1);
    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(screen.getAllByTestId('app')).toHaveLength(1);
  });
});

describe('starting a version', () => {
  it('is refused while the latest is not Available, saying why to the eye and to screen readers', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME, INITECH], versions: DEMO_VERSIONS, status: status('idle') });
    const button = within(await card(INITECH.id)).getByRole('button', { name: 'New version of Initech Call Analytics' });

    const reason =
      'a new version can be created only when the latest one is Available; version 3.0.0 is In Review on the technical review';
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.title).toBe(reason);
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe(reason);

    await user.click(button);
    expect(backend.calls.createVersion).toEqual([]);
    expect(screen.queryByTestId('version-page')).toBeNull();
    expect(within(await card(ACME.id)).getByTestId('new-version').getAttribute('aria-disabled')).toBe('true');
  });

  it('copies an Available latest into the next version and opens it in the editor, marked not sent yet in the list', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME_RELEASED], versions: DEMO_VERSIONS, status: status('idle') });
    const button = within(await card(ACME.id)).getByRole('button', { name: 'New version of Acme CRM Connector' });
    expect(button.getAttribute('aria-disabled')).toBe('false');
    expect(button.hasAttribute('aria-describedby')).toBe(false);

    await user.click(button);

    const page = await screen.findByTestId('version-page');
    expect(backend.calls.createVersion).toEqual([ACME.id]);
    expect(page.dataset.versionId).toMatch(/^local-ver-/);
    expect(await within(page).findByTestId('version-title-number')).toHaveProperty('textContent', '2.1.0');
    expect(within(page).getByTestId('badge-technical').dataset.status).toBe('draft');
    // A copy of 2.0.0: its summary is there to edit.
    expect(screen.getByLabelText('Listing summary')).toHaveProperty(
      'value',
      DEMO_VERSIONS['ver-acme-200']!.content.marketplace.listing_summary,
    );

    await user.click(within(page).getByTestId('back'));
    const rows = within(await card(ACME.id)).getAllByTestId('version');
    expect(rows.map((r) => within(r).getByTestId('version-number').textContent)).toEqual(['2.1.0', '2.0.0', '1.0.0']);
    expect(within(rows[0]!).getByTestId('not-sent').textContent).toBe('Not sent yet');
    expect(within(rows[1]!).queryByTestId('not-sent')).toBeNull();
    // Now the latest is a draft: no other version can start.
    expect(within(await card(ACME.id)).getByTestId('new-version').getAttribute('aria-disabled')).toBe('true');
  });

  it('starts an empty 1.0.0 for an app without versions, with the app’s names', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [app('fresh-app', 'Fresh App', [])], status: status('idle') });
    await user.click(within(await card('fresh-app')).getByRole('button', { name: 'New version of Fresh App' }));

    const page = await screen.findByTestId('version-page');
    expect(await within(page).findByTestId('version-title-number')).toHaveProperty('textContent', '1.0.0');
    expect(screen.getByLabelText('Display name')).toHaveProperty('value', 'Fresh App');
    expect(screen.getByLabelText('Slug')).toHaveProperty('value', 'fresh-app');
    expect((await backend.openVersion(page.dataset.versionId!)).content.subscription_types).toEqual([]);
  });
});

describe('deleting a draft', () => {
  async function openVersion(versionId: string) {
    const user = userEvent.setup();
    await waitFor(() => expect(row(versionId)).not.toBeNull());
    await user.click(within(row(versionId)!).getByTestId('open-version'));
    const page = await screen.findByTestId('version-page');
    await within(page).findByTestId('version-title-number');
    return { user, page };
  }

  it('asks first, naming the version, and deletes it on confirmation, back in the list', async () => {
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle') });
    const { user, page } = await openVersion('ver-acme-210');

    await user.click(within(page).getByRole('button', { name: 'Delete draft' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete version 2.1.0 of Acme CRM Connector?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    // Escape closes the question only, not the version as it does elsewhere on the page.
    await user.click(within(page).getByRole('button', { name: 'Delete draft' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.calls.deleteVersion).toEqual([]);
    expect(screen.getByTestId('version-page')).toBe(page);

    await user.click(within(page).getByRole('button', { name: 'Delete draft' }));
    dialog = screen.getByRole('dialog', { name: 'Delete version 2.1.0 of Acme CRM Connector?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete draft' }));

    await screen.findByTestId('app-list');
    expect(backend.calls.deleteVersion).toEqual(['ver-acme-210']);
    const acme = await card(ACME.id);
    const numbers = () => within(acme).getAllByTestId('version-number').map((n) => n.textContent);
    await waitFor(() => expect(numbers()).toEqual(['2.0.0', '1.0.0']));
    await waitFor(() => expect(document.activeElement).toBe(acme));
    // The server had it: the deletion waits for the next sync, which removes it from the cache.
    expect(backend.local.changeOf('ver-acme-210', 'delete_version')).toBeDefined();
    await backend.syncNow();
    await expect(backend.openVersion('ver-acme-210')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows a refusal inline and stays on the version', async () => {
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle') });
    const { user, page } = await openVersion('ver-acme-210');
    await user.click(within(page).getByRole('button', { name: 'Delete draft' }));
    // Submitted elsewhere meanwhile (another window, `pwb`): the backend refuses.
    await backend.queueReviewAction('ver-acme-210', 'submit', 'technical');
    await backend.syncNow();
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete draft' }));

    const error = await within(dialog).findByTestId('delete-dialog-error');
    expect(error.textContent).toBe(
      "cannot delete: only a draft can be deleted; version 2.1.0's technical review is In Review and its marketplace review is Draft",
    );
    expect(screen.getByTestId('version-page')).toBe(page);
  });

  it('is not offered for a version past Draft on either track', async () => {
    renderApp({ apps: [ACME, INITECH], versions: DEMO_VERSIONS, status: status('idle') });
    const { page } = await openVersion('ver-initech-300');
    expect(within(page).queryByRole('button', { name: 'Delete draft' })).toBeNull();

    await userEvent.click(within(page).getByTestId('back'));
    const available = await openVersion('ver-acme-200');
    expect(within(available.page).queryByRole('button', { name: 'Delete draft' })).toBeNull();
  });
});

describe('a registration the server refused', () => {
  /** An app registered here under a name the server has: the sync holds its registration. */
  async function refused() {
    const user = userEvent.setup();
    const rendered = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle'), serverAppNames: [FORM.name] });
    const appId = await rendered.backend.createApp(FORM);
    await rendered.backend.syncNow();
    const shown = await card(appId);
    const refusal = await within(shown).findByTestId('registration-refused');
    return { user, appId, shown, refusal, ...rendered };
  }

  it('says why, and Rename sends it again under the new name', async () => {
    const { user, appId, refusal, backend } = await refused();
    expect(refusal.textContent).toContain(`an app named ${FORM.name} already exists`);

    await user.click(within(refusal).getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename Taken App' });
    const name = within(dialog).getByLabelText('Name') as HTMLInputElement;
    expect(name.value).toBe(FORM.name);
    await user.clear(name);
    await user.type(name, 'Bad Name{Enter}');
    expect((await within(dialog).findByTestId('rename-error')).textContent).toMatch(/^cannot rename the app: name must be/);
    expect(name.getAttribute('aria-invalid')).toBe('true');

    await user.clear(name);
    await user.type(name, 'taken-name-2{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.calls.renameApp.at(-1)).toEqual({ appId, name: 'taken-name-2' });
    const renamed = await card(appId);
    await waitFor(() => expect(within(renamed).queryByTestId('registration-refused')).toBeNull());
    expect(within(renamed).getByText('taken-name-2')).toBeTruthy();
    expect(within(renamed).getByTestId('not-sent')).toBeTruthy();

    await backend.syncNow();
    const serverId = backend.lifecycle.resolve(appId);
    expect(serverId).toMatch(/^app-/);
    const registered = await card(serverId!);
    expect(within(registered).getByText('Taken App')).toBeTruthy();
    expect(within(registered).queryByTestId('not-sent')).toBeNull();
    expect(document.querySelector(`[data-app-id="${appId}"]`)).toBeNull();
  });

  it('Discard asks first, naming the app, then removes it and its versions', async () => {
    const { user, appId, refusal, backend } = await refused();
    const changeId = backend.local.changeOf(appId, 'create_app')!.id;

    await user.click(within(refusal).getByRole('button', { name: 'Discard' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard the registration of Taken App?' });
    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));

    await waitFor(() => expect(screen.queryByText('Taken App')).toBeNull());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.calls.discardChange).toEqual([{ versionId: appId, changeId }]);
    expect((await backend.listApps()).apps.map((a) => a.id)).toEqual([ACME.id]);
    expect((await backend.syncStatus()).pending).toBe(0);
  });
});

describe('a sync sending what was made here', () => {
  it('keeps the editor open on the version under its server id, with what was typed and not saved yet', async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ apps: [ACME], versions: DEMO_VERSIONS, status: status('idle') });
    const appId = await backend.createApp({ ...FORM, name: 'fresh-app', display_name: 'Fresh App' });
    await user.click(within(await card(appId)).getByRole('button', { name: 'New version of Fresh App' }));
    const page = await screen.findByTestId('version-page');
    const localId = page.dataset.versionId!;
    expect(localId).toMatch(/^local-ver-/);

    const notes = (await screen.findByLabelText('Notes')) as HTMLTextAreaElement;
    await user.type(notes, 'Typed before the sync');
    expect(backend.calls.saveDraft).toEqual([]);
    await backend.syncNow();

    const serverId = backend.lifecycle.resolve(localId);
    expect(serverId).toMatch(/^ver-/);
    await waitFor(() => expect(page.dataset.versionId).toBe(serverId));
    expect(screen.getByTestId('version-page')).toBe(page);
    expect(screen.getByLabelText('Notes')).toBe(notes);
    expect(notes.value).toBe('Typed before the sync');
    expect(backend.calls.resolveId).toContain(localId);

    await waitFor(() => expect(backend.calls.saveDraft.at(-1)?.versionId).toBe(serverId), { timeout: 2_000 });
    expect((await backend.openVersion(serverId!)).content.general.notes).toBe('Typed before the sync');
  });
});
