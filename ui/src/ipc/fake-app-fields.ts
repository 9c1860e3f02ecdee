// An app's own fields in the fake (slug, display name, vendor, type, where it shows), kept the way the real cache keeps
// them (`Workbench::edit_app`, `workbench_store::apps`): an edit changes the cached app at once and queues an
// `edit_app` change under the app's id. A sync takes in the server's copy: as it is into an app with nothing of its own
// waiting, else merged three ways from the copy last received (`lifecycle::merge_app`), a field changed differently on
// both sides keeping the partner's value as a conflict (`app.FIELD`, under the app's id); then, with no conflict open,
// the app's edits send what differs from the server's. Tests change the server's copy with `serverChange`, as another
// client would.
import { APP_FIELDS, appFieldOf, appFieldsOf, appTextProblem, type AppField } from './app-fields';
import type { AppFieldsForm, AppRow, ConflictChoice } from './bindings';
import { fail, type FakeLocal } from './fake-edit';
import { isLocal, placeApp } from './fake-lifecycle';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Why `value` cannot be the app's `field`, as `lifecycle::set_app_field` says it; null when it can. */
function fieldProblem(field: AppField, value: string): string | null {
  switch (field) {
    case 'app_type':
      return value === 'standalone' || value === 'atlas' ? null : `app.app_type is standalone or atlas, not ${JSON.stringify(value)}`;
    case 'render':
      return value === 'portal' || value === 'canvas' ? null : `app.render is portal or canvas, not ${JSON.stringify(value)}`;
    default: {
      const problem = appTextProblem(value);
      return problem === null ? null : `app.${field} ${problem}`;
    }
  }
}

export class FakeAppFields {
  readonly #apps: () => AppRow[];
  readonly #local: FakeLocal;
  readonly #now: () => Date;
  /** The server's copy of each app's fields, now: a test changes it as another client would. */
  readonly #server = new Map<string, AppFieldsForm>();
  /** Each app's fields as the cache last received them from the server: the merge's base. */
  readonly #base = new Map<string, AppFieldsForm>();

  /** `apps` reads the cached apps (a sync replaces them), to change in place. */
  constructor(apps: () => AppRow[], local: FakeLocal, now: () => Date) {
    this.#apps = apps;
    this.#local = local;
    this.#now = now;
    this.received(apps());
  }

  /** The server sent these apps (the cache's at first, a sync's list, a registration's answer): their fields are its copy. */
  received(apps: AppRow[]): void {
    for (const app of apps) {
      if (isLocal(app.id)) continue;
      this.#server.set(app.id, appFieldsOf(app));
      this.#base.set(app.id, appFieldsOf(app));
    }
  }

  /** The server's copy of the app's fields, or null when it does not have the app. */
  server(appId: string): AppFieldsForm | null {
    const fields = this.#server.get(appId);
    return fields ? copy(fields) : null;
  }

  /** Changes the server's copy of the app's fields, as another client would: the next sync takes it in. */
  serverChange(appId: string, fields: Partial<AppFieldsForm>): void {
    const server = this.#server.get(appId) ?? fail('not_found', `the server has no app ${appId}`);
    Object.assign(server, copy(fields));
  }

  /** Changes the app's fields to the form's and queues the change; the fields it changed (`app.…`), none: nothing queued. */
  edit(appId: string, form: AppFieldsForm): string[] {
    const app = this.#app(appId);
    for (const field of APP_FIELDS) {
      const problem = fieldProblem(field, form[field]);
      if (problem) fail('invalid_input', `not changed: ${problem}`);
    }
    const changed = APP_FIELDS.filter((field) => app[field] !== form[field]);
    if (changed.length === 0) return [];
    this.#set(app, appFieldsOf(form));
    this.#local.queueLifecycle(appId, 'edit_app');
    return changed.map((field) => `app.${field}`);
  }

  /**
   * Settles the conflict on the app's `field` (`app.display_name`): the app takes the value chosen, queued to be sent
   * when it differs from the server's copy last received (`workbench_store::apps::resolve`).
   */
  resolve(appId: string, field: string, choice: ConflictChoice): void {
    const app = this.#app(appId);
    const conflict = this.#local.conflict(appId, field);
    const name = appFieldOf(field) ?? fail('invalid_input', `${field} is not an app field a partner edits`);
    const value = choice.kind === 'keep_mine' ? conflict.mine : choice.kind === 'take_theirs' ? conflict.theirs : choice.text;
    const problem = fieldProblem(name, value);
    if (problem) fail('invalid_input', problem);
    this.#local.settle(appId, field);
    this.#set(app, { ...appFieldsOf(app), [name]: value });
    if (this.#base.get(appId)?.[name] !== value) this.#local.queueLifecycle(appId, 'edit_app');
  }

  /**
   * A sync's step after the registrations (`push_app_edits`, then the pull): every app the server has takes in its copy;
   * one with no conflict open then sends its queued edits (what differs from the server's), which leave the queue.
   */
  sync(): void {
    for (const app of this.#apps()) {
      const theirs = this.#server.get(app.id);
      if (!theirs) continue; // not registered yet
      this.#receive(app, theirs);
      const edits = this.#local.changesOf(app.id, 'edit_app');
      if (edits.length === 0 || this.#local.conflictsOf(app.id).length > 0) continue;
      this.#server.set(app.id, appFieldsOf(app));
      this.#base.set(app.id, appFieldsOf(app));
      for (const edit of edits) this.#local.drop(app.id, edit.id);
    }
  }

  /** Takes in the server's copy (`apps::receive`): merged into an app with edits or conflicts of its own, else as it is. */
  #receive(app: AppRow, theirs: AppFieldsForm): void {
    const dirty = this.#local.changesOf(app.id, 'edit_app').length > 0 || this.#local.conflictsOf(app.id).length > 0;
    const base = this.#base.get(app.id) ?? theirs;
    const merged = appFieldsOf(dirty ? app : theirs);
    if (dirty) {
      for (const field of APP_FIELDS) {
        const [b, m, t] = [base[field], app[field], theirs[field]];
        if (m === b && t !== b) Object.assign(merged, { [field]: t });
        else if (m !== b && t !== b && m !== t) {
          const detected_at = this.#now().toISOString();
          this.#local.putConflict(app.id, { field: `app.${field}`, form: 'text', base: b, mine: m, theirs: t, detected_at });
        }
      }
    }
    // An open conflict's theirs follows the server.
    for (const open of this.#local.conflictsOf(app.id)) {
      const field = appFieldOf(open.field);
      if (field) this.#local.putConflict(app.id, { ...open, theirs: theirs[field] });
    }
    this.#set(app, merged);
    this.#base.set(app.id, copy(theirs));
  }

  #app(appId: string): AppRow {
    const app = this.#apps().find((a) => a.id === appId);
    return app ?? fail('invalid_input', `no cached app ${appId}: run \`pwb apps\` to see the cached ones`);
  }

  /** The cached app takes `fields`, moving to where the list shows it when its display name changed. */
  #set(app: AppRow, fields: AppFieldsForm): void {
    const renamed = app.display_name !== fields.display_name;
    Object.assign(app, appFieldsOf(fields));
    if (renamed) placeApp(this.#apps(), app);
  }
}
