import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { app, renderApp, status, version } from '../../test/fixtures';

const CRM = app(
  'app-crm',
  'Acme CRM Connector',
  [
    version('v-crm-3', '3.0.0', 'in_review', 'draft'),
    version('v-crm-2', '2.0.0', 'approved', 'rejected'),
    version('v-crm-1', '1.0.0', 'available', 'advertised'),
  ],
  { icon_version_id: 'v-crm-3', app_type: 'atlas' },
);
const TICKETS = app('app-tickets', 'Ticket Bridge', [version('v-t-1', '0.9.1', 'rejected', 'approved')], {
  created_type: 'Northwind Labs',
});

function badges(versionElement: HTMLElement) {
  const technical = within(versionElement).getByTestId('badge-technical');
  const marketplace = within(versionElement).getByTestId('badge-marketplace');
  return {
    technical: [technical.dataset.status, technical.textContent?.trim()],
    marketplace: [marketplace.dataset.status, marketplace.textContent?.trim()],
  };
}

describe('the app list', () => {
  it('shows every cached app with every version and both review badges, newest version first', async () => {
    renderApp({ apps: [CRM, TICKETS], status: status('idle') });

    const apps = await screen.findAllByTestId('app');
    expect(apps.map((el) => el.dataset.appId)).toEqual(['app-crm', 'app-tickets']);
    expect(apps.map((el) => within(el).getByTestId('app-name').textContent)).toEqual([
      'Acme CRM Connector',
      'Ticket Bridge',
    ]);

    const crmVersions = within(apps[0]!).getAllByTestId('version');
    expect(crmVersions.map((el) => el.dataset.versionId)).toEqual(['v-crm-3', 'v-crm-2', 'v-crm-1']);
    expect(crmVersions.map((el) => within(el).getByTestId('version-number').textContent)).toEqual([
      '3.0.0',
      '2.0.0',
      '1.0.0',
    ]);
    expect(crmVersions.map(badges)).toEqual([
      { technical: ['in_review', 'In Review'], marketplace: ['draft', 'Draft'] },
      { technical: ['approved', 'Approved'], marketplace: ['rejected', 'Rejected'] },
      { technical: ['available', 'Available'], marketplace: ['advertised', 'Advertised'] },
    ]);

    const ticketVersions = within(apps[1]!).getAllByTestId('version');
    expect(ticketVersions.map(badges)).toEqual([
      { technical: ['rejected', 'Rejected'], marketplace: ['approved', 'Approved'] },
    ]);
  });

  it('names the track beside each badge and shows the company and app type', async () => {
    renderApp({ apps: [CRM], status: status('idle') });

    const card = await screen.findByTestId('app');
    const first = within(card).getAllByTestId('version')[0]!;
    expect(within(first).getByText('Technical')).toBeTruthy();
    expect(within(first).getByText('Marketplace')).toBeTruthy();
    expect(within(card).getByText('Acme Corp')).toBeTruthy();
    expect(within(card).getByText('Atlas')).toBeTruthy();
    expect(within(card).getByText('3 versions')).toBeTruthy();
  });

  it('loads the icon of the app’s icon version into an <img> with alt text', async () => {
    const { backend } = renderApp({
      apps: [CRM],
      icons: { 'v-crm-3': 'data:image/png;base64,iVBORw0KGgo=' },
      status: status('idle'),
    });

    const img = (await screen.findByAltText('Acme CRM Connector icon')) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(backend.calls.versionIcon).toContain('v-crm-3');
  });

  it('shows the initial as a placeholder when the app has no icon, without asking for one', async () => {
    const { backend } = renderApp({ apps: [TICKETS], status: status('idle') });

    const card = await screen.findByTestId('app');
    expect(within(card).getByTestId('app-icon-placeholder').textContent).toBe('T');
    expect(within(card).queryByRole('img')).toBeNull();
    expect(backend.calls.versionIcon).toEqual([]);
  });

  it('falls back to the placeholder when the backend has no icon bytes for the version', async () => {
    const { backend } = renderApp({ apps: [CRM], icons: {}, status: status('idle') });

    await waitFor(() => expect(backend.calls.versionIcon).toContain('v-crm-3'));
    const card = screen.getByTestId('app');
    expect(within(card).getByTestId('app-icon-placeholder').textContent).toBe('A');
    expect(within(card).queryByRole('img')).toBeNull();
  });
});

