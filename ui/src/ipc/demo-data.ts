// Demo content for the fake backend: a small partner portfolio covering every review status.
import type { AppRow } from './bindings';

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

export const DEMO_APPS: AppRow[] = [
  {
    id: 'app-acme-crm',
    name: 'acme-crm-connector',
    display_name: 'Acme CRM Connector',
    created_type: 'Acme Corp',
    app_type: 'standalone',
    icon_version_id: 'ver-acme-210',
    versions: [
      { id: 'ver-acme-210', version_number: '2.1.0', technical: 'approved', marketplace: 'in_review', has_icon: true },
      { id: 'ver-acme-200', version_number: '2.0.0', technical: 'available', marketplace: 'advertised', has_icon: true },
      { id: 'ver-acme-100', version_number: '1.0.0', technical: 'available', marketplace: 'approved', has_icon: true },
    ],
  },
  {
    id: 'app-northwind-tickets',
    name: 'northwind-ticket-bridge',
    display_name: 'Northwind Ticket Bridge',
    created_type: 'Northwind Labs',
    app_type: 'atlas',
    icon_version_id: 'ver-nw-110',
    versions: [
      { id: 'ver-nw-110', version_number: '1.1.0', technical: 'rejected', marketplace: 'draft', has_icon: true },
      { id: 'ver-nw-100', version_number: '1.0.0', technical: 'available', marketplace: 'advertised', has_icon: true },
    ],
  },
  {
    id: 'app-initech-analytics',
    name: 'initech-call-analytics',
    display_name: 'Initech Call Analytics',
    created_type: 'Initech',
    app_type: 'atlas',
    icon_version_id: 'ver-initech-300',
    versions: [
      { id: 'ver-initech-300', version_number: '3.0.0', technical: 'in_review', marketplace: 'in_review', has_icon: true },
      { id: 'ver-initech-221', version_number: '2.2.1', technical: 'available', marketplace: 'advertised', has_icon: true },
    ],
  },
  {
    id: 'app-globex-callbacks',
    name: 'globex-callback-scheduler',
    display_name: 'Globex Callback Scheduler',
    created_type: 'Globex Corporation',
    app_type: 'standalone',
    icon_version_id: null,
    versions: [
      { id: 'ver-globex-010', version_number: '0.1.0', technical: 'draft', marketplace: 'draft', has_icon: false },
    ],
  },
];

export const DEMO_ICONS: Record<string, string> = {
  'ver-acme-210': monogram('A', '#2563eb', '#7c3aed'),
  'ver-acme-200': monogram('A', '#2563eb', '#7c3aed'),
  'ver-acme-100': monogram('A', '#2563eb', '#7c3aed'),
  'ver-nw-110': monogram('N', '#0f766e', '#22c55e'),
  'ver-nw-100': monogram('N', '#0f766e', '#22c55e'),
  'ver-initech-300': monogram('I', '#ea580c', '#db2777'),
  'ver-initech-221': monogram('I', '#ea580c', '#db2777'),
};
