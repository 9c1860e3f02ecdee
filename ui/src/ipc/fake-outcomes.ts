// The fake's review outcomes: each version's timeline, the per-kind notification settings, and the three events the
// shell sends about notifications ("notifications-unavailable", "open-outcome", "open-installation"), which tests
// deliver by hand.
import type {
  CommandError,
  NotificationKind,
  NotificationPrefs,
  NotificationsUnavailable,
  OpenInstallation,
  OpenOutcome,
  TimelineView,
} from './bindings';

export interface FakeOutcomesOptions {
  /** Each version's timeline, by version id; a known version without one has no events. */
  timelines?: Record<string, TimelineView>;
  /** The notification settings at first; every kind on by default. */
  notificationPrefs?: NotificationPrefs;
  /** Outcomes the shell could not show before the window started listening; none by default. */
  unshown?: NotificationsUnavailable | null;
}

export interface FakeOutcomesControls {
  /** Delivers a "notifications-unavailable" event, as the shell does when the desktop cannot show a notification: the
   *  event's outcomes join those kept, and the listeners get the whole kept list. */
  emitNotificationsUnavailable(event: NotificationsUnavailable): void;
  /** Delivers an "open-outcome" event, as the shell does when the partner chooses a notification. */
  emitOpenOutcome(event: OpenOutcome): void;
  /** Delivers an "open-installation" event, as the shell does when the partner chooses a customer's request. */
  emitOpenInstallation(event: OpenInstallation): void;
}

/** The demo's timelines (`npm run dev`): Northwind 1.1.0 was rejected with feedback; 1.0.0 went all the way. */
export const DEMO_TIMELINES: Record<string, TimelineView> = {
  'ver-nw-110': {
    version_id: 'ver-nw-110',
    last_checked_at: null,
    events: [
      { kind: 'submitted', at: '2026-11-20T09:12:00Z', track: 'technical', decision: null, feedback: [] },
      {
        kind: 'reviewed',
        at: '2026-11-21T15:40:00Z',
        track: 'technical',
        decision: 'rejected',
        feedback: [
          { field: 'technical.scopes_reason', message: 'Explain why the app needs each scope it asks for.', rule: null },
          { field: 'general.display_name', message: 'Use the name shown on AppConnect, without a version number.', rule: null },
        ],
      },
    ],
  },
  'ver-nw-100': {
    version_id: 'ver-nw-100',
    last_checked_at: null,
    events: [
      { kind: 'submitted', at: '2026-09-02T10:00:00Z', track: 'technical', decision: null, feedback: [] },
      { kind: 'reviewed', at: '2026-09-03T11:30:00Z', track: 'technical', decision: 'approved', feedback: [] },
      { kind: 'made_available', at: '2026-09-03T12:00:00Z', track: 'technical', decision: null, feedback: [] },
      { kind: 'submitted', at: '2026-09-04T08:00:00Z', track: 'marketplace', decision: null, feedback: [] },
      { kind: 'reviewed', at: '2026-09-06T16:20:00Z', track: 'marketplace', decision: 'approved', feedback: [] },
      { kind: 'advertised', at: '2026-09-07T09:00:00Z', track: 'marketplace', decision: null, feedback: [] },
    ],
  },
};

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createFakeOutcomes(
  options: FakeOutcomesOptions,
  knows: (versionId: string) => boolean,
  lastCheckedAt: () => string | null,
) {
  const timelines = copy(options.timelines ?? {});
  let prefs: NotificationPrefs = copy(options.notificationPrefs ?? { approved: true, rejected: true, requests: true });
  const unavailable = new Set<(event: NotificationsUnavailable) => void>();
  const open = new Set<(event: OpenOutcome) => void>();
  const openInstallation = new Set<(event: OpenInstallation) => void>();
  // What the shell keeps of the outcomes it could not show, until the banner is dismissed.
  let unshown: NotificationsUnavailable | null = copy(options.unshown ?? null);

  function subscribe<T>(set: Set<(event: T) => void>, listener: (event: T) => void): Promise<() => void> {
    const subscription = (event: T) => listener(event);
    set.add(subscription);
    return Promise.resolve(() => {
      set.delete(subscription);
    });
  }

  const backend = {
    async versionTimeline(versionId: string): Promise<TimelineView> {
      if (!knows(versionId) && !timelines[versionId]) {
        const error: CommandError = {
          code: 'not_found',
          message: `no cached version ${versionId}: run \`pwb apps\` to see the cached ones, or \`pwb sync\` to fetch new ones`,
        };
        throw error;
      }
      const timeline = timelines[versionId] ?? { version_id: versionId, events: [], last_checked_at: null };
      return { ...copy(timeline), last_checked_at: lastCheckedAt() ?? timeline.last_checked_at };
    },
    async notificationPrefs(): Promise<NotificationPrefs> {
      return copy(prefs);
    },
    async setNotification(kind: NotificationKind, on: boolean): Promise<NotificationPrefs> {
      prefs = { ...prefs, [kind]: on };
      return copy(prefs);
    },
    async unshownOutcomes(): Promise<NotificationsUnavailable | null> {
      return copy(unshown);
    },
    async dismissUnshownOutcomes(): Promise<void> {
      unshown = null;
    },
    onNotificationsUnavailable: (listener: (event: NotificationsUnavailable) => void) => subscribe(unavailable, listener),
    onOpenOutcome: (listener: (event: OpenOutcome) => void) => subscribe(open, listener),
    onOpenInstallation: (listener: (event: OpenInstallation) => void) => subscribe(openInstallation, listener),
  };
  const controls: FakeOutcomesControls = {
    emitNotificationsUnavailable(event) {
      // As the shell does: the outcomes join those kept, and the event carries the whole kept list.
      const kept = unshown ? { reason: event.reason, outcomes: [...unshown.outcomes, ...copy(event.outcomes)] } : copy(event);
      unshown = kept;
      for (const listener of [...unavailable]) listener(copy(kept));
    },
    emitOpenOutcome(event) {
      for (const listener of [...open]) listener(copy(event));
    },
    emitOpenInstallation(event) {
      for (const listener of [...openInstallation]) listener(copy(event));
    },
  };
  return { backend, controls };
}
