// Registering an app, starting a version and deleting a draft in the fake, the way the real cache does them
// (`workbench::lifecycle`, `workbench_store::created`): each is made here at once under a local id (`local-app-…`,
// `local-ver-…`) with its queued change, and shown as not sent until a sync registers it; the sync moves it to the
// server's id, which `resolve` then answers for the local one. A version the server has is deleted at the next sync
// (hidden from the list at once); one it never had goes at once. The rules are `workbench_domain::lifecycle`'s. An
// app's own fields, edited and merged, are `fake-app-fields.ts`'s.
import { appTextProblem } from './app-fields';
import type { AppRow, FieldProblem, NewAppForm, VersionForm, VersionRow, VersionView } from './bindings';
import { DEMO_CATEGORIES } from './demo-data';
import type { FakeAppFields } from './fake-app-fields';
import { fail, type FakeLocal } from './fake-edit';
import { fakeActions, fakeDeleteRefused, fakeLocks, fakeNewVersionBlocked } from './fake-review';

/** What every local id starts with (`workbench_store::LOCAL_PREFIX`); no server id does. */
export const LOCAL_PREFIX = 'local-';
export const isLocal = (id: string) => id.startsWith(LOCAL_PREFIX);

export interface FakeLifecycleOptions {
  /**
   * Names of apps the server has and the cache does not (another partner's): a registration under one is refused for
   * good at the sync, and waits for Rename or Discard.
   */
  serverAppNames?: string[];
}

/** What the fake's lifecycle works on: the cache of `fake.ts` (its apps are replaced by a sync, so read each time). */
export interface FakeCache {
  /** The cached apps, to change in place. */
  apps(): AppRow[];
  /** The apps as `listApps` shows them: each version's statuses as the cache has them now. */
  listed(): AppRow[];
  versions: Record<string, VersionView>;
  icons: Record<string, string>;
  local: FakeLocal;
  /** The apps' own fields and the server's copy of them. */
  appFields: FakeAppFields;
}

/**
 * What the list derives for an app (`AppRow::new`): made here or not, a refused registration, whether a version can
 * start, the conflicts on its own fields.
 */
export type AppMarks = Pick<
  AppRow,
  'not_sent' | 'registration_refused' | 'registration_change_id' | 'new_version_blocked' | 'conflicts' | 'unsent' | 'held'
>;

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function nameProblem(name: string): string | null {
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(name)
    ? null
    : "must be 1 to 64 lower-case letters, digits or '-', starting with a letter or digit";
}

/** Every problem of a registration form, in the form's order (`FieldProblem::of`); an empty slug is the name. */
export function fakeRegistrationProblems(form: NewAppForm): FieldProblem[] {
  const slug = form.slug.trim() || form.name;
  const checks: [string, string | null][] = [
    ['name', nameProblem(form.name)],
    ['slug', appTextProblem(slug)],
    ['display_name', appTextProblem(form.display_name)],
    ['created_type', appTextProblem(form.created_type)],
  ];
  return checks.flatMap(([field, message]) => (message === null ? [] : [{ field, message }]));
}

/** Puts `row` (new, or renamed) where the cache lists it: by display name (`ORDER BY display_name COLLATE NOCASE`). */
export function placeApp(apps: AppRow[], row: AppRow): void {
  const from = apps.indexOf(row);
  if (from !== -1) apps.splice(from, 1);
  const key = row.display_name.toLowerCase();
  const at = apps.findIndex((a) => a.display_name.toLowerCase() > key);
  apps.splice(at === -1 ? apps.length : at, 0, row);
}

/** A first version's content: empty but for the app's names. */
function firstContent(displayName: string, slug: string): VersionForm {
  return {
    general: { display_name: displayName, slug, notes: '', emails: [] },
    technical: { scopes: [], scopes_reason: '', urls: [], manually_provisioned: false },
    marketplace: {
      listing_summary: '',
      description: '',
      categories: [],
      assets: [],
      urls: [],
      support: { email: '', phone: '', url: '' },
    },
    subscription_types: [],
  };
}

/** The number after `latest`: its minor part raised and the rest zeroed, skipping numbers `taken`. */
function nextNumber(latest: string, taken: (number: string) => boolean): string {
  const parts = latest.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (parts.length < 2 || parts.some(Number.isNaN)) {
    fail('invalid_input', `cannot start a version: cannot derive the next version number from "${latest}"`);
  }
  for (;;) {
    parts[1] = parts[1]! + 1;
    for (let i = 2; i < parts.length; i++) parts[i] = 0;
    const candidate = parts.join('.');
    if (!taken(candidate)) return candidate;
  }
}

