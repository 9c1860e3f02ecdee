// Small builders for test data, so each test states only what it is about.
import { render } from '@testing-library/svelte';
import App from '../App.svelte';
import type { AppRow, ReviewStatus, SyncStatus, VersionRow } from '../ipc';
import { serverApp } from '../ipc/demo-data';
import { createFakeBackend, type FakeOptions } from '../ipc/fake';

export function version(id: string, versionNumber: string, technical: ReviewStatus, marketplace: ReviewStatus): VersionRow {
  return { id, version_number: versionNumber, technical, marketplace, has_icon: false, unsent: 0, held: 0, conflicts: 0, not_sent: false };
}

export function app(id: string, displayName: string, versions: VersionRow[], overrides: Partial<AppRow> = {}): AppRow {
  return {
    ...serverApp({
      id,
      name: id,
      slug: id,
      display_name: displayName,
      created_type: 'Acme Corp',
      app_type: 'standalone',
      render: 'portal',
      icon_version_id: null,
      versions,
    }),
    ...overrides,
  };
}

export const SERVER = 'http://127.0.0.1:8787';

export function status(state: SyncStatus['state'], overrides: Partial<SyncStatus> = {}): SyncStatus {
  return { state, server: SERVER, last_synced_at: '2025-03-04T09:30:00Z', message: null, pending: 0, held: 0, conflicts: 0, ...overrides };
}

/** Mounts the whole window against a fake backend built from `options`. */
export function renderApp(options: FakeOptions = {}) {
  const backend = createFakeBackend(options);
  const result = render(App, { props: { backend } });
  return { backend, ...result };
}
