import { describe, expect, it } from 'vitest';
import { DEMO_VERSIONS } from '../../ipc/demo-data';
import type { VersionForm } from '../../ipc';
import { enclosingPaths, fieldId, formTargets, resolveField } from './fields';

function form(): VersionForm {
  const content = structuredClone(DEMO_VERSIONS['ver-acme-210']!.content);
  // Two technical URLs, a privacy policy at index 0 and terms at index 1 of the marketplace URLs, three plans.
  expect(content.marketplace.urls.map((u) => u.type)).toEqual(['privacy_policy', 'terms_of_service']);
  expect(content.subscription_types).toHaveLength(3);
  return content;
}

describe('field paths', () => {
  it('name one DOM id each', () => {
    expect(fieldId('subscription_types[1].price')).toBe('field:subscription_types[1].price');
    expect(fieldId('icon')).toBe('field:icon');
  });

  it('are contained by their rows, lists and sections, nearest first', () => {
    expect(enclosingPaths('subscription_types[1].price')).toEqual([
      'subscription_types[1].price',
      'subscription_types[1]',
      'subscription_types',
    ]);
    expect(enclosingPaths('marketplace.support.email')).toEqual([
      'marketplace.support.email',
      'marketplace.support',
      'marketplace',
    ]);
    expect(enclosingPaths('icon')).toEqual(['icon']);
    expect(enclosingPaths('')).toEqual([]);
  });
});

describe('resolveField', () => {
  const cases: [string, string, string | null][] = [
    ['an input of its own', 'general.display_name', 'general.display_name'],
    ['a plan cell', 'subscription_types[1].price', 'subscription_types[1].price'],
    ['a whole plan: its row', 'subscription_types[2]', 'subscription_types[2]'],
    ['the plans as a whole: the table', 'subscription_types', 'subscription_types'],
    ['a plan the draft no longer has: the table', 'subscription_types[7].price', 'subscription_types'],
    ['a URL by index', 'marketplace.urls[1].url', 'marketplace.urls[1].url'],
    ['a URL by type: its input', 'marketplace.urls.terms_of_service', 'marketplace.urls[1].url'],
    ['a URL type the draft lacks: the list', 'marketplace.urls.app_source', 'marketplace.urls'],
    ['a technical URL by type', 'technical.urls.installation_subscription', 'technical.urls[1].url'],
    ['the URL list', 'marketplace.urls', 'marketplace.urls'],
    ['a category', 'marketplace.categories[0]', 'marketplace.categories[0]'],
    ['the categories', 'marketplace.categories', 'marketplace.categories'],
    ['an asset: its row', 'marketplace.assets[0]', 'marketplace.assets[0]'],
    ['an asset description', 'marketplace.assets[0].description', 'marketplace.assets[0].description'],
    ['a support field', 'marketplace.support.email', 'marketplace.support.email'],
    ['a notification email', 'general.emails[0].email', 'general.emails[0].email'],
    ['the icon', 'icon', 'icon'],
    ['a section', 'technical', 'technical'],
    ['a field the form does not show: its section', 'marketplace.video_length', 'marketplace'],
    ['something outside every section', 'pricing.tiers', null],
  ];
  it.each(cases)('%s (%s → %s)', (_what, path, expected) => {
    expect(resolveField(path, form())).toBe(expected);
  });

  it('only lands on paths the form has', () => {
    const draft = form();
    const targets = formTargets(draft);
    for (const [, path] of cases) {
      const target = resolveField(path, draft);
      if (target !== null) expect(targets.has(target)).toBe(true);
    }
  });

  it('follows the draft: a URL moved or removed lands elsewhere', () => {
    const draft = form();
    draft.marketplace.urls.reverse();
    expect(resolveField('marketplace.urls.terms_of_service', draft)).toBe('marketplace.urls[0].url');
    draft.marketplace.urls = [];
    expect(resolveField('marketplace.urls.terms_of_service', draft)).toBe('marketplace.urls');
    expect(resolveField('marketplace.urls[1].url', draft)).toBe('marketplace.urls');
  });
});
