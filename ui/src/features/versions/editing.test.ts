// The editor's writing side against the fake backend: save states, locked parts, undo, plan order, the icon,
// conflicts and the review panel.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ConflictView, QueuedChange } from '../../ipc';
import { DEMO_APPS, DEMO_VERSIONS } from '../../ipc/demo-data';
import type { FakeOptions } from '../../ipc/fake';
import { renderApp, status } from '../../test/fixtures';
import { fieldId } from '../validation/fields';

const ACME = DEMO_APPS[0]!; // Acme CRM Connector 2.1.0: Draft on both tracks, clean
const INITECH = DEMO_APPS[2]!; // Initech Call Analytics 3.0.0: In Review on both tracks
const GLOBEX = DEMO_APPS[3]!; // Globex Callback Scheduler 0.1.0: a first draft with errors
const ACME_ID = 'ver-acme-210';

function openWith(options: FakeOptions = {}) {
  return renderApp({ apps: [ACME, INITECH, GLOBEX], versions: DEMO_VERSIONS, status: status('idle'), ...options });
}

async function openVersion(versionId: string) {
  const button = await waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-version-id="${versionId}"] [data-testid="open-version"]`);
    if (!found) throw new Error(`no row for ${versionId}`);
    return found;
  });
  await userEvent.click(button);
  const page = await screen.findByTestId('version-page');
  await waitFor(() => expect(screen.getByTestId('save-status')).toBeTruthy());
  return page;
}

function findRow(versionId: string) {
  return waitFor(() => {
    const found = document.querySelector<HTMLElement>(`[data-testid="version"][data-version-id="${versionId}"]`);
    if (!found) throw new Error(`no row for ${versionId}`);
    return found;
  });
}

const input = (path: string) => document.getElementById(fieldId(path)) as HTMLInputElement;
const saveState = () => screen.getByTestId('save-status').dataset.state;

describe('saving', () => {
  it('shows Saving… while the backend works and Saved only once it answered', async () => {
    const { backend } = openWith({ saveDelayMs: 300 });
    await openVersion(ACME_ID);
    await userEvent.type(screen.getByLabelText('Notes'), 'Ready for review.');
    expect(saveState()).toBe('edited');
    await waitFor(() => expect(saveState()).toBe('saving'), { timeout: 2_000 });
    expect(screen.getByTestId('save-status').textContent).toContain('Saving…');
    expect((await backend.openVersion(ACME_ID)).content.general.notes).toBe('');
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    expect((await backend.openVersion(ACME_ID)).content.general.notes).toBe('Ready for review.');
    const sent = backend.calls.saveDraft.at(-1)!;
    expect(sent.base.general.notes).toBe('');
    expect(sent.draft.general.notes).toBe('Ready for review.');
    // The status bar counts the change waiting to be sent.
    await waitFor(() => expect(screen.getByTestId('count-pending').textContent).toContain('1 unsent'));
  });

  it('saves at once on Ctrl+S and when the field is left', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    const notes = screen.getByLabelText('Notes');
    await userEvent.type(notes, 'A');
    await userEvent.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(backend.calls.saveDraft).toHaveLength(1), { timeout: 300 });
    await userEvent.type(notes, 'B');
    await fireEvent.focusOut(notes);
    await waitFor(() => expect(backend.calls.saveDraft).toHaveLength(2), { timeout: 300 });
    expect(backend.calls.saveDraft[1]!.draft.general.notes).toBe('AB');
  });

  it('says why a save was refused, inline, and keeps the text', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    backend.setFailSave({ code: 'locked', message: 'cannot change the general section: the technical review is In Review' });
    await userEvent.type(screen.getByLabelText('Notes'), 'x');
    const error = await screen.findByTestId('save-error', {}, { timeout: 2_000 });
    expect(saveState()).toBe('error');
    expect(error.dataset.code).toBe('locked');
    expect(error.textContent).toContain('In Review');
    expect(input('general.notes').value).toBe('x');
  });

  it('does not save a number that is not one, and says so', async () => {
    openWith();
    await openVersion(ACME_ID);
    const price = input('subscription_types[1].price');
    await userEvent.clear(price);
    await userEvent.type(price, '15.00');
    const error = await screen.findByTestId('save-error', {}, { timeout: 2_000 });
    expect(error.dataset.code).toBe('invalid_input');
    expect(error.textContent).toContain('15.00');
  });

  it('shows a locked part read-only with why', async () => {
    openWith();
    await openVersion('ver-initech-300');
    // Read-only through its section's disabled fieldset.
    expect(input('general.display_name').matches(':disabled')).toBe(true);
    expect(input('marketplace.listing_summary').matches(':disabled')).toBe(true);
    expect(screen.getByTestId('lock-general').textContent).toMatch(/In Review.*withdraw the submission/);
    expect(screen.getByTestId('lock-subscription_plans')).toBeTruthy();
    expect(screen.getByTestId('lock-icon')).toBeTruthy();
    expect(screen.queryByTestId('change-icon')).toBeNull();
  });

  it('undoes the latest saved edit with the button and with Ctrl+Z outside text fields', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    await userEvent.type(screen.getByLabelText('Notes'), 'first');
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    await userEvent.click(screen.getByTestId('undo'));
    await waitFor(() => expect(input('general.notes').value).toBe(''));
    expect(backend.calls.undoEdit).toEqual([ACME_ID]);

    await userEvent.type(screen.getByLabelText('Notes'), 'second');
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    // In a text field Ctrl+Z is the field's own undo.
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(backend.calls.undoEdit).toHaveLength(1);
    screen.getByTestId('undo').focus();
    await userEvent.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(input('general.notes').value).toBe(''));
    expect(backend.calls.undoEdit).toHaveLength(2);
  });
});

describe('plans', () => {
  it('moves a plan down and up with buttons, the keyboard staying on the moved plan, and saves the order', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    const names = () => [0, 1, 2].map((i) => input(`subscription_types[${i}].name`).value);
    expect(names()).toEqual(['Trial', 'Team', 'Enterprise']);
    const plans = screen.getByTestId('plans');
    expect((within(plans).getAllByTestId('plan-up')[0] as HTMLButtonElement).disabled).toBe(true);

    within(plans).getAllByTestId('plan-down')[0]!.focus();
    await userEvent.keyboard('{Enter}');
    expect(names()).toEqual(['Team', 'Trial', 'Enterprise']);
    expect(document.activeElement).toBe(within(plans).getAllByTestId('plan-down')[1]);
    await userEvent.keyboard('{Enter}');
    expect(names()).toEqual(['Team', 'Enterprise', 'Trial']);
    // The last plan cannot go further down: the keyboard lands on its Up button.
    expect(document.activeElement).toBe(within(plans).getAllByTestId('plan-up')[2]);

    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    const saved = (await backend.openVersion(ACME_ID)).content.subscription_types.map((p) => p.name);
    expect(saved).toEqual(['Team', 'Enterprise', 'Trial']);
  });

  it('adds and removes plans, and saves them', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    await userEvent.click(screen.getByRole('button', { name: '+ Add plan' }));
    await userEvent.type(document.activeElement as HTMLElement, 'Agency');
    await userEvent.click(screen.getByRole('button', { name: 'Remove Trial' }));
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    const saved = (await backend.openVersion(ACME_ID)).content.subscription_types.map((p) => p.name);
    expect(saved).toEqual(['Team', 'Enterprise', 'Agency']);
  });
});

describe('the icon', () => {
  it('sends a picked file as bytes, and shows the rules that refuse one', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    const picker = screen.getByTestId('icon-file') as HTMLInputElement;
    await userEvent.upload(picker, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0])], 'new.png', { type: 'image/png' }));
    await waitFor(() => expect(backend.calls.setIcon).toEqual([{ versionId: ACME_ID, fileName: 'new.png' }]));
    expect(screen.queryByTestId('icon-error')).toBeNull();

    await userEvent.upload(picker, new File([new Uint8Array([1, 2, 3])], 'icon.gif', { type: 'image/png' }));
    const refused = await screen.findByTestId('icon-error');
    expect(refused.dataset.code).toBe('validation_failed');
    expect(refused.textContent).toContain('icon.format');
  });
});

const NAME_CONFLICT: ConflictView = {
  field: 'general.display_name',
  form: 'text',
  base: 'Acme CRM Connector',
  mine: 'Acme CRM',
  theirs: 'Acme Connector for CRM',
  detected_at: '2026-03-01T12:00:00Z',
};
const PRICE_CONFLICT: ConflictView = {
  field: 'marketplace.support.phone',
  form: 'json',
  base: '""',
  mine: '"+1 555 0100"',
  theirs: '"+1 555 0199"',
  detected_at: '2026-03-01T12:00:00Z',
};

describe('conflicts', () => {
  function withConflicts() {
    const view = structuredClone(DEMO_VERSIONS);
    view[ACME_ID]!.content.general.display_name = 'Acme CRM';
    return openWith({ versions: view, conflicts: { [ACME_ID]: [NAME_CONFLICT, PRICE_CONFLICT] } });
  }

  it('marks the version in the list and shows base, mine and theirs per field', async () => {
    withConflicts();
    const row = await findRow(ACME_ID);
    expect(within(row).getByTestId('mark-conflicts').textContent).toContain('2 conflicts');
    await openVersion(ACME_ID);
    const conflict = (await screen.findAllByTestId('conflict'))[0]!;
    expect(conflict.dataset.field).toBe('general.display_name');
    expect(within(conflict).getByTestId('conflict-base').textContent).toBe('Acme CRM Connector');
    expect(within(conflict).getByTestId('conflict-mine').textContent).toBe('Acme CRM');
    expect(within(conflict).getByTestId('conflict-theirs').textContent).toBe('Acme Connector for CRM');
  });

  it('takes theirs: the form shows the server value and the conflict is gone', async () => {
    const { backend } = withConflicts();
    await openVersion(ACME_ID);
    const conflict = screen.getAllByTestId('conflict')[0]!;
    await userEvent.click(within(conflict).getByTestId('take-theirs'));
    await waitFor(() => expect(screen.getAllByTestId('conflict')).toHaveLength(1));
    expect(backend.calls.resolveConflict).toEqual([
      { versionId: ACME_ID, field: 'general.display_name', choice: { kind: 'take_theirs' } },
    ]);
    await waitFor(() => expect(input('general.display_name').value).toBe('Acme Connector for CRM'));
  });

  it('keeps mine', async () => {
    const { backend } = withConflicts();
    await openVersion(ACME_ID);
    await userEvent.click(within(screen.getAllByTestId('conflict')[0]!).getByTestId('keep-mine'));
    await waitFor(() => expect(screen.getAllByTestId('conflict')).toHaveLength(1));
    expect(backend.calls.resolveConflict[0]!.choice).toEqual({ kind: 'keep_mine' });
    expect(input('general.display_name').value).toBe('Acme CRM');
  });

  it('edits a value of its own, as JSON for a non-text value, and shows a refusal inline', async () => {
    const { backend } = withConflicts();
    await openVersion(ACME_ID);
    const phone = screen.getAllByTestId('conflict')[1]!;
    await userEvent.click(within(phone).getByTestId('edit-value'));
    const box = within(phone).getByTestId('conflict-value') as HTMLTextAreaElement;
    expect(box.value).toBe('"+1 555 0100"');
    await userEvent.clear(box);
    await userEvent.type(box, 'not json');
    await userEvent.click(within(phone).getByTestId('use-value'));
    expect((await within(phone).findByTestId('conflict-error')).dataset.code).toBe('invalid_input');

    await userEvent.clear(box);
    await userEvent.type(box, '"+1 555 0150"');
    await userEvent.click(within(phone).getByTestId('use-value'));
    await waitFor(() => expect(screen.getAllByTestId('conflict')).toHaveLength(1));
    expect(backend.calls.resolveConflict.at(-1)).toEqual({
      versionId: ACME_ID,
      field: 'marketplace.support.phone',
      choice: { kind: 'value', text: '"+1 555 0150"' },
    });
    expect(input('marketplace.support.phone').value).toBe('+1 555 0150');
  });
});

const SUMMARY_CONFLICT: ConflictView = {
  field: 'marketplace.listing_summary',
  form: 'text',
  base: DEMO_VERSIONS[ACME_ID]!.content.marketplace.listing_summary,
  mine: 'Mine: Acme in Talkdesk',
  theirs: 'Theirs: Acme, from the portal',
  detected_at: '2026-03-01T12:00:00Z',
};

describe('a conflict holds back only what it touches', () => {
  it('sends an edit of another section, and says what waits on which conflict', async () => {
    // (The fake's server copy is the version as given; the working copy's summary is the server's here.)
    const { backend } = openWith({ conflicts: { [ACME_ID]: [SUMMARY_CONFLICT] } });
    await openVersion(ACME_ID);
    const conflict = (await screen.findAllByTestId('conflict'))[0]!;
    expect(within(conflict).getByTestId('holds-back').textContent).toContain('marketplace section is sent once it is settled');
    expect(screen.getByTestId('conflicts').textContent).toContain('your other edits are sent at the next sync');

    // One edit in the conflicted section, one in another.
    await userEvent.type(screen.getByLabelText('Notes'), 'Sent despite the conflict.');
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });
    fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'Waits with the summary.' } });
    await waitFor(() => expect(saveState()).toBe('saved'), { timeout: 2_000 });

    // The marketplace edit waits on the conflict, and the panels say so; the notes do not wait.
    const waits = await screen.findByTestId('waits-on');
    expect(waits.dataset.fields).toBe('marketplace.listing_summary');
    expect(waits.textContent).toContain('Waits on the conflict on marketplace.listing_summary');
    await waitFor(() =>
      expect(within(screen.getAllByTestId('conflict')[0]!).getByTestId('holds-back').textContent).toContain('Waiting on it: content edits.'),
    );
    expect(screen.getByTestId('save-status').textContent).toContain('but for what waits on a conflict');
    let local = await backend.localState(ACME_ID);
    expect(local.queued.map((c) => c.waits_on)).toEqual([[], ['marketplace.listing_summary']]);

    await backend.syncNow();
    const server = backend.local.server(ACME_ID)!;
    expect(server.general.notes).toBe('Sent despite the conflict.');
    expect(server.marketplace.listing_summary).toBe(SUMMARY_CONFLICT.base);
    expect(server.marketplace.description).toBe(DEMO_VERSIONS[ACME_ID]!.content.marketplace.description);
    local = await backend.localState(ACME_ID);
    expect(local.queued.map((c) => c.waits_on)).toEqual([['marketplace.listing_summary']]);
    expect(local.conflicts.map((c) => c.field)).toEqual(['marketplace.listing_summary']);

    // Settled: the marketplace section goes at the next sync.
    await userEvent.click(within(screen.getAllByTestId('conflict')[0]!).getByTestId('keep-mine'));
    await waitFor(() => expect(screen.queryByTestId('conflicts')).toBeNull());
    await backend.syncNow();
    expect(backend.local.server(ACME_ID)!.marketplace.listing_summary).toBe(SUMMARY_CONFLICT.mine);
    expect(backend.local.server(ACME_ID)!.marketplace.description).toBe('Waits with the summary.');
    expect((await backend.localState(ACME_ID)).queued).toEqual([]);
  });

  it('holds a review action back while any conflict of its version is open, and says on which', async () => {
    openWith({ conflicts: { [ACME_ID]: [SUMMARY_CONFLICT] } });
    await openVersion(ACME_ID);
    const panel = screen.getByTestId('submit-technical');
    await userEvent.click(within(panel).getByTestId('check-submission'));
    await waitFor(() => expect(panel.dataset.state).toBe('ready'));
    await userEvent.click(within(panel).getByTestId('submit'));
    const waits = await within(screen.getByTestId('track-technical')).findByTestId('waits-on');
    expect(waits.textContent).toContain('marketplace.listing_summary');
    expect(within(screen.getByTestId('track-technical')).getByTestId('track-status').textContent).toBe('Draft');
  });
});

describe('the review panel', () => {
  it('lists the errors of a track that cannot be submitted, and offers no Submit', async () => {
    openWith();
    await openVersion('ver-globex-010');
    const panel = screen.getByTestId('submit-marketplace');
    await userEvent.click(within(panel).getByTestId('check-submission'));
    await waitFor(() => expect(panel.dataset.state).toBe('blocked'));
    expect(within(panel).getByTestId('submit-problems').textContent).toContain('marketplace.urls.terms_of_service');
    expect(within(panel).queryByTestId('submit')).toBeNull();
  });

  it('shows exactly what is submitted with its SHA-256, then queues and sends it', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    const panel = screen.getByTestId('submit-technical');
    await userEvent.click(within(panel).getByTestId('check-submission'));
    await waitFor(() => expect(panel.dataset.state).toBe('ready'));
    const json = within(panel).getByTestId('submit-json').textContent!;
    expect(JSON.parse(json)).toEqual(DEMO_VERSIONS[ACME_ID]!.content);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(json));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(within(panel).getByTestId('submit-sha256').textContent).toBe(hex);

    await userEvent.click(within(panel).getByTestId('submit'));
    expect(backend.calls.queueReviewAction).toEqual([{ versionId: ACME_ID, action: 'submit', track: 'technical' }]);
    // Sent by the sync that follows: the technical review is In Review, and Withdraw is offered.
    await waitFor(() => expect(within(screen.getByTestId('track-technical')).getByTestId('track-status').textContent).toBe('In Review'));
    expect(within(screen.getByTestId('track-technical')).getByTestId('action-withdraw')).toBeTruthy();
    expect(screen.queryByTestId('submit-technical')).toBeNull();
  });

  it('says a submission made offline is sent when online', async () => {
    const { backend } = openWith({ syncResult: { code: 'server_unreachable', message: 'connection refused' } });
    await openVersion(ACME_ID);
    const panel = screen.getByTestId('submit-marketplace');
    await userEvent.click(within(panel).getByTestId('check-submission'));
    await waitFor(() => expect(panel.dataset.state).toBe('ready'));
    await userEvent.click(within(panel).getByTestId('submit'));
    const waiting = await within(screen.getByTestId('track-marketplace')).findByTestId('waiting');
    await waitFor(() => expect(waiting.textContent).toContain('sent when the server can be reached again'));
    expect(backend.local.counts(ACME_ID).pending).toBe(1);
  });

  it('shows why a held change was not sent, with Retry and Discard', async () => {
    const held: QueuedChange = {
      id: '7',
      kind: 'submit',
      track: 'technical',
      summary: null,
      created_at: '2026-03-01T12:00:00Z',
      attempts: 1,
      last_error: 'the server refused it: validation_failed: icon.square',
      held: true,
      waits_on: [],
    };
    const { backend } = openWith({ queued: { [ACME_ID]: [held] } });
    const row = await findRow(ACME_ID);
    expect(within(row).getByTestId('mark-held')).toBeTruthy();
    await openVersion(ACME_ID);
    const track = screen.getByTestId('track-technical');
    expect(within(track).getByTestId('held-reason').textContent).toContain('icon.square');

    await userEvent.click(within(track).getByTestId('discard-change'));
    await waitFor(() => expect(within(track).queryByTestId('queued-change')).toBeNull());
    expect(backend.calls.discardChange).toEqual([{ versionId: ACME_ID, changeId: '7' }]);
  });

  it('retries a held change', async () => {
    const held: QueuedChange = {
      id: '3',
      kind: 'withdraw',
      track: 'marketplace',
      summary: null,
      created_at: '2026-03-01T12:00:00Z',
      attempts: 1,
      last_error: 'the server was busy',
      held: true,
      waits_on: [],
    };
    const { backend } = openWith({ queued: { [ACME_ID]: [held] } });
    await openVersion(ACME_ID);
    await userEvent.click(within(screen.getByTestId('track-marketplace')).getByTestId('retry-held'));
    expect(backend.calls.retryHeld).toEqual([ACME_ID]);
  });
});

describe('a version deleted on the server', () => {
  const DELETED: ConflictView = {
    field: 'deleted',
    form: 'text',
    base: 'on the server when last synced',
    mine: 'kept here with your unsent changes: send it again as a new version',
    theirs: 'deleted on the server',
    detected_at: '2026-03-01T12:00:00Z',
  };
  const deletedWith = () => openWith({ conflicts: { [ACME_ID]: [DELETED] } });

  it('says so instead of a field conflict, and keeping it queues it to be created again', async () => {
    const { backend } = deletedWith();
    await openVersion(ACME_ID);
    const panel = await screen.findByTestId('deleted-on-server');
    expect(panel.textContent).toContain('Nothing of yours is lost');
    expect(screen.queryByTestId('conflicts')).toBeNull();
    expect(screen.queryByTestId('edit-value')).toBeNull();
    await userEvent.click(within(panel).getByTestId('keep-deleted'));
    await waitFor(() => expect(screen.queryByTestId('deleted-on-server')).toBeNull());
    expect(backend.calls.resolveConflict).toEqual([{ versionId: ACME_ID, field: 'deleted', choice: { kind: 'keep_mine' } }]);
    const local = await backend.localState(ACME_ID);
    expect(local.queued.map((c) => c.kind)).toContain('create_version');
    expect(screen.getByTestId('version-page')).toBeTruthy();
  });

  it('lets it go and goes back to the list', async () => {
    const { backend } = deletedWith();
    await openVersion(ACME_ID);
    await userEvent.click(within(await screen.findByTestId('deleted-on-server')).getByTestId('let-go'));
    await waitFor(() => expect(screen.queryByTestId('version-page')).toBeNull());
    expect(backend.calls.resolveConflict).toEqual([{ versionId: ACME_ID, field: 'deleted', choice: { kind: 'take_theirs' } }]);
  });
});

describe('the install link', () => {
  it('is asked of the server when wanted, with who can install from it', async () => {
    const { backend } = openWith();
    await openVersion(ACME_ID);
    const panel = screen.getByTestId('install-link');
    expect(backend.liveCalls.installLink).toEqual([]);
    await userEvent.click(within(panel).getByTestId('install-link-get'));
    const url = await within(panel).findByTestId('install-link-url');
    expect((url as HTMLInputElement).value).toBe(`https://sandbox.example/_sandbox/install/${ACME.id}/${ACME_ID}`);
    const who = within(panel).getByTestId('install-link-who');
    expect(who.dataset.anyAccount).toBe('false');
    expect(who.textContent).toContain('your own developer account only');
    expect(backend.liveCalls.installLink).toEqual([ACME_ID]);
  });

  it('says why there is none when the server cannot be reached', async () => {
    const { backend } = openWith({ failLive: { code: 'server_unreachable', message: 'offline: no connection' } });
    await openVersion(ACME_ID);
    await userEvent.click(screen.getByTestId('install-link-get'));
    const error = await screen.findByTestId('install-link-error');
    expect(error.dataset.code).toBe('server_unreachable');
    expect(screen.queryByTestId('install-link-url')).toBeNull();
    expect(backend.liveCalls.installLink).toEqual([ACME_ID]);
  });
});
