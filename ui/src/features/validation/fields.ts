// Field paths, as the rules engine names them (`general.display_name`, `subscription_types[1].price`,
// `marketplace.urls.privacy_policy`, `icon`), and the elements of the version form they land on.
//
// Every element of the form that a diagnostic can point at carries the id `fieldId(path)`: inputs for single
// values, rows for list items, lists and sections as the wider fallbacks. `formTargets(draft)` lists those paths
// for a draft (the form renders exactly these; a test checks it), and `resolveField` maps any path to the nearest one.
import type { UrlKind, VersionForm } from '../../ipc';

/** The DOM id of the form element for `path`. */
export function fieldId(path: string): string {
  return `field:${path}`;
}

/** The id of the inline messages under the element for `path`. */
export function messagesId(path: string): string {
  return `messages:${path}`;
}

/**
 * The paths the form has an element for, given the draft's lists: each section, each list and its rows, each input.
 * Rows hold their own inputs (`subscription_types[1]` holds `subscription_types[1].price`).
 */
export function formTargets(draft: VersionForm): Set<string> {
  const targets = new Set<string>([
    'icon',
    'general',
    'general.display_name',
    'general.slug',
    'general.notes',
    'general.emails',
    'technical',
    'technical.scopes',
    'technical.scopes_reason',
    'technical.urls',
    'technical.manually_provisioned',
    'marketplace',
    'marketplace.listing_summary',
    'marketplace.description',
    'marketplace.categories',
    'marketplace.assets',
    'marketplace.urls',
    'marketplace.support',
    'marketplace.support.email',
    'marketplace.support.phone',
    'marketplace.support.url',
    'subscription_types',
  ]);
  const rows = (list: string, count: number, fields: string[]) => {
    for (let i = 0; i < count; i += 1) {
      targets.add(`${list}[${i}]`);
      for (const field of fields) targets.add(`${list}[${i}].${field}`);
    }
  };
  const items = (list: string, count: number) => {
    for (let i = 0; i < count; i += 1) targets.add(`${list}[${i}]`);
  };
  rows('general.emails', draft.general.emails.length, ['type', 'email']);
  items('technical.scopes', draft.technical.scopes.length);
  rows('technical.urls', draft.technical.urls.length, ['type', 'url']);
  items('marketplace.categories', draft.marketplace.categories.length);
  rows('marketplace.assets', draft.marketplace.assets.length, ['type', 'description', 'url']);
  rows('marketplace.urls', draft.marketplace.urls.length, ['type', 'url']);
  rows('subscription_types', draft.subscription_types.length, [
    'name',
    'type',
    'license_type',
    'price',
    'currency',
    'min_licenses',
    'max_licenses',
    'trial_days',
    'description',
    'listing_summary',
  ]);
  return targets;
}

const TYPED_URL = /^(technical|marketplace)\.urls\.([a-z_]+)$/;

/**
 * A path that names a URL by its type (`marketplace.urls.privacy_policy`, as the required-fields rule does) becomes
 * the path of that URL's input in the draft, or the URL list when the draft has no URL of that type.
 */
function byIndex(path: string, draft: VersionForm): string {
  const typed = TYPED_URL.exec(path);
  if (!typed) return path;
  const section = typed[1] as 'technical' | 'marketplace';
  const index = draft[section].urls.findIndex((url) => url.type === (typed[2] as UrlKind));
  return index >= 0 ? `${section}.urls[${index}].url` : `${section}.urls`;
}

/** `path` and each path that contains it, nearest first: `a.b[1].c` → `a.b[1].c`, `a.b[1]`, `a.b`, `a`. */
export function enclosingPaths(path: string): string[] {
  const out: string[] = [];
  let rest = path;
  while (rest !== '') {
    out.push(rest);
    const cut = Math.max(rest.lastIndexOf('.'), rest.lastIndexOf('['));
    rest = cut > 0 ? rest.slice(0, cut) : '';
  }
  return out;
}

/**
 * The form path a diagnostic's field lands on: the field's own input when the form has one, otherwise the nearest
 * row, list or section that holds it. Null when nothing in the form is near (a field of a section the form lacks).
 */
export function resolveField(path: string, draft: VersionForm, targets: Set<string> = formTargets(draft)): string | null {
  return enclosingPaths(byIndex(path.trim(), draft)).find((candidate) => targets.has(candidate)) ?? null;
}
