// The app list's filter box: find as you type over the loaded list, its keys, its count and its empty result.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app('app-crm', 'Acme CRM Connector', [
  version('v-crm-3', '3.0.0', 'in_review', 'draft'),
  version('v-crm-2', '2.0.0', 'approved', 'rejected'),
  version('v-crm-1', '1.0.0', 'available', 'advertised'),
]);
const TICKETS = app('app-tickets', 'Ticket Bridge', [version('v-t-1', '0.9.1', 'rejected', 'approved')]);
const CAFE = app('app-cafe', 'Café Connect', [version('v-cafe-1', '1.2.0', 'draft', 'draft')], { slug: 'cafe-connect' });
const APPS = [CRM, TICKETS, CAFE];

const filterBox = () => screen.getByTestId('app-filter') as HTMLInputElement;
const shownApps = () => screen.queryAllByTestId('app').map((el) => el.dataset.appId);
const shownVersions = (appId: string) =>
  within(document.querySelector<HTMLElement>(`[data-testid="app"][data-app-id="${appId}"]`)!)
    .queryAllByTestId('version')
    .map((el) => el.dataset.versionId);

async function showList(apps = APPS) {
  const user = userEvent.setup();
  const rendered = renderApp({ apps, status: status('idle') });
  await screen.findAllByTestId('app');
  return { user, ...rendered };
}

