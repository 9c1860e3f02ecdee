// Demo content for the fake backend: a small partner portfolio covering every review status.
import type { AppRow, LicenseKind, PlanForm, PlanKind, ReviewStatus, VersionForm, VersionRow, VersionView } from './bindings';
import type { AppMarks } from './fake-lifecycle';
import { fakeActions, fakeLocks, fakeNewVersionBlocked } from './fake-review';

function monogram(letter: string, from: string, to: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
    `<rect width="128" height="128" rx="28" fill="url(#g)"/>` +
    `<text x="64" y="84" font-family="Helvetica, Arial, sans-serif" font-size="60" font-weight="700" ` +
    `text-anchor="middle" fill="#ffffff">${letter}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export const DEMO_SERVER = 'http://127.0.0.1:8787';

/** A version row the server has, with no local changes. */
const NONE_LOCAL = { unsent: 0, held: 0, conflicts: 0, not_sent: false };

/** An app row the server has: registered, and open to a new version once its newest is Available. */
export function serverApp(app: Omit<AppRow, keyof AppMarks>): AppRow {
  return {
    ...app,
    not_sent: false,
    registration_refused: null,
    registration_change_id: null,
    new_version_blocked: fakeNewVersionBlocked(app.versions[0]),
    conflicts: [],
    unsent: 0,
    held: 0,
  };
}

export const DEMO_APPS: AppRow[] = [
  serverApp({
    id: 'app-acme-crm',
    name: 'acme-crm-connector',
    slug: 'acme-crm-connector',
    display_name: 'Acme CRM Connector',
    created_type: 'Acme Corp',
    app_type: 'standalone',
    render: 'portal',
    icon_version_id: 'ver-acme-210',
    versions: [
      { id: 'ver-acme-210', version_number: '2.1.0', technical: 'draft', marketplace: 'draft', has_icon: true, ...NONE_LOCAL },
      { id: 'ver-acme-200', version_number: '2.0.0', technical: 'available', marketplace: 'advertised', has_icon: true, ...NONE_LOCAL },
      { id: 'ver-acme-100', version_number: '1.0.0', technical: 'available', marketplace: 'approved', has_icon: true, ...NONE_LOCAL },
    ],
  }),
  serverApp({
    id: 'app-northwind-tickets',
    name: 'northwind-ticket-bridge',
    slug: 'northwind-ticket-bridge',
    display_name: 'Northwind Ticket Bridge',
    created_type: 'Northwind Labs',
    app_type: 'atlas',
    render: 'canvas',
    icon_version_id: 'ver-nw-110',
    versions: [
      { id: 'ver-nw-110', version_number: '1.1.0', technical: 'rejected', marketplace: 'draft', has_icon: true, ...NONE_LOCAL },
      { id: 'ver-nw-100', version_number: '1.0.0', technical: 'available', marketplace: 'advertised', has_icon: true, ...NONE_LOCAL },
    ],
  }),
  serverApp({
    id: 'app-initech-analytics',
    name: 'initech-call-analytics',
    slug: 'initech-call-analytics',
    display_name: 'Initech Call Analytics',
    created_type: 'Initech',
    app_type: 'atlas',
    render: 'portal',
    icon_version_id: 'ver-initech-300',
    versions: [
      { id: 'ver-initech-300', version_number: '3.0.0', technical: 'in_review', marketplace: 'in_review', has_icon: true, ...NONE_LOCAL },
      { id: 'ver-initech-221', version_number: '2.2.1', technical: 'available', marketplace: 'advertised', has_icon: true, ...NONE_LOCAL },
    ],
  }),
  serverApp({
    id: 'app-globex-callbacks',
    name: 'globex-callback-scheduler',
    slug: 'globex-callback-scheduler',
    display_name: 'Globex Callback Scheduler',
    created_type: 'Globex Corporation',
    app_type: 'standalone',
    render: 'portal',
    icon_version_id: null,
    versions: [
      { id: 'ver-globex-010', version_number: '0.1.0', technical: 'draft', marketplace: 'draft', has_icon: false, ...NONE_LOCAL },
    ],
  }),
];

/**
 * A long list for `?demo=scale`: `count` apps of 1 to 5 versions each, in every review status, to try the list's filter
 * and its drawing a screen at a time. With `versionsPerApp`, every app has that many (`?demo=scale-5`: 1,000 apps of 5,
 * as the sandbox's `--seed scale`, which the filter's keystroke benchmark types against).
 */
export function scaleApps(count = 1000, versionsPerApp?: number): AppRow[] {
  const tracks: [ReviewStatus, ReviewStatus][] = [
    ['draft', 'draft'],
    ['in_review', 'draft'],
    ['approved', 'in_review'],
    ['rejected', 'rejected'],
    ['available', 'approved'],
    ['available', 'advertised'],
  ];
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    const length = versionsPerApp ?? (i % 5) + 1;
    const versions = Array.from({ length }, (_, k) => {
      const [technical, marketplace] = tracks[(i + k) % tracks.length]!;
      const number = `${length - k}.${i % 10}.0`;
      return { id: `ver-scale-${n}-${k}`, version_number: number, technical, marketplace, has_icon: false, ...NONE_LOCAL };
    });
    return serverApp({
      id: `app-scale-${n}`,
      name: `scale-app-${n}`,
      slug: `scale-app-${n}`,
      display_name: `Scale App ${n}`,
      created_type: 'Scale Corp',
      app_type: i % 3 === 0 ? 'atlas' : 'standalone',
      render: 'portal',
      icon_version_id: null,
      versions,
    });
  });
}

export const DEMO_ICONS: Record<string, string> = {
  'ver-acme-210': monogram('A', '#2563eb', '#7c3aed'),
  'ver-acme-200': monogram('A', '#2563eb', '#7c3aed'),
  'ver-acme-100': monogram('A', '#2563eb', '#7c3aed'),
  'ver-nw-110': monogram('N', '#0f766e', '#22c55e'),
  'ver-nw-100': monogram('N', '#0f766e', '#22c55e'),
  'ver-initech-300': monogram('I', '#ea580c', '#db2777'),
  'ver-initech-221': monogram('I', '#ea580c', '#db2777'),
};

interface DemoListing {
  domain: string;
  summary: string;
  description: string;
  category: string;
  scopes: string[];
  scopesReason: string;
  plans: [string, LicenseKind, number][];
}

const LISTINGS: Record<string, DemoListing> = {
  'app-acme-crm': {
    domain: 'acme-corp.example',
    summary: 'Screen pops, click-to-call and automatic call logging between Talkdesk and Acme CRM.',
    description:
      'Acme CRM Connector links Talkdesk with Acme CRM, so agents stop copying notes between tabs. ' +
      'Start with the Trial, then choose the Team plan per seat or the Enterprise plan per account.',
    category: 'CRM',
    scopes: ['account:read', 'contacts:read', 'contacts:write'],
    scopesReason: 'Writes caller details and call outcomes back to Talkdesk contacts.',
    plans: [
      ['Team', 'individual', 1500],
      ['Enterprise', 'universal', 49900],
    ],
  },
  'app-northwind-tickets': {
    domain: 'northwind.example',
    summary: 'Open, update and close Northwind tickets from the Talkdesk agent workspace.',
    description:
      'Northwind Ticket Bridge turns every call into a ticket and keeps its status in step. ' +
      'The Premium plan adds SLA timers to the Desk plan.',
    category: 'Helpdesk & Ticketing',
    scopes: ['account:read', 'calls:read'],
    scopesReason: '',
    plans: [['Desk', 'individual', 1200]],
  },
  'app-initech-analytics': {
    domain: 'initech.example',
    summary: 'Speech analytics and agent scorecards for every call.',
    description:
      'Initech Call Analytics transcribes calls, scores them against your checklist and shows trends per team. ' +
      'Pick the Analyst plan per seat or the Site plan per account.',
    category: 'Analytics & Reporting',
    scopes: ['account:read', 'calls:read', 'recordings:read'],
    scopesReason: '',
    plans: [
      ['Analyst', 'individual', 2500],
      ['Site', 'universal', 59900],
    ],
  },
  'app-globex-callbacks': {
    domain: 'globex.example',
    summary: 'Let callers book a callback instead of waiting on hold.',
    description: '',
    category: 'Customer Experience',
    scopes: ['account:read', 'callbacks:write'],
    scopesReason: '',
    plans: [['Callbacks', 'individual', 900]],
  },
};

export const DEMO_CATEGORIES = [
  'Analytics & Reporting',
  'Artificial Intelligence',
  'Collaboration',
  'CRM',
  'Customer Experience',
  'E-commerce',
  'Helpdesk & Ticketing',
  'Integrations',
  'Messaging',
  'Productivity',
  'Quality Management',
  'Security & Compliance',
  'Workforce Engagement',
];

function plan(type: PlanKind, license: LicenseKind, name: string, price: number, max: number): PlanForm {
  return {
    type,
    license_type: license,
    name,
    price: String(price),
    currency: 'USD',
    description: type === 'trial' ? 'Try every feature free for 30 days.' : 'Billed monthly.',
    listing_summary: '',
    min_licenses: '1',
    max_licenses: String(max),
    trial_days: type === 'trial' ? '30' : '',
  };
}

/** The editor's view of a demo version: plausible content, clean except where a demo wants a problem to show. */
function demoVersion(app: AppRow, version: VersionRow): VersionView {
  const listing = LISTINGS[app.id]!;
  const d = listing.domain;
  // The first version of a new app is still rough.
  const draftOnly = app.versions.length === 1;
  const content: VersionForm = {
    general: {
      display_name: app.display_name,
      slug: app.slug,
      notes: '',
      emails: [{ type: 'technical', email: `integrations@${d}` }],
    },
    technical: {
      scopes: [...listing.scopes],
      scopes_reason: listing.scopesReason,
      urls: [
        { type: 'redirect_uri', url: `https://connect.${d}/talkdesk/oauth/callback` },
        { type: 'installation_subscription', url: `https://connect.${d}/talkdesk/events` },
      ],
      manually_provisioned: false,
    },
    marketplace: {
      listing_summary: listing.summary,
      description: listing.description,
      categories: [listing.category],
      assets: [
        { type: 'screenshot', description: `${app.display_name} in the agent workspace`, url: `https://cdn.${d}/shot-1.png` },
      ],
      // The first draft of a new app has no terms of service yet, and its privacy policy is still on plain HTTP.
      urls: draftOnly
        ? [{ type: 'privacy_policy', url: `http://www.${d}/privacy` }]
        : [
            { type: 'privacy_policy', url: `https://www.${d}/legal/privacy` },
            { type: 'terms_of_service', url: `https://www.${d}/legal/terms` },
          ],
      support: { email: `support@${d}`, phone: '', url: `https://help.${d}` },
    },
    subscription_types: [
      ...(draftOnly ? [] : [plan('trial', 'individual', 'Trial', 0, 25)]),
      ...listing.plans.map(([name, license, price]) => plan('paid', license, name, price, 2000)),
    ],
  };
  return {
    app_id: app.id,
    app_name: app.display_name,
    version_id: version.id,
    version_number: version.version_number,
    technical: version.technical,
    marketplace: version.marketplace,
    has_icon: version.has_icon,
    content,
    known_categories: DEMO_CATEGORIES,
    locks: fakeLocks(version.technical, version.marketplace),
    actions: fakeActions(version.technical, version.marketplace),
  };
}

export const DEMO_VERSIONS: Record<string, VersionView> = Object.fromEntries(
  DEMO_APPS.flatMap((app) => app.versions.map((version) => [version.id, demoVersion(app, version)])),
);

/**
 * The server's copies the preview compares with where they differ from the cache: Acme's draft has a new summary and
 * a dearer Team plan since the last sync; Globex's first draft was never sent.
 */
export const DEMO_LIVE: Record<string, VersionForm | null> = (() => {
  const acme = JSON.parse(JSON.stringify(DEMO_VERSIONS['ver-acme-210']!.content)) as VersionForm;
  acme.marketplace.listing_summary = 'Screen pops and call logging between Talkdesk and Acme CRM.';
  for (const p of acme.subscription_types) if (p.name === 'Team') p.price = '1200';
  return { 'ver-acme-210': acme, 'ver-globex-010': null };
})();