describe('the empty state', () => {
  it('says the computer has never synced, and its Sync now button fetches the apps', async () => {
    const { backend } = renderApp({
      apps: [],
      status: status('idle', { last_synced_at: null }),
      syncResult: { apps: [TICKETS] },
    });

    const empty = await screen.findByTestId('empty-state');
    await within(empty).findByText(/hasn't synced with Partner Project yet/);
    expect(screen.queryAllByTestId('app')).toHaveLength(0);

    await fireEvent.click(within(empty).getByRole('button', { name: 'Sync now' }));

    expect(backend.calls.syncNow).toBe(1);
    expect(await screen.findByText('Ticket Bridge')).toBeTruthy();
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('says the account has no apps when a sync has already happened', async () => {
    renderApp({ apps: [], status: status('idle') });

    const empty = await screen.findByTestId('empty-state');
    await within(empty).findByText(/account has no apps/);
    expect(within(empty).queryByText(/hasn't synced/)).toBeNull();
  });
});

describe('a failed list load', () => {
  it('shows the error message and a retry that loads the list again', async () => {
    const { backend } = renderApp({
      apps: [CRM],
      status: status('idle'),
      failList: { code: 'cache', message: 'database disk image is malformed' },
    });

    const problem = await screen.findByTestId('list-error');
    expect(problem.dataset.code).toBe('cache');
    expect(within(problem).getByText('database disk image is malformed')).toBeTruthy();
    expect(within(problem).getByText("Couldn't read the local cache")).toBeTruthy();
    expect(screen.queryAllByTestId('app')).toHaveLength(0);

    backend.setFailList(null);
    await fireEvent.click(within(problem).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('Acme CRM Connector')).toBeTruthy();
    expect(screen.queryByTestId('list-error')).toBeNull();
    expect(backend.calls.listApps).toBe(2);
  });

  it('titles errors by their code, not their text', async () => {
    renderApp({ failList: { code: 'internal', message: 'cache says hello' }, status: status('idle') });

    const problem = await screen.findByTestId('list-error');
    expect(within(problem).getByText("Couldn't load your apps")).toBeTruthy();
    expect(within(problem).queryByText("Couldn't read the local cache")).toBeNull();
  });
});

describe('telling the shell the first app list was painted', () => {
  /** Resolves after the next frame was painted, as the report itself waits. */
  const afterNextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  it('tells it once, after the first list with apps, not for an empty one nor for later loads', async () => {
    const { backend } = renderApp({
      apps: [],
      status: status('idle', { last_synced_at: null }),
      syncResult: { apps: [TICKETS] },
    });

    const empty = await screen.findByTestId('empty-state');
    await afterNextPaint();
    await afterNextPaint();
    expect(backend.calls.appListPainted).toBe(0);

    await fireEvent.click(within(empty).getByRole('button', { name: 'Sync now' }));
    expect(await screen.findByText('Ticket Bridge')).toBeTruthy();
    await waitFor(() => expect(backend.calls.appListPainted).toBe(1));

    const loads = backend.calls.listApps;
    await fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(backend.calls.listApps).toBeGreaterThan(loads));
    await afterNextPaint();
    await afterNextPaint();
    expect(backend.calls.appListPainted).toBe(1);
  });
});

describe('a long list', () => {
  /** N apps with 1 to 4 versions each, so the cards differ in height. */
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      app(
        `app-${i}`,
        `App ${i}`,
        Array.from({ length: (i % 4) + 1 }, (_, k) => version(`v-${i}-${k}`, `${4 - k}.${i}.0`, 'draft', 'draft')),
      ),
    );
  const cards = () => screen.queryAllByTestId('app');
  const drawnIds = () => cards().map((el) => el.dataset.appId);
  const scroller = () => screen.getByTestId('app-list-scroller');
  async function scrollTo(top: number) {
    scroller().scrollTop = top;
    await fireEvent.scroll(scroller());
  }
  /** The ids of the apps from `first` to `last`, as the list holds them in order. */
  const ids = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => `app-${first + i}`);

  it('draws a bounded run of cards wherever it is scrolled, recycling the same card elements', async () => {
    renderApp({ apps: many(1000), status: status('idle') });

    await screen.findByText('App 0');
    expect(screen.getByText('1000')).toBeTruthy();
    const first = drawnIds();
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThanOrEqual(40);
    expect(first).toEqual(ids(0, first.length - 1));
    expect(screen.getByTestId('app-list').querySelector('li')?.getAttribute('aria-setsize')).toBe('1000');

    await scrollTo(60_000);
    await waitFor(() => expect(drawnIds()).not.toContain('app-0'));
    const middle = drawnIds();
    expect(middle.length).toBeLessThanOrEqual(40);
    const from = Number(middle[0]!.slice('app-'.length));
    expect(from).toBeGreaterThan(100);
    expect(middle).toEqual(ids(from, from + middle.length - 1));
    const elements = new Set(cards());

    await scrollTo(90_000);
    await waitFor(() => expect(drawnIds()).not.toContain(middle[0]));
    const further = drawnIds();
    expect(Number(further[0]!.slice('app-'.length))).toBeGreaterThan(from + middle.length);
    expect(further).toHaveLength(middle.length);
    // No card was made for the apps scrolled to: the ones drawn before now show them.
    for (const card of cards()) expect(elements.has(card)).toBe(true);
    const third = cards()[2]!;
    expect(within(third).getByTestId('app-name').textContent).toBe(`App ${further[2]!.slice('app-'.length)}`);
    expect(within(third).getAllByTestId('version')).toHaveLength((Number(further[2]!.slice('app-'.length)) % 4) + 1);

    await scrollTo(10_000_000);
    await waitFor(() => expect(drawnIds()).toContain('app-999'));
    expect(drawnIds().at(-1)).toBe('app-999');
    expect(cards().length).toBeLessThanOrEqual(40);

    await scrollTo(0);
    await waitFor(() => expect(drawnIds()[0]).toBe('app-0'));
    expect(cards().length).toBeLessThanOrEqual(40);
  });

  it('keeps a recycled card working for the app it shows now', async () => {
    const { backend } = renderApp({ apps: many(1000), status: status('idle') });
    await screen.findByText('App 0');
    const card = cards()[1]!;

    await scrollTo(60_000);
    await waitFor(() => expect(card.dataset.appId).not.toBe('app-1'));
    const shown = card.dataset.appId!.slice('app-'.length);
    expect(within(card).getByTestId('app-name').textContent).toBe(`App ${shown}`);
    expect(within(card).getByRole('button', { name: `Installations of App ${shown}` })).toBeTruthy();
    await fireEvent.click(within(card).getAllByTestId('open-version')[0]!);
    expect(await screen.findByTestId('back')).toBeTruthy();
    expect(backend.calls.openVersion).toEqual([`v-${shown}-0`]);
  });

  it('shows on a recycled card the icon of the app it shows now, never the one before', async () => {
    const apps = many(1000).map((a) => ({ ...a, icon_version_id: a.versions[0]!.id }));
    const icons = Object.fromEntries(apps.map((a) => [a.icon_version_id, `data:image/png;base64,${a.id}`]));
    renderApp({ apps, icons, status: status('idle') });
    await screen.findByAltText('App 0 icon');
    const iconOf = (card: HTMLElement) => within(card).queryByRole('img')?.getAttribute('src') ?? null;

    // Looked at as soon as the cards are drawn again, before any icon could be read.
    scroller().scrollTop = 60_000;
    scroller().dispatchEvent(new Event('scroll'));
    flushSync();
    expect(drawnIds()).not.toContain('app-0');
    for (const card of cards()) {
      const src = iconOf(card);
      // Drawn again with the placeholder until its own icon came, then that icon.
      if (src !== null) expect(src).toBe(`data:image/png;base64,${card.dataset.appId}`);
    }
    await waitFor(() => {
      for (const card of cards()) expect(iconOf(card)).toBe(`data:image/png;base64,${card.dataset.appId}`);
    });
  });

  it('brings back into view, and focuses, the row of a version closed, however far down its app is', async () => {
    renderApp({ apps: many(1000), status: status('idle') });
    await screen.findByText('App 0');
    await scrollTo(100_000);
    await waitFor(() => expect(drawnIds()).not.toContain('app-0'));
    const card = cards()[4]!;
    const appId = card.dataset.appId!;
    const open = within(card).getAllByTestId('open-version').at(-1)!;
    const versionId = open.closest<HTMLElement>('[data-version-id]')!.dataset.versionId;
    await fireEvent.click(open);

    // The list is made again from its top when the version closes: the card left from is drawn and scrolled to.
    await fireEvent.click(await screen.findByTestId('back'));
    await waitFor(() => expect(document.activeElement?.closest<HTMLElement>('[data-version-id]')?.dataset.versionId).toBe(versionId));
    expect(document.activeElement?.closest<HTMLElement>('[data-testid="app"]')?.dataset.appId).toBe(appId);
    expect(cards().length).toBeLessThanOrEqual(40);
    expect(scroller().scrollTop).toBeGreaterThan(50_000);
  });

  it('keeps the card holding the focus while the list is scrolled away from it', async () => {
    renderApp({ apps: many(1000), status: status('idle') });
    await screen.findByText('App 0');
    const button = within(cards()[3]!).getByTestId('new-version');
    button.focus();

    await scrollTo(60_000);
    await waitFor(() => expect(drawnIds()).not.toContain('app-0'));
    expect(drawnIds()).toContain('app-3');
    expect(document.activeElement).toBe(button);
    expect(button.closest<HTMLElement>('[data-testid="app"]')?.dataset.appId).toBe('app-3');
    expect(cards().length).toBeLessThanOrEqual(40);
  });

  it('goes card to card with Tab and Shift+Tab past the cards drawn at first, the focused card always drawn', async () => {
    const user = userEvent.setup();
    // One version each: four stops a card (Installations, New version, Edit app, the version).
    const apps = Array.from({ length: 1000 }, (_, i) => app(`app-${i}`, `App ${i}`, [version(`v-${i}`, '1.0.0', 'draft', 'draft')]));
    renderApp({ apps, status: status('idle') });
    await screen.findByText('App 0');
    within(cards()[0]!).getByTestId('open-installations').focus();

    const focusedApp = () => document.activeElement?.closest<HTMLElement>('[data-testid="app"]')?.dataset.appId;
    const drawnAtFirst = cards().length;
    const visited = ['app-0'];
    for (let presses = 0; presses < 150 && visited.length < drawnAtFirst + 3; presses++) {
      await user.tab();
      const id = focusedApp();
      expect(id, `press ${presses}`).toBeDefined();
      if (visited.at(-1) !== id) visited.push(id!);
      expect(cards().length).toBeLessThanOrEqual(40);
    }
    expect(visited).toEqual(ids(0, drawnAtFirst + 2));
    expect(drawnIds()).not.toContain('app-0');
    expect((document.activeElement as HTMLElement).dataset.testid).toBe('open-installations');

    await user.tab({ shift: true });
    expect(focusedApp()).toBe(`app-${drawnAtFirst + 1}`);
    expect((document.activeElement as HTMLElement).dataset.testid).toBe('open-version');
  }, 20_000);
});
