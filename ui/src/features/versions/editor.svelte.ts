// The open version: its cached form, the partner's draft, the live report of the rules pack on that draft, and the
// saving of the draft. A save goes out once typing pauses (SAVE_DELAY_MS), on leaving a field and on Ctrl+S; it sends
// the draft with its base (the content last read or saved), so the backend applies only the draft's own changes on
// top of whatever a sync merged in meanwhile. "Saved" is shown only once the backend answered: the cache committed.
import { getContext, setContext } from 'svelte';
import type { Backend, CommandError, LocalState, Part, ValidationReport, VersionForm, VersionView } from '../../ipc';
import { toCommandError } from '../../ipc';
import { fieldId, messagesId, resolveField } from '../validation/fields';
import { LiveValidator, VALIDATION_DELAY_MS } from '../validation/live';
import { issuesByField, type FieldIssue } from '../validation/report';

export type EditorState =
  | { kind: 'loading' }
  | { kind: 'error'; error: CommandError }
  | { kind: 'loaded'; view: VersionView };

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Drafts not saved yet, by version id, so going back to the list does not lose them. */
export type DraftShelf = Map<string, VersionForm>;

/** How long after the last key a draft is saved. */
export const SAVE_DELAY_MS = 400;

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; changed: boolean }
  | { kind: 'error'; error: CommandError };

export class VersionEditor {
  state: EditorState = $state({ kind: 'loading' });
  /** The partner's working copy; null until the version is loaded. */
  draft: VersionForm | null = $state(null);
  report: ValidationReport | null = $state(null);
  /** Why the latest draft could not be checked, if it could not. */
  checkError: CommandError | null = $state(null);
  /** True while a check waits for typing to pause or for its answer. */
  checking = $state(false);
  /** The form path the partner last jumped to from the panel. */
  jumped: string | null = $state(null);
  /** The content the draft was last read or saved as: what the cache has, as far as this editor knows. */
  base: VersionForm | null = $state(null);
  save: SaveState = $state({ kind: 'idle' });
  /** The version's queued changes and conflicts; null until read. */
  local: LocalState | null = $state(null);
  /** Why the last undo, icon or review step failed, if it did. */
  actionError: CommandError | null = $state(null);

  readonly issues: Map<string, FieldIssue> = $derived(
    this.report && this.draft ? issuesByField(this.report.diagnostics, this.draft) : new Map(),
  );
  /** The draft has changes the cache does not have yet. */
  readonly dirty: boolean = $derived(this.base !== null && this.draft !== null && JSON.stringify(this.draft) !== JSON.stringify(this.base));
  /** Why each part is locked; a part that is not here is editable. */
  readonly locks: Map<Part, string> = $derived(
    new Map(
      this.state.kind === 'loaded'
        ? this.state.view.locks.flatMap((l) => (l.locked_because ? [[l.part, l.locked_because] as [Part, string]] : []))
        : [],
    ),
  );

  /** The version's id: a local one (`local-ver-…`) until a sync sends it, then the server's (see `moveTo`). */
  versionId: string = $state('');
  readonly backend: Backend;
  readonly #shelf: DraftShelf;
  readonly #live: LiveValidator<VersionForm, ValidationReport>;
  readonly #saveDelayMs: number;
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> | null = null;
  #disposed = false;

