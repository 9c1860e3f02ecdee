// This file is generated from the Rust types in src-tauri/src/ipc by `cargo test -p partner-workbench`. Do not edit.

export type ReviewStatus = "draft" | "in_review" | "approved" | "rejected" | "available" | "advertised";

export type AppType = "standalone" | "atlas";

export type VersionRow = { id: string, version_number: string, technical: ReviewStatus, marketplace: ReviewStatus, has_icon: boolean, };

export type AppRow = { id: string, name: string, display_name: string, created_type: string, app_type: AppType, 
/**
 * The newest version that has an icon: the app's face in the list.
 */
icon_version_id: string | null, versions: Array<VersionRow>, };

export type AppList = { apps: Array<AppRow>, };

export type SyncState = "idle" | "syncing" | "offline" | "error";

export type SyncStatus = { state: SyncState, server: string | null, last_synced_at: string | null, message: string | null, };

export type ErrorCode = "cache" | "server_unreachable" | "server_error" | "malformed_reply" | "not_found" | "not_signed_in" | "internal";

export type CommandError = { code: ErrorCode, message: string, };
