import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OutcomeView, TimelineView } from '../../ipc';
import { DEMO_APPS, DEMO_VERSIONS } from '../../ipc/demo-data';
import { renderApp, status } from '../../test/fixtures';
import { fieldId } from '../validation/fields';
import { eventTitle, timelineRows } from './words';

const ACME = DEMO_APPS[0]!; // Acme CRM Connector, 2.1.0 first
const VERSION = 'ver-acme-210';

const REJECTED: TimelineView = {
  version_id: VERSION,
  last_checked_at: null,
  events: [
    { kind: 'submitted', at: '2026-11-27T09:00:00Z', track: 'technical', decision: null, feedback: [] },
    {
      kind: 'reviewed',
      at: '2026-11-27T10:00:00Z',
      track: 'technical',
      decision: 'rejected',
      feedback: [
        { field: 'general.display_name', message: 'Say what the app does', rule: 'text.display_name' },
        { field: 'technical.scopes_reason', message: '<img src=x onerror=alert(1)> explain the scopes', rule: null },
      ],
    },
  ],
};

const OUTCOME: OutcomeView = {
  app_id: 'app-acme',
  app_name: 'Acme CRM Connector',
  version_id: VERSION,
  version_number: '2.1.0',
  track: 'technical',
  decision: 'rejected',
  feedback: REJECTED.events[1]!.feedback,
  at: '2026-11-27T10:00:00Z',
  summary: 'Acme CRM Connector 2.1.0: technical review rejected, 2 issues',
  body: 'general.display_name: Say what the app does\ntechnical.scopes_reason: <img src=x onerror=alert(1)> explain the scopes',
  published: false,
};

function render(timeline: TimelineView | null = REJECTED) {
  return renderApp({
    apps: [ACME],
    versions: DEMO_VERSIONS,
    status: status('idle', { last_synced_at: '2026-11-27T10:05:00Z' }),
    timelines: timeline ? { [VERSION]: timeline } : {},
  });
}

