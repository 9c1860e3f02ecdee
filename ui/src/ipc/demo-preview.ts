// Fixed content for the preview's browser tests (`?demo=preview` and `?demo=preview-hostile`): one app, one draft
// version, an icon without text (so screenshots do not depend on fonts), and a live copy that differs in the display
// name and the cheapest plan; one of its screenshots is on a host that is not the partner's own. The hostile set puts
// script, event handlers, CSS and remote loads in every field a partner writes; the preview must show all of it as
// text and load nothing but the screenshot from the partner's own domain.
import type { AppRow, PlanForm, VersionForm, VersionView } from './bindings';
import { DEMO_CATEGORIES, serverApp } from './demo-data';
import type { FakeOptions } from './fake';
import { fakeActions, fakeLocks } from './fake-review';

export const PREVIEW_VERSION_ID = 'ver-preview-300';

const ICON =
  `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
  `<rect width="128" height="128" rx="28" fill="#2563eb"/>` +
  `<circle cx="64" cy="64" r="34" fill="#ffffff"/><rect x="52" y="52" width="24" height="24" rx="4" fill="#7c3aed"/></svg>`;

function plan(over: Partial<PlanForm> & Pick<PlanForm, 'type' | 'name' | 'price'>): PlanForm {
  return {
    license_type: 'individual',
    currency: 'USD',
    description: 'Billed monthly.',
    listing_summary: '',
    min_licenses: '1',
    max_licenses: '500',
    trial_days: '',
    ...over,
  };
}

const DESCRIPTION = [
  '## Every call, in your CRM',
  '',
  'Acme CRM Connector logs **every call**, note and disposition into Acme CRM, and pops the caller\'s record',
  'for the agent *before* they answer.',
  '',
  '- Two-way contact lookup',
  '- Screen pops with the open deals',
  '- Click-to-call from any record',
  '',
  '1. Install the app',
  '2. Sign in to Acme CRM',
  '',
  '> Set up in five minutes, no code.',
  '',
  'Read the [setup guide](https://docs.acme-corp.example/talkdesk) or write to',
  '[our team](mailto:support@acme-corp.example). Calls map to the `Call` object.',
].join('\n');

function content(): VersionForm {
  return {
    general: { display_name: 'Acme CRM Connector', slug: 'acme-crm-connector', notes: '', emails: [] },
    technical: {
      scopes: ['account:read', 'contacts:read', 'contacts:write'],
      scopes_reason: 'Reads the caller from your contacts and writes each call back to them.',
      urls: [{ type: 'redirect_uri', url: 'https://connect.acme-corp.example/oauth/callback' }],
      manually_provisioned: false,
    },
    marketplace: {
      listing_summary:
        'Sync every Talkdesk call, note and disposition into Acme CRM automatically, with two-way contact lookup and screen pops for every agent.',
      description: DESCRIPTION,
      categories: ['CRM'],
      assets: [
        { type: 'screenshot', description: 'The agent workspace with a screen pop', url: 'https://cdn.acme-corp.example/shot-1.png' },
        // On a host that is not Acme's own: held back until the partner asks (features/preview/screenshots.ts).
        { type: 'screenshot', description: 'Call logging report', url: 'https://media.shots-host.example/acme/report.png' },
        { type: 'video', description: 'Tour', url: 'https://cdn.acme-corp.example/tour.mp4' },
      ],
      urls: [
        { type: 'privacy_policy', url: 'https://www.acme-corp.example/privacy' },
        { type: 'terms_of_service', url: 'https://www.acme-corp.example/terms' },
      ],
      support: { email: 'support@acme-corp.example', phone: '+1 555 0100', url: 'https://help.acme-corp.example' },
    },
    subscription_types: [
      plan({ type: 'trial', name: 'Trial', price: '0', trial_days: '14', description: 'Every feature for 14 days.' }),
      plan({ type: 'paid', name: 'Team', price: '1200' }),
      plan({ type: 'paid', name: 'Pro', price: '900', listing_summary: 'For teams up to 50 agents.' }),
      plan({ type: 'paid', name: 'Enterprise', license_type: 'universal', price: '49900' }),
    ],
  };
}

/** Every kind of payload a hostile description could carry; each would set `window.__pwned` or load a URL if it ran. */
export const HOSTILE_DESCRIPTION = [
  '# Totally normal app',
  '<script>window.__pwned = "script"; alert(1)</script>',
  '<img src="x" onerror="window.__pwned = \'onerror\'">',
  '<img src="https://evil.example/img-tag.png">',
  '![tracking pixel](https://evil.example/pixel.png)',
  '<svg onload="window.__pwned = \'svg\'"><script>window.__pwned = "svg-script"</script></svg>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">',
  '<style>body { background: url(https://evil.example/style-tag.png) }</style>',
  // A slash, not a space, before the attribute (HTML parses both alike): scripts/check-dist.mjs fails the build on
  // a literal ` style="` in any bundle.
  '<p/style="background:url(https://evil.example/style-attr.png)">styled</p>',
  '<link rel="stylesheet" href="https://evil.example/sheet.css">',
  '<object data="https://evil.example/object"></object>',
  '<base href="https://evil.example/">',
  '<details open ontoggle="window.__pwned = \'details\'">x</details>',
  '',
  '[javascript link](javascript:window.__pwned=1) [vbscript link](vbscript:msgbox) [data link](data:text/html,<script>window.__pwned=1</script>)',
  '',
  '[A real link](https://docs.acme-corp.example/start)',
  '',
  '```',
  '<script>window.__pwned = "code"</script>',
  '```',
].join('\n');

