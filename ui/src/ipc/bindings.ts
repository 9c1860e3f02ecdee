// This file is generated from the Rust types in src-tauri/src/ipc by `cargo test -p partner-workbench`. Do not edit.

export type ReviewStatus = "draft" | "in_review" | "approved" | "rejected" | "available" | "advertised";

export type AppType = "standalone" | "atlas";

export type RenderKind = "portal" | "canvas";

export type NewAppForm = { 
/**
 * The unique identifier.
 */
name: string, 
/**
 * Empty: the name.
 */
slug: string, display_name: string, 
/**
 * The vendor: the partner's company name.
 */
created_type: string, app_type: AppType, render: RenderKind, };

export type AppFieldsForm = { slug: string, display_name: string, 
/**
 * The vendor: the partner's company name.
 */
created_type: string, app_type: AppType, render: RenderKind, };

export type FieldProblem = { field: string, message: string, };

export type VersionRow = { id: string, version_number: string, technical: ReviewStatus, marketplace: ReviewStatus, has_icon: boolean, 
/**
 * Its changes waiting to be sent, of which `held` the server refused for good.
 */
unsent: number, held: number, 
/**
 * Its fields changed differently here and on the server, waiting for the partner.
 */
conflicts: number, 
/**
 * Started here and not on the server yet: its id is a local one until the next sync.
 */
not_sent: boolean, };

export type AppRow = { id: string, name: string, display_name: string, created_type: string, app_type: AppType, 
/**
 * The newest version that has an icon: the app's face in the list.
 */
icon_version_id: string | null, versions: Array<VersionRow>, 
/**
 * Registered here and not on the server yet: its id is a local one until the next sync.
 */
not_sent: boolean, 
/**
 * Why the server refused its registration for good (its name taken): rename or discard it.
 */
registration_refused: string | null, 
/**
 * The id of that refused registration's queued change, for **Discard**.
 */
registration_change_id: string | null, 
/**
 * Why no new version can start now (the latest is not Available); `None`: **New version**.
 */
new_version_blocked: string | null, 
/**
 * Changes of its own fields waiting to be sent (its registration too, when `not_sent`),
 * of which `held` the server refused for good.
 */
unsent: number, held: number, slug: string, render: RenderKind, 
/**
 * Its own fields (`app.display_name`, ...) changed differently here and on the server,
 * waiting for the partner (settled with `resolve_conflict`, the app's id for the version's).
 */
conflicts: Array<ConflictView>, };

export type AppList = { apps: Array<AppRow>, };

export type SyncState = "idle" | "syncing" | "offline" | "error" | "not_signed_in";

export type SyncStatus = { state: SyncState, server: string | null, last_synced_at: string | null, message: string | null, 
/**
 * Local changes waiting to be sent, of which `held` the server refused for good.
 */
pending: number, held: number, 
/**
 * Fields waiting for the partner to settle a conflict.
 */
conflicts: number, };

export type UrlKind = "redirect_uri" | "installation_subscription" | "launch_url" | "privacy_policy" | "terms_of_service" | "app_source";

export type AssetKind = "icon" | "screenshot" | "video";

export type PlanKind = "trial" | "paid";

export type LicenseKind = "individual" | "universal";

export type EmailForm = { 
/**
 * What the address is notified about, for example `technical` or `billing`.
 */
type: string, email: string, };

export type UrlForm = { type: UrlKind, url: string, };

export type AssetForm = { type: AssetKind, description: string, url: string, };

export type SupportForm = { email: string, phone: string, url: string, };

export type PlanForm = { type: PlanKind, license_type: LicenseKind, name: string, 
/**
 * Minor units (cents) per seat or per account per month, as typed.
 */
price: string, 
/**
 * ISO 4217 code.
 */
currency: string, description: string, listing_summary: string, min_licenses: string, max_licenses: string, 
/**
 * Empty: no trial length given.
 */
trial_days: string, };

export type GeneralForm = { display_name: string, slug: string, notes: string, emails: Array<EmailForm>, };

export type TechnicalForm = { scopes: Array<string>, scopes_reason: string, urls: Array<UrlForm>, manually_provisioned: boolean, };

export type MarketplaceForm = { listing_summary: string, description: string, categories: Array<string>, assets: Array<AssetForm>, urls: Array<UrlForm>, support: SupportForm, };

export type VersionForm = { general: GeneralForm, technical: TechnicalForm, marketplace: MarketplaceForm, subscription_types: Array<PlanForm>, };

export type Track = "technical" | "marketplace";

