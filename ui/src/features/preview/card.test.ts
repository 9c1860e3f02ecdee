import { describe, expect, it } from 'vitest';
import { DEMO_VERSIONS } from '../../ipc/demo-data';
import type { VersionForm } from '../../ipc';
import { cardOf, changedFields } from './card';

const form = (): VersionForm => JSON.parse(JSON.stringify(DEMO_VERSIONS['ver-acme-210']!.content)) as VersionForm;

describe('the card model', () => {
  it('takes the name, vendor, first category, price line and trial mark from the content', () => {
    const card = cardOf(form(), 'Acme Corp', 'large');
    expect(card).toEqual({
      name: 'Acme CRM Connector',
      vendor: 'Acme Corp',
      summary: 'Screen pops, click-to-call and automatic call logging between Talkdesk and Acme CRM.',
      category: 'CRM',
      price: 'from $15 / seat / month',
      trial: '30-day free trial',
    });
  });

  it('truncates the summary by the card size', () => {
    expect(cardOf(form(), 'Acme Corp', 'small').summary).toBe('Screen pops, click-to-call and automatic call logging…');
  });

  it('skips empty categories and has none without any', () => {
    const f = form();
    f.marketplace.categories = ['  ', 'Analytics & Reporting'];
    expect(cardOf(f, '', 'small').category).toBe('Analytics & Reporting');
    f.marketplace.categories = [];
    expect(cardOf(f, '', 'small').category).toBeNull();
  });

  it('marks the fields that differ from the live card, and the icon from the backend', () => {
    const live = form();
    const draft = form();
    draft.marketplace.listing_summary = 'A new summary.';
    draft.subscription_types[1]!.price = '900';
    const a = cardOf(draft, 'Acme Corp', 'small');
    const b = cardOf(live, 'Acme Corp', 'small');
    expect(changedFields(a, b, false)).toEqual(['summary', 'price']);
    expect(changedFields(b, b, true)).toEqual(['icon']);
  });

  it('does not mark a change the card of that size does not show', () => {
    const live = form();
    const draft = form();
    live.marketplace.listing_summary = `${'word '.repeat(20)}old ending`;
    draft.marketplace.listing_summary = `${'word '.repeat(20)}new ending`;
    expect(changedFields(cardOf(draft, '', 'small'), cardOf(live, '', 'small'), false)).toEqual([]);
    expect(changedFields(cardOf(draft, '', 'large'), cardOf(live, '', 'large'), false)).toEqual(['summary']);
  });
});
