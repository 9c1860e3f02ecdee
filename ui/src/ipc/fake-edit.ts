// The fake backend's local edits: the working copies, the outbox, undo, conflicts and queued review actions, kept
// the way the real cache keeps them (`workbench::edit`), so the editor, the conflicts view and the submit panel
// can be shown and tested without Rust. A sync (`sendAll`) sends what is queued, as the real push does: an open
// conflict holds back only what it touches (the edits of its section, the icon for the icon's, every review action).
import type {
  ActionKind,
  ChangeKind,
  CommandError,
  ConflictChoice,
  ConflictView,
  LocalState,
  Part,
  QueuedChange,
  Saved,
  SubmitCheck,
  Track,
  ValidationReport,
  VersionForm,
  VersionView,
} from './bindings';
import { fakeActions, fakeLocks, fakeTransition } from './fake-review';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type Section = 'general' | 'technical' | 'marketplace';
const SECTIONS: Section[] = ['general', 'technical', 'marketplace'];
const CONTENT_SECTIONS = [...SECTIONS, 'subscription_types'] as const;

/**
 * The changes `fake-lifecycle.ts` and `fake-app-fields.ts` send: those that make or remove an app or version, and an
 * app's own fields; not a version's own.
 */
type LifecycleKind = 'create_app' | 'create_version' | 'delete_version' | 'edit_app';
const isLifecycle = (kind: ChangeKind): kind is LifecycleKind =>
  kind === 'create_app' || kind === 'create_version' || kind === 'delete_version' || kind === 'edit_app';

