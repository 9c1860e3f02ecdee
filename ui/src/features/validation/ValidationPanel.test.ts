import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ValidationReport } from '../../ipc';
import ValidationPanel from './ValidationPanel.svelte';

const REPORT: ValidationReport = {
  pack_version: '2026.11.1',
  diagnostics: [
    {
      rule: 'plans.quoted_names',
      severity: 'warning',
      field: 'marketplace.description',
      message: 'The listing mentions a Pro plan.',
      source: { kind: 'house', reason: 'A plan the listing names should exist.', safety: false },
    },
    {
      rule: 'listing.required',
      severity: 'error',
      field: 'general.display_name',
      message: 'general.display_name is required.',
      source: { kind: 'page', url: 'https://docs.talkdesk.com/docs/guides', quote: 'After all app information fields have been filled' },
    },
    {
      rule: 'plans.price',
      severity: 'error',
      field: 'subscription_types[1].price',
      message: 'The price is -5.',
      source: { kind: 'faq', section: '11', quote: 'Pay-as-you-go billing option.' },
    },
  ],
  not_checked: [{ rule: 'icon.square', reason: 'the version has no icon' }],
  suppressed: [{ rule: 'icon.corners_clear', field: 'icon', reason: 'plain corner' }],
  not_applied: [],
};

function show(report: ValidationReport | null, extra: { checking?: boolean } = {}) {
  const onJump = vi.fn();
  render(ValidationPanel, { props: { report, checking: extra.checking ?? false, error: null, onJump } });
  return { onJump };
}

describe('the validation panel', () => {
  it('shows the pack version and the diagnostics grouped by severity, errors first, with counts', () => {
    show(REPORT);
    expect(screen.getByTestId('pack-version').textContent).toBe('2026.11.1');
    expect(screen.getByTestId('validation-status').textContent).toBe('2 errors · 1 warning');

    const errors = screen.getByTestId('group-error');
    expect(errors.dataset.count).toBe('2');
    expect(within(errors).getByRole('heading').textContent).toBe('2 errors');
    expect(within(errors).getAllByTestId('diagnostic').map((b) => b.dataset.field)).toEqual([
      'general.display_name',
      'subscription_types[1].price',
    ]);
    const warnings = screen.getByTestId('group-warning');
    expect(within(warnings).getAllByTestId('diagnostic').map((b) => b.dataset.rule)).toEqual(['plans.quoted_names']);
    expect(screen.queryByTestId('group-info')).toBeNull();
    expect(screen.queryByTestId('all-clear')).toBeNull();
    // Errors come before warnings in the document.
    expect(errors.compareDocumentPosition(warnings) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('lists the rules not checked, with why, and the suppressed ones', () => {
    show(REPORT);
    expect(screen.getByTestId('not-checked').textContent).toContain('icon.square: the version has no icon');
    expect(screen.getByTestId('not-checked').textContent).toContain('1 rule not checked');
    expect(screen.getByTestId('suppressed').textContent).toContain('plain corner');
  });

  it('says why each rule exists: the FAQ section, the Talkdesk page by address, or a house reason', () => {
    show(REPORT);
    const whys = screen.getAllByTestId('why');
    expect(whys.map((w) => w.dataset.source)).toEqual(['page', 'faq', 'house']);
    expect(whys[0]!.textContent).toContain('Why this rule');
    expect(whys[0]!.textContent).toContain('https://docs.talkdesk.com/docs/guides');
    expect(whys[1]!.textContent).toContain('FAQ §11');
    expect(whys[1]!.textContent).toContain('“Pay-as-you-go billing option.”');
    expect(whys[2]!.textContent).toContain('not Talkdesk’s');
    expect(whys[2]!.textContent).toContain('A plan the listing names should exist.');
  });

  it('says all clear when nothing was found', () => {
    show({ ...REPORT, diagnostics: [], suppressed: [] });
    expect(screen.getByTestId('all-clear').textContent).toContain('All clear');
    expect(screen.getByTestId('validation-status').textContent).toBe('All clear');
    expect(screen.queryAllByTestId('diagnostic')).toEqual([]);
  });

  it('says when a check is running', () => {
    show(REPORT, { checking: true });
    expect(screen.getByTestId('validation-status').textContent).toBe('Checking…');
  });

  it('makes each diagnostic a button that asks to jump to its field', async () => {
    const { onJump } = show(REPORT);
    const [first, second] = screen.getAllByRole('button', { name: /is required|price is/ });
    await fireEvent.click(second!);
    expect(onJump).toHaveBeenCalledWith(REPORT.diagnostics[2]);
    expect(first!.tagName).toBe('BUTTON');
  });
});
