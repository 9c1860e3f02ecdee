import { afterEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke }));

const { pickBackend } = await import('./index');

describe('pickBackend', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  });

  it('uses the in-memory demo backend in a plain browser', async () => {
    const backend = await pickBackend();

    const list = await backend.listApps();
    expect(list.apps.map((app) => app.display_name)).toContain('Acme CRM Connector');
    expect(invoke).not.toHaveBeenCalled();
  });

  it('uses Tauri IPC inside the desktop shell', async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    invoke.mockResolvedValue({ apps: [] });

    const backend = await pickBackend();

    await expect(backend.listApps()).resolves.toEqual({ apps: [] });
    expect(invoke).toHaveBeenCalledWith('list_apps', undefined);
  });
});
