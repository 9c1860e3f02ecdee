// The real backend: Tauri commands and events. Argument names are camelCase here;
// Tauri maps them to the Rust commands' snake_case parameters.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend } from './backend';
import type {
  AccountView,
  AppList,
  FieldProblem,
  LocalState,
  PreviewSource,
  NotificationPrefs,
  NotificationsUnavailable,
  OpenInstallation,
  OpenOutcome,
  TimelineView,
  Saved,
  SubmitCheck,
  SyncProgress,
  ProfileList,
  SignInEvent,
  SignInStarted,
  SignOutResult,
  Switched,
  SyncStatus,
  ValidationReport,
  VersionView,
  CreatedClientView,
  DecidedInstallation,
  InstallationRow,
  OAuthClientRow,
  PartnerAccountView,
  InstallLinkView,
} from './bindings';
import { toCommandError } from './errors';

export const SYNC_STATUS_EVENT = 'sync-status';
export const SIGN_IN_EVENT = 'sign-in';
export const SYNC_PROGRESS_EVENT = 'sync-progress';
export const NOTIFICATIONS_UNAVAILABLE_EVENT = 'notifications-unavailable';
export const OPEN_OUTCOME_EVENT = 'open-outcome';
export const OPEN_INSTALLATION_EVENT = 'open-installation';

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
    appListPainted: (page) => call<void>('app_list_painted', { page }),
    syncStatus: () => call<SyncStatus>('sync_status'),
    syncNow: () => call<SyncStatus>('sync_now'),
    versionIcon: (versionId) => call<string | null>('version_icon', { versionId }),
    openVersion: (versionId) => call<VersionView>('open_version', { versionId }),
    validateDraft: (versionId, draft) => call<ValidationReport>('validate_draft', { versionId, draft }),
    saveDraft: (versionId, base, draft) => call<Saved>('save_draft', { versionId, base, draft }),
    setIcon: (versionId, fileName, base64) => call<void>('set_icon', { versionId, fileName, base64 }),
    undoEdit: (versionId) => call<string | null>('undo_edit', { versionId }),
    localState: (versionId) => call<LocalState>('local_state', { versionId }),
    resolveConflict: (versionId, field, choice) => call<void>('resolve_conflict', { versionId, field, choice }),
    checkSubmission: (versionId, track) => call<SubmitCheck>('check_submission', { versionId, track }),
    queueReviewAction: (versionId, action, track) => call<void>('queue_review_action', { versionId, action, track }),
    retryHeld: (versionId) => call<number>('retry_held', { versionId }),
    discardChange: (versionId, changeId) => call<void>('discard_change', { versionId, changeId }),
    checkNewApp: (form) => call<FieldProblem[]>('check_new_app', { form }),
    createApp: (form) => call<string>('create_app', { form }),
    renameApp: (appId, name) => call<void>('rename_app', { appId, name }),
    editApp: (appId, form) => call<string[]>('edit_app', { appId, form }),
    createVersion: (appId) => call<string>('create_version', { appId }),
    deleteVersion: (versionId) => call<void>('delete_version', { versionId }),
    resolveId: (id) => call<string | null>('resolve_id', { id }),
    onSyncProgress: (listener) => listen<SyncProgress>(SYNC_PROGRESS_EVENT, (event) => listener(event.payload)),
    onSyncStatus: (listener) => listen<SyncStatus>(SYNC_STATUS_EVENT, (event) => listener(event.payload)),
    account: () => call<AccountView>('account'),
    startSignIn: (fileStore) => call<SignInStarted>('start_sign_in', { fileStore }),
    cancelSignIn: (attempt) => call<boolean>('cancel_sign_in', { attempt }),
    openSignInPage: (attempt) => call<void>('open_sign_in_page', { attempt }),
    signOut: () => call<SignOutResult>('sign_out'),
    onSignIn: (listener) => listen<SignInEvent>(SIGN_IN_EVENT, (event) => listener(event.payload)),
    copyText: (text) => call<void>('copy_text', { text }),
    profiles: () => call<ProfileList>('profiles'),
    switchProfile: (name) => call<Switched>('switch_profile', { name }),
    addProfile: (form) => call<ProfileList>('add_profile', { form }),
    keepDemo: () => call<ProfileList>('keep_demo'),
    previewSource: (versionId) => call<PreviewSource>('preview_source', { versionId }),
    openListingLink: (versionId, url) => call<void>('open_listing_link', { versionId, url }),
    versionTimeline: (versionId) => call<TimelineView>('version_timeline', { versionId }),
    notificationPrefs: () => call<NotificationPrefs>('notification_prefs'),
    setNotification: (kind, on) => call<NotificationPrefs>('set_notification', { kind, on }),
    unshownOutcomes: () => call<NotificationsUnavailable | null>('unshown_outcomes'),
    dismissUnshownOutcomes: () => call<void>('dismiss_unshown_outcomes'),
    onNotificationsUnavailable: (listener) =>
      listen<NotificationsUnavailable>(NOTIFICATIONS_UNAVAILABLE_EVENT, (event) => listener(event.payload)),
    onOpenOutcome: (listener) => listen<OpenOutcome>(OPEN_OUTCOME_EVENT, (event) => listener(event.payload)),
    onOpenInstallation: (listener) =>
      listen<OpenInstallation>(OPEN_INSTALLATION_EVENT, (event) => listener(event.payload)),
    installations: (appId) => call<InstallationRow[]>('installations', { appId }),
    decideInstallation: (appId, installationId, expect, decision, reason) =>
      call<DecidedInstallation>('decide_installation', { appId, installationId, expect, decision, reason }),
    oauthClients: () => call<OAuthClientRow[]>('oauth_clients'),
    oauthClientScopes: () => call<string[]>('oauth_client_scopes'),
    createOAuthClient: (name, scopes, redirectUris, grantTypes) =>
      call<CreatedClientView>('create_oauth_client', { name, scopes, redirectUris, grantTypes }),
    deleteOAuthClient: (clientId) => call<void>('delete_oauth_client', { clientId }),
    partnerAccount: () => call<PartnerAccountView>('partner_account'),
    installLink: (versionId) => call<InstallLinkView>('install_link', { versionId }),
    openCreditsHelp: () => call<void>('open_credits_help'),
  };
}
