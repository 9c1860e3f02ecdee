// "Sync now" from the keyboard: Ctrl+R (Cmd+R on macOS) or F5, the keys that would otherwise reload the webview.

export function isSyncShortcut(event: KeyboardEvent): boolean {
  if (event.altKey) return false;
  if (event.key === 'F5') return true;
  const isR = event.key === 'r' || event.key === 'R' || event.code === 'KeyR';
  return isR && (event.ctrlKey || event.metaKey);
}

export function isMac(platform: string): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** The shortcut as the button's tooltip shows it, e.g. "Ctrl+R or F5". */
export function shortcutHint(platform: string): string {
  return isMac(platform) ? '⌘R or F5' : 'Ctrl+R or F5';
}

/** The platform string of this browser, for `shortcutHint`. */
export function currentPlatform(): string {
  if (typeof navigator === 'undefined') return '';
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return data?.platform || navigator.platform || navigator.userAgent;
}
