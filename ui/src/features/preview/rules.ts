// The card's stated rules, the window's half of a contract with a Rust twin (`workbench-domain`): both pass every case of
// `tests/fixtures/preview/cases.json`. Pure functions, no DOM: summary truncation, the price line, the trial mark, and
// which installation badge a customer sees (FAQ §16).

/** Card sizes: how many code points of the listing summary each shows. */
export const SUMMARY_LIMIT = { small: 60, large: 120 } as const;
export type CardSize = keyof typeof SUMMARY_LIMIT;

/** Characters stripped from the end of a cut summary before the ellipsis. */
const TRAILING = new Set([...' .,;:!?-–—']);

/**
 * The card's summary: whitespace runs collapsed to one space and trimmed; at most `limit` code points unchanged; else
 * the first `limit - 1` code points, cut at their last space when it lies in the second half, trailing punctuation
 * stripped, and "…" appended.
 */
export function truncate(text: string, limit: number): string {
  // Unicode's White_Space property, as Rust's `char::is_whitespace` (JS's `\s` differs: it has U+FEFF, lacks U+0085).
  const collapsed = text.replace(/\p{White_Space}+/gu, ' ').replace(/^ | $/g, '');
  const points = Array.from(collapsed);
  if (points.length <= limit) return collapsed;
  let head = points.slice(0, Math.max(0, limit - 1));
  const space = head.lastIndexOf(' ');
  if (space >= Math.floor(limit / 2)) head = head.slice(0, space);
  while (head.length > 0 && TRAILING.has(head[head.length - 1]!)) head.pop();
  return `${head.join('')}…`;
}

/**
 * A plan as the rules read it: the wire's numbers, or the editor's form where numbers are strings as typed. A price or
 * trial length that is not a whole number is treated as absent (the validation panel says what is wrong with it).
 */
export interface RulePlan {
  type: string;
  license_type: string;
  price: number | string;
  currency: string;
  trial_days?: number | string | null;
}

/** A whole number of minor units or days, or null when the value is not one. */
function whole(value: number | string | null | undefined): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'CLP', 'ISK', 'VND']);
const SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  CAD: 'CA$',
  AUD: 'A$',
  JPY: '¥',
  BRL: 'R$',
};

function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An amount in minor units, with its currency's symbol (or code and a space): `$1,234.50`, `¥1,500`, `CHF 10`. */
export function money(minor: number, currency: string): string {
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  if (ZERO_DECIMALS.has(currency)) return `${symbol}${grouped(String(minor))}`;
  const units = Math.floor(minor / 100);
  const cents = minor % 100;
  const amount = cents === 0 ? grouped(String(units)) : `${grouped(String(units))}.${String(cents).padStart(2, '0')}`;
  return `${symbol}${amount}`;
}

/** What a plan's price is per: a seat (`individual`) or the account (`universal`). */
export function perWhat(licenseType: string): string {
  return licenseType === 'universal' ? 'account' : 'seat';
}

/** "from $9 / seat / month", from the cheapest paid plan (the first on ties); null without a paid plan. */
export function priceLine(plans: readonly RulePlan[]): string | null {
  let best: { price: number; plan: RulePlan } | null = null;
  for (const plan of plans) {
    if (plan.type !== 'paid') continue;
    const price = whole(plan.price);
    if (price === null) continue;
    if (best === null || price < best.price) best = { price, plan };
  }
  if (best === null) return null;
  return `from ${money(best.price, best.plan.currency)} / ${perWhat(best.plan.license_type)} / month`;
}

/** The default trial length when a trial plan gives none. */
export const DEFAULT_TRIAL_DAYS = 30;

/** "30-day free trial" from the first trial plan; null without one. */
export function trialMark(plans: readonly RulePlan[]): string | null {
  const trial = plans.find((plan) => plan.type === 'trial');
  if (!trial) return null;
  const days = whole(trial.trial_days) || DEFAULT_TRIAL_DAYS;
  return `${days}-day free trial`;
}

