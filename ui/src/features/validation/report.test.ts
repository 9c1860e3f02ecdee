import { describe, expect, it } from 'vitest';
import type { Diagnostic, Severity, ValidationReport } from '../../ipc';
import { DEMO_VERSIONS } from '../../ipc/demo-data';
import { groupBySeverity, issuesByField, summary } from './report';

const d = (severity: Severity, field: string, rule = 'r.x'): Diagnostic => ({
  rule,
  severity,
  field,
  message: `${rule} on ${field}`,
  source: null,
});

const report = (diagnostics: Diagnostic[]): ValidationReport => ({
  pack_version: '2026.11.1',
  diagnostics,
  not_checked: [],
  suppressed: [],
  not_applied: [],
});

describe('the panel groups', () => {
  it('put errors first, then warnings, then notes, keeping the report order within each, and count them', () => {
    const diagnostics = [
      d('warning', 'marketplace.description', 'plans.quoted_names'),
      d('error', 'general.display_name', 'listing.required'),
      d('info', 'icon', 'icon.hint'),
      d('error', 'subscription_types[1].price', 'plans.price'),
    ];
    const groups = groupBySeverity(diagnostics);
    expect(groups.map((g) => [g.severity, g.title, g.items.map((i) => i.rule)])).toEqual([
      ['error', '2 errors', ['listing.required', 'plans.price']],
      ['warning', '1 warning', ['plans.quoted_names']],
      ['info', '1 note', ['icon.hint']],
    ]);
  });

  it('leave out empty groups, and an empty report is all clear', () => {
    expect(groupBySeverity([d('warning', 'icon'), d('warning', 'icon')]).map((g) => g.title)).toEqual(['2 warnings']);
    expect(groupBySeverity([])).toEqual([]);
    expect(summary(report([]))).toBe('All clear');
    expect(summary(report([d('error', 'a'), d('warning', 'b'), d('warning', 'c')]))).toBe('1 error · 2 warnings');
  });
});

describe('issues by field', () => {
  it('put each diagnostic on the element it resolves to, with the worst severity', () => {
    const draft = structuredClone(DEMO_VERSIONS['ver-acme-210']!.content);
    const issues = issuesByField(
      [
        d('warning', 'marketplace.description'),
        d('error', 'marketplace.description', 'listing.placeholder'),
        d('error', 'marketplace.urls.privacy_policy', 'listing.required'),
        d('error', 'subscription_types', 'plans.one_trial'),
        d('error', 'nowhere.at_all'),
      ],
      draft,
    );
    expect(issues.get('marketplace.description')).toEqual({
      severity: 'error',
      messages: ['r.x on marketplace.description', 'listing.placeholder on marketplace.description'],
    });
    expect(issues.get('marketplace.urls[0].url')?.severity).toBe('error');
    expect(issues.get('subscription_types')?.severity).toBe('error');
    expect([...issues.keys()].sort()).toEqual([
      'marketplace.description',
      'marketplace.urls[0].url',
      'subscription_types',
    ]);
  });
});