  constructor(
    backend: Backend,
    versionId: string,
    shelf: DraftShelf = new Map(),
    delayMs = VALIDATION_DELAY_MS,
    saveDelayMs = SAVE_DELAY_MS,
  ) {
    this.backend = backend;
    this.versionId = versionId;
    this.#shelf = shelf;
    this.#saveDelayMs = saveDelayMs;
    this.#live = new LiveValidator({
      validate: (draft) => backend.validateDraft(this.versionId, draft),
      onResult: (report) => {
        this.report = report;
        this.checkError = null;
      },
      onError: (error) => {
        this.checkError = error;
      },
      onPending: (pending) => {
        this.checking = pending;
      },
      delayMs,
    });
  }

  /** Reads the version from the cache (or takes the draft kept for it) and checks it at once. */
  async load(): Promise<void> {
    this.state = { kind: 'loading' };
    try {
      const view = await this.backend.openVersion(this.versionId);
      const kept = this.#shelf.get(this.versionId);
      this.base = copy(view.content);
      this.draft = copy(kept ?? view.content);
      this.state = { kind: 'loaded', view };
      this.#live.now(copy(this.draft));
      void this.loadLocal();
      // A draft kept from before was not saved then: try again.
      if (kept) this.#scheduleSave();
    } catch (error) {
      this.state = { kind: 'error', error: toCommandError(error) };
    }
  }

  /** Reads the version's queued changes and conflicts. */
  async loadLocal(): Promise<void> {
    try {
      this.local = await this.backend.localState(this.versionId);
    } catch (error) {
      this.actionError = toCommandError(error);
    }
  }

  /**
   * Reads the version again after something changed it outside the form (a sync, an undo, a resolved conflict, a new
   * icon). The form follows the cache unless the partner has unsaved changes, which stay and are saved on top.
   */
  async refresh(): Promise<void> {
    if (this.state.kind !== 'loaded') return;
    await this.#saving;
    try {
      const view = await this.backend.openVersion(this.versionId);
      if (this.#disposed) return;
      const unsaved = this.dirty || this.#saveTimer !== null;
      this.base = copy(view.content);
      if (!unsaved) this.draft = copy(view.content);
      this.state = { kind: 'loaded', view };
      if (this.draft) this.#live.now(copy(this.draft));
    } catch (error) {
      this.state = { kind: 'error', error: toCommandError(error) };
    }
    await this.loadLocal();
  }

  /**
   * A sync sent the version made here and the cache knows it by the server's id now: the editor goes on under it, its
   * form, unsaved typing and checks as they are (the window moved the kept draft with it).
   */
  moveTo(versionId: string): void {
    this.versionId = versionId;
  }

  /** Deletes the version (a draft), once what is typed is saved: nothing is lost if the deletion is refused. */
  async deleteVersion(): Promise<void> {
    await this.flush();
    await this.backend.deleteVersion(this.versionId);
  }

  /** Called after every change to the draft: keeps it on the shelf, checks it and saves it once typing pauses. */
  changed(draft: VersionForm): void {
    if (this.state.kind !== 'loaded') return;
    if (this.base && JSON.stringify(draft) === JSON.stringify(this.base)) this.#shelf.delete(this.versionId);
    else this.#shelf.set(this.versionId, copy(draft));
    this.#live.schedule(copy(draft));
    this.#scheduleSave();
  }

  #scheduleSave(): void {
    if (this.#saveTimer !== null) clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      void this.flush();
    }, this.#saveDelayMs);
  }

  /**
   * Saves the draft now (leaving a field, Ctrl+S, going back), if it has unsaved changes. One save at a time: a
   * change made while one is out is saved right after it.
   */
  async flush(): Promise<void> {
    if (this.#saveTimer !== null) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = null;
    }
    while (this.#saving) await this.#saving;
    if (!this.dirty || !this.draft || !this.base) return;
    const sent = copy($state.snapshot(this.draft) as VersionForm);
    const base = copy($state.snapshot(this.base) as VersionForm);
    this.save = { kind: 'saving' };
    this.#saving = (async () => {
      try {
        const saved = await this.backend.saveDraft(this.versionId, base, sent);
        if (this.#disposed) return;
        const untouched = JSON.stringify(this.draft) === JSON.stringify(sent);
        if (untouched) {
          // The cache has the draft, and whatever a sync merged in meanwhile: show that.
          this.base = copy(saved.content);
          this.draft = copy(saved.content);
          this.#shelf.delete(this.versionId);
        } else {
          // Typed on while it saved: what was sent is in the cache; the rest is saved on top of it next.
          this.base = sent;
        }
        this.save = { kind: 'saved', changed: saved.changed };
        if (saved.changed) void this.loadLocal();
      } catch (error) {
        if (!this.#disposed) this.save = { kind: 'error', error: toCommandError(error) };
      }
    })().finally(() => {
      this.#saving = null;
    });
    await this.#saving;
    const after = this.save as SaveState;
    if (!this.#disposed && this.dirty && after.kind === 'saved' && this.#saveTimer === null) this.#scheduleSave();
  }

  /** Undoes the latest saved edit (after saving what is typed), then shows the cache's content. */
  async undo(): Promise<string | null> {
    await this.flush();
    this.actionError = null;
    try {
      const undone = await this.backend.undoEdit(this.versionId);
      if (undone !== null && this.base) this.draft = copy(this.base);
      await this.refresh();
      if (undone !== null) this.save = { kind: 'saved', changed: true };
      return undone;
    } catch (error) {
      this.actionError = toCommandError(error);
      return null;
    }
  }

  /** Whether the part is read-only now, and why. */
  lockOf(part: Part): string | null {
    return this.locks.get(part) ?? null;
  }

  /** Puts the saved content back in place of unsaved changes. */
  revert(): void {
    if (this.state.kind !== 'loaded' || !this.base) return;
    if (this.#saveTimer !== null) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    this.draft = copy(this.base);
    this.#shelf.delete(this.versionId);
    this.jumped = null;
    if (this.save.kind === 'error') this.save = { kind: 'idle' };
  }

  /** The form path a diagnostic's field lands on (see `resolveField`). */
  target(field: string): string | null {
    return this.draft ? resolveField(field, this.draft) : null;
  }

  /**
   * Brings the partner to the element of `field`: scrolls it into view, focuses it and marks it. Returns the
   * element, or null when the form has nothing for that field.
   */
  jumpTo(field: string): HTMLElement | null {
    const path = this.target(field);
    if (path === null) return null;
    const element = document.getElementById(fieldId(path));
    if (!element) return null;
    this.jumped = path;
    if (typeof element.scrollIntoView === 'function') element.scrollIntoView({ block: 'center' });
    element.focus({ preventScroll: true });
    return element;
  }

  /** The attributes of the input (select, textarea) for `path`: id, invalid state, inline messages, outline. */
  control(path: string, describe = true) {
    const issue = this.issues.get(path);
    return {
      id: fieldId(path),
      'aria-invalid': issue ? ('true' as const) : undefined,
      'aria-describedby': issue && describe ? messagesId(path) : undefined,
      'data-issue': issue?.severity,
      'data-jumped': this.jumped === path && issue ? '' : undefined,
      title: issue && !describe ? issue.messages.join('\n') : undefined,
    };
  }

  /** The attributes of a row, list or section for `path`: focusable by script only, outlined when it has an issue. */
  region(path: string) {
    const issue = this.issues.get(path);
    return {
      id: fieldId(path),
      tabindex: -1,
      'data-issue': issue?.severity,
      'data-jumped': this.jumped === path && issue ? '' : undefined,
    };
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#saveTimer !== null) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    this.#live.dispose();
  }
}

const KEY = Symbol('version-editor');

export function setEditor(editor: VersionEditor): VersionEditor {
  return setContext(KEY, editor);
}

export function getEditor(): VersionEditor {
  const editor = getContext<VersionEditor | undefined>(KEY);
  if (!editor) throw new Error('getEditor() needs a VersionEditor set by an ancestor (VersionPage.svelte).');
  return editor;
}