function hostileContent(): VersionForm {
  const form = content();
  form.general.display_name = 'Acme <img src=x onerror="window.__pwned=\'name\'">';
  form.marketplace.listing_summary = '<script>window.__pwned="summary"</script> Sync calls <b onmouseover="window.__pwned=1">now</b>';
  form.marketplace.description = HOSTILE_DESCRIPTION;
  form.marketplace.categories = ['<style>*{background:url(https://evil.example/category.png)}</style>'];
  form.technical.scopes_reason = '<iframe src="https://evil.example/reason"></iframe>';
  form.subscription_types[1]!.name = '<b onmouseover="window.__pwned=\'plan\'">Team</b>';
  form.marketplace.assets = [
    { type: 'screenshot', description: 'Declared screenshot', url: 'https://cdn.acme-corp.example/shot-1.png' },
    { type: 'screenshot', description: '<img src=x onerror=alert(1)>', url: 'javascript:window.__pwned="asset"' },
    { type: 'screenshot', description: 'Tracking pixel', url: 'https://evil.example/screenshot-pixel.png' },
    { type: 'video', description: 'Not a screenshot', url: 'https://evil.example/video.mp4' },
    { type: 'icon', description: 'Icon asset', url: 'https://evil.example/icon-asset.png' },
  ];
  form.marketplace.urls = [{ type: 'privacy_policy', url: 'javascript:window.__pwned="url"' }];
  return form;
}

/** The fake backend's options for a preview fixture set. */
export function previewFixture(kind: 'plain' | 'hostile'): FakeOptions {
  const form = kind === 'hostile' ? hostileContent() : content();
  const live = content();
  live.general.display_name = 'Acme CRM';
  live.subscription_types = live.subscription_types.filter((p) => p.name !== 'Pro');
  const app: AppRow = serverApp({
    id: 'app-preview',
    name: 'acme-crm-connector',
    slug: 'acme-crm-connector',
    display_name: 'Acme CRM Connector',
    created_type: 'Acme Corp',
    app_type: 'standalone',
    render: 'portal',
    icon_version_id: PREVIEW_VERSION_ID,
    versions: [
      { id: PREVIEW_VERSION_ID, version_number: '3.0.0', technical: 'draft', marketplace: 'draft', has_icon: true, unsent: 0, held: 0, conflicts: 0, not_sent: false },
    ],
  });
  const view: VersionView = {
    app_id: app.id,
    app_name: app.display_name,
    version_id: PREVIEW_VERSION_ID,
    version_number: '3.0.0',
    technical: 'draft',
    marketplace: 'draft',
    has_icon: true,
    content: form,
    known_categories: DEMO_CATEGORIES,
    locks: fakeLocks('draft', 'draft'),
    actions: fakeActions('draft', 'draft'),
  };
  return {
    apps: [app],
    versions: { [PREVIEW_VERSION_ID]: view },
    icons: { [PREVIEW_VERSION_ID]: `data:image/svg+xml,${encodeURIComponent(ICON)}` },
    live: { [PREVIEW_VERSION_ID]: live },
  };
}