async function openVersion() {
  const row = await waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="version"][data-version-id="${VERSION}"]`);
    if (!found) throw new Error('no row yet');
    return found;
  });
  await fireEvent.click(within(row).getByTestId('open-version'));
  return screen.findByTestId('version-page');
}

describe('the timeline words', () => {
  it('names each event and puts "in review" after a submission nothing has settled yet', () => {
    expect(REJECTED.events.map(eventTitle)).toEqual([
      'Submitted for technical review',
      'Technical review rejected, 2 issues',
    ]);
    const pending = timelineRows([REJECTED.events[0]!]);
    expect(pending.map((r) => r.kind)).toEqual(['event', 'in_review']);
    expect(timelineRows(REJECTED.events).map((r) => r.kind)).toEqual(['event', 'event']);
    expect(
      eventTitle({ kind: 'reviewed', at: null, track: 'marketplace', decision: 'approved', feedback: [] }),
    ).toBe('Marketplace review approved');
    expect(eventTitle({ kind: 'advertised', at: null, track: null, decision: null, feedback: [] })).toBe(
      'Published on AppConnect',
    );
  });
});

describe('the timeline panel', () => {
  it('shows each event with its time, the feedback as text, and when the server was last checked', async () => {
    render();
    const page = await openVersion();
    const panel = await within(page).findByTestId('timeline-panel');
    const events = await within(panel).findAllByTestId('timeline-event');
    expect(events.map((e) => e.dataset.kind)).toEqual(['submitted', 'reviewed']);
    expect(events[1]!.dataset.decision).toBe('rejected');
    expect(events[1]!.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-27T10:00:00Z');
    const feedback = within(events[1]!).getByTestId('timeline-feedback');
    expect(feedback.textContent).toContain('general.display_name');
    expect(feedback.textContent).toContain('Say what the app does');
    // The reviewer's text is text: no element was made of it.
    expect(feedback.querySelector('img')).toBeNull();
    expect(feedback.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(within(panel).getByTestId('timeline-last-checked').textContent).toMatch(/^last checked /);
  });

  it('says so when a version has no review events yet', async () => {
    render(null);
    const page = await openVersion();
    expect((await within(page).findByTestId('timeline-empty')).textContent).toMatch(/No review events yet/);
  });

  it('goes to a field named in the feedback', async () => {
    render();
    const page = await openVersion();
    const panel = await within(page).findByTestId('timeline-panel');
    await userEvent.click(await within(panel).findByRole('button', { name: 'general.display_name' }));
    expect(document.activeElement).toBe(document.getElementById(fieldId('general.display_name')));
  });
});

describe('review outcomes from the shell', () => {
  it('shows a banner listing the outcomes when notifications are unavailable, and opens one with its fields marked', async () => {
    const { backend } = render();
    await screen.findByText('Acme CRM Connector');
    backend.emitNotificationsUnavailable({
      reason: 'the desktop cannot show notifications (no notification service)',
      outcomes: [OUTCOME],
    });
    const banner = await screen.findByTestId('notifications-unavailable');
    expect(banner.textContent).toContain('Notifications are unavailable');
    expect(banner.textContent).toContain('no notification service');
    const item = within(banner).getByTestId('unshown-outcome');
    expect(item.textContent).toContain('Acme CRM Connector 2.1.0: technical review rejected, 2 issues');
    expect(item.textContent).toContain('general.display_name: Say what the app does');
    expect(item.querySelector('img')).toBeNull();

    await userEvent.click(within(item).getByRole('button', { name: 'Open' }));
    const page = await screen.findByTestId('version-page');
    expect(page.dataset.versionId).toBe(VERSION);
    const marks = await within(page).findByTestId('reviewer-marks');
    expect(marks.textContent).toContain('technical review rejected, 2 issues');
    const flagged = await waitFor(() => {
      const found = page.querySelector<HTMLElement>('[data-review-flagged="general.display_name"]');
      if (!found) throw new Error('the display name is not marked yet');
      return found;
    });
    expect(flagged.classList.contains('review-flagged')).toBe(true);
    expect(within(flagged).getByTestId('review-remark').textContent).toContain('Reviewer: Say what the app does');

    await userEvent.click(within(marks).getByTestId('clear-review-marks'));
    await waitFor(() => expect(page.querySelector('.review-flagged')).toBeNull());
    expect(within(page).queryByTestId('reviewer-marks')).toBeNull();

    await userEvent.click(within(banner).getByTestId('dismiss-unshown'));
    expect(screen.queryByTestId('notifications-unavailable')).toBeNull();
  });

  it('shows the outcomes the desktop could not show before the window was listening, until dismissed', async () => {
    const { backend } = renderApp({
      apps: [ACME],
      versions: DEMO_VERSIONS,
      status: status('idle'),
      unshown: { reason: 'no notification service is running on this desktop', outcomes: [OUTCOME] },
    });
    const banner = await screen.findByTestId('notifications-unavailable');
    expect(banner.textContent).toContain('no notification service is running on this desktop');
    expect(within(banner).getAllByTestId('unshown-outcome')).toHaveLength(1);
    await userEvent.click(within(banner).getByTestId('dismiss-unshown'));
    expect(screen.queryByTestId('notifications-unavailable')).toBeNull();
    await waitFor(async () => expect(await backend.unshownOutcomes()).toBeNull());
  });

  it('lists an outcome once when it is both read at start and carried by an event', async () => {
    const later: OutcomeView = { ...OUTCOME, version_id: 'ver-later', summary: 'Acme CRM Connector 2.2.0: technical review approved', body: '', feedback: [] };
    const { backend } = renderApp({
      apps: [ACME],
      versions: DEMO_VERSIONS,
      status: status('idle'),
      unshown: { reason: 'no notification service is running on this desktop', outcomes: [OUTCOME] },
    });
    const banner = await screen.findByTestId('notifications-unavailable');
    await waitFor(() => expect(within(banner).getAllByTestId('unshown-outcome')).toHaveLength(1));
    // The shell's event carries every outcome it keeps, the one the window already read included.
    backend.emitNotificationsUnavailable({ reason: 'no notification service is running on this desktop', outcomes: [later] });
    await waitFor(() => expect(within(banner).getAllByTestId('unshown-outcome')).toHaveLength(2));
    const texts = within(banner).getAllByTestId('unshown-outcome').map((item) => item.textContent ?? '');
    expect(texts[0]).toContain('2.1.0: technical review rejected');
    expect(texts[1]).toContain('2.2.0: technical review approved');
  });

  it('opens the version with its fields marked when the partner chooses a notification', async () => {
    const { backend } = render();
    await screen.findByText('Acme CRM Connector');
    backend.emitOpenOutcome({
      app_id: 'app-acme',
      version_id: VERSION,
      summary: OUTCOME.summary,
      feedback: OUTCOME.feedback,
    });
    const page = await screen.findByTestId('version-page');
    expect(page.dataset.versionId).toBe(VERSION);
    await waitFor(() => expect(page.querySelector('[data-review-flagged="technical.scopes_reason"]')).not.toBeNull());
    expect(screen.queryByTestId('notifications-unavailable')).toBeNull();
  });
});

describe('the notification settings', () => {
  it('turns a kind off and on from the account screen, saved in the backend', async () => {
    const { backend } = render();
    await screen.findByText('Acme CRM Connector');
    await fireEvent.click(screen.getByTestId('account-button'));
    const settings = await screen.findByTestId('notification-settings');
    const approved = await within(settings).findByTestId<HTMLInputElement>('notify-approved');
    const rejected = within(settings).getByTestId<HTMLInputElement>('notify-rejected');
    expect([approved.checked, rejected.checked]).toEqual([true, true]);

    await userEvent.click(approved);
    await waitFor(async () => expect(await backend.notificationPrefs()).toEqual({ approved: false, rejected: true, requests: true }));
    expect(approved.checked).toBe(false);
    await userEvent.click(approved);
    await waitFor(async () => expect(await backend.notificationPrefs()).toEqual({ approved: true, rejected: true, requests: true }));
  });

  it("has a switch for customers' requests waiting for the partner", async () => {
    const { backend } = render();
    const setNotification = vi.spyOn(backend, 'setNotification');
    await screen.findByText('Acme CRM Connector');
    await fireEvent.click(screen.getByTestId('account-button'));
    const settings = await screen.findByTestId('notification-settings');
    const requests = await within(settings).findByTestId<HTMLInputElement>('notify-requests');
    expect(requests.closest('label')!.textContent?.trim()).toBe(
      'A customer is waiting for you to confirm an installation or an update',
    );
    expect(settings.textContent).toMatch(/a review's decision, or a customer's request that waits for you/);
    expect(requests.checked).toBe(true);

    await userEvent.click(requests);
    await waitFor(() => expect(setNotification).toHaveBeenCalledWith('requests', false));
    await waitFor(async () => expect(await backend.notificationPrefs()).toEqual({ approved: true, rejected: true, requests: false }));
    expect(requests.checked).toBe(false);
    await userEvent.click(requests);
    await waitFor(() => expect(setNotification).toHaveBeenLastCalledWith('requests', true));
    expect(setNotification).toHaveBeenCalledTimes(2);
  });
});
