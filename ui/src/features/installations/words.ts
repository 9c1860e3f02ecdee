// The installations screen's words: state labels in the order the filter lists them, what waits for the partner, what
// a decision did, and trial dates.
import type { InstallationDecisionKind, InstallationState, UpdateState, Waiting } from '../../ipc';

export const STATE_ORDER: InstallationState[] = [
  'installing',
  'completed',
  'timeout',
  'failed',
  'rejected',
  'suspended',
  'revoked',
];

/**
 * A state as the filter and a row's details name it; a completed installation reads "Active", as its badge label does,
 * and an installing one waits for the partner to confirm it (FAQ §16: "a pending installation waiting for partner
 * confirmation").
 */
export const STATE_FILTER_LABEL: Record<InstallationState, string> = {
  installing: 'Waiting for your confirmation',
  timeout: 'Timed out',
  completed: 'Active',
  failed: 'Failed',
  rejected: 'Rejected',
  suspended: 'Suspended',
  revoked: 'Revoked',
};

/** An installation's update as a row's details name it: one waiting for the partner, or one only Talkdesk can recover. */
export const UPDATE_LABEL: Record<UpdateState, string> = {
  updating: 'update waiting for you',
  failed: 'update failed',
};

/** "1 customer is waiting for you", "2 customers are waiting for you". */
export function waitingText(count: number): string {
  return count === 1 ? '1 customer is waiting for you' : `${count} customers are waiting for you`;
}

/** What a decision did, for the screen's note: "Confirmed the installation in Initech Care." */
export function decidedText(expect: Waiting, decision: InstallationDecisionKind, accountName: string): string {
  if (expect === 'installation') {
    return `${decision === 'approve' ? 'Confirmed' : 'Rejected'} the installation in ${accountName}.`;
  }
  return `${decision === 'approve' ? 'Accepted' : 'Rejected'} the update of ${accountName}.`;
}

/** "2 Mar 2026 – 1 Apr 2026", "ends 1 Apr 2026", or "—" without a trial. Dates in UTC, as the server gives them. */
export function trialText(start: string | null, end: string | null): string {
  const day = (text: string) => {
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) return text;
    return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  };
  if (start && end) return `${day(start)} – ${day(end)}`;
  if (end) return `ends ${day(end)}`;
  if (start) return `from ${day(start)}`;
  return '—';
}
