// A few of the rules pack's rules, re-told in TypeScript for the fake backend, so the browser demo and the
// component tests see a plausible, live report. The real engine (Rust, `workbench_domain::validation`) is what the
// desktop app runs; its results are checked end to end by tests/desktop, never by these.
import type { Diagnostic, NotChecked, RuleSource, Severity, ValidationReport, VersionForm } from './bindings';

export const FAKE_PACK_VERSION = 'demo-rules-2';

const REQUIRED: [string, (form: VersionForm) => boolean][] = [
  ['general.display_name', (f) => f.general.display_name.trim() !== ''],
  ['general.slug', (f) => f.general.slug.trim() !== ''],
  ['marketplace.listing_summary', (f) => f.marketplace.listing_summary.trim() !== ''],
  ['marketplace.description', (f) => f.marketplace.description.trim() !== ''],
  ['marketplace.categories', (f) => f.marketplace.categories.length > 0],
  ['marketplace.urls.privacy_policy', (f) => f.marketplace.urls.some((u) => u.type === 'privacy_policy' && u.url.trim() !== '')],
  ['marketplace.urls.terms_of_service', (f) => f.marketplace.urls.some((u) => u.type === 'terms_of_service' && u.url.trim() !== '')],
  ['marketplace.support.email', (f) => f.marketplace.support.email.trim() !== ''],
];

// Where the fake's rules come from, as the shipped pack says (rules/default.json).
const FAKE_SOURCES: Record<string, RuleSource> = {
  'listing.required': {
    kind: 'page',
    url: 'https://docs.talkdesk.com/docs/guides',
    quote: 'After all app information fields have been filled in Partner Project, the app version is ready to be submitted for review.',
  },
  'listing.slug': { kind: 'house', reason: 'A slug that is safe in an address; Talkdesk publishes no slug pattern.', safety: false },
  'plans.quoted_names': { kind: 'house', reason: 'A plan the listing names should exist; a consistency check chosen here.', safety: false },
};

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const QUOTED_PLAN = /\b([A-Z][A-Za-z0-9+]*)\s+plan\b/g;
const NOT_PLAN_NAMES = new Set(['the', 'this', 'our', 'your', 'each', 'every', 'a', 'an', 'trial', 'paid', 'free']);

/** Checks a draft against the fake's rules. `hasIcon` only changes why the icon rules are not checked. */
export function fakeValidate(form: VersionForm, hasIcon: boolean): ValidationReport {
  const diagnostics: Diagnostic[] = [];
  const add = (rule: string, severity: Severity, field: string, message: string) =>
    diagnostics.push({ rule, severity, field, message, source: FAKE_SOURCES[rule] ?? null });

  form.subscription_types.forEach((plan, i) => {
    const at = (name: string) => `subscription_types[${i}].${name}`;
    if (!/^-?\d+$/.test(plan.price.trim())) {
      add('form.whole_number', 'error', at('price'), `The price “${plan.price.trim()}” is not a whole number of minor units (4900 for 49.00).`);
    }
    for (const [name, label] of [['min_licenses', 'The minimum licenses'], ['max_licenses', 'The maximum licenses']] as const) {
      if (!/^\d+$/.test(plan[name].trim())) {
        add('form.whole_number', 'error', at(name), `${label} “${plan[name].trim()}” is not a whole number from 0 to 4294967295.`);
      }
    }
    if (plan.trial_days.trim() !== '' && !/^\d+$/.test(plan.trial_days.trim())) {
      add('form.whole_number', 'error', at('trial_days'), `The trial length “${plan.trial_days.trim()}” is not a whole number of days (or empty).`);
    }
  });

  for (const [field, present] of REQUIRED) {
    if (!present(form)) add('listing.required', 'error', field, `${field} is required.`);
  }
  const slug = form.general.slug.trim();
  if (slug !== '' && !SLUG.test(slug)) {
    add('listing.slug', 'warning', 'general.slug', `The slug ${slug} must be lower-case letters and digits separated by single hyphens.`);
  }
  for (const section of ['technical', 'marketplace'] as const) {
    form[section].urls.forEach((url, i) => {
      if (url.url.trim() !== '' && !url.url.trim().startsWith('https://')) {
        // The URLs that carry credentials are errors (safety); the links customers open are warnings.
        const carrier = url.type === 'redirect_uri' || url.type === 'installation_subscription';
        const at = `${section}.urls[${i}].url`;
        if (carrier) add('listing.https', 'error', at, `The ${url.type} URL ${url.url.trim()} must use HTTPS: it carries credentials.`);
        else add('listing.https_links', 'warning', at, `The ${url.type} URL ${url.url.trim()} must use HTTPS.`);
      }
    });
  }

  const trials = form.subscription_types.filter((p) => p.type === 'trial').length;
  if (trials !== 1) add('plans.one_trial', 'error', 'subscription_types', `There are ${trials} trial plans; there must be exactly one.`);
  form.subscription_types.forEach((plan, i) => {
    if (!/^[A-Z]{3}$/.test(plan.currency)) {
      add('plans.currency', 'warning', `subscription_types[${i}].currency`, `${plan.currency} is not an active ISO 4217 currency code.`);
    }
    const min = Number(plan.min_licenses);
    const max = Number(plan.max_licenses);
    if (Number.isInteger(min) && Number.isInteger(max) && min > max) {
      add('plans.licenses_range', 'warning', `subscription_types[${i}].max_licenses`, `The minimum licenses (${min}) exceed the maximum (${max}).`);
    }
  });

  const planWords = new Set(form.subscription_types.flatMap((p) => p.name.toLowerCase().split(/[^a-z0-9+]+/)));
  for (const match of form.marketplace.description.matchAll(QUOTED_PLAN)) {
    const word = match[1]!;
    if (!NOT_PLAN_NAMES.has(word.toLowerCase()) && !planWords.has(word.toLowerCase())) {
      add('plans.quoted_names', 'warning', 'marketplace.description', `The listing mentions a ${word} plan, but no plan has that name.`);
    }
  }

  const notChecked: NotChecked[] = [
    {
      rule: 'icon.*',
      reason: hasIcon ? 'the demo backend does not read icon files' : 'the version has no icon to check',
    },
  ];
  // Errors first, as the pack lists them; within a severity, in the order found.
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  diagnostics.sort((a, b) => order[a.severity] - order[b.severity]);
  return { pack_version: FAKE_PACK_VERSION, diagnostics, not_checked: notChecked, suppressed: [], not_applied: [] };
}
