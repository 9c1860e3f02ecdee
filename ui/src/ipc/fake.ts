// An in-memory Backend: the browser demo (`npm run dev`) and every component test run against it.
// It copies data in and out, as the IPC boundary does, so callers never share objects with it.
import type { Backend } from './backend';
import type {
  AccountView,
  AppFieldsForm,
  AppList,
  AppRow,
  CommandError,
  ActionKind,
  NewAppForm,
  NewProfileForm,
  ConflictChoice,
  PreviewSource,
  ProfileList,
  ProfileRow,
  Switched,
  SyncProgress,
  SyncStatus,
  Track,
  ValidationReport,
  VersionForm,
  VersionView,
} from './bindings';
import { DEMO_APPS, DEMO_ICONS, DEMO_LIVE, DEMO_SERVER, DEMO_VERSIONS, scaleApps } from './demo-data';
import { previewFixture } from './demo-preview';
import { isCommandError } from './errors';
import {
  createFakeAccount,
  DEMO_FOLDERS,
  EMBEDDED,
  type FakeAccountCalls,
  type FakeAccountControls,
  type FakeSignInOptions,
} from './fake-account';
import { FakeAppFields } from './fake-app-fields';
import { FakeLocal, fail, type FakeEditOptions } from './fake-edit';
import { createFakeOutcomes, DEMO_TIMELINES, type FakeOutcomesControls, type FakeOutcomesOptions } from './fake-outcomes';
import { FakeLifecycle, fakeRegistrationProblems, isLocal, type FakeLifecycleOptions } from './fake-lifecycle';
import { createFakeLive, type FakeLiveCalls, type FakeLiveOptions } from './fake-live';
import { fakeValidate } from './fake-rules';

/** What a successful sync does: replace the cached apps and/or override fields of the final status. */
export interface FakeSyncOutcome {
  apps?: AppRow[];
  status?: Partial<SyncStatus>;
}

export interface FakeOptions extends FakeEditOptions, FakeOutcomesOptions, FakeLiveOptions, FakeLifecycleOptions {
  /** The cached apps; none by default. */
  apps?: AppRow[];
  /** The initial status; idle, never synced, by default. */
  status?: SyncStatus;
  /** When set, listApps rejects with this error. */
  failList?: CommandError | null;
  /** When a CommandError, syncNow fails with it (offline for `server_unreachable`, error otherwise). */
  syncResult?: FakeSyncOutcome | CommandError;
  /** Icon data: URLs by version id; versions without one have no icon. */
  icons?: Record<string, string>;
  /** How long a sync takes; 0 by default. */
  syncDelayMs?: number;
  now?: () => Date;
  /** The versions `openVersion` knows, by id; any other id is `not_found`. */
  versions?: Record<string, VersionView>;
  /** How a draft is checked; a few simple rules (`fake-rules.ts`) by default. */
  validate?: (draft: VersionForm, hasIcon: boolean) => ValidationReport;
  /** How long a validation takes; 0 by default. */
  validateDelayMs?: number;
  /** The account screen's answer at first; demo access to the embedded sandbox, no account, by default. */
  account?: AccountView;
  /** How signing in goes (`fake-account.ts`). */
  signIn?: FakeSignInOptions;
  /** The profiles; `sandbox` (the window's, holding `apps`, `status` and `account`) and the regions by default. */
  profiles?: FakeProfile[];
  /** The profile the window works with; the first one by default. */
  currentProfile?: string;
  /** The environment variable that chose it, like `PWB_PROFILE=eu`. */
  chosenBy?: string;
  /** When set, `profiles` rejects with it (as an unreadable settings.json does). */
  failProfiles?: CommandError;
  /** The first start on this machine (no settings, no cache yet): the window offers the demo or a Talkdesk sign-in. */
  welcome?: boolean;
  /** How long a save takes; 0 by default. */
  saveDelayMs?: number;
  /**
   * The server's copy the preview compares with, by version id, in place of the fake's own (the content as first
   * given, then as last sent); null: the server never had the version.
   */
  live?: Record<string, VersionForm | null>;
  /** Versions whose icon differs from the server's. */
  iconChanged?: string[];
}

