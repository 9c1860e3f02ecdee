// The one way components reach the desktop backend. `tauri.ts` implements it over Tauri IPC,
// `fake.ts` in memory for the browser and for tests; components receive it through the app context.
import type { AppList, SyncStatus } from './bindings';

export type * from './bindings';

export interface Backend {
  /** The partner's apps from the local cache; instant, works offline. Versions come newest first. */
  listApps(): Promise<AppList>;
  syncStatus(): Promise<SyncStatus>;
  /** Pulls from the server; resolves with the final status. */
  syncNow(): Promise<SyncStatus>;
  /** A data: URL of the version's icon, or null when it has none. */
  versionIcon(versionId: string): Promise<string | null>;
  /** Subscribes to the "sync-status" event; resolves with the function that unsubscribes. */
  onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void>;
}
