// The installations screen's words: state labels in the order the filter lists them, and trial dates.
import type { InstallationState } from '../../ipc';

export const STATE_ORDER: InstallationState[] = [
  'pending',
  'installing',
  'completed',
  'timeout',
  'failed',
  'rejected',
  'suspended',
  'revoked',
];

/** A state as the filter and a row's details name it; a completed installation reads "Active", as its badge label does. */
export const STATE_FILTER_LABEL: Record<InstallationState, string> = {
  installing: 'Installing',
  pending: 'Pending your approval',
  timeout: 'Timed out',
  completed: 'Active',
  failed: 'Failed',
  rejected: 'Rejected',
  suspended: 'Suspended',
  revoked: 'Revoked',
};

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
