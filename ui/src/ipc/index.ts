// Chooses the backend: Tauri's when running inside the desktop shell, otherwise the in-memory fake
// (plain browser during `npm run dev`). Each is a separate chunk, so the desktop build never loads demo data.
import type { Backend } from './backend';

export type { Backend } from './backend';
export type * from './bindings';
export { toCommandError } from './errors';
export { appFieldOf, appFieldsOf, type AppField } from './app-fields';

export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export async function pickBackend(): Promise<Backend> {
  if (isTauri()) {
    const { createTauriBackend } = await import('./tauri');
    return createTauriBackend();
  }
  const { createDemoBackend } = await import('./fake');
  return createDemoBackend(window.location.search);
}
