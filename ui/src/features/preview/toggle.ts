// The preview pane's toggle: remembered across starts in localStorage, and its keyboard shortcut (Ctrl+P, Cmd+P on
// macOS, which would otherwise open the print dialog).
import { isMac } from '../sync/shortcut';

export const PREVIEW_OPEN_KEY = 'pwb.preview.open';
export const PREVIEW_TAB_KEY = 'pwb.preview.tab';

export type PreviewTab = 'card' | 'listing' | 'badges';
export const PREVIEW_TABS: readonly PreviewTab[] = ['card', 'listing', 'badges'];

/** localStorage, or null where it cannot be used (private modes, storage disabled). */
function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    storage()?.setItem(key, value);
  } catch {
    // Full or refused: the toggle still works for this window, it is just not remembered.
  }
}

export function readPreviewOpen(): boolean {
  return read(PREVIEW_OPEN_KEY) === 'true';
}

export function writePreviewOpen(open: boolean): void {
  write(PREVIEW_OPEN_KEY, String(open));
}

export function readPreviewTab(): PreviewTab {
  const tab = read(PREVIEW_TAB_KEY);
  return PREVIEW_TABS.includes(tab as PreviewTab) ? (tab as PreviewTab) : 'card';
}

export function writePreviewTab(tab: PreviewTab): void {
  write(PREVIEW_TAB_KEY, tab);
}

export function isPreviewShortcut(event: KeyboardEvent): boolean {
  if (event.altKey || event.shiftKey) return false;
  const isP = event.key === 'p' || event.key === 'P' || event.code === 'KeyP';
  return isP && (event.ctrlKey || event.metaKey);
}

/** The shortcut as the toggle's tooltip shows it. */
export function previewHint(platform: string): string {
  return isMac(platform) ? '⌘P' : 'Ctrl+P';
}