export type Part = "general" | "technical" | "marketplace" | "subscription_plans" | "icon";

export type PartLock = { part: Part, 
/**
 * `None`: editable.
 */
locked_because: string | null, };

export type ActionKind = "submit" | "withdraw" | "make_available";

export type ReviewActionView = { action: ActionKind, track: Track, 
/**
 * `None`: allowed now.
 */
refused_because: string | null, };

export type VersionView = { app_id: string, 
/**
 * The app's display name.
 */
app_name: string, version_id: string, version_number: string, technical: ReviewStatus, marketplace: ReviewStatus, has_icon: boolean, content: VersionForm, 
/**
 * The marketplace categories of the rules pack in force, for the category picker.
 */
known_categories: Array<string>, 
/**
 * Every part of the content with why it cannot be edited now, if it cannot.
 */
locks: Array<PartLock>, 
/**
 * The partner's review actions with why each is refused now, if it is.
 */
actions: Array<ReviewActionView>, };

export type Saved = { 
/**
 * `false`: the cache had this content already; nothing was queued.
 */
changed: boolean, fields: Array<string>, 
/**
 * Changes waiting to be sent, of every version.
 */
pending: number, 
/**
 * The version's content in the cache now: the draft, with whatever a sync merged in since
 * the editor read it.
 */
content: VersionForm, };

export type ChangeKind = "edit" | "icon" | "submit" | "withdraw" | "make_available" | "create_app" | "create_version" | "delete_version" | "edit_app";

export type QueuedChange = { 
/**
 * The outbox entry's id, as text (it is a 64-bit integer).
 */
id: string, kind: ChangeKind, 
/**
 * The track of a submission or withdrawal.
 */
track: Track | null, 
/**
 * An edit's summary (`set general.display_name`, `edit`).
 */
summary: string | null, created_at: string, attempts: number, 
/**
 * Why the last attempt failed.
 */
last_error: string | null, 
/**
 * Refused by the server for a reason a retry cannot fix: waits for Retry or Discard.
 */
held: boolean, 
/**
 * The open conflicts (their fields, like `marketplace.listing_summary`) this change waits
 * on: it is sent once they are settled. Empty: it goes at the next sync (a conflict holds
 * back only the changes of its section, the icon only the icon's, and review actions all).
 */
waits_on: Array<string>, };

export type ValueForm = "text" | "json";

export type ConflictView = { 
/**
 * The field's path, like `general.display_name` or `subscription_types[Pro].price`.
 */
field: string, form: ValueForm, base: string, mine: string, theirs: string, detected_at: string, };

export type LocalState = { conflicts: Array<ConflictView>, queued: Array<QueuedChange>, };

export type ConflictChoice = { "kind": "keep_mine" } | { "kind": "take_theirs" } | { "kind": "value", text: string, };

export type SubmissionPreview = { 
/**
 * The content as pretty-printed JSON.
 */
json: string, 
/**
 * SHA-256 of `json`, in hex.
 */
sha256: string, icon_sha256: string | null, };

export type SubmitCheck = { track: Track, 
/**
 * The rules' errors left (`field (rule): message`): none, or it cannot be submitted.
 */
problems: Array<string>, 
/**
 * What would be submitted; `None` while problems remain.
 */
preview: SubmissionPreview | null, };

export type SyncStage = "sending" | "receiving";

export type SyncProgress = { stage: SyncStage, done: number, total: number, };

export type Severity = "error" | "warning" | "info";

export type RuleSource = { "kind": "faq", section: string, quote: string, } | { "kind": "page", url: string, quote: string, } | { "kind": "house", reason: string, safety: boolean, };

export type Diagnostic = { 
/**
 * The rule's id, for example `listing.required`; `form.whole_number` for the form's own check.
 */
rule: string, severity: Severity, 
/**
 * The field it points at, for example `general.display_name` or `subscription_types[1].price`.
 */
field: string, message: string, 
/**
 * Where the rule comes from ("why this rule"); `null` for the form's own check.
 */
source: RuleSource | null, };

export type NotChecked = { rule: string, reason: string, };

export type Suppressed = { rule: string, field: string, reason: string, };

export type NotApplied = { rule: string, field: string | null, why: string, };

export type ValidationReport = { 
/**
 * The version of the rules pack the draft was checked against.
 */
pack_version: string, 
/**
 * The form's own problems first, then the engine's, in the pack's rule order.
 */
diagnostics: Array<Diagnostic>, not_checked: Array<NotChecked>, suppressed: Array<Suppressed>, not_applied: Array<NotApplied>, };

