// How sync times read in the window.

function parse(iso: string | null): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:05" today, "3 Mar, 14:05" on another day (in the user's locale); null when unknown or unparseable. */
export function formatSyncTime(iso: string | null, now: Date = new Date()): string | null {
  const date = parse(iso);
  if (!date) return null;
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (sameDay(date, now)) return time;
  const day = date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
  return `${day}, ${time}`;
}

/** The full local date and time, for tooltips. */
export function formatFullTime(iso: string | null): string | null {
  const date = parse(iso);
  return date ? date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' }) : null;
}