/** The status badges of FAQ §16, highest priority first. */
export const BADGE_PRIORITY = [
  'failed_update',
  'failed_installation',
  'updating',
  'upgrade_available',
  'trial_expired',
  'installing',
  'manually_provisioned',
] as const;
export type StatusBadge = (typeof BADGE_PRIORITY)[number];

/**
 * The badges that hide the manually provisioned mark. FAQ §16: it "will be temporarily hidden whenever higher priority
 * icons need to be displayed, including upgrade available, updating, failed update/installation or generic alerts".
 * Installing and Trial Expired do not hide it: it is drawn beside them.
 */
export const HIDES_MANUALLY_PROVISIONED: ReadonlySet<StatusBadge> = new Set<StatusBadge>([
  'failed_update',
  'failed_installation',
  'updating',
  'upgrade_available',
]);

export const BADGE_LABEL: Record<StatusBadge, string> = {
  failed_update: 'Failed Update',
  failed_installation: 'Failed Installation',
  updating: 'Updating',
  upgrade_available: 'Upgrade Available',
  trial_expired: 'Trial Expired',
  installing: 'Installing',
  manually_provisioned: 'Manually Provisioned',
};

export type InstallationState =
  | 'installing'
  | 'timeout'
  | 'completed'
  | 'failed'
  | 'rejected'
  | 'suspended'
  | 'revoked';

/** What decides an installation's badges. */
export interface BadgeInput {
  state: InstallationState | string;
  update?: 'updating' | 'failed' | null;
  upgrade_available?: boolean;
  trial_expired?: boolean;
  manually_provisioned?: boolean;
  can_manage?: boolean;
  force_uninstall?: boolean;
}

/** What a customer sees on the icon: the one status badge drawn (bottom-left), those it covers, and the rest. */
export interface Badges {
  shown: StatusBadge | null;
  /** Drawn beside `shown` rather than hidden by it: the manually provisioned mark with Installing or Trial Expired. */
  beside: StatusBadge[];
  covered: StatusBadge[];
  label: string;
  /** The icon is drawn dimmed (a failed installation). */
  dimmed: boolean;
  /** The manage gear (top-right, on hover) for users who may manage the installation. */
  gear: boolean;
  /** The force-uninstall badge (bottom-right) on accounts that have the feature. */
  force_uninstall: boolean;
}

const STATE_LABEL: Record<string, string> = {
  completed: 'Active',
  rejected: 'Rejected',
  suspended: 'Suspended',
  revoked: 'Revoked',
};

/**
 * The badges of an installation, by FAQ §16's priority: the highest that applies is shown, it covers the others,
 * except the manually provisioned mark, which only the badges of `HIDES_MANUALLY_PROVISIONED` cover (beside the others
 * it is drawn too, and alone it is the shown one).
 */
export function badges(installation: BadgeInput): Badges {
  const applies = new Set<StatusBadge>();
  if (installation.state === 'installing') applies.add('installing');
  if (installation.state === 'failed' || installation.state === 'timeout') applies.add('failed_installation');
  if (installation.update === 'updating') applies.add('updating');
  if (installation.update === 'failed') applies.add('failed_update');
  if (installation.upgrade_available) applies.add('upgrade_available');
  if (installation.trial_expired) applies.add('trial_expired');
  if (installation.manually_provisioned) applies.add('manually_provisioned');
  const ordered = BADGE_PRIORITY.filter((badge) => applies.has(badge));
  const shown = ordered[0] ?? null;
  const isBeside = (badge: StatusBadge) =>
    badge === 'manually_provisioned' && shown !== null && !HIDES_MANUALLY_PROVISIONED.has(shown);
  const label =
    shown !== null && shown !== 'manually_provisioned'
      ? BADGE_LABEL[shown]
      : (STATE_LABEL[installation.state] ?? (shown === 'manually_provisioned' ? BADGE_LABEL.manually_provisioned : 'Active'));
  return {
    shown,
    beside: ordered.slice(1).filter(isBeside),
    covered: ordered.slice(1).filter((badge) => !isBeside(badge)),
    label,
    dimmed: shown === 'failed_installation',
    gear: installation.can_manage === true,
    force_uninstall: installation.force_uninstall === true,
  };
}