export type PreviewSource = { vendor: string, live: VersionForm | null, icon_changed: boolean, };

export type Access = "account" | "environment" | "demo" | "none";

export type TokenVault = "secret_service" | "kernel_keyring" | "file";

export type SignedInAccount = { 
/**
 * The server signed in to, as a person reads it.
 */
server: string, 
/**
 * Whether that is the server this window works with (an account of another server is not
 * used here, and can only be signed out of).
 */
current_server: boolean, scopes: Array<string>, 
/**
 * RFC 3339.
 */
signed_in_at: string, vault: TokenVault, 
/**
 * Where the tokens are kept, in words.
 */
token_kept_in: string, };

export type AccountView = { 
/**
 * The server this window works with, as a person reads it.
 */
server: string, 
/**
 * Whether that is the sandbox embedded in the app.
 */
embedded: boolean, 
/**
 * How its requests are let in now.
 */
access: Access, account: SignedInAccount | null, 
/**
 * Where this app keeps its settings and its log, when the platform has such folders.
 */
folders: Folders | null, };

export type Folders = { settings_file: string, 
/**
 * The folder of the log files, a file a day.
 */
log_folder: string, 
/**
 * The data root: a data folder per profile under it.
 */
data_folder: string, };

export type SignInStarted = { "method": "device", 
/**
 * Tells this sign-in's events from those of an earlier one.
 */
attempt: number, server: string, 
/**
 * The code to type on the verification page, like `WDJB-MJHT`.
 */
user_code: string, verification_uri: string, 
/**
 * The page with the code filled in, when the server gives one.
 */
verification_uri_complete: string | null, 
/**
 * A QR code of `verification_uri_complete`, as a `data:image/svg+xml` URL.
 */
qr_code: string | null, 
/**
 * RFC 3339: when the code stops working.
 */
expires_at: string, } | { "method": "browser", attempt: number, server: string, 
/**
 * The authorization page, to open again or copy if the browser did not come up.
 */
authorize_url: string, };

export type SignInState = "signed_in" | "denied" | "expired" | "failed";

export type SignInEvent = { attempt: number, state: SignInState, 
/**
 * For people: what happened and what to do.
 */
message: string | null, 
/**
 * The account when signed in.
 */
account: AccountView | null, };

export type SignOutResult = { was_signed_in: boolean, 
/**
 * Why the server could not be told to revoke the tokens, if it could not; they are deleted
 * here all the same.
 */
not_revoked: string | null, 
/**
 * The account screen after it.
 */
account: AccountView, };

export type ProfileKind = "sandbox" | "region" | "custom" | "server";

export type CurrentProfile = { name: string, kind: ProfileKind, 
/**
 * Its server, as a person reads it.
 */
server: string, 
/**
 * The environment variable that chose it at start, like `PWB_PROFILE=eu`; `null` when the
 * window opened the active profile.
 */
chosen_by: string | null, };

export type ProfileRow = { name: string, kind: ProfileKind, 
/**
 * Its server, as a person reads it.
 */
server: string, 
/**
 * The one this window works with.
 */
current: boolean, 
/**
 * The active one recorded in the settings, which `pwb` uses and the app opens at start.
 */
active: boolean, 
/**
 * An account is signed in to its server.
 */
signed_in: boolean, 
/**
 * Why its sign-in state cannot be read, when it cannot.
 */
problem: string | null, 
/**
 * The authorization server's issuer, when partners sign in elsewhere than the server.
 */
issuer: string | null, 
/**
 * The OAuth client it signs in as.
 */
client_id: string, 
/**
 * The scopes it asks for; `null`: every scope of the API.
 */
scopes: Array<string> | null, };

export type ProfileList = { current: CurrentProfile, 
/**
 * `sandbox`, the regions, then the custom profiles by name.
 */
profiles: Array<ProfileRow>, 
/**
 * The first start on this machine: the window offers the demo or a Talkdesk sign-in.
 */
welcome: boolean, };

export type NewProfileForm = { name: string, 
/**
 * The server's base URL.
 */
url: string, 
/**
 * Blank: sign in on the server itself.
 */
issuer: string, 
/**
 * Blank: this tool's public client.
 */
client_id: string, 
/**
 * Separated by spaces; blank: every scope of the API.
 */
scopes: string, };

export type Switched = { profiles: ProfileList, status: SyncStatus, };

export type Decision = "approved" | "rejected";

