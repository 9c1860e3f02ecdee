// The words the window uses for review statuses, tracks, app types and where an app shows (the labels Partner Project shows).
import type { AppType, RenderKind, ReviewStatus } from '../../ipc';

export type Track = 'technical' | 'marketplace';

export const STATUS_LABEL: Record<ReviewStatus, string> = {
  draft: 'Draft',
  in_review: 'In Review',
  approved: 'Approved',
  rejected: 'Rejected',
  available: 'Available',
  advertised: 'Advertised',
};

export const TRACK_LABEL: Record<Track, string> = {
  technical: 'Technical',
  marketplace: 'Marketplace',
};

export const APP_TYPE_LABEL: Record<AppType, string> = {
  standalone: 'Standalone',
  atlas: 'Atlas',
};

/** The first letter of a name, for the icon placeholder. */
export function initial(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toLocaleUpperCase() : '?';
}

export const RENDER_LABEL: Record<RenderKind, string> = {
  portal: 'Portal',
  canvas: 'Canvas',
};