/** The content section of a field path (`marketplace.support.email`, `subscription_types[Pro].price`). */
const sectionOf = (field: string) => field.split(/[.[]/)[0]!;
const PART_OF: Record<Section | 'subscription_types', Part> = {
  general: 'general',
  technical: 'technical',
  marketplace: 'marketplace',
  subscription_types: 'subscription_plans',
};

export function fail(code: CommandError['code'], message: string): never {
  const error: CommandError = { code, message };
  throw error;
}

/** The fields (section keys, or the plans) that differ between two contents, in form order. */
function changedFields(a: VersionForm, b: VersionForm): string[] {
  const fields: string[] = [];
  for (const section of SECTIONS) {
    const x = a[section] as unknown as Record<string, unknown>;
    const y = b[section] as unknown as Record<string, unknown>;
    for (const key of Object.keys(x)) if (!same(x[key], y[key])) fields.push(`${section}.${key}`);
  }
  if (!same(a.subscription_types, b.subscription_types)) fields.push('subscription_types');
  return fields;
}

/** The draft's changes to `base` applied to `working`: a changed key takes the draft's value, others stay. */
function mergeDraft(base: VersionForm, draft: VersionForm, working: VersionForm): VersionForm {
  const merged = copy(working);
  for (const section of SECTIONS) {
    const b = base[section] as unknown as Record<string, unknown>;
    const d = draft[section] as unknown as Record<string, unknown>;
    const m = merged[section] as unknown as Record<string, unknown>;
    for (const key of Object.keys(d)) if (!same(b[key], d[key])) m[key] = copy(d[key]);
  }
  if (!same(base.subscription_types, draft.subscription_types)) merged.subscription_types = copy(draft.subscription_types);
  return merged;
}

function notANumber(draft: VersionForm): string | null {
  for (const [i, plan] of draft.subscription_types.entries()) {
    for (const key of ['price', 'min_licenses', 'max_licenses'] as const) {
      if (!/^-?\d+$/.test(plan[key].trim())) return `not saved: plan ${i + 1}'s ${key} “${plan[key]}” is not a whole number.`;
    }
    if (plan.trial_days.trim() !== '' && !/^\d+$/.test(plan.trial_days.trim())) {
      return `not saved: plan ${i + 1}'s trial days “${plan.trial_days}” is not a whole number.`;
    }
  }
  return null;
}

/** Sets a dotted path (`general.display_name`, `marketplace.support.email`) of a form to `value`. */
function setPath(form: VersionForm, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = form as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) fail('invalid_input', `no field ${path}`);
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface FakeEditOptions {
  /** Open conflicts by version id. */
  conflicts?: Record<string, ConflictView[]>;
  /** Queued changes by version id (held ones with their reason). */
  queued?: Record<string, QueuedChange[]>;
}

export class FakeLocal {
  readonly #versions: Record<string, VersionView>;
  /** The server's copy of each version, as of the last sync. */
  readonly #server: Record<string, VersionForm>;
  readonly #queued = new Map<string, QueuedChange[]>();
  readonly #conflicts = new Map<string, ConflictView[]>();
  readonly #history = new Map<string, VersionForm[]>();
  /** The sections each queued edit changed, by change id (an edit given without them may touch any). */
  readonly #sections = new Map<string, string[]>();
  readonly #validate: (draft: VersionForm, hasIcon: boolean) => ValidationReport;
  #nextId = 1;

  constructor(
    versions: Record<string, VersionView>,
    validate: (draft: VersionForm, hasIcon: boolean) => ValidationReport,
    options: FakeEditOptions,
  ) {
    this.#versions = versions;
    this.#validate = validate;
    this.#server = Object.fromEntries(Object.entries(versions).map(([id, v]) => [id, copy(v.content)]));
    for (const [id, list] of Object.entries(options.conflicts ?? {})) this.#conflicts.set(id, copy(list));
    for (const [id, list] of Object.entries(options.queued ?? {})) {
      this.#queued.set(id, copy(list));
      for (const change of list) this.#nextId = Math.max(this.#nextId, Number(change.id) + 1);
    }
  }

  view(versionId: string): VersionView {
    const view = this.#versions[versionId];
    if (!view) fail('not_found', `no cached version ${versionId}: run \`pwb sync\` to fetch it`);
    view.locks = fakeLocks(view.technical, view.marketplace);
    view.actions = fakeActions(view.technical, view.marketplace);
    return view;
  }

  /** The server's copy of the version as of the last sync (the cache's base), or null when it never had one. */
  server(versionId: string): VersionForm | null {
    const form = this.#server[versionId];
    return form ? copy(form) : null;
  }

  counts(versionId?: string): { pending: number; held: number; conflicts: number } {
    const ids = versionId ? [versionId] : [...new Set([...this.#queued.keys(), ...this.#conflicts.keys()])];
    let pending = 0;
    let held = 0;
    let conflicts = 0;
    for (const id of ids) {
      const queued = this.#queued.get(id) ?? [];
      pending += queued.length;
      held += queued.filter((c) => c.held).length;
      conflicts += this.#conflicts.get(id)?.length ?? 0;
    }
    return { pending, held, conflicts };
  }

  #queue(versionId: string, kind: ChangeKind, track: Track | null, summary: string | null, fields: string[] = []): string {
    const list = this.#queued.get(versionId) ?? [];
    const id = String(this.#nextId++);
    if (kind === 'edit') this.#sections.set(id, [...new Set(fields.map(sectionOf))]);
    list.push({
      id,
      kind,
      track,
      summary,
      created_at: new Date().toISOString(),
      attempts: 0,
      last_error: null,
      held: false,
      waits_on: [],
    });
    this.#queued.set(versionId, list);
    return id;
  }

  /** Queues the creation or deletion of the app or version `resource`, or an app's edit (under the app's id); its id. */
  queueLifecycle(resource: string, kind: LifecycleKind): string {
    return this.#queue(resource, kind, null, null);
  }

  /** The queued change of `resource` with the id `changeId`: the live entry, to hold or release. */
  change(resource: string, changeId: string): QueuedChange | undefined {
    return this.#queued.get(resource)?.find((c) => c.id === changeId);
  }

  /** The first queued change of `resource` of that kind: the live entry. */
  changeOf(resource: string, kind: LifecycleKind): QueuedChange | undefined {
    return this.#queued.get(resource)?.find((c) => c.kind === kind);
  }

  /** The queued changes of `resource` of that kind: the live entries. */
  changesOf(resource: string, kind: LifecycleKind): QueuedChange[] {
    return (this.#queued.get(resource) ?? []).filter((c) => c.kind === kind);
  }

  /** Drops one queued change of `resource`, or all of them. */
  drop(resource: string, changeId?: string): void {
    const kept = (this.#queued.get(resource) ?? []).filter((c) => {
      const dropped = changeId === undefined || c.id === changeId;
      if (dropped) this.#sections.delete(c.id);
      return !dropped;
    });
    if (kept.length > 0) this.#queued.set(resource, kept);
    else this.#queued.delete(resource);
  }

  /** A version (or an app's registration) moved to the server's id: everything kept under the old id follows it. */
  move(from: string, to: string): void {
    for (const map of [this.#queued, this.#conflicts, this.#history] as Map<string, unknown>[]) {
      if (map.has(from)) map.set(to, map.get(from));
      map.delete(from);
    }
    const view = this.#versions[from];
    if (view) {
      view.version_id = to;
      this.#versions[to] = view;
      delete this.#versions[from];
    }
    if (from in this.#server) this.#server[to] = this.#server[from]!;
    delete this.#server[from];
  }

  /** The server has the version as it is now (it was just created there). */
  markSent(versionId: string): void {
    this.#server[versionId] = copy(this.view(versionId).content);
  }

  /** The version is gone (deleted, discarded): nothing of it is kept. */
  forget(versionId: string): void {
    this.drop(versionId);
    this.#conflicts.delete(versionId);
    this.#history.delete(versionId);
    delete this.#server[versionId];
    delete this.#versions[versionId];
  }

  /** The open conflicts of `resource`: a version's, or an app's own fields' (`app.…`) under the app's id. */
  conflictsOf(resource: string): ConflictView[] {
    return copy(this.#conflicts.get(resource) ?? []);
  }

  /** The open conflict on `field` of `resource`; `invalid_input` when there is none. */
  conflict(resource: string, field: string): ConflictView {
    const open = this.#conflicts.get(resource)?.find((c) => c.field === field);
    return open ? copy(open) : fail('invalid_input', `version ${resource} has no open conflict on ${field}`);
  }

  /** Records a conflict of `resource`, in place of an open one on the same field. */
  putConflict(resource: string, conflict: ConflictView): void {
    const list = this.#conflicts.get(resource) ?? [];
    const at = list.findIndex((c) => c.field === conflict.field);
    if (at === -1) list.push(copy(conflict));
    else list[at] = copy(conflict);
    this.#conflicts.set(resource, list);
  }

  /** The conflict on `field` of `resource` is settled: it is no longer open. */
  settle(resource: string, field: string): void {
    this.#conflicts.set(
      resource,
      (this.#conflicts.get(resource) ?? []).filter((c) => c.field !== field),
    );
  }

  /** The open conflicts a queued change waits on, as `workbench_store::OutboxEntry::waits_on` says. */
  #waitsOn(versionId: string, change: QueuedChange): string[] {
    const open = (this.#conflicts.get(versionId) ?? []).map((c) => c.field);
    if (change.kind === 'edit') {
      const sections: readonly string[] = this.#sections.get(change.id) ?? CONTENT_SECTIONS;
      return open.filter((field) => sections.includes(sectionOf(field)));
    }
    if (change.kind === 'icon') return open.filter((field) => field === 'icon');
    return open;
  }

  #checkUnlocked(view: VersionView, parts: Part[]): void {
    for (const part of parts) {
      const lock = view.locks.find((l) => l.part === part)?.locked_because;
      if (lock) fail('locked', lock);
    }
  }

  save(versionId: string, base: VersionForm, draft: VersionForm): Saved {
    const view = this.view(versionId);
    const problem = notANumber(draft);
    if (problem) fail('invalid_input', problem);
    const merged = same(base, view.content) ? copy(draft) : mergeDraft(base, draft, view.content);
    const fields = changedFields(view.content, merged);
    const parts = [...new Set(fields.map((f) => PART_OF[f.split('.')[0] as Section]))];
    this.#checkUnlocked(view, parts);
    if (fields.length > 0) {
      this.#history.set(versionId, [...(this.#history.get(versionId) ?? []), copy(view.content)]);
      view.content = merged;
      this.#queue(versionId, 'edit', null, 'edit', fields);
    }
    return { changed: fields.length > 0, fields, pending: this.counts().pending, content: copy(view.content) };
  }

  setIcon(versionId: string, fileName: string, bytes: number): void {
    const view = this.view(versionId);
    this.#checkUnlocked(view, ['icon']);
    const problems: string[] = [];
    if (!/\.(png|jpe?g)$/i.test(fileName)) problems.push(`icon (icon.format): ${fileName} is not a PNG or JPEG file`);
    if (bytes < 8) problems.push(`icon (icon.readable): ${fileName} is empty or cut off`);
    if (problems.length > 0) fail('validation_failed', `the icon ${fileName} breaks ${problems.length} rule(s): ${problems.join('; ')}`);
    view.has_icon = true;
    this.#queue(versionId, 'icon', null, null);
  }

  undo(versionId: string): string | null {
    const view = this.view(versionId);
    const history = this.#history.get(versionId) ?? [];
    const before = history.pop();
    if (!before) return null;
    this.#queue(versionId, 'edit', null, 'undo', changedFields(view.content, before));
    view.content = before;
    return 'edit';
  }

  local(versionId: string): LocalState {
    this.view(versionId);
    const queued = (this.#queued.get(versionId) ?? []).map((c) => ({ ...copy(c), waits_on: this.#waitsOn(versionId, c) }));
    return { conflicts: copy(this.#conflicts.get(versionId) ?? []), queued };
  }

  resolve(versionId: string, field: string, choice: ConflictChoice): void {
    const view = this.view(versionId);
    const conflict = this.conflict(versionId, field);
    if (field === 'deleted') {
      // Deleted on the server (`workbench_store::DELETED_FIELD`): kept, it is created again at the next sync.
      if (choice.kind === 'value') fail('invalid_input', 'a version deleted on the server is kept or let go');
      this.settle(versionId, field);
      if (choice.kind === 'keep_mine') this.#queue(versionId, 'create_version', null, null);
      return;
    }
    const text = choice.kind === 'keep_mine' ? conflict.mine : choice.kind === 'take_theirs' ? conflict.theirs : choice.text;
    let value: unknown = text;
    if (conflict.form === 'json') {
      try {
        value = JSON.parse(text);
      } catch {
        fail('invalid_input', `the value for ${field} is not JSON; edit the JSON shown for mine or theirs`);
      }
    }
    setPath(view.content, field, value);
    this.settle(versionId, field);
    this.#queue(versionId, 'edit', null, `resolve ${field}`, [field]);
  }

  async check(versionId: string, track: Track): Promise<SubmitCheck> {
    const view = this.view(versionId);
    const problems = this.#validate(copy(view.content), view.has_icon)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.field} (${d.rule}): ${d.message}`);
    if (problems.length > 0) return { track, problems, preview: null };
    const json = JSON.stringify(view.content, null, 2);
    return {
      track,
      problems: [],
      preview: { json, sha256: await sha256(json), icon_sha256: view.has_icon ? await sha256(`icon of ${versionId}`) : null },
    };
  }

  async queueAction(versionId: string, action: ActionKind, track: Track): Promise<void> {
    const view = this.view(versionId);
    const result = fakeTransition(view.technical, view.marketplace, action, track);
    if ('refused' in result) fail('invalid_input', result.refused);
    if (action === 'submit') {
      const check = await this.check(versionId, track);
      if (check.problems.length > 0) {
        fail('validation_failed', `the ${track} submission of version ${versionId} breaks ${check.problems.length} rule(s): ${check.problems.join('; ')}`);
      }
    }
    this.#queue(versionId, action, track, null);
  }

  retry(versionId: string): number {
    const held = (this.#queued.get(versionId) ?? []).filter((c) => c.held);
    for (const change of held) change.held = false;
    return held.length;
  }

  discard(versionId: string, changeId: string): void {
    const view = this.view(versionId);
    const list = this.#queued.get(versionId) ?? [];
    const change = list.find((c) => c.id === changeId);
    if (!change) fail('invalid_input', `version ${versionId} has no queued change ${changeId}`);
    if (change.kind === 'edit') {
      view.content = copy(this.#server[versionId]!);
      this.#conflicts.delete(versionId);
      this.#history.delete(versionId);
      this.#queued.set(
        versionId,
        list.filter((c) => c.kind !== 'edit'),
      );
    } else {
      this.#queued.set(
        versionId,
        list.filter((c) => c.id !== changeId),
      );
    }
  }

  /**
   * The versions with something of their own to send, for the progress of a sync: not one the server does not have yet
   * (its creation goes first) or is to delete, nor an app's registration.
   */
  outgoing(): string[] {
    return [...this.#queued.entries()]
      .filter(([, list]) => list.some((c) => !c.held) && !list.some((c) => isLifecycle(c.kind)))
      .map(([id]) => id);
  }

  /**
   * Sends one version's queue, as a push does: what waits on an open conflict stays (its section keeps the server's
   * copy); content goes first; each review action moves its track, or is held with why the track refuses it.
   */
  send(versionId: string): void {
    const view = this.view(versionId);
    const held = new Set((this.#conflicts.get(versionId) ?? []).map((c) => sectionOf(c.field)));
    const kept: QueuedChange[] = [];
    for (const change of this.#queued.get(versionId) ?? []) {
      if (change.held || this.#waitsOn(versionId, change).length > 0) {
        kept.push(change);
        continue;
      }
      if (change.kind === 'edit' || change.kind === 'icon') {
        this.#sections.delete(change.id);
        continue;
      }
      if (isLifecycle(change.kind)) {
        kept.push(change);
        continue;
      }
      const result = fakeTransition(view.technical, view.marketplace, change.kind, change.track ?? 'technical');
      if ('refused' in result) {
        kept.push({ ...change, attempts: change.attempts + 1, held: true, last_error: `the server refused it: ${result.refused}` });
        continue;
      }
      if (change.track === 'marketplace') view.marketplace = result.to;
      else view.technical = result.to;
    }
    const server = this.#server[versionId];
    const sent = copy(view.content);
    if (server) {
      const into = sent as unknown as Record<string, unknown>;
      for (const section of CONTENT_SECTIONS) if (held.has(section)) into[section] = copy(server[section]);
    }
    this.#server[versionId] = sent;
    if (kept.length > 0) this.#queued.set(versionId, kept);
    else this.#queued.delete(versionId);
  }
}