/** A profile of the fake: its row, and its own cache, status and account for when the window switches to it. */
export interface FakeProfile {
  row: Omit<ProfileRow, 'current'>;
  /** Its cached apps; none by default (the window's profile holds `FakeOptions.apps`). */
  apps?: AppRow[];
  /** Its cached status; idle, never synced, on its server by default. */
  status?: SyncStatus;
  account?: AccountView;
  /** What the background sync after switching to it does; nothing new by default. */
  syncResult?: FakeSyncOutcome | CommandError;
}

/** This tool's public OAuth client, which a profile signs in as unless it names another. */
export const DEFAULT_CLIENT_ID = 'partner-workbench';
/** The built-in profiles' names: none can be added under them. */
const BUILT_IN = ['sandbox', 'us', 'eu', 'ca', 'au'];
const MAX_PROFILE_NAME = 40;

export function fakeProfile(name: string, server: string, overrides: Partial<FakeProfile['row']> = {}): FakeProfile {
  const kind = name === 'sandbox' ? 'sandbox' : BUILT_IN.includes(name) ? 'region' : 'custom';
  return {
    row: {
      name,
      kind,
      server,
      active: false,
      signed_in: false,
      problem: null,
      issuer: null,
      client_id: DEFAULT_CLIENT_ID,
      scopes: null,
      ...overrides,
    },
  };
}

/**
 * A server's or an issuer's base URL in normal form (no trailing slash), as the real backend checks it: https, or plain
 * http only on this machine; no user name, query or fragment. Throws `invalid_input` with the reason.
 */
function fakeBaseUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('invalid_input', `"${text}" is not a server URL; give its base URL, such as https://api.example.com`);
  }
  if (url.username !== '' || url.password !== '') {
    fail('invalid_input', `${url.hostname} has a user name or password in it; give the URL without them (sign in with \`pwb login\`)`);
  }
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    fail('invalid_input', `${text} has a query or a fragment; give the server's base URL alone`);
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !local) {
    fail(
      'invalid_input',
      `${text} uses plain HTTP; only a server on this machine (127.0.0.1, localhost) may, every other server must use https://`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail('invalid_input', `"${text}" is not a server URL; give its base URL, such as https://api.example.com`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A client id or a scope: 1 to 200 printable characters without spaces (RFC 6749 §A.1, §3.3). */
function fakeWord(what: string, text: string): string {
  if (text === '' || text.length > 200 || !/^[\x21-\x7e]+$/.test(text)) {
    fail('invalid_input', `${what} "${text}" must be 1 to 200 printable characters without spaces`);
  }
  return text;
}

/** The new profile's row as the real backend checks and keeps it; throws `invalid_input`, adding nothing. */
function fakeNewProfile(form: NewProfileForm, profiles: FakeProfile[]): FakeProfile {
  const issuerText = form.issuer.trim();
  const issuer = issuerText === '' ? null : withReason('the issuer', () => fakeBaseUrl(issuerText));
  const clientText = form.client_id.trim();
  const clientId = clientText === '' ? DEFAULT_CLIENT_ID : fakeWord('the client id', clientText);
  const scopeWords = form.scopes.split(/\s+/).filter((scope) => scope !== '');
  const scopes = scopeWords.length === 0 ? null : scopeWords.map((scope) => fakeWord('the scope', scope));
  const name = form.name.trim();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || name.length > MAX_PROFILE_NAME) {
    fail(
      'invalid_input',
      `"${name}" cannot name a profile: use 1 to ${MAX_PROFILE_NAME} lowercase letters, digits, '-' or '_', starting with a letter or a digit`,
    );
  }
  if (BUILT_IN.includes(name)) fail('invalid_input', `${name} is a built-in profile; choose another name`);
  const server = fakeBaseUrl(form.url);
  const taken = profiles.find((p) => p.row.name === name);
  if (taken) {
    fail(
      'invalid_input',
      `a profile named ${name} exists already (server ${taken.row.server}); choose another name, or remove it first (\`pwb profile remove ${name}\`)`,
    );
  }
  return fakeProfile(name, server, { kind: 'custom', issuer, client_id: clientId, scopes });
}

/** Runs `check`, its `invalid_input` message prefixed with `what` (as the real backend says "the issuer: …"). */
function withReason<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isCommandError(error)) fail(error.code, `${what}: ${error.message}`);
    throw error;
  }
}

