// The real backend: Tauri commands and events. Argument names are camelCase here;
// Tauri maps them to the Rust commands' snake_case parameters.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend } from './backend';
import type { AppList, SyncStatus, ValidationReport, VersionView } from './bindings';
import { toCommandError } from './errors';

export const SYNC_STATUS_EVENT = 'sync-status';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

export function createTauriBackend(): Backend {
  return {
    listApps: () => call<AppList>('list_apps'),
    syncStatus: () => call<SyncStatus>('sync_status'),
    syncNow: () => call<SyncStatus>('sync_now'),
    versionIcon: (versionId) => call<string | null>('version_icon', { versionId }),
    openVersion: (versionId) => call<VersionView>('open_version', { versionId }),
    validateDraft: (versionId, draft) => call<ValidationReport>('validate_draft', { versionId, draft }),
    onSyncStatus: (listener) => listen<SyncStatus>(SYNC_STATUS_EVENT, (event) => listener(event.payload)),
  };
}