export class FakeLifecycle {
  readonly #cache: FakeCache;
  /** The names the server has registered: a registration under one is refused. */
  readonly #serverNames: Set<string>;
  /** Local id → the server's, once a sync sent it (`id_aliases`). */
  readonly #aliases = new Map<string, string>();
  #next = 1;

  constructor(cache: FakeCache, options: FakeLifecycleOptions) {
    this.#cache = cache;
    this.#serverNames = new Set(options.serverAppNames ?? []);
  }

  #localId(kind: 'app' | 'ver'): string {
    return `${LOCAL_PREFIX}${kind}-${hex(this.#next++, 16)}`;
  }

  #serverId(kind: 'app' | 'ver'): string {
    return `${kind}-${hex(this.#next++, 12)}`;
  }

  #app(appId: string): AppRow {
    const app = this.#cache.apps().find((a) => a.id === appId);
    return app ?? fail('invalid_input', `no cached app ${appId}: run \`pwb apps\` to see the cached ones`);
  }

  /** A version is to be deleted at the next sync: the list leaves it out already. */
  deleting(versionId: string): boolean {
    return this.#cache.local.changeOf(versionId, 'delete_version') !== undefined;
  }

  /** What the list derives for an app (`AppRow::new`), from its versions as listed (newest first). */
  marks(appId: string, versions: VersionRow[]): AppMarks {
    const registration = this.#cache.local.changeOf(appId, 'create_app');
    const refused = registration?.held ? registration : null;
    const counts = this.#cache.local.counts(appId);
    return {
      unsent: counts.pending,
      held: counts.held,
      not_sent: isLocal(appId),
      registration_refused: refused ? (refused.last_error ?? 'refused') : null,
      registration_change_id: refused?.id ?? null,
      new_version_blocked: fakeNewVersionBlocked(versions[0]),
      conflicts: this.#cache.local.conflictsOf(appId),
    };
  }

  createApp(form: NewAppForm): string {
    const problems = fakeRegistrationProblems(form);
    if (problems.length > 0) {
      fail('invalid_input', `cannot register the app: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    }
    const apps = this.#cache.apps();
    const same = apps.find((a) => a.name === form.name);
    if (same) {
      fail('invalid_input', `an app named ${form.name} is already in the cache (${same.id}); app names are unique: choose another`);
    }
    const id = this.#localId('app');
    const row: AppRow = {
      id,
      name: form.name,
      slug: form.slug.trim() || form.name,
      display_name: form.display_name,
      created_type: form.created_type,
      app_type: form.app_type,
      render: form.render,
      icon_version_id: null,
      versions: [],
      not_sent: true,
      registration_refused: null,
      registration_change_id: null,
      new_version_blocked: null,
      conflicts: [],
      unsent: 0,
      held: 0,
    };
    placeApp(apps, row);
    this.#cache.local.queueLifecycle(id, 'create_app');
    return id;
  }

  rename(appId: string, name: string): void {
    const problem = nameProblem(name);
    if (problem) fail('invalid_input', `cannot rename the app: name ${problem}`);
    const registration = this.#cache.local.changeOf(appId, 'create_app');
    if (!registration) {
      fail('invalid_input', `app ${appId} is not waiting to be registered: only a registration not yet accepted can be renamed here`);
    }
    const other = this.#cache.apps().find((a) => a.name === name && a.id !== appId);
    if (other) fail('invalid_input', `an app named ${name} is already in the cache (${other.id}); choose another name`);
    this.#app(appId).name = name;
    registration.held = false;
    registration.last_error = null;
  }

  /** Starts the app's next version: a copy of the latest (with its icon) once that is Available, or an empty first one. */
  createVersion(appId: string): string {
    const raw = this.#app(appId);
    const listed = this.#cache.listed().find((a) => a.id === appId)!;
    const latest = listed.versions[0];
    const blocked = fakeNewVersionBlocked(latest);
    if (blocked) fail('invalid_input', `cannot start a version: ${blocked}`);
    const from = latest ? this.#cache.versions[latest.id] : undefined;
    const number = latest ? nextNumber(latest.version_number, (n) => listed.versions.some((v) => v.version_number === n)) : '1.0.0';
    const icon = latest ? this.#cache.icons[latest.id] : undefined;
    const hasIcon = latest?.has_icon ?? false;
    const id = this.#localId('ver');
    this.#cache.versions[id] = {
      app_id: appId,
      app_name: raw.display_name,
      version_id: id,
      version_number: number,
      technical: 'draft',
      marketplace: 'draft',
      has_icon: hasIcon,
      content: from ? copy(from.content) : firstContent(raw.display_name, raw.slug),
      known_categories: from?.known_categories ?? DEMO_CATEGORIES,
      locks: fakeLocks('draft', 'draft'),
      actions: fakeActions('draft', 'draft'),
    };
    if (icon) this.#cache.icons[id] = icon;
    raw.versions.unshift({
      id,
      version_number: number,
      technical: 'draft',
      marketplace: 'draft',
      has_icon: hasIcon,
      unsent: 0,
      held: 0,
      conflicts: 0,
      not_sent: true,
    });
    if (hasIcon) raw.icon_version_id = id;
    this.#cache.local.queueLifecycle(id, 'create_version');
    return id;
  }

  /** Deletes a draft: at once when the server never had it, else at the next sync (its other changes dropped). */
  deleteVersion(versionId: string): void {
    const row = this.#cache
      .listed()
      .flatMap((a) => a.versions)
      .find((v) => v.id === versionId);
    if (!row) fail('not_found', `no cached version ${versionId}: run \`pwb sync\` to fetch it`);
    const refused = fakeDeleteRefused(row.version_number, row.technical, row.marketplace);
    if (refused) fail('invalid_input', `cannot delete: ${refused}`);
    if (isLocal(versionId)) {
      this.#remove(versionId);
    } else {
      this.#cache.local.drop(versionId);
      this.#cache.local.queueLifecycle(versionId, 'delete_version');
    }
  }

  /**
   * Gives up a queued creation or deletion (`Workbench::discard_entry`): a registration takes its app and versions with
   * it, a new version goes, a deletion is undone, an app's edit leaves the queue (its fields stay as edited). False when
   * `changeId` is none of these (the editor's own change).
   */
  discard(resource: string, changeId: string): boolean {
    const change = this.#cache.local.change(resource, changeId);
    switch (change?.kind) {
      case 'create_app': {
        const app = this.#app(resource);
        for (const version of [...app.versions]) this.#remove(version.id);
        const apps = this.#cache.apps();
        apps.splice(apps.indexOf(app), 1);
        this.#cache.local.drop(resource);
        return true;
      }
      case 'create_version':
        this.#remove(resource);
        return true;
      case 'delete_version':
      case 'edit_app':
        this.#cache.local.drop(resource, changeId);
        return true;
      default:
        return false;
    }
  }

  /** The server's id of an app or version made here, once a sync sent it; null otherwise. */
  resolve(id: string): string | null {
    return this.#aliases.get(id) ?? null;
  }

  /**
   * A sync's first step: registers the apps made here (refusing, for good, a name the server has), then creates the
   * versions made here of registered apps; each moves to its server id, with the app's edits queued meanwhile.
   */
  sendCreates(): void {
    const local = this.#cache.local;
    for (const app of this.#cache.apps()) {
      const registration = local.changeOf(app.id, 'create_app');
      if (!registration || registration.held) continue;
      registration.attempts += 1;
      if (this.#serverNames.has(app.name)) {
        registration.held = true;
        registration.last_error =
          `the server refused it: an app named ${app.name} already exists (app names are unique; choose another name)`;
        continue;
      }
      this.#serverNames.add(app.name);
      const id = this.#serverId('app');
      local.drop(app.id, registration.id);
      local.move(app.id, id);
      this.#aliases.set(app.id, id);
      for (const version of app.versions) {
        const view = this.#cache.versions[version.id];
        if (view) view.app_id = id;
      }
      app.id = id;
      this.#cache.appFields.received([app]);
    }
    for (const app of this.#cache.apps()) {
      if (isLocal(app.id)) continue; // its versions wait for its registration
      for (const version of app.versions) {
        const creation = local.changeOf(version.id, 'create_version');
        if (!creation || creation.held) continue;
        const id = this.#serverId('ver');
        local.drop(version.id, creation.id);
        local.move(version.id, id);
        local.markSent(id);
        const icon = this.#cache.icons[version.id];
        if (icon) this.#cache.icons[id] = icon;
        delete this.#cache.icons[version.id];
        if (app.icon_version_id === version.id) app.icon_version_id = id;
        this.#aliases.set(version.id, id);
        version.id = id;
      }
    }
  }

  /** A sync's last step: the deletions queued go, and their versions with them. */
  sendDeletes(): void {
    for (const app of this.#cache.apps()) {
      for (const version of [...app.versions]) if (this.deleting(version.id)) this.#remove(version.id);
    }
  }

  /** A version leaves the cache with everything of it. */
  #remove(versionId: string): void {
    const app = this.#cache.apps().find((a) => a.versions.some((v) => v.id === versionId));
    if (app) {
      app.versions = app.versions.filter((v) => v.id !== versionId);
      if (app.icon_version_id === versionId) app.icon_version_id = app.versions.find((v) => v.has_icon)?.id ?? null;
    }
    delete this.#cache.icons[versionId];
    this.#cache.local.forget(versionId);
  }
}
