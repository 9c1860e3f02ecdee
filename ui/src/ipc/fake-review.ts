// The review tracks' rules, re-told for the fake backend: which parts of a version are locked and which review
// actions are allowed, by the tracks' statuses. The real rules are `workbench_domain::edit_lock` and `transition`
// (tested there, and end to end by tests/desktop); the pack's freeze of icon and plans after a publish is not
// re-told here.
import type { ActionKind, Part, PartLock, ReviewActionView, ReviewStatus, Track } from './bindings';

const PART_TRACKS: Record<Part, Track[]> = {
  general: ['technical', 'marketplace'],
  technical: ['technical'],
  marketplace: ['marketplace'],
  subscription_plans: ['marketplace'],
  icon: ['marketplace'],
};

const PART_NAME: Record<Part, string> = {
  general: 'general section',
  technical: 'technical section',
  marketplace: 'marketplace section',
  subscription_plans: 'subscription plans',
  icon: 'icon',
};

const LABEL: Record<ReviewStatus, string> = {
  draft: 'Draft',
  in_review: 'In Review',
  approved: 'Approved',
  rejected: 'Rejected',
  available: 'Available',
  advertised: 'Advertised',
};

const editable = (status: ReviewStatus) => status === 'draft' || status === 'rejected';

function hint(status: ReviewStatus): string {
  if (status === 'in_review') return ' (withdraw the submission to edit)';
  if (status === 'available' || status === 'advertised') return ' (create a new version to edit)';
  return '';
}

export function fakeLocks(technical: ReviewStatus, marketplace: ReviewStatus): PartLock[] {
  const of: Record<Track, ReviewStatus> = { technical, marketplace };
  return (Object.keys(PART_TRACKS) as Part[]).map((part) => {
    const track = PART_TRACKS[part].find((t) => !editable(of[t]));
    return {
      part,
      locked_because: track
        ? `cannot change the ${PART_NAME[part]}: the ${track} review is ${LABEL[of[track]]}; content can change only while it is Draft or Rejected${hint(of[track])}`
        : null,
    };
  });
}

/** The status `action` on `track` leads to, or why it is refused. */
export function fakeTransition(
  technical: ReviewStatus,
  marketplace: ReviewStatus,
  action: ActionKind,
  track: Track,
): { to: ReviewStatus } | { refused: string } {
  const from = track === 'technical' ? technical : marketplace;
  const refused = { refused: `cannot ${action} the ${track} review while it is ${LABEL[from]}` };
  switch (action) {
    case 'submit':
      return editable(from) ? { to: 'in_review' } : refused;
    case 'withdraw':
      return from === 'in_review' ? { to: 'draft' } : refused;
    case 'make_available':
      return track === 'technical' && from === 'approved' ? { to: 'available' } : refused;
  }
}

const ACTIONS: [ActionKind, Track][] = [
  ['submit', 'technical'],
  ['withdraw', 'technical'],
  ['make_available', 'technical'],
  ['submit', 'marketplace'],
  ['withdraw', 'marketplace'],
];

export function fakeActions(technical: ReviewStatus, marketplace: ReviewStatus): ReviewActionView[] {
  return ACTIONS.map(([action, track]) => {
    const result = fakeTransition(technical, marketplace, action, track);
    return { action, track, refused_because: 'refused' in result ? result.refused : null };
  });
}

/**
 * Why no new version can follow `latest` (the app's newest), or null when one can: only after an Available one on the
 * technical review (`workbench_domain::lifecycle::can_follow`). An app without versions can always start one.
 */
export function fakeNewVersionBlocked(latest: { version_number: string; technical: ReviewStatus } | undefined): string | null {
  if (!latest || latest.technical === 'available') return null;
  return (
    `a new version can be created only when the latest one is Available; version ${latest.version_number} is ` +
    `${LABEL[latest.technical]} on the technical review`
  );
}

/** Why a version cannot be deleted, or null when it can: only a draft, on both tracks (`lifecycle::deletable`). */
export function fakeDeleteRefused(versionNumber: string, technical: ReviewStatus, marketplace: ReviewStatus): string | null {
  if (technical === 'draft' && marketplace === 'draft') return null;
  return (
    `only a draft can be deleted; version ${versionNumber}'s technical review is ${LABEL[technical]} and its ` +
    `marketplace review is ${LABEL[marketplace]}`
  );
}
