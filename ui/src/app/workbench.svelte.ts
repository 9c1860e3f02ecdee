// The window's state: the cached app list and the sync status, kept current from the backend.
// One instance per window, shared with components through Svelte context (see `setWorkbench`).
import { getContext, setContext, tick } from 'svelte';
import type {
  AppRow,
  Backend,
  CommandError,
  NewAppForm,
  NewProfileForm,
  NotificationsUnavailable,
  OpenInstallation,
  OpenOutcome,
  OutcomeView,
  ProfileList,
  SyncProgress,
  SyncStatus,
} from '../ipc';
import { toCommandError } from '../ipc';
import type { DraftShelf } from '../features/versions/editor.svelte';
import { movedIds } from './moved';
import { markStartup, startupMarks } from './startup';

export type AppsState =
  | { kind: 'loading' }
  | { kind: 'loaded'; apps: AppRow[] }
  | { kind: 'error'; error: CommandError };

export class Workbench {
  /** Replaced whole on every read, never changed in place: raw, so 5,000 versions are not made reactive one by one. */
  apps: AppsState = $state.raw({ kind: 'loading' });
  /** Null until the backend has told us; then the latest status from a query, an event or a sync. */
  status: SyncStatus | null = $state(null);
  /** How far the running sync has come (stage, n of m); null when none runs. */
  progress: SyncProgress | null = $state(null);
  /** Bumped whenever a sync has finished (idle), so an open editor reads its version again. */
  syncedRevision = $state(0);
  /** True while this window's own `syncNow` call is in flight. */
  requesting = $state(false);
  /** Bumped after every list load, so icons are fetched again: a sync can replace them. */
  revision = $state(0);
  readonly busy = $derived(this.requesting || this.status?.state === 'syncing');
  /** The version shown in the editor; null shows the app list. */
  openVersionId: string | null = $state(null);
  /**
   * Counts the versions opened: each opening makes a new editor page, while the open version moving to its server id
   * (after a sync) keeps the page it has.
   */
  openings = $state(0);
  /** The version row to focus when the list comes back, so keyboard users land where they left. */
  returnFocusTo: string | null = $state(null);
  /** The app card to bring into view and focus when the list shows it: an app just registered, or one whose draft went. */
  revealAppId: string | null = $state(null);
  /** The app list's filter text (find as you type), kept while a version is open so the list comes back filtered. */
  listFilter = $state('');
  /** Drafts not saved yet (a number being typed, a save refused) by version id, kept while the window is open. */
  readonly drafts: DraftShelf = new Map();
  /** The account screens, shown over the list or the editor; null shows neither. */
  screen: 'account' | 'sign-in' | 'installations' | 'clients' | null = $state(null);
  /** The app whose installations the installations screen shows. */
  installationsAppId: string | null = $state(null);
  /**
   * The installation the installations screen brings into view and focuses once its list is in (the partner chose the
   * notification of that customer's request); null for none.
   */
  installationFocus: string | null = $state(null);
  /** Counts the installations screens opened: each opening (a chosen notification too) reads the list anew. */
  installationsOpenings = $state(0);
  /** Where the installations and OAuth clients screens return: the account screen, or what was open before. */
  liveFrom: 'account' | null = $state(null);
  /** Where the sign-in screen's Back and Cancel return: the account screen, or what was open before. */
  signInFrom: 'account' | null = $state(null);
  /** A short note for the list, like "Signed in to …"; null when there is none. */
  notice: string | null = $state(null);
  /** The profile this window works with and the others; null until the backend has told us. */
  profiles: ProfileList | null = $state(null);
  /** Why the profiles could not be read, when they could not. */
  profilesError: CommandError | null = $state(null);
  /** True while a profile switch is in flight. */
  switching = $state(false);
  /**
   * The account screen's **Add a profile** form to open with these values (the first start's "Sign in to Talkdesk…"),
   * and the hint on Talkdesk's sign-in to show beside it; the form takes it when it opens. Null: the form opens closed.
   */
  addProfilePreset: { form: NewProfileForm; talkdesk: boolean } | null = $state(null);
  /** Review outcomes the desktop could not show as notifications, and why; null when there are none to show. */
  unshownOutcomes: NotificationsUnavailable | null = $state(null);
  /** The reviewer's feedback to mark on its version's fields (after a notification was chosen); null for none. */
  reviewMarks: OpenOutcome | null = $state(null);

