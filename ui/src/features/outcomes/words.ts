// How review events and outcomes read in the window.
import type { Decision, TimelineEvent, Track } from '../../ipc';

export const TRACK_WORD: Record<Track, string> = { technical: 'Technical', marketplace: 'Marketplace' };

/** "Submitted for technical review", "Technical review rejected, 2 issues", "Made available", … */
export function eventTitle(event: TimelineEvent): string {
  const track = event.track ? TRACK_WORD[event.track] : null;
  switch (event.kind) {
    case 'submitted':
      return track ? `Submitted for ${track.toLowerCase()} review` : 'Submitted for review';
    case 'withdrawn':
      return track ? `Withdrawn from ${track.toLowerCase()} review` : 'Withdrawn from review';
    case 'reviewed':
      return `${track ?? 'The'} review ${decisionWord(event.decision)}${issues(event.feedback.length)}`;
    case 'made_available':
      return 'Made available';
    case 'advertised':
      return 'Published on AppConnect';
  }
}

function decisionWord(decision: Decision | null): string {
  return decision === 'approved' ? 'approved' : decision === 'rejected' ? 'rejected' : 'decided';
}

function issues(n: number): string {
  return n === 0 ? '' : n === 1 ? ', 1 issue' : `, ${n} issues`;
}

/**
 * The events to show, with "In review" after a submission that no decision or withdrawal has followed yet on its
 * track (the feed records the submission; the review between is what the partner waits for).
 */
export type TimelineRow = { kind: 'event'; event: TimelineEvent } | { kind: 'in_review'; track: Track | null; since: string | null };

export function timelineRows(events: TimelineEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  events.forEach((event, i) => {
    rows.push({ kind: 'event', event });
    if (event.kind !== 'submitted') return;
    const settled = events
      .slice(i + 1)
      .some((later) => (later.kind === 'reviewed' || later.kind === 'withdrawn') && later.track === event.track);
    if (!settled) rows.push({ kind: 'in_review', track: event.track, since: event.at });
  });
  return rows;
}
