// The words the editor uses for the kinds of URL, asset, plan and license (the labels Partner Project shows).
import type { AssetKind, LicenseKind, PlanKind, UrlKind } from '../../ipc';

export const URL_LABEL: Record<UrlKind, string> = {
  redirect_uri: 'Redirect URI',
  installation_subscription: 'Events callback',
  launch_url: 'Launch URL (SSO)',
  privacy_policy: 'Privacy policy',
  terms_of_service: 'Terms of service',
  app_source: 'App source',
};

/** The URL kinds each section offers; a URL of another kind keeps its kind in the list. */
export const TECHNICAL_URLS: UrlKind[] = ['redirect_uri', 'installation_subscription', 'launch_url'];
export const MARKETPLACE_URLS: UrlKind[] = ['privacy_policy', 'terms_of_service', 'app_source'];

export const ASSET_LABEL: Record<AssetKind, string> = {
  icon: 'Icon',
  screenshot: 'Screenshot',
  video: 'Video',
};

export const PLAN_LABEL: Record<PlanKind, string> = {
  trial: 'Trial',
  paid: 'Paid',
};

export const LICENSE_LABEL: Record<LicenseKind, string> = {
  individual: 'Per seat',
  universal: 'Per account',
};

/** The kinds a select offers: the section's own, plus the current one if it is not among them. */
export function kindsWith<K extends string>(kinds: K[], current: K): K[] {
  return kinds.includes(current) ? kinds : [...kinds, current];
}