  readonly backend: Backend;
  #reloading: Promise<void> | null = null;
  #reloadAgain = false;
  #statusEventSeen = false;
  /** Counts statuses applied, so an answer older than an event does not overwrite it. */
  #statusCount = 0;
  /** Whether the first non-empty app list was painted and the shell told so. */
  #paintReported = false;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  /**
   * Reads the cache at once, subscribes to status events, then reads the current status; returns the teardown. The
   * first paint does not wait for the subscription's round trips. A sync that ends between the list's read and the
   * subscription would go unheard, so the status is also read with the list (the shell answers in order): when the
   * status read once subscribed shows a sync moved on since, the list is read again.
   */
  start(): () => void {
    let stopped = false;
    const statusWithList = this.backend.syncStatus().catch(() => null);
    void this.reload();
    let unlisten: (() => void) | null = null;
    let unlistenProgress: (() => void) | null = null;
    this.backend
      .onSyncProgress((progress) => {
        if (!stopped && this.status?.state === 'syncing') this.progress = progress;
      })
      .then(
        (stop) => {
          if (stopped) stop();
          else unlistenProgress = stop;
        },
        () => undefined,
      );
    let unlistenOutcomes: (() => void)[] = [];
    const keep = (stop: () => void) => {
      if (stopped) stop();
      else unlistenOutcomes.push(stop);
    };
    // Without these events the window still works; the timeline shows what arrived.
    this.backend.onNotificationsUnavailable((event) => !stopped && this.notificationsUnavailable(event)).then(keep, () => undefined);
    this.backend.onOpenOutcome((event) => !stopped && this.openOutcome(event)).then(keep, () => undefined);
    this.backend.onOpenInstallation((event) => !stopped && this.openInstallation(event)).then(keep, () => undefined);
    const subscribed = this.backend
      .onSyncStatus((status) => {
        if (!stopped) this.applyStatus(status);
      })
      .then(
        (stop) => {
          if (stopped) stop();
          else unlisten = stop;
        },
        // Without events the window still works; it refreshes after its own syncs.
        () => undefined,
      );
    void subscribed.then(() => {
      if (stopped) return;
      // Outcomes the desktop could not show before this window listened (the sync at start).
      this.backend.unshownOutcomes().then(
        (kept) => {
          if (!stopped && kept && this.unshownOutcomes === null) this.unshownOutcomes = kept;
        },
        () => undefined,
      );
      void this.loadProfiles();
      this.backend.syncStatus().then(
        (status) => {
          if (stopped) return;
          if (!this.#statusEventSeen) this.status = status;
          void statusWithList.then((before) => {
            const movedOn = before === null || before.state !== status.state || before.last_synced_at !== status.last_synced_at;
            if (!stopped && movedOn) void this.reload();
          });
        },
        (error: unknown) => {
          if (!stopped && !this.#statusEventSeen) this.status = statusFromError(toCommandError(error), null);
        },
      );
    });
    return () => {
      stopped = true;
      unlisten?.();
      unlistenProgress?.();
      for (const stop of unlistenOutcomes) stop();
      unlistenOutcomes = [];
    };
  }

  /** Records a status; an `idle` one means a sync finished, so the cache is read again. */
  applyStatus(status: SyncStatus): void {
    this.#statusEventSeen = true;
    this.#statusCount += 1;
    const wasSyncing = this.status?.state === 'syncing';
    this.status = status;
    if (status.state !== 'syncing') this.progress = null;
    // A sync ended: the open version may have changed (merged, conflicts, a review moved). After a sync that went
    // through it is read again once the list is in, under the server's id if the sync sent a version made here.
    const ended = wasSyncing && status.state !== 'syncing';
    if (status.state === 'idle') {
      const reloaded = this.reload();
      if (ended) void reloaded.then(() => (this.syncedRevision += 1));
    } else if (ended) {
      this.syncedRevision += 1;
    }
  }

  /** Reads the cache. Overlapping requests collapse into one extra read after the current one. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        try {
          markStartup('list_asked');
          const list = await this.backend.listApps();
          markStartup('list_received');
          this.apps = { kind: 'loaded', apps: list.apps };
          if (list.apps.length > 0) this.#reportFirstPaint();
          await this.followMovedIds(list.apps);
        } catch (error) {
          this.apps = { kind: 'error', error: toCommandError(error) };
        }
        this.revision += 1;
      } while (this.#reloadAgain);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /**
   * After a sync sent what was made here: the ids the window holds (the open version, the app to reveal, the row to
   * focus) that are local and gone from `apps` follow to the server's, with any unsaved draft. The editor stays open:
   * only the id it saves under changes.
   */
  async followMovedIds(apps: AppRow[]): Promise<void> {
    const held = [this.openVersionId, this.revealAppId, this.returnFocusTo];
    const moved = await movedIds(held, apps, (id) => this.backend.resolveId(id));
    if (moved.size === 0) return;
    for (const [from, to] of moved) {
      const draft = this.drafts.get(from);
      if (draft === undefined) continue;
      this.drafts.set(to, draft);
      this.drafts.delete(from);
    }
    const follow = (id: string | null) => (id === null ? null : (moved.get(id) ?? id));
    this.openVersionId = follow(this.openVersionId);
    this.revealAppId = follow(this.revealAppId);
    this.returnFocusTo = follow(this.returnFocusTo);
  }

  /**
   * Registers an app (offline first: in the cache at once, sent at the next sync) and reveals its card once the list is
   * read again. Rejects as the backend does, registering nothing.
   */
  async createApp(form: NewAppForm): Promise<void> {
    const id = await this.backend.createApp(form);
    this.revealAppId = id;
    await this.reload();
  }

  /** Starts the app's next version and opens it in the editor, as choosing its row does; rejects as the backend does. */
  async startVersion(appId: string): Promise<void> {
    const id = await this.backend.createVersion(appId);
    void this.reload();
    this.openVersion(id);
  }

  /**
   * Once the first non-empty list is on screen (the frame after the state change was painted: requestAnimationFrame,
   * then setTimeout 0), tells the shell, which logs the time since start: the start-up benchmark waits for that line.
   */
  #reportFirstPaint(): void {
    if (this.#paintReported) return;
    this.#paintReported = true;
    void tick().then(() => markStartup('rendered'));
    requestAnimationFrame(() => {
      markStartup('frame');
      setTimeout(() => {
        markStartup('painted');
        void this.backend.appListPainted(startupMarks()).catch(() => undefined);
      }, 0);
    });
  }

  /** Reads the profiles again (after a sign-in or sign-out changes one's state). A failure keeps what was shown, and says why. */
  async loadProfiles(): Promise<void> {
    try {
      this.profiles = await this.backend.profiles();
      this.profilesError = null;
    } catch (error) {
      this.profilesError = toCommandError(error);
    }
  }

  /**
   * Adds a profile; the window stays on its own. The list shown becomes the backend's answer (the new one in it, the
   * welcome gone). Rejects as the backend does (`invalid_input` with the reason), changing nothing.
   */
  async addProfile(form: NewProfileForm): Promise<void> {
    this.profiles = await this.backend.addProfile(form);
    this.profilesError = null;
  }

  /** The first start's **Try the demo**: the embedded sandbox stays the active profile, and the welcome goes. */
  async keepDemo(): Promise<void> {
    this.profiles = await this.backend.keepDemo();
    this.profilesError = null;
  }

  /**
   * The first start's **Sign in to Talkdesk…**: the account screen, its Add a profile form open on Talkdesk's US API
   * (the built-in `us` profile's server, as the backend lists it).
   */
  openTalkdeskProfile(): void {
    const us = this.profiles?.profiles.find((row) => row.kind === 'region' && row.name === 'us');
    this.addProfilePreset = {
      form: { name: '', url: us?.server ?? '', issuer: '', client_id: '', scopes: '' },
      talkdesk: true,
    };
    this.openAccount();
  }

  /**
   * Switches to profile `name`: its cached apps at once, then the backend's sync in the background. Unsaved drafts
   * belong to the profile before, so they go. Rejects (changing nothing) when the backend refuses.
   */
  async switchProfile(name: string): Promise<void> {
    if (this.switching) return;
    this.switching = true;
    try {
      const seen = this.#statusCount;
      const switched = await this.backend.switchProfile(name);
      const changed = this.profiles?.current.name !== switched.profiles.current.name;
      this.profiles = switched.profiles;
      // The backend's events (the sync after the switch) may have told something newer already.
      if (this.#statusCount === seen) this.status = switched.status;
      if (changed) {
        this.drafts.clear();
        this.openVersionId = null;
        this.returnFocusTo = null;
        this.listFilter = '';
        this.apps = { kind: 'loading' };
      }
      const current = switched.profiles.current;
      this.screen = null;
      this.signInFrom = null;
      this.notice = `Switched to profile ${current.name} (${current.server}).`;
      // The banner listed the previous profile's outcomes (the shell forgets them too).
      this.unshownOutcomes = null;
      await this.reload();
    } finally {
      this.switching = false;
    }
  }

  /** The desktop could not show some outcomes: the event carries every outcome the shell keeps unshown, which
   *  replaces the banner's list (so one also read with `unshownOutcomes()` is never listed twice). */
  notificationsUnavailable(event: NotificationsUnavailable): void {
    this.unshownOutcomes = event;
  }

  /** Closes the banner of unshown outcomes. */
  dismissUnshown(): void {
    this.unshownOutcomes = null;
    void this.backend.dismissUnshownOutcomes().catch(() => undefined);
  }

  /** Opens an outcome's version with the fields named in its feedback marked (a chosen notification, the banner). */
  openOutcome(outcome: OpenOutcome | OutcomeView): void {
    this.reviewMarks = {
      app_id: outcome.app_id,
      version_id: outcome.version_id,
      summary: outcome.summary,
      feedback: outcome.feedback,
    };
    this.screen = null;
    this.signInFrom = null;
    this.openVersion(outcome.version_id);
  }

  /**
   * Opens the installations screen of a customer's request (a chosen notification) with that installation focused, over
   * the list or the editor, as the card's **Installations** does.
   */
  openInstallation(event: OpenInstallation): void {
    this.signInFrom = null;
    this.#showInstallations(event.app_id, event.installation_id);
  }

  /** Removes the reviewer's marks from the fields. */
  clearReviewMarks(): void {
    this.reviewMarks = null;
  }

  openVersion(versionId: string): void {
    this.returnFocusTo = null;
    // Opening the version already open (from a notification, say) keeps its page.
    if (this.openVersionId !== versionId) this.openings += 1;
    this.openVersionId = versionId;
  }

  /** Back to the app list, focusing the row of the version that was open. */
  closeVersion(): void {
    this.returnFocusTo = this.openVersionId;
    this.openVersionId = null;
  }

  openAccount(): void {
    this.screen = 'account';
  }

  /** The sign-in screen, from the account screen or from the list's "not signed in" banner. */
  openSignIn(): void {
    this.signInFrom = this.screen === 'account' ? 'account' : null;
    this.screen = 'sign-in';
  }

  /** Leaves the sign-in screen without signing in. */
  leaveSignIn(): void {
    this.screen = this.signInFrom;
    this.signInFrom = null;
  }

  closeScreen(): void {
    if ((this.screen === 'installations' || this.screen === 'clients') && this.liveFrom === 'account') {
      this.screen = 'account';
    } else {
      this.screen = null;
    }
    this.liveFrom = null;
  }

  /** The installations of an app (live), over the list or the editor. */
  openInstallations(appId: string): void {
    this.#showInstallations(appId, null);
  }

  #showInstallations(appId: string, focus: string | null): void {
    this.installationsAppId = appId;
    this.installationFocus = focus;
    this.installationsOpenings += 1;
    this.liveFrom = null;
    this.screen = 'installations';
  }

  /** The partner's OAuth clients (live), from the account screen. */
  openClients(): void {
    this.liveFrom = this.screen === 'account' ? 'account' : null;
    this.screen = 'clients';
  }

  /** Signed in: back to the list (the backend syncs at once), with a note of where. */
  signedIn(notice: string): void {
    this.screen = null;
    this.signInFrom = null;
    this.openVersionId = null;
    this.notice = notice;
    void this.loadProfiles();
  }

  /** Retry after a failed load: shows the loading state, then reads the cache again. */
  retryList(): Promise<void> {
    this.apps = { kind: 'loading' };
    return this.reload();
  }

  /** Asks the backend to sync; a second request while one is in flight is ignored. */
  async syncNow(): Promise<void> {
    if (this.requesting) return;
    this.requesting = true;
    try {
      this.applyStatus(await this.backend.syncNow());
    } catch (error) {
      this.status = statusFromError(toCommandError(error), this.status);
    } finally {
      this.requesting = false;
    }
  }
}

/** The status to show when a call failed: offline when the server could not be reached, error otherwise. */
function statusFromError(error: CommandError, previous: SyncStatus | null): SyncStatus {
  return {
    state: error.code === 'server_unreachable' ? 'offline' : error.code === 'not_signed_in' ? 'not_signed_in' : 'error',
    server: previous?.server ?? null,
    last_synced_at: previous?.last_synced_at ?? null,
    message: error.message,
    pending: previous?.pending ?? 0,
    held: previous?.held ?? 0,
    conflicts: previous?.conflicts ?? 0,
  };
}

const KEY = Symbol('workbench');

export function setWorkbench(workbench: Workbench): Workbench {
  return setContext(KEY, workbench);
}

export function getWorkbench(): Workbench {
  const workbench = getContext<Workbench | undefined>(KEY);
  if (!workbench) throw new Error('getWorkbench() needs a Workbench set by an ancestor (App.svelte).');
  return workbench;
}