describe('the filter box', () => {
  it('is a labelled search field above the list, with no count while it is empty', async () => {
    await showList();
    const box = screen.getByLabelText('Filter apps');
    expect(box).toBe(filterBox());
    expect(box.getAttribute('type')).toBe('search');
    expect(box.compareDocumentPosition(screen.getByTestId('app-list')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.queryByTestId('app-filter-count')).toBeNull();
    expect(shownApps()).toEqual(['app-crm', 'app-tickets', 'app-cafe']);
  });

  it('narrows the list at each keystroke, ignoring case, and counts what it keeps', async () => {
    const { user, backend } = await showList();
    const loads = backend.calls.listApps;

    await user.type(filterBox(), 'C');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets', 'app-cafe']);
    expect(screen.getByTestId('app-filter-count').textContent).toBe('3 of 3 apps');

    await user.type(filterBox(), 'o');
    expect(shownApps()).toEqual(['app-crm', 'app-cafe']);
    expect(screen.getByTestId('app-filter-count').textContent).toBe('2 of 3 apps');

    await user.type(filterBox(), 'NNECTOR');
    expect(shownApps()).toEqual(['app-crm']);
    await user.clear(filterBox());
    await user.type(filterBox(), 'café');
    expect(shownApps()).toEqual(['app-cafe']);
    expect(screen.getByTestId('app-filter-count').textContent).toBe('1 of 3 apps');
    expect(backend.calls.listApps).toBe(loads);
  });

  it('keeps an app that matches by its own fields whole, and of one that matches by versions only those', async () => {
    const { user } = await showList();

    await user.type(filterBox(), 'rejected');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets']);
    expect(shownVersions('app-crm')).toEqual(['v-crm-2']);
    expect(shownVersions('app-tickets')).toEqual(['v-t-1']);
    const crm = () => document.querySelector<HTMLElement>('[data-testid="app"][data-app-id="app-crm"]')!;
    expect(within(crm()).getByText('1 of 3 versions')).toBeTruthy();
    // 2.0.0 is not the latest for being the first shown.
    expect(within(crm()).queryByText('Latest')).toBeNull();

    await user.clear(filterBox());
    await user.type(filterBox(), 'in review');
    expect(shownApps()).toEqual(['app-crm']);
    expect(shownVersions('app-crm')).toEqual(['v-crm-3']);
    expect(within(crm()).getByText('Latest')).toBeTruthy();

    await user.clear(filterBox());
    await user.type(filterBox(), '1.2');
    expect(shownApps()).toEqual(['app-cafe']);

    await user.clear(filterBox());
    await user.type(filterBox(), 'acme crm');
    expect(shownVersions('app-crm')).toEqual(['v-crm-3', 'v-crm-2', 'v-crm-1']);
    expect(within(crm()).getByText('3 versions')).toBeTruthy();
  });

  it('says when nothing matches, and Clear filter shows every app again with the focus back in the box', async () => {
    const { user } = await showList();

    await user.type(filterBox(), 'zebra');
    const empty = screen.getByTestId('app-filter-empty');
    expect(empty.textContent).toContain('No apps match “zebra”');
    expect(shownApps()).toEqual([]);
    expect(screen.getByTestId('app-filter-count').textContent).toBe('0 of 3 apps');

    await user.click(within(empty).getByRole('button', { name: 'Clear filter' }));
    expect(filterBox().value).toBe('');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets', 'app-cafe']);
    expect(screen.queryByTestId('app-filter-empty')).toBeNull();
    expect(screen.queryByTestId('app-filter-count')).toBeNull();
    expect(document.activeElement).toBe(filterBox());
  });

  it('treats whitespace as no filter', async () => {
    const { user } = await showList();
    await user.type(filterBox(), '   ');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets', 'app-cafe']);
    expect(screen.queryByTestId('app-filter-count')).toBeNull();
  });

  it('clears on Escape, and leaves the box on a second Escape', async () => {
    const { user } = await showList();
    await user.type(filterBox(), 'ticket');
    expect(shownApps()).toEqual(['app-tickets']);

    await user.keyboard('{Escape}');
    expect(filterBox().value).toBe('');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets', 'app-cafe']);
    expect(document.activeElement).toBe(filterBox());

    await user.keyboard('{Escape}');
    expect(document.activeElement).not.toBe(filterBox());
  });

  it('is reached with / outside text fields, and with Ctrl+F or Cmd+F anywhere', async () => {
    const { user } = await showList();
    const button = () => within(screen.getAllByTestId('app')[1]!).getByTestId('new-version');
    button().focus();

    await user.keyboard('/');
    expect(document.activeElement).toBe(filterBox());
    expect(filterBox().value).toBe('');

    // In the box, / is typed like any other character.
    await user.keyboard('a/');
    expect(filterBox().value).toBe('a/');
    await user.keyboard('{Backspace}');

    button().focus();
    const ctrlF = new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true });
    button().dispatchEvent(ctrlF);
    expect(ctrlF.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(filterBox());
    // The text is selected, to type over.
    expect([filterBox().selectionStart, filterBox().selectionEnd]).toEqual([0, 1]);

    document.body.focus();
    await fireEvent.keyDown(document.body, { key: 'f', metaKey: true });
    expect(document.activeElement).toBe(filterBox());
  });

  it('leaves / alone in other text fields and Ctrl+F alone under a dialog', async () => {
    const { user } = await showList();
    await user.click(screen.getByTestId('new-app'));
    const dialog = screen.getByRole('dialog');
    const name = within(dialog).getByLabelText('Name') as HTMLInputElement;
    name.focus();

    await user.keyboard('a/');
    expect(name.value).toBe('a/');
    const ctrlF = new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true });
    name.dispatchEvent(ctrlF);
    expect(ctrlF.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(name);
  });

  it('is kept while a version is open, and the row closed gets the focus back in the filtered list', async () => {
    const { user } = await showList();
    await user.type(filterBox(), 'rejected');
    const crm = document.querySelector<HTMLElement>('[data-app-id="app-crm"]')!;
    await user.click(within(crm).getByTestId('open-version'));

    await user.click(await screen.findByTestId('back'));
    await waitFor(() => expect(document.activeElement?.closest<HTMLElement>('[data-version-id]')?.dataset.versionId).toBe('v-crm-2'));
    expect(filterBox().value).toBe('rejected');
    expect(shownApps()).toEqual(['app-crm', 'app-tickets']);
  });

  it('goes, rather than hiding the card of an app just registered', async () => {
    const { user } = await showList();
    await user.type(filterBox(), 'ticket');
    expect(shownApps()).toEqual(['app-tickets']);

    await user.click(screen.getByTestId('new-app'));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'zebra-desk');
    await user.type(within(dialog).getByLabelText('Display name'), 'Zebra Desk');
    await user.type(within(dialog).getByLabelText('Vendor'), 'Acme Corp');
    const create = within(dialog).getByTestId('new-app-create');
    await waitFor(() => expect(create.getAttribute('aria-disabled')).toBe('false'));
    await user.click(create);

    const card = (await screen.findByText('Zebra Desk')).closest<HTMLElement>('[data-testid="app"]')!;
    await waitFor(() => expect(document.activeElement).toBe(card));
    expect(filterBox().value).toBe('');
    // The whole list is back (the cards drawn are those around the new one: the list is virtual).
    expect(card.closest('li')?.getAttribute('aria-setsize')).toBe('4');
  });

  it('filters a thousand apps and scrolls back to the top of what it keeps', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      app(`app-${i}`, `App ${i}`, [version(`v-${i}`, `1.${i}.0`, i % 10 === 0 ? 'rejected' : 'draft', 'draft')]),
    );
    const { user } = await showList(many);
    const scroller = screen.getByTestId('app-list-scroller');
    scroller.scrollTop = 50_000;
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(shownApps()).not.toContain('app-0'));

    await user.type(filterBox(), 'rejected');
    expect(scroller.scrollTop).toBe(0);
    expect(screen.getByTestId('app-filter-count').textContent).toBe('100 of 1000 apps');
    const shown = shownApps();
    expect(shown[0]).toBe('app-0');
    expect(shown[1]).toBe('app-10');
    expect(shown.length).toBeLessThanOrEqual(40);

    await user.clear(filterBox());
    await user.type(filterBox(), 'App 999');
    expect(shownApps()).toEqual(['app-999']);
  });
});