export const FAKE_PROFILES: FakeProfile[] = [
  fakeProfile('sandbox', EMBEDDED, { active: true }),
  fakeProfile('us', 'https://api.talkdeskapp.com'),
  fakeProfile('eu', 'https://api.talkdeskapp.eu'),
  fakeProfile('ca', 'https://api.talkdeskappca.com'),
  fakeProfile('au', 'https://api.talkdeskapp.com.au'),
];

export interface FakeCalls {
  listApps: number;
  appListPainted: number;
  syncStatus: number;
  switchProfile: string[];
  addProfile: NewProfileForm[];
  keepDemo: number;
  syncNow: number;
  versionIcon: string[];
  openVersion: string[];
  validateDraft: { versionId: string; draft: VersionForm | null }[];
  saveDraft: { versionId: string; base: VersionForm; draft: VersionForm }[];
  setIcon: { versionId: string; fileName: string }[];
  undoEdit: string[];
  resolveConflict: { versionId: string; field: string; choice: ConflictChoice }[];
  checkSubmission: { versionId: string; track: Track }[];
  queueReviewAction: { versionId: string; action: ActionKind; track: Track }[];
  retryHeld: string[];
  discardChange: { versionId: string; changeId: string }[];
  previewSource: string[];
  openListingLink: { versionId: string; url: string }[];
  checkNewApp: NewAppForm[];
  createApp: NewAppForm[];
  renameApp: { appId: string; name: string }[];
  editApp: { appId: string; form: AppFieldsForm }[];
  createVersion: string[];
  deleteVersion: string[];
  resolveId: string[];
}

