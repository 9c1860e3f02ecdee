// Find as you type over the app list: the twin of the Rust `AppFilter`
// (src-tauri/crates/workbench/src/filter.rs, which `pwb apps --filter TEXT` uses), held to the same
// tests/fixtures/filter/cases.json by both sides.
//
// The text, trimmed and lowercased, matches as a case-insensitive substring an app's name, display name or slug, or a
// version's number or either of its two review statuses by the label the list prints ("In Review", "Rejected": see
// `STATUS_LABEL`, the same words as `ReviewStatus::label`). An app whose own fields match is kept with all its
// versions; an app that matches only through some versions is kept with those alone. Empty text keeps everything.
import type { ReviewStatus } from '../../ipc';
import { STATUS_LABEL } from './labels';

/** What the filter reads of a version (a `VersionRow` has it). */
export interface FilterableVersion {
  version_number: string;
  technical: ReviewStatus;
  marketplace: ReviewStatus;
}

/** What the filter reads of an app (an `AppRow` has it). */
export interface FilterableApp<V extends FilterableVersion = FilterableVersion> {
  name: string;
  display_name: string;
  slug: string;
  versions: V[];
}

/** An app the filter kept, with the versions it kept: all of them, or only those that matched. */
export interface Kept<A extends FilterableApp> {
  app: A;
  versions: A['versions'];
}

// Rust's `str::trim` removes what `char::is_whitespace` calls whitespace (Unicode's White_Space), which is JavaScript's
// `\s` with U+0085 (next line) and without U+FEFF (the byte-order mark): spelled out, so both sides trim alike.
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${WHITE_SPACE}]+|[${WHITE_SPACE}]+$`, 'g');

/** The text as the filter looks for it: trimmed as Rust trims, and lowercased. */
export function prepare(text: string): string {
  return text.replace(TRIM, '').toLowerCase();
}

const LOWER_LABEL = Object.fromEntries(
  Object.entries(STATUS_LABEL).map(([status, label]) => [status, label.toLowerCase()]),
) as Record<ReviewStatus, string>;

/** The filter text, prepared once and applied to every app: cheap enough for every keystroke over a large list. */
export class AppFilter {
  /** Trimmed and lowercased. */
  readonly needle: string;

  constructor(text: string) {
    this.needle = prepare(text);
  }

  /** Whether the text is empty (or only whitespace): then everything matches. */
  get isEmpty(): boolean {
    return this.needle.length === 0;
  }

  #finds(haystack: string): boolean {
    return haystack.toLowerCase().includes(this.needle);
  }

  #findsStatus(status: ReviewStatus): boolean {
    // A status the window does not know yet is matched by its wire name, as its badge shows it.
    return (LOWER_LABEL[status] ?? String(status).toLowerCase()).includes(this.needle);
  }

  /** Whether the app's own fields match: its name, display name or slug. */
  matchesApp(app: FilterableApp): boolean {
    return this.#finds(app.name) || this.#finds(app.display_name) || this.#finds(app.slug);
  }

  /** Whether a version matches: its number, or either track's status by its label. */
  matchesVersion(version: FilterableVersion): boolean {
    return (
      this.#finds(version.version_number) || this.#findsStatus(version.technical) || this.#findsStatus(version.marketplace)
    );
  }

  /** The app as the filtered list shows it: whole, with only its matching versions, or null when nothing matches. */
  apply<A extends FilterableApp>(app: A): Kept<A> | null {
    if (this.isEmpty || this.matchesApp(app)) return { app, versions: app.versions };
    const versions = app.versions.filter((version) => this.matchesVersion(version));
    return versions.length > 0 ? { app, versions } : null;
  }
}

/** The apps `text` matches, in their order, each whole or with only its matching versions (see `AppFilter`). */
export function filterApps<A extends FilterableApp>(apps: readonly A[], text: string): Kept<A>[] {
  const filter = new AppFilter(text);
  const kept: Kept<A>[] = [];
  for (const app of apps) {
    const one = filter.apply(app);
    if (one) kept.push(one);
  }
  return kept;
}