export type Feedback = { field: string, message: string, rule: string | null, };

export type TimelineKind = "submitted" | "withdrawn" | "reviewed" | "made_available" | "advertised";

export type TimelineEvent = { kind: TimelineKind, 
/**
 * RFC 3339, when the server did it.
 */
at: string | null, track: Track | null, decision: Decision | null, feedback: Array<Feedback>, };

export type TimelineView = { version_id: string, events: Array<TimelineEvent>, last_checked_at: string | null, };

export type OutcomeView = { app_id: string, app_name: string, version_id: string, version_number: string, track: Track, decision: Decision, feedback: Array<Feedback>, at: string | null, 
/**
 * "Acme CRM 1.3: technical review rejected, 2 issues"
 */
summary: string, 
/**
 * One line per feedback entry: "field: message".
 */
body: string, 
/**
 * Talkdesk published the version on AppConnect (not a review decision).
 */
published: boolean, };

export type NotificationsUnavailable = { reason: string, outcomes: Array<OutcomeView>, };

export type OpenOutcome = { app_id: string, version_id: string, summary: string, feedback: Array<Feedback>, };

export type OpenInstallation = { app_id: string, installation_id: string, summary: string, };

export type NotificationKind = "approved" | "rejected" | "requests";

export type NotificationPrefs = { approved: boolean, rejected: boolean, requests: boolean, };

export type InstallationState = "installing" | "timeout" | "completed" | "failed" | "rejected" | "suspended" | "revoked";

export type UpdateState = "updating" | "failed";

export type Waiting = "installation" | "update";

export type Badge = "failed_update" | "failed_installation" | "updating" | "upgrade_available" | "trial_expired" | "installing" | "manually_provisioned";

export type BadgeView = { shown: Badge | null, 
/**
 * The manually provisioned mark, drawn beside Installing or Trial Expired (FAQ §16).
 */
beside: Array<Badge>, covered: Array<Badge>, label: string, dimmed: boolean, gear: boolean, force_uninstall: boolean, };

export type InstallationRow = { id: string, account_name: string, version_id: string, 
/**
 * The installed version's number, when the cache knows that version.
 */
version_number: string | null, state: InstallationState, 
/**
 * An update waiting for the partner (`updating`) or one that failed to roll back.
 */
update: UpdateState | null, 
/**
 * What the installation waits for the partner to decide, if anything.
 */
waiting: Waiting | null, 
/**
 * What to do about it, when only someone else can act (a Failed Update needs Talkdesk).
 */
help: string | null, plan: string | null, licenses: number, 
/**
 * RFC 3339.
 */
trial_start: string | null, trial_end: string | null, 
/**
 * Why the partner rejected it.
 */
reason: string | null, badges: BadgeView, };

export type DecidedInstallation = { id: string, account_name: string, state: InstallationState, };

export type InstallationDecisionKind = "approve" | "reject";

export type OAuthClientRow = { id: string, name: string, 
/**
 * Talkdesk API scopes, from the catalogue.
 */
scopes: Array<string>, 
/**
 * https, or http on loopback; empty for a client-credentials client.
 */
redirect_uris: Array<string>, grant_types: Array<string>, 
/**
 * RFC 3339.
 */
created_at: string, };

export type CreatedClientView = { client: OAuthClientRow, secret: string, };

export type PartnerAccountView = { licenses_total: number, licenses_used: number, 
/**
 * Of the total, those that came free with the developer account.
 */
licenses_free_developer: number, licenses_available: number, 
/**
 * The balance, formatted from its minor units with its currency's prefix: "$25.00".
 */
credits: string, 
/**
 * ISO 4217.
 */
currency: string, 
/**
 * Talkdesk's help page on adding credits (FAQ §9), to show as text: `open_credits_help`
 * opens it, and the window cannot name another address to open.
 */
credits_help_url: string, };

export type InstallLinkView = { version_id: string, 
/**
 * To show as text and copy: the window opens nothing from it.
 */
url: string, 
/**
 * Any Talkdesk account, or only the partner's own developer account (until the technical
 * review approves the version).
 */
any_account: boolean, 
/**
 * `workbench_domain::lifecycle::InstallableOn::describe`.
 */
who: string, };

export type ErrorCode = "cache" | "server_unreachable" | "server_error" | "malformed_reply" | "not_found" | "not_signed_in" | "sign_in" | "no_keyring" | "keyring" | "invalid_input" | "locked" | "validation_failed" | "busy" | "internal";

export type CommandError = { code: ErrorCode, message: string, };
