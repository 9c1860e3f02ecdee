// The preview pane in the version editor, on the fake backend: the toggle (button, Ctrl+P, remembered), the card
// following the draft as the partner types, Compare with live, the listing's links going to the backend, screenshots
// from a foreign host held until asked, the badges.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_APPS, DEMO_ICONS, DEMO_LIVE, DEMO_VERSIONS } from '../../ipc/demo-data';
import { renderApp, status } from '../../test/fixtures';
import { fieldId } from '../validation/fields';
import { PREVIEW_OPEN_KEY, PREVIEW_TAB_KEY } from './toggle';

const ACME = DEMO_APPS[0]!;
const GLOBEX = DEMO_APPS[3]!;

function openWith(options: Parameters<typeof renderApp>[0] = {}) {
  return renderApp({ apps: [ACME, GLOBEX], versions: DEMO_VERSIONS, icons: DEMO_ICONS, status: status('idle'), ...options });
}

async function openVersion(versionId: string) {
  const row = await waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="version"][data-version-id="${versionId}"]`);
    if (!found) throw new Error(`no row for version ${versionId}`);
    return found;
  });
  await userEvent.click(within(row).getByTestId('open-version'));
  await screen.findByTestId('version-form');
}

const input = (path: string) => document.getElementById(fieldId(path)) as HTMLInputElement;
const field = (card: HTMLElement, name: string) => card.querySelector<HTMLElement>(`[data-field="${name}"]`)!;

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

describe('the preview pane', () => {
  it('is off at first, toggles with the button and with Ctrl+P, and is remembered', async () => {
    openWith();
    await openVersion('ver-acme-210');
    const toggle = screen.getByTestId('preview-toggle');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(toggle.title).toMatch(/Ctrl\+P|⌘P/);
    expect(screen.queryByTestId('preview-pane')).toBeNull();

    await userEvent.click(toggle);
    expect(await screen.findByTestId('preview-pane')).toBeTruthy();
    expect(localStorage.getItem(PREVIEW_OPEN_KEY)).toBe('true');

    const event = new KeyboardEvent('keydown', { key: 'p', ctrlKey: true, cancelable: true, bubbles: true });
    window.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true); // the print dialog is kept away
    await waitFor(() => expect(screen.queryByTestId('preview-pane')).toBeNull());
    expect(localStorage.getItem(PREVIEW_OPEN_KEY)).toBe('false');

    await fireEvent.keyDown(window, { key: 'P', metaKey: true });
    expect(await screen.findByTestId('preview-pane')).toBeTruthy();
  });

  it('opens shown when it was left shown, and shows the card of the draft', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    const { backend } = openWith();
    await openVersion('ver-acme-210');
    const card = await screen.findByTestId('card-preview');

    await waitFor(() => expect(field(card, 'vendor').textContent?.trim()).toBe('by Acme Corp'));
    expect(backend.calls.previewSource).toContain('ver-acme-210');
    expect(field(card, 'name').textContent?.trim()).toBe('Acme CRM Connector');
    expect(field(card, 'category').textContent?.trim()).toBe('CRM');
    expect(field(card, 'price').textContent?.trim()).toBe('from $15 / seat / month');
    expect(field(card, 'trial').textContent?.trim()).toBe('30-day free trial');
    expect(field(card, 'summary').textContent?.trim()).toBe(
      'Screen pops, click-to-call and automatic call logging between Talkdesk and Acme CRM.',
    );
    await waitFor(() => expect(card.querySelector('img')?.getAttribute('src')).toBe(DEMO_ICONS['ver-acme-210']));

    await userEvent.click(screen.getByTestId('card-small'));
    const small = screen.getByTestId('card-preview');
    expect(small.dataset.size).toBe('small');
    expect(field(small, 'summary').textContent?.trim()).toBe('Screen pops, click-to-call and automatic call logging…');
    await userEvent.click(screen.getByTestId('card-dark'));
    expect(small.closest('figure')?.dataset.theme).toBe('dark');
  });

  it('follows the draft as the partner types, before any save', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    const { backend } = openWith({ saveDelayMs: 10_000 });
    await openVersion('ver-acme-210');
    const card = await screen.findByTestId('card-preview');

    const name = input('general.display_name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme <b>Bold</b>');
    expect(field(card, 'name').textContent?.trim()).toBe('Acme <b>Bold</b>');
    expect(card.querySelector('b')).toBeNull();
    expect(backend.calls.saveDraft).toEqual([]);

    await userEvent.clear(input('subscription_types[1].price'));
    await userEvent.type(input('subscription_types[1].price'), '499');
    expect(field(card, 'price').textContent?.trim()).toBe('from $4.99 / seat / month');
  });

  it('compares with the live copy and marks what changed', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    openWith({ live: DEMO_LIVE, iconChanged: ['ver-acme-210'] });
    await openVersion('ver-acme-210');
    await screen.findByTestId('card-preview');
    await userEvent.click(screen.getByTestId('compare-live'));

    const live = await screen.findByTestId('card-live');
    const draft = screen.getByTestId('card-preview');
    expect(field(live, 'price').textContent?.trim()).toBe('from $12 / seat / month');
    const marked = [...draft.querySelectorAll<HTMLElement>('[data-changed]')].map((el) => el.dataset.field);
    expect(marked).toEqual(['icon', 'summary', 'price']);
    expect(live.querySelectorAll('[data-changed]')).toHaveLength(0);
    expect(screen.getByTestId('changed-fields').textContent).toContain('icon, summary, price line');
  });

  it('says so when the server never had the version', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    openWith({ live: DEMO_LIVE });
    await openVersion('ver-globex-010');
    await screen.findByTestId('card-preview');
    await userEvent.click(screen.getByTestId('compare-live'));
    expect(await screen.findByTestId('no-live')).toBeTruthy();
  });

  it('shows the listing, and a click on a link asks the backend to open it without navigating', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    localStorage.setItem(PREVIEW_TAB_KEY, 'listing');
    const { backend } = openWith();
    await openVersion('ver-acme-210');
    const listing = await screen.findByTestId('listing-preview');
    expect(screen.getByRole('tab', { name: 'Listing' }).getAttribute('aria-selected')).toBe('true');
    expect(within(listing).getByTestId('listing-price').textContent).toBe('from $15 / seat / month');
    expect(within(listing).getAllByRole('row')).toHaveLength(4);
    expect(within(listing).getByTestId('listing-scopes').textContent).toContain('contacts:write');
    expect(within(listing).getByTestId('listing-scopes-reason').textContent).toContain('Writes caller details');

    const description = input('marketplace.description');
    await userEvent.clear(description);
    await userEvent.type(description, 'See [[the guide](https://acme-corp.example/guide) or [[x](javascript:alert(1))');
    const links = within(screen.getByTestId('listing-description')).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://acme-corp.example/guide']);
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');

    const href = window.location.href;
    await userEvent.click(links[0]!);
    await waitFor(() => expect(backend.calls.openListingLink).toEqual([{ versionId: 'ver-acme-210', url: 'https://acme-corp.example/guide' }]));
    expect(window.location.href).toBe(href);
    expect((await screen.findByTestId('link-note')).textContent).toContain('Opened https://acme-corp.example/guide');
    // The link was typed moments ago: the editor saved before asking, so the backend knows it.
    expect(backend.calls.saveDraft.length).toBeGreaterThan(0);
  });

  it('loads a foreign screenshot only when asked, and remembers the choice while the version stays open', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    localStorage.setItem(PREVIEW_TAB_KEY, 'listing');
    openWith();
    await openVersion('ver-acme-210');
    await screen.findByTestId('listing-preview');
    const own = 'https://cdn.acme-corp.example/shot-1.png';
    const foreign = 'https://tracker.example/pixel.png';
    const images = () => [...screen.getByTestId('listing-screenshots').querySelectorAll('img')].map((img) => img.getAttribute('src'));
    expect(images()).toEqual([own]);

    const url = input('marketplace.assets[0].url');
    await userEvent.clear(url);
    await userEvent.type(url, foreign);
    const held = await screen.findByTestId('screenshot-held');
    expect(held.dataset.host).toBe('tracker.example');
    expect(document.querySelector(`img[src="${foreign}"]`)).toBeNull();
    expect(screen.getByTestId('screenshot-rule').textContent).toContain('(acme-corp.example)');

    await userEvent.click(within(held).getByRole('button', { name: 'Load screenshots from tracker.example' }));
    expect(images()).toEqual([foreign]);
    // Another tab and back, the pane hidden and shown: still loaded.
    await userEvent.click(screen.getByRole('tab', { name: 'Card' }));
    await userEvent.click(screen.getByRole('tab', { name: 'Listing' }));
    expect(images()).toEqual([foreign]);
    await userEvent.click(screen.getByTestId('preview-toggle'));
    await userEvent.click(screen.getByTestId('preview-toggle'));
    await screen.findByTestId('listing-preview');
    expect(images()).toEqual([foreign]);

    // Closed and opened again, the version asks again.
    await userEvent.click(screen.getByTestId('back'));
    await openVersion('ver-acme-210');
    await screen.findByTestId('listing-preview');
    await waitFor(() => expect(input('marketplace.assets[0].url').value).toBe(foreign));
    expect(screen.getByTestId('screenshot-held').dataset.host).toBe('tracker.example');
    expect(document.querySelector(`img[src="${foreign}"]`)).toBeNull();
  });

  it('moves between tabs with the arrow keys and shows the badges', async () => {
    localStorage.setItem(PREVIEW_OPEN_KEY, 'true');
    openWith();
    await openVersion('ver-acme-210');
    const cardTab = await screen.findByRole('tab', { name: 'Card' });
    cardTab.focus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'Badges' }).getAttribute('aria-selected')).toBe('true');
    const preview = await screen.findByTestId('badge-preview');
    const examples = within(preview).getAllByTestId('badge-example');
    expect(examples.map((e) => e.querySelector<HTMLElement>('[data-testid="badged-icon"]')!.dataset.shown)).toEqual([
      'none',
      'installing',
      'failed_installation',
      'updating',
      'failed_update',
      'trial_expired',
      'upgrade_available',
      'manually_provisioned',
    ]);
    expect(examples.map((e) => e.dataset.title)).toEqual([
      'Active',
      'Installing',
      'Failed Installation',
      'Updating',
      'Failed Update',
      'Trial Expired',
      'Upgrade Available',
      'Manually Provisioned',
    ]);
    const failed = examples[2]!.querySelector<HTMLElement>('[data-testid="badged-icon"]')!;
    expect(failed.dataset.dimmed).toBe('true');
    const priority = within(preview).getAllByTestId('badge-priority-example');
    expect(priority[0]!.textContent).toContain('Failed Update');
    expect(priority[0]!.textContent).toContain('covers Upgrade Available');
    // FAQ §16: Installing and Trial Expired do not hide the manually provisioned mark; Updating does.
    const byShown = (shown: string) =>
      priority.find((p) => p.querySelector<HTMLElement>('[data-testid="badged-icon"]')!.dataset.shown === shown)!;
    for (const shown of ['installing', 'trial_expired']) {
      expect(byShown(shown).textContent).toContain('with Manually Provisioned');
      expect(byShown(shown).textContent).not.toContain('covers');
      expect(byShown(shown).querySelector('[data-badge="manually_provisioned"]')).toBeTruthy();
    }
    expect(byShown('updating').textContent).toContain('covers Manually Provisioned');
    expect(byShown('updating').querySelector('[data-badge="manually_provisioned"]')).toBeNull();
    expect(preview.querySelectorAll('[data-badge="gear"]').length).toBeGreaterThan(0);
    expect(preview.querySelectorAll('[data-badge="force_uninstall"]').length).toBeGreaterThan(0);
  });
});
