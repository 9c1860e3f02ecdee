// How the account screens put things in words, and the sign-in code's countdown.
import type { Access, AccountView } from '../../ipc';

/** How requests to the server are let in, as the account screen says it. */
export function describeAccess(access: Access): string {
  switch (access) {
    case 'account':
      return 'Signed in';
    case 'environment':
      return 'With the token in PWB_TOKEN';
    case 'demo':
      return 'Demo access to the embedded sandbox (not signed in)';
    case 'none':
      return 'Not signed in';
  }
}

/** A line under the access, saying what it means for the person. */
export function explainAccess(view: AccountView): string {
  switch (view.access) {
    case 'account':
      return `Requests to ${view.server} carry your account's token.`;
    case 'environment':
      return `Requests to ${view.server} carry the token in the PWB_TOKEN environment variable, not an account's.`;
    case 'demo':
      return 'The embedded sandbox lets this app in as its demo partner without signing in. Sign in to try the real flow.';
    case 'none':
      return `${view.server} wants you to sign in before it shows your apps. Your cached apps stay readable meanwhile.`;
  }
}

/** Milliseconds left until `expiresAt` (RFC 3339) at `now`; never negative, 0 when unreadable. */
export function remainingMs(expiresAt: string, now: number): number {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, at - now);
}

/** A countdown as "9:05", or "1:02:03" past an hour; seconds round up, so "0:00" means it is over. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`;
  return `${minutes}:${seconds}`;
}

/** The countdown in words for screen readers, e.g. "9 minutes 5 seconds". */
export function countdownWords(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  const parts = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds > 0 || minutes === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/**
 * How credits are added to the account: the two ways of the Partner Project FAQ §9 ("How Can I Add Credits to My
 * Account?"), and where, after Talkdesk's help page https://support.talkdesk.com/hc/en-us/articles/206633273-One-Time-Payments
 * (which the account screen's link opens). `pwb account` prints the same words (`workbench::live::CREDITS_WAYS`).
 */
export const CREDITS_WAYS: readonly string[] = [
  'On a contract with a talk time commitment: the account is funded automatically, using your preferred payment method.',
  'Paying by credit card: an automatic recharge or a one-time payment, each deducted from your credit card.',
];

/** Where credits are added, in the words of Talkdesk's help page on one-time payments. */
export const CREDITS_WHERE = 'In your Talkdesk account, as an administrator: Admin, Usage, Manage credits.';
