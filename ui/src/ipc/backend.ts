// The one way components reach the desktop backend. `tauri.ts` implements it over Tauri IPC,
// `fake.ts` in memory for the browser and for tests; components receive it through the app context.
import type { AppList, SyncStatus, ValidationReport, VersionForm, VersionView } from './bindings';

export type * from './bindings';

export interface Backend {
  /** The partner's apps from the local cache; instant, works offline. Versions come newest first. */
  listApps(): Promise<AppList>;
  syncStatus(): Promise<SyncStatus>;
  /** Pulls from the server; resolves with the final status. */
  syncNow(): Promise<SyncStatus>;
  /** A data: URL of the version's icon, or null when it has none. */
  versionIcon(versionId: string): Promise<string | null>;
  /** A cached version as an editor form; rejects with `not_found` when the cache has no such version. */
  openVersion(versionId: string): Promise<VersionView>;
  /**
   * Checks `draft` (the editor's content) against the rules pack in place of the cached version, or the cached
   * version itself when `draft` is null. Nothing is written: the report is all it answers.
   */
  validateDraft(versionId: string, draft: VersionForm | null): Promise<ValidationReport>;
  /** Subscribes to the "sync-status" event; resolves with the function that unsubscribes. */
  onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void>;
}
