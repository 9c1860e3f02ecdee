// Every case of the shared case file, which the Rust twin (`workbench-domain`) reads too.
import { describe, expect, it } from 'vitest';
import cases from '../../../../tests/fixtures/preview/cases.json';
import {
  HIDES_MANUALLY_PROVISIONED,
  badges,
  money,
  priceLine,
  trialMark,
  truncate,
  type BadgeInput,
  type RulePlan,
} from './rules';

describe('the shared case file', () => {
  it('has cases for every rule', () => {
    expect(cases.truncate.length).toBeGreaterThan(5);
    expect(cases.price_line.length).toBeGreaterThan(5);
    expect(cases.trial_mark.length).toBeGreaterThan(3);
    expect(cases.badges.length).toBeGreaterThan(5);
  });

  it.each(cases.truncate.map((c, i) => [i, c] as const))('truncate case %i', (_i, c) => {
    expect(truncate(c.text, c.limit)).toBe(c.expected);
  });

  it.each(cases.price_line.map((c, i) => [i, c] as const))('price line case %i', (_i, c) => {
    expect(priceLine(c.plans as RulePlan[])).toBe(c.expected);
  });

  it.each(cases.trial_mark.map((c, i) => [i, c] as const))('trial mark case %i', (_i, c) => {
    expect(trialMark(c.plans as RulePlan[])).toBe(c.expected);
  });

  it.each(cases.badges.map((c, i) => [i, c] as const))('badges case %i', (_i, c) => {
    expect(badges(c.installation as BadgeInput)).toEqual(c.expected);
  });
});

describe('the rules on the editor form', () => {
  const plan = (over: Partial<RulePlan>): RulePlan => ({ type: 'paid', license_type: 'individual', price: '0', currency: 'USD', ...over });

  it('reads prices typed as text and skips ones that are not whole numbers', () => {
    expect(priceLine([plan({ price: '12.5' }), plan({ price: ' 1500 ' })])).toBe('from $15 / seat / month');
    expect(priceLine([plan({ price: '' }), plan({ price: '-3' })])).toBeNull();
  });

  it('takes the trial length as typed, 30 days when empty', () => {
    expect(trialMark([plan({ type: 'trial', trial_days: '14' })])).toBe('14-day free trial');
    expect(trialMark([plan({ type: 'trial', trial_days: '' })])).toBe('30-day free trial');
  });

  it("collapses Unicode's White_Space, as the Rust twin does", () => {
    expect(truncate('a\u0085b\u00a0c\u2003d\u3000e', 60)).toBe('a b c d e');
    expect(truncate('\ufeffa', 60)).toBe('\ufeffa');
  });

  it('counts code points, not UTF-16 units', () => {
    expect(truncate('🙂'.repeat(5), 5)).toBe('🙂'.repeat(5));
    expect(truncate('🙂'.repeat(6), 5)).toBe(`${'🙂'.repeat(4)}…`);
  });

  it('formats the other currencies with their code', () => {
    expect(money(123456, 'SEK')).toBe('SEK 1,234.56');
    expect(money(1000000, 'KRW')).toBe('KRW 1,000,000');
  });

  it('lets only the badges FAQ §16 names hide the manually provisioned mark', () => {
    // §16: "hidden whenever higher priority icons need to be displayed, including upgrade available, updating, failed
    // update/installation or generic alerts".
    expect([...HIDES_MANUALLY_PROVISIONED].sort()).toEqual([
      'failed_installation',
      'failed_update',
      'updating',
      'upgrade_available',
    ]);
    expect(badges({ state: 'installing', manually_provisioned: true })).toMatchObject({
      shown: 'installing',
      beside: ['manually_provisioned'],
      covered: [],
    });
    expect(badges({ state: 'completed', upgrade_available: true, manually_provisioned: true })).toMatchObject({
      shown: 'upgrade_available',
      beside: [],
      covered: ['manually_provisioned'],
    });
  });

  it('labels a state the rules do not name as Active', () => {
    expect(badges({ state: 'completed', can_manage: true })).toMatchObject({ shown: null, label: 'Active', gear: true });
  });
});