export interface FakeBackend extends Backend, FakeAccountControls, FakeOutcomesControls {
  readonly calls: FakeCalls;
  readonly accountCalls: FakeAccountCalls;
  readonly liveCalls: FakeLiveCalls;
  /** When set, every live call (installations, OAuth clients, the account's credits) rejects with it. */
  setFailLive(error: CommandError | null): void;
  /** Sets the status and delivers it to every listener, as the "sync-status" event would. */
  emit(status: SyncStatus): void;
  setApps(apps: AppRow[]): void;
  setFailList(error: CommandError | null): void;
  setSyncResult(result: FakeSyncOutcome | CommandError): void;
  /** When set, validateDraft rejects with this error. */
  setFailValidate(error: CommandError | null): void;
  /** When set, saveDraft rejects with this error. */
  setFailSave(error: CommandError | null): void;
  /** The fake's local edits (working copies, outbox, conflicts), for tests that look inside. */
  readonly local: FakeLocal;
  /** The apps and versions made or deleted here, for tests that look inside. */
  readonly lifecycle: FakeLifecycle;
  /** The apps' own fields and the server's copy of them, for tests that change it as another client would. */
  readonly appFields: FakeAppFields;
  listenerCount(): number;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Whether the listing may open `url`, as the real backend decides: an http(s) or mailto URL found in the version's
 * content (a link written in the description, a declared URL or asset, the support URL or email).
 */
function listingLinkAllowed(content: VersionForm, url: string): boolean {
  if (!/^(https?:\/\/|mailto:)/i.test(url)) return false;
  const strings: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(content);
  if (strings.includes(url)) return true;
  if (url.toLowerCase().startsWith('mailto:') && content.marketplace.support.email === url.slice('mailto:'.length)) return true;
  return content.marketplace.description.includes(url);
}

export const NEVER_SYNCED: SyncStatus = {
  state: 'idle',
  server: DEMO_SERVER,
  last_synced_at: null,
  message: null,
  pending: 0,
  held: 0,
  conflicts: 0,
};

export function createFakeBackend(options: FakeOptions = {}): FakeBackend {
  let apps: AppRow[] = copy(options.apps ?? []);
  let status: SyncStatus = copy(options.status ?? NEVER_SYNCED);
  let failList: CommandError | null = options.failList ?? null;
  let syncResult: FakeSyncOutcome | CommandError = options.syncResult ?? {};
  const icons = { ...(options.icons ?? {}) };
  const delayMs = options.syncDelayMs ?? 0;
  const now = options.now ?? (() => new Date());
  const listeners = new Set<(status: SyncStatus) => void>();
  const calls: FakeCalls = {
    listApps: 0,
    appListPainted: 0,
    syncStatus: 0,
    switchProfile: [],
    addProfile: [],
    keepDemo: 0,
    syncNow: 0,
    versionIcon: [],
    openVersion: [],
    validateDraft: [],
    saveDraft: [],
    setIcon: [],
    undoEdit: [],
    resolveConflict: [],
    checkSubmission: [],
    queueReviewAction: [],
    retryHeld: [],
    discardChange: [],
    previewSource: [],
    openListingLink: [],
    checkNewApp: [],
    createApp: [],
    renameApp: [],
    editApp: [],
    createVersion: [],
    deleteVersion: [],
    resolveId: [],
  };
  const versions: Record<string, VersionView> = copy(options.versions ?? {});
  const validate = options.validate ?? fakeValidate;
  const validateDelayMs = options.validateDelayMs ?? 0;
  let failValidate: CommandError | null = null;
  let failSave: CommandError | null = null;
  const local = new FakeLocal(versions, validate, options);
  const appFields = new FakeAppFields(() => apps, local, now);
  const lifecycle = new FakeLifecycle({ apps: () => apps, listed, versions, icons, local, appFields }, options);
  const progressListeners = new Set<(progress: SyncProgress) => void>();
  status = { ...status, ...local.counts() };
  // After a sign-in the real backend syncs at once; so does this one.
  const account = createFakeAccount({ account: options.account, signIn: options.signIn, now }, () => {
    void runSync().catch(() => undefined);
  });

  const live = createFakeLive({ ...options, now, versionOf: (id) => versions[id] });

  const profiles: FakeProfile[] = copy(options.profiles ?? FAKE_PROFILES);
  let current = options.currentProfile ?? profiles[0]?.row.name ?? 'sandbox';
  let chosenBy: string | null = options.chosenBy ?? null;
  let welcome = options.welcome ?? false;

  function profileList(): ProfileList {
    const here = profiles.find((p) => p.row.name === current);
    return {
      current: {
        name: current,
        kind: here?.row.kind ?? 'server',
        server: here?.row.server ?? current,
        chosen_by: chosenBy,
      },
      profiles: profiles.map((p) => ({ ...copy(p.row), current: p.row.name === current })),
      welcome,
    };
  }

  function findVersion(versionId: string): VersionView {
    const view = versions[versionId];
    if (!view) {
      const error: CommandError = {
        code: 'not_found',
        message: `no cached version ${versionId}: run \`pwb apps\` to see the cached ones, or \`pwb sync\` to fetch new ones`,
      };
      throw error;
    }
    return local.view(versionId);
  }

  /** The cache's apps become these (a sync's list, a profile's cache), as the server sent them. */
  function replaceApps(next: AppRow[]): void {
    apps = copy(next);
    appFields.received(apps);
  }

  function emit(next: SyncStatus): void {
    status = copy(next);
    for (const listener of [...listeners]) listener(copy(status));
  }

  /** After a local change: the status with the new counts, as the real backend announces it. */
  function emitCounts(): void {
    emit({ ...status, ...local.counts() });
  }

  function progress(next: SyncProgress): void {
    for (const listener of [...progressListeners]) listener({ ...next });
  }

  /**
   * The cached apps with each version's statuses and local changes, as the real list marks them; a version to be
   * deleted at the next sync is left out already.
   */
  function listed(): AppRow[] {
    return copy(apps).map((app) => {
      const rows = app.versions
        .filter((row) => !lifecycle.deleting(row.id))
        .map((row) => {
          const view = versions[row.id];
          const counts = local.counts(row.id);
          return {
            ...row,
            ...(view ? { technical: view.technical, marketplace: view.marketplace, has_icon: view.has_icon } : {}),
            unsent: counts.pending,
            held: counts.held,
            conflicts: counts.conflicts,
            not_sent: isLocal(row.id),
          };
        });
      return { ...app, versions: rows, ...lifecycle.marks(app.id, rows) };
    });
  }

  /** A local change then syncs in the background, as the real shell schedules one. */
  function syncSoon(): void {
    setTimeout(() => void runSync().catch(() => undefined), 0);
  }

  async function runSync(): Promise<SyncStatus> {
    emit({ ...status, state: 'syncing', message: null });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const result = syncResult;
    if (isCommandError(result)) {
      const state = result.code === 'server_unreachable' ? 'offline' : result.code === 'not_signed_in' ? 'not_signed_in' : 'error';
      emit({ ...status, state, message: result.message, ...local.counts() });
      throw copy(result);
    }
    // As the push: registrations and new versions first, then the apps' own fields, then each version's changes, then
    // deletions.
    lifecycle.sendCreates();
    appFields.sync();
    const outgoing = local.outgoing();
    outgoing.forEach((versionId, i) => {
      progress({ stage: 'sending', done: i, total: outgoing.length });
      local.send(versionId);
    });
    lifecycle.sendDeletes();
    progress({ stage: 'receiving', done: 0, total: 0 });
    if (result.apps) replaceApps(result.apps);
    emit({ ...status, state: 'idle', last_synced_at: now().toISOString(), message: null, ...local.counts(), ...result.status });
    return copy(status);
  }

  const outcomes = createFakeOutcomes(
    options,
    (versionId) => versionId in versions,
    () => status.last_synced_at,
  );

  return {
    ...account.backend,
    ...account.controls,
    ...outcomes.backend,
    ...outcomes.controls,
    accountCalls: account.calls,
    ...live.backend,
    liveCalls: live.calls,
    setFailLive: live.setFailLive,
    calls,
    emit,
    setApps: replaceApps,
    setFailList: (error) => {
      failList = error;
    },
    setSyncResult: (result) => {
      syncResult = result;
    },
    setFailValidate: (error) => {
      failValidate = error;
    },
    setFailSave: (error) => {
      failSave = error;
    },
    local,
    lifecycle,
    appFields,
    listenerCount: () => listeners.size,

    async listApps(): Promise<AppList> {
      calls.listApps += 1;
      if (failList) throw copy(failList);
      return { apps: listed() };
    },

    async appListPainted(_page: Record<string, number>): Promise<void> {
      calls.appListPainted += 1;
    },

    async syncStatus(): Promise<SyncStatus> {
      calls.syncStatus += 1;
      return copy(status);
    },

    async syncNow(): Promise<SyncStatus> {
      calls.syncNow += 1;
      return runSync();
    },

    async versionIcon(versionId: string): Promise<string | null> {
      calls.versionIcon.push(versionId);
      return icons[versionId] ?? null;
    },

    async openVersion(versionId: string): Promise<VersionView> {
      calls.openVersion.push(versionId);
      return copy(findVersion(versionId));
    },

    async validateDraft(versionId: string, draft: VersionForm | null): Promise<ValidationReport> {
      calls.validateDraft.push({ versionId, draft: copy(draft) });
      if (validateDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, validateDelayMs));
      if (failValidate) throw copy(failValidate);
      const view = findVersion(versionId);
      return copy(validate(copy(draft ?? view.content), view.has_icon));
    },

    async saveDraft(versionId, base, draft) {
      calls.saveDraft.push({ versionId, base: copy(base), draft: copy(draft) });
      if ((options.saveDelayMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, options.saveDelayMs));
      if (failSave) throw copy(failSave);
      const saved = local.save(versionId, copy(base), copy(draft));
      if (saved.changed) emitCounts();
      return saved;
    },

    async setIcon(versionId, fileName, base64) {
      calls.setIcon.push({ versionId, fileName });
      local.setIcon(versionId, fileName, Math.floor((base64.length * 3) / 4));
      icons[versionId] = `data:image/png;base64,${base64}`;
      emitCounts();
    },

    async undoEdit(versionId) {
      calls.undoEdit.push(versionId);
      const undone = local.undo(versionId);
      if (undone) emitCounts();
      return undone;
    },

    async localState(versionId) {
      return local.local(versionId);
    },

    async resolveConflict(versionId, field, choice) {
      calls.resolveConflict.push({ versionId, field, choice: copy(choice) });
      // An app's own field (`app.…`, the conflict kept under the app's id).
      if (field.startsWith('app.')) appFields.resolve(versionId, field, choice);
      else local.resolve(versionId, field, choice);
      emitCounts();
    },

    async checkSubmission(versionId, track) {
      calls.checkSubmission.push({ versionId, track });
      return local.check(versionId, track);
    },

    async queueReviewAction(versionId, action, track) {
      calls.queueReviewAction.push({ versionId, action, track });
      await local.queueAction(versionId, action, track);
      emitCounts();
      syncSoon();
    },

    async retryHeld(versionId) {
      calls.retryHeld.push(versionId);
      const released = local.retry(versionId);
      emitCounts();
      syncSoon();
      return released;
    },

    async discardChange(versionId, changeId) {
      calls.discardChange.push({ versionId, changeId });
      if (!lifecycle.discard(versionId, changeId)) local.discard(versionId, changeId);
      emitCounts();
    },

    async checkNewApp(form) {
      calls.checkNewApp.push(copy(form));
      return fakeRegistrationProblems(form);
    },

    async createApp(form) {
      calls.createApp.push(copy(form));
      const id = lifecycle.createApp(copy(form));
      emitCounts();
      return id;
    },

    async renameApp(appId, name) {
      calls.renameApp.push({ appId, name });
      lifecycle.rename(appId, name);
      emitCounts();
    },

    async editApp(appId, form) {
      calls.editApp.push({ appId, form: copy(form) });
      const changed = appFields.edit(appId, copy(form));
      if (changed.length > 0) emitCounts();
      return changed;
    },

    async createVersion(appId) {
      calls.createVersion.push(appId);
      const id = lifecycle.createVersion(appId);
      emitCounts();
      return id;
    },

    async deleteVersion(versionId) {
      calls.deleteVersion.push(versionId);
      lifecycle.deleteVersion(versionId);
      emitCounts();
    },

    async resolveId(id) {
      calls.resolveId.push(id);
      return lifecycle.resolve(id);
    },

    async onSyncProgress(listener): Promise<() => void> {
      const subscription = (next: SyncProgress) => listener(next);
      progressListeners.add(subscription);
      return () => {
        progressListeners.delete(subscription);
      };
    },

    async profiles(): Promise<ProfileList> {
      if (options.failProfiles) throw copy(options.failProfiles);
      return profileList();
    },

    async switchProfile(name: string): Promise<Switched> {
      calls.switchProfile.push(name);
      if (account.controls.waitingAttempt() !== null) {
        const error: CommandError = {
          code: 'busy',
          message: 'a sign-in is in progress: finish or cancel it, then switch profiles',
        };
        throw error;
      }
      const next = profiles.find((p) => p.row.name === name);
      if (!next) {
        const error: CommandError = {
          code: 'not_found',
          message: `no profile named ${name}; known: ${profiles.map((p) => p.row.name).join(', ')}`,
        };
        throw error;
      }
      for (const p of profiles) p.row.active = p.row.name === name;
      welcome = false;
      if (name !== current) {
        // Keep what the profile before had, as its own data folder would.
        const before = profiles.find((p) => p.row.name === current);
        if (before) {
          before.apps = copy(apps);
          before.status = copy(status);
          before.syncResult = syncResult;
          before.account = account.getView();
        }
        current = name;
        chosenBy = null;
        // As the shell does: the outcomes kept unshown were the profile before's.
        void outcomes.backend.dismissUnshownOutcomes();
        replaceApps(next.apps ?? []);
        syncResult = next.syncResult ?? {};
        const embedded = next.row.kind === 'sandbox';
        account.setView(
          next.account ?? {
            server: next.row.server,
            embedded,
            access: embedded ? 'demo' : 'none',
            account: null,
            // The folders are this computer's, whichever profile the window works with.
            folders: account.getView().folders,
          },
        );
        emit(
          next.status ?? { state: 'idle', server: next.row.server, last_synced_at: null, message: null, pending: 0, held: 0, conflicts: 0 },
        );
        // As a start does: a sync in the background.
        setTimeout(() => void runSync().catch(() => undefined), 0);
      }
      return { profiles: profileList(), status: copy(status) };
    },

    async addProfile(form: NewProfileForm): Promise<ProfileList> {
      calls.addProfile.push(copy(form));
      if (options.failProfiles) throw copy(options.failProfiles);
      const added = fakeNewProfile(form, profiles);
      // As `pwb profile list` orders them: sandbox, the regions, then the custom profiles by name.
      const builtIn = profiles.filter((p) => p.row.kind !== 'custom');
      const custom = [...profiles.filter((p) => p.row.kind === 'custom'), added].sort((a, b) =>
        a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0,
      );
      profiles.splice(0, profiles.length, ...builtIn, ...custom);
      welcome = false;
      return profileList();
    },

    async keepDemo(): Promise<ProfileList> {
      calls.keepDemo += 1;
      if (options.failProfiles) throw copy(options.failProfiles);
      for (const p of profiles) p.row.active = p.row.kind === 'sandbox';
      welcome = false;
      return profileList();
    },

    async previewSource(versionId: string): Promise<PreviewSource> {
      calls.previewSource.push(versionId);
      const view = findVersion(versionId);
      const app = apps.find((a) => a.id === view.app_id);
      const live = options.live && versionId in options.live ? options.live[versionId]! : local.server(versionId);
      return copy({
        vendor: app?.created_type ?? '',
        live,
        icon_changed: options.iconChanged?.includes(versionId) ?? false,
      });
    },

    async openListingLink(versionId: string, url: string): Promise<void> {
      calls.openListingLink.push({ versionId, url });
      const view = findVersion(versionId);
      if (!listingLinkAllowed(view.content, url)) {
        const error: CommandError = {
          code: 'invalid_input',
          message: `not opened: ${url} is not a link of this version's listing (save the description first if you just added it)`,
        };
        throw error;
      }
    },

    async onSyncStatus(listener): Promise<() => void> {
      // Wrap so the same function subscribed twice gets two independent subscriptions, like Tauri's listen.
      const subscription = (next: SyncStatus) => listener(next);
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
  };
}

/**
 * The backend `npm run dev` uses in a plain browser. `?demo=` picks a scenario:
 * `empty`, `never-synced`, `offline`, `list-error`, `sync-error`, `not-signed-in`, `no-keyring`, `browser-sign-in`,
 * `sign-in-denied`, `sign-in-expires` or `first-start` (the first start's welcome over the demo portfolio); `preview` and `preview-hostile` are the preview's fixed test content
 * (`demo-preview.ts`); `scale` is a long list (1,000 apps of 1 to 5 versions, `scaleApps`) and `scale-5` the same with
 * exactly 5 versions each (5,000 versions, as the sandbox's `--seed scale`: `tests/benches/filter.mjs` types in its
 * filter); anything else shows the demo portfolio (where a sign-in is approved 8 s in). The calls it
 * received are readable as `window.__pwbDemoCalls`, for the browser tests (this module never loads in the desktop app).
 */
export function createDemoBackend(search: string): FakeBackend {
  const backend = demoBackend(search);
  if (typeof window !== 'undefined') Object.defineProperty(window, '__pwbDemoCalls', { value: backend.calls, configurable: true });
  return backend;
}

function demoBackend(search: string): FakeBackend {
  const scenario = new URLSearchParams(search).get('demo');
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const synced: SyncStatus = { ...NEVER_SYNCED, last_synced_at: minutesAgo(12) };
  const base: FakeOptions = {
    apps: DEMO_APPS,
    icons: DEMO_ICONS,
    versions: DEMO_VERSIONS,
    status: synced,
    syncDelayMs: 900,
    validateDelayMs: 40,
    live: DEMO_LIVE,
    iconChanged: ['ver-nw-110'],
    timelines: DEMO_TIMELINES,
  };
  const unreachable: CommandError = {
    code: 'server_unreachable',
    message: `Could not connect to ${DEMO_SERVER}: connection refused.`,
  };
  switch (scenario) {
    case 'preview':
      return createFakeBackend({ ...base, ...previewFixture('plain') });
    case 'preview-hostile':
      return createFakeBackend({ ...base, ...previewFixture('hostile') });
    case 'empty':
      return createFakeBackend({ ...base, apps: [] });
    case 'scale':
      return createFakeBackend({ ...base, apps: scaleApps() });
    case 'scale-5':
      return createFakeBackend({ ...base, apps: scaleApps(1000, 5) });
    case 'never-synced':
      return createFakeBackend({ ...base, apps: [], status: NEVER_SYNCED, syncResult: { apps: DEMO_APPS } });
    case 'offline':
      return createFakeBackend({
        ...base,
        status: { ...synced, state: 'offline', message: unreachable.message },
        syncResult: unreachable,
        failLive: {
          code: 'server_unreachable',
          message: `offline: installations come live from the server and are not kept in the cache (${unreachable.message}); connect and try again`,
        },
      });
    case 'list-error':
      return createFakeBackend({
        ...base,
        failList: { code: 'cache', message: 'The cache database is locked by another process.' },
      });
    case 'not-signed-in':
      return createFakeBackend({
        ...base,
        account: { server: DEMO_SERVER, embedded: false, access: 'none', account: null, folders: DEMO_FOLDERS },
        status: { ...synced, state: 'not_signed_in', message: 'not signed in: sign in, or set PWB_TOKEN and name its server' },
        syncResult: { code: 'not_signed_in', message: 'not signed in: sign in, or set PWB_TOKEN and name its server' },
        signIn: { autoDecide: { afterMs: 8_000, decision: 'approve' } },
      });
    case 'no-keyring':
      return createFakeBackend({ ...base, signIn: { noKeyring: true, autoDecide: { afterMs: 8_000, decision: 'approve' } } });
    case 'browser-sign-in':
      return createFakeBackend({ ...base, signIn: { method: 'browser', autoDecide: { afterMs: 8_000, decision: 'approve' } } });
    case 'sign-in-denied':
      return createFakeBackend({ ...base, signIn: { autoDecide: { afterMs: 5_000, decision: 'deny' } } });
    case 'sign-in-expires':
      return createFakeBackend({ ...base, signIn: { expiresInMs: 15_000 } });
    case 'first-start':
      return createFakeBackend({ ...base, welcome: true, signIn: { autoDecide: { afterMs: 8_000, decision: 'approve' } } });
    case 'sync-error':
      return createFakeBackend({
        ...base,
        syncResult: { code: 'server_error', message: 'The server answered 503 Service Unavailable; try again later.' },
      });
    default:
      return createFakeBackend({ ...base, signIn: { autoDecide: { afterMs: 8_000, decision: 'approve' } } });
  }
}
