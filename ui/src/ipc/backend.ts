// The one way components reach the desktop backend. `tauri.ts` implements it over Tauri IPC,
// `fake.ts` in memory for the browser and for tests; components receive it through the app context.
import type {
  AccountView,
  ActionKind,
  AppFieldsForm,
  AppList,
  ConflictChoice,
  FieldProblem,
  NewAppForm,
  NewProfileForm,
  NotificationKind,
  NotificationPrefs,
  NotificationsUnavailable,
  OpenInstallation,
  OpenOutcome,
  TimelineView,
  LocalState,
  PreviewSource,
  Saved,
  SubmitCheck,
  SyncProgress,
  Track,
  ProfileList,
  SignInEvent,
  SignInStarted,
  SignOutResult,
  Switched,
  SyncStatus,
  ValidationReport,
  VersionForm,
  VersionView,
  CreatedClientView,
  InstallationDecisionKind,
  DecidedInstallation,
  InstallationRow,
  OAuthClientRow,
  PartnerAccountView,
  InstallLinkView,
  Waiting,
} from './bindings';

export type * from './bindings';

export interface Backend {
  /** The partner's apps from the local cache; instant, works offline. Versions come newest first. */
  listApps(): Promise<AppList>;
  /**
   * Tells the shell the window painted its first non-empty app list (it logs the time since start, once), with the
   * page's own start-up marks (`app/startup.ts`).
   */
  appListPainted(page: Record<string, number>): Promise<void>;
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
  /**
   * Saves the editor's `draft`: the changes it made to `base` (the content the editor last read or saved) go into
   * the cache with their outbox entry in one transaction; resolves only once committed. Rejects with `invalid_input`
   * (a number that is not one) or `locked` (the review track locks a part it changes), saving nothing.
   */
  saveDraft(versionId: string, base: VersionForm, draft: VersionForm): Promise<Saved>;
  /** Replaces the version's icon with a picked file (its bytes in base64); `validation_failed` lists the rules broken. */
  setIcon(versionId: string, fileName: string, base64: string): Promise<void>;
  /** Undoes the version's latest edit; resolves with what was undone, or null when there was nothing. */
  undoEdit(versionId: string): Promise<string | null>;
  /** The version's queued changes (held ones with why) and open conflicts. */
  localState(versionId: string): Promise<LocalState>;
  /**
   * Settles the conflict on `field`: keep mine, take theirs, or a value of the partner's own. A conflict on an app's own
   * field (`app.display_name`, one of `AppRow.conflicts`) is settled with the app's id in place of the version's.
   */
  resolveConflict(versionId: string, field: string, choice: ConflictChoice): Promise<void>;
  /** The submit panel's check of a track: the rules' errors left, or exactly what a submission sends. */
  checkSubmission(versionId: string, track: Track): Promise<SubmitCheck>;
  /** Queues a review action and starts a sync: sent at once when online, else when the server is back. */
  queueReviewAction(versionId: string, action: ActionKind, track: Track): Promise<void>;
  /** Lets the version's held changes be tried again, at once; resolves with how many. */
  retryHeld(versionId: string): Promise<number>;
  /**
   * Gives up one queued change (a content edit: all the version's unsent edits and conflicts). Given an app's id and its
   * `registration_change_id`, gives up the refused registration: the app and its versions leave the cache.
   */
  discardChange(versionId: string, changeId: string): Promise<void>;
  /** What is wrong with the **New app** form's fields as typed (`name`, `slug`, `display_name`, `created_type`); nothing is written. */
  checkNewApp(form: NewAppForm): Promise<FieldProblem[]>;
  /**
   * Registers an app: in the cache at once under a local id (`local-app-…`, its answer), sent at the next sync. Rejects
   * with `invalid_input` when a field is wrong or the cache has an app of that name, registering nothing.
   */
  createApp(form: NewAppForm): Promise<string>;
  /** Gives an app whose registration the server refused (its name taken) another name, sent at the next sync; `invalid_input` for a bad name. */
  renameApp(appId: string, name: string): Promise<void>;
  /**
   * Changes an app's own fields (display name, vendor, slug, type, where it shows; its name is fixed) to the form's: in
   * the cache at once, sent at the next sync, which merges them three ways with the server's (a field changed
   * differently there too keeps the partner's value and becomes one of the app's `conflicts`, settled with
   * `resolveConflict(appId, 'app.FIELD', choice)`; nothing of the app's fields is sent until then). Resolves with the
   * fields it changed (`app.display_name`, …), none when the app had those values already (nothing queued). Rejects
   * with `invalid_input` for a bad value (`not changed: app.slug must not be empty`), changing nothing.
   */
  editApp(appId: string, form: AppFieldsForm): Promise<string[]>;
  /**
   * Starts the app's next version: a copy of the latest, which must be Available (technical review), or an empty 1.0.0
   * for an app without versions. In the cache at once under a local id (`local-ver-…`, its answer, to open in the
   * editor), sent at the next sync; `invalid_input` with the reason when the latest is not Available.
   */
  createVersion(appId: string): Promise<string>;
  /**
   * Deletes a draft version (both tracks Draft): at once when the server never had it, else at the next sync (gone from
   * the list now). Rejects with `invalid_input` and the reason for any other version.
   */
  deleteVersion(versionId: string): Promise<void>;
  /** The server's id of an app or version made here under the local `id`, once a sync sent it; null until then. */
  resolveId(id: string): Promise<string | null>;
  /** Subscribes to the "sync-progress" event (stage, n of m); resolves with the function that unsubscribes. */
  onSyncProgress(listener: (progress: SyncProgress) => void): Promise<() => void>;
  /** Subscribes to the "sync-status" event; resolves with the function that unsubscribes. */
  onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void>;
  /** Who is signed in to which server, how requests are let in, and where the tokens are kept. */
  account(): Promise<AccountView>;
  /**
   * Starts signing in to the app's server: the user code and pages (device flow), or the browser's page (PKCE).
   * How it ends arrives as a "sign-in" event. Rejects with `no_keyring` when no keyring works; only then, and only
   * when the person chooses it, `fileStore` keeps the tokens in a file instead.
   */
  startSignIn(fileStore: boolean): Promise<SignInStarted>;
  /** Stops a sign-in that is still waiting; resolves with whether it was. */
  cancelSignIn(attempt: number): Promise<boolean>;
  /** Opens the verification page of sign-in `attempt` in the browser (the backend knows the page). */
  openSignInPage(attempt: number): Promise<void>;
  /** Revokes and deletes the tokens; the cache stays. */
  signOut(): Promise<SignOutResult>;
  /** Subscribes to the "sign-in" event; resolves with the function that unsubscribes. */
  onSignIn(listener: (event: SignInEvent) => void): Promise<() => void>;
  /** Puts `text` on the system clipboard; the shell writes it, since the window has no clipboard access of its own. */
  copyText(text: string): Promise<void>;
  /** The profile this window works with, and every profile with whether it is signed in. */
  profiles(): Promise<ProfileList>;
  /**
   * Switches the window to profile `name`, as a start does: its own cache at once (the answer's status), a sync in
   * the background. Rejects with `busy` while a sign-in is waiting, `not_found` for an unknown profile.
   */
  switchProfile(name: string): Promise<Switched>;
  /** Adds a custom profile (server URL, and issuer, client id, scopes when signing in elsewhere); the window stays on its profile. `invalid_input` for a bad name or URL, adding nothing. */
  addProfile(form: NewProfileForm): Promise<ProfileList>;
  /** The first start's **Try the demo**: records the embedded sandbox as the active profile; `welcome` is false afterwards. */
  keepDemo(): Promise<ProfileList>;
  /**
   * What the preview needs besides the draft: the vendor (the app's `created_type`), the server's copy as last synced
   * (null when the server never had the version) and whether the icon changed since. Rejects with `not_found`.
   */
  previewSource(versionId: string): Promise<PreviewSource>;
  /**
   * Opens a link of the listing (http, https or mailto) outside the app, only when the URL appears in the version's
   * cached content (a link of the description, a declared URL or asset, the support URL); else rejects with
   * `invalid_input`. The window never navigates to partner links itself.
   */
  openListingLink(versionId: string, url: string): Promise<void>;
  /** A cached version's review timeline (oldest first) with when the server was last checked; `not_found` if not cached. */
  versionTimeline(versionId: string): Promise<TimelineView>;
  /** Which kinds of review outcome, and whether customers' requests, get a desktop notification. */
  notificationPrefs(): Promise<NotificationPrefs>;
  /** Turns one kind of notification on or off; resolves with the settings now in force. */
  setNotification(kind: NotificationKind, on: boolean): Promise<NotificationPrefs>;
  /** The outcomes the desktop could not show since the banner was last dismissed (the events may have come before the window listened); null for none. */
  unshownOutcomes(): Promise<NotificationsUnavailable | null>;
  /** The partner dismissed the banner: the backend forgets the outcomes it listed. */
  dismissUnshownOutcomes(): Promise<void>;
  /** Subscribes to "notifications-unavailable": the desktop could not show these outcomes; resolves with the unsubscribe. */
  onNotificationsUnavailable(listener: (event: NotificationsUnavailable) => void): Promise<() => void>;
  /** Subscribes to "open-outcome": the partner chose a notification; resolves with the unsubscribe. */
  onOpenOutcome(listener: (event: OpenOutcome) => void): Promise<() => void>;
  /**
   * Subscribes to "open-installation": the partner chose the notification of a customer's request (an installation to
   * confirm, an update to accept); resolves with the unsubscribe.
   */
  onOpenInstallation(listener: (event: OpenInstallation) => void): Promise<() => void>;
  /**
   * The app's installations, live from the server (never cached), each with the badge its customer sees. Rejects with
   * `server_unreachable` offline.
   */
  installations(appId: string): Promise<InstallationRow[]>;
  /**
   * Decides what an installation waits for (`InstallationRow.waiting`): confirms or rejects an installing one, or
   * accepts or rejects its update. `expect` is what the window showed waiting: the backend refuses (`invalid_input`,
   * nothing decided) when the installation waits for something else, or nothing, now. A rejection needs a reason the
   * customer sees (`invalid_input` without one, nothing sent). Resolves with the installation's id, account and state
   * (its row, with badges, comes with the list read again).
   */
  decideInstallation(
    appId: string,
    installationId: string,
    expect: Waiting,
    decision: InstallationDecisionKind,
    reason: string | null,
  ): Promise<DecidedInstallation>;
  /** The partner's OAuth API clients, live. */
  oauthClients(): Promise<OAuthClientRow[]>;
  /** The Talkdesk API scopes a client may be given (the catalogue of Talkdesk's published scopes). */
  oauthClientScopes(): Promise<string[]>;
  /**
   * Creates a client for the Talkdesk APIs; the answer holds its secret, the only time it is shown: keep it nowhere.
   * Redirect URIs are https (or http on loopback); no grant types means client_credentials.
   */
  createOAuthClient(name: string, scopes: string[], redirectUris: string[], grantTypes: string[]): Promise<CreatedClientView>;
  deleteOAuthClient(clientId: string): Promise<void>;
  /** The partner's licenses and credit balance, live. */
  partnerAccount(): Promise<PartnerAccountView>;
  /** A version's private install link, to test it (FAQ §14), asked of the server; none for a version not sent yet. */
  installLink(versionId: string): Promise<InstallLinkView>;
  /**
   * Opens Talkdesk's help page on adding credits (FAQ §9) in the browser: the shell's one fixed address
   * (`credits_help_url` shows it), so the window names nothing to open.
   */
  openCreditsHelp(): Promise<void>;
}
