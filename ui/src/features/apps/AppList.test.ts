import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
  /**
   * The browser's IntersectionObserver, which jsdom lacks, played by the test: `reveal()` tells every observer that its
   * target came within reach, as scrolling near the end of what is drawn does.
   */
  function observeByHand() {
    const observers = new Set<{ callback: IntersectionObserverCallback; targets: Element[] }>();
    class ByHand {
      #entry: { callback: IntersectionObserverCallback; targets: Element[] };
      constructor(callback: IntersectionObserverCallback) {
        this.#entry = { callback, targets: [] };
        observers.add(this.#entry);
      }
      observe(target: Element) {
        this.#entry.targets.push(target);
      }
      disconnect() {
        observers.delete(this.#entry);
      }
      unobserve() {}
      takeRecords() {
        return [];
      }
    }
    vi.stubGlobal('IntersectionObserver', ByHand);
    return {
      reveal() {
        for (const { callback, targets } of [...observers]) {
          callback(
            targets.map((target) => ({ target, isIntersecting: true }) as unknown as IntersectionObserverEntry),
            {} as IntersectionObserver,
          );
        }
      },
    };
  }

  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => app(`app-${i}`, `App ${i}`, [version(`v-${i}`, '1.0.0', 'draft', 'draft')]));

  afterEach(() => vi.unstubAllGlobals());

  it('draws the first cards at once and more as the end comes into reach, until every app is drawn', async () => {
    const observer = observeByHand();
    renderApp({ apps: many(130), status: status('idle') });

    await screen.findByText('App 0');
    expect(screen.getAllByTestId('app')).toHaveLength(40);
    expect(screen.getByTestId('list-more').textContent).toMatch(/Showing 40 of 130 apps/);
    expect(screen.getByText('130')).toBeTruthy();

    observer.reveal();
    await waitFor(() => expect(screen.getAllByTestId('app')).toHaveLength(100));
    observer.reveal();
    await waitFor(() => expect(screen.getAllByTestId('app')).toHaveLength(130));
    expect(screen.queryByTestId('list-more')).toBeNull();
    expect(screen.getAllByTestId('app').map((el) => el.dataset.appId)).toEqual(many(130).map((a) => a.id));
  });

  it('draws the card of a version the keyboard comes back to, however far down it is', async () => {
    const observer = observeByHand();
    renderApp({ apps: many(130), status: status('idle') });
    await screen.findByText('App 0');
    observer.reveal();
    observer.reveal();
    const row = await screen.findByText('App 120');
    await fireEvent.click(within(row.closest('[data-testid="app"]') as HTMLElement).getByTestId('open-version'));

    // The list is drawn again from its first part when the version closes; the card left from is drawn with it.
    await fireEvent.click(await screen.findByTestId('back'));
    await waitFor(() =>
      expect(document.activeElement?.closest('[data-version-id]')?.getAttribute('data-version-id')).toBe('v-120'),
    );
    expect(screen.getAllByTestId('app')).toHaveLength(121);
  });
});
