// The open version: its cached form, the partner's draft, and the live report of the rules pack on that draft.
// The draft lives in this window only (saving comes with the outbox, in a later issue): `Revert` brings back the
// cached content, and nothing here writes to the cache.
import { getContext, setContext } from 'svelte';
import type { Backend, CommandError, ValidationReport, VersionForm, VersionView } from '../../ipc';
import { toCommandError } from '../../ipc';
import { fieldId, messagesId, resolveField } from '../validation/fields';
import { LiveValidator, VALIDATION_DELAY_MS } from '../validation/live';
import { issuesByField, type FieldIssue } from '../validation/report';

export type EditorState =
  | { kind: 'loading' }
  | { kind: 'error'; error: CommandError }
  | { kind: 'loaded'; view: VersionView };

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Drafts kept while the window is open, by version id, so going back to the list does not lose them. */
export type DraftShelf = Map<string, VersionForm>;

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

  readonly issues: Map<string, FieldIssue> = $derived(
    this.report && this.draft ? issuesByField(this.report.diagnostics, this.draft) : new Map(),
  );
  readonly dirty: boolean = $derived(
    this.state.kind === 'loaded' && this.draft !== null && JSON.stringify(this.draft) !== JSON.stringify(this.state.view.content),
  );

  readonly versionId: string;
  readonly backend: Backend;
  readonly #shelf: DraftShelf;
  readonly #live: LiveValidator<VersionForm, ValidationReport>;

  constructor(backend: Backend, versionId: string, shelf: DraftShelf = new Map(), delayMs = VALIDATION_DELAY_MS) {
    this.backend = backend;
    this.versionId = versionId;
    this.#shelf = shelf;
    this.#live = new LiveValidator({
      validate: (draft) => backend.validateDraft(versionId, draft),
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
      this.draft = copy(kept ?? view.content);
      this.state = { kind: 'loaded', view };
      this.#live.now(copy(this.draft));
    } catch (error) {
      this.state = { kind: 'error', error: toCommandError(error) };
    }
  }

  /** Called after every change to the draft: keeps it on the shelf and checks it once typing pauses. */
  changed(draft: VersionForm): void {
    if (this.state.kind !== 'loaded') return;
    if (JSON.stringify(draft) === JSON.stringify(this.state.view.content)) this.#shelf.delete(this.versionId);
    else this.#shelf.set(this.versionId, copy(draft));
    this.#live.schedule(copy(draft));
  }

  /** Puts the cached content back in place of the draft. */
  revert(): void {
    if (this.state.kind !== 'loaded') return;
    this.draft = copy(this.state.view.content);
    this.#shelf.delete(this.versionId);
    this.jumped = null;
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
