// The real backend: Tauri commands and events. Argument names are camelCase here;
// Tauri maps them to the Rust commands' snake_case parameters.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend } from './backend';
import type {
  AccountView,
  AppList,
  ProfileList,
  SignInEvent,
  SignInStarted,
  SignOutResult,
  Switched,
  SyncStatus,
  ValidationReport,
  VersionView,
} from './bindings';
import { toCommandError } from './errors';

export const SYNC_STATUS_EVENT = 'sync-status';
export const SIGN_IN_EVENT = 'sign-in';

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
    account: () => call<AccountView>('account'),
    startSignIn: (fileStore) => call<SignInStarted>('start_sign_in', { fileStore }),
    cancelSignIn: (attempt) => call<boolean>('cancel_sign_in', { attempt }),
    openSignInPage: (attempt) => call<void>('open_sign_in_page', { attempt }),
    signOut: () => call<SignOutResult>('sign_out'),
    onSignIn: (listener) => listen<SignInEvent>(SIGN_IN_EVENT, (event) => listener(event.payload)),
    profiles: () => call<ProfileList>('profiles'),
    switchProfile: (name) => call<Switched>('switch_profile', { name }),
  };
}
