// The live-data half of the in-memory backend: installations (demo ones in every badge state), the partner's decision
// on what one waits for (an installation to confirm, an update to accept), OAuth clients (a created one's secret returned once, kept nowhere here) and the account's licenses and
// credits. Badges are given as the Rust side computes them (the preview rules); the fake does not recompute them.
import type {
  BadgeView,
  CommandError,
  CreatedClientView,
  InstallationDecisionKind,
  DecidedInstallation,
  InstallationRow,
  InstallLinkView,
  InstallationState,
  OAuthClientRow,
  PartnerAccountView,
  UpdateState,
  VersionView,
  Waiting,
} from './bindings';
import catalogue from '../../../src-tauri/crates/partner-api/talkdesk-scopes.json';
import { redirectUriProblem } from '../features/clients/redirect';

/** The Talkdesk API scopes a client may be given: the catalogue the Rust side serves. */
export const CLIENT_SCOPES: string[] = catalogue.scopes.map((scope) => scope.name);

const badge = (
  label: string,
  shown: BadgeView['shown'] = null,
  covered: BadgeView['covered'] = [],
  dimmed = false,
  beside: BadgeView['beside'] = [],
): BadgeView => ({
  shown,
  beside,
  covered,
  label,
  dimmed,
  gear: false,
  force_uninstall: false,
});

/**
 * What an installation waits for the partner to decide, as `workbench_domain::installation::waiting` says: an installing
 * one is confirmed or rejected (FAQ §16: "a pending installation waiting for partner confirmation"), an update under way
 * accepted or rejected; nothing else waits for them.
 */
export function waitingFor(state: InstallationState, update: UpdateState | null): Waiting | null {
  if (state === 'installing') return 'installation';
  if (update === 'updating') return 'update';
  return null;
}

/** The shell's help for a Failed Update (`workbench::live::FAILED_UPDATE_HELP`): only Talkdesk can recover it. */
export const FAILED_UPDATE_HELP =
  'The update failed to roll back and cannot be recovered from here: it needs Talkdesk. The customer must open a ' +
  'request with Talkdesk Support at https://support.talkdesk.com/hc/en-us.';

/** An installation's row with what it waits for and its help as the shell derives them from its state and update. */
function derived(installation: InstallationRow): InstallationRow {
  return {
    ...installation,
    waiting: waitingFor(installation.state, installation.update),
    help: installation.update === 'failed' ? FAILED_UPDATE_HELP : null,
  };
}

function row(
  n: number,
  account_name: string,
  state: InstallationRow['state'],
  badges: BadgeView,
  extra: Partial<InstallationRow> = {},
): InstallationRow {
  return derived({
    id: `inst-acme-${String(n).padStart(2, '0')}`,
    account_name,
    version_id: 'ver-acme-200',
    version_number: '2.0.0',
    state,
    update: null,
    waiting: null,
    help: null,
    plan: 'Team',
    licenses: 10 * n,
    trial_start: null,
    trial_end: null,
    reason: null,
    badges,
    ...extra,
  });
}

const MARCH_TRIAL = { trial_start: '2026-03-02T09:00:00Z', trial_end: '2026-04-01T09:00:00Z', plan: 'Trial' };

/** Demo installations of the demo's first app, one for every badge a customer can see. */
export const DEMO_INSTALLATIONS: Record<string, InstallationRow[]> = {
  'app-acme-crm': [
    row(1, 'Northwind Traders', 'completed', badge('Active')),
    row(2, 'Initech Care', 'installing', badge('Installing', 'installing')),
    row(3, 'Umbrella Health', 'installing', badge('Installing', 'installing'), { plan: 'Enterprise' }),
    row(4, 'Hooli Contact Center', 'timeout', badge('Failed Installation', 'failed_installation', [], true)),
    row(5, 'Vandelay Imports', 'failed', badge('Failed Installation', 'failed_installation', ['trial_expired'], true), MARCH_TRIAL),
    row(6, 'Pied Piper Desk', 'completed', badge('Updating', 'updating'), { update: 'updating' }),
    row(7, 'Massive Dynamic', 'completed', badge('Failed Update', 'failed_update'), { update: 'failed', plan: 'Enterprise' }),
    row(8, 'Oceanic Air', 'completed', badge('Upgrade Available', 'upgrade_available'), { version_id: 'ver-acme-100', version_number: '1.0.0' }),
    row(9, 'Globex Support', 'completed', badge('Trial Expired', 'trial_expired'), MARCH_TRIAL),
    row(10, 'Wayne Services', 'completed', badge('Active', 'manually_provisioned')),
    row(11, 'Cyberdyne Help', 'rejected', badge('Rejected'), { reason: "The account's region is not supported yet." }),
    row(12, 'Tyrell Retail', 'suspended', badge('Suspended')),
    row(13, 'Stark Logistics', 'revoked', badge('Revoked')),
    // FAQ §16: the manually provisioned mark shows beside Installing and Trial Expired, and only Upgrade Available,
    // Updating, Failed Update and Failed Installation hide it.
    row(14, 'Soylent Foods', 'installing', badge('Installing', 'installing', [], false, ['manually_provisioned'])),
    row(
      15,
      'Initrode Billing',
      'completed',
      badge('Trial Expired', 'trial_expired', [], false, ['manually_provisioned']),
      MARCH_TRIAL,
    ),
    row(16, 'Bluth Company', 'completed', badge('Updating', 'updating', ['manually_provisioned']), { update: 'updating' }),
  ],
};

/** The sandbox's demo developer account (FAQ §8): three free licenses and $25.00 of credits, as the shell formats them. */
export const DEMO_ACCOUNT: PartnerAccountView = {
  licenses_total: 3,
  licenses_used: 1,
  licenses_free_developer: 3,
  licenses_available: 2,
  credits: '$25.00',
  currency: 'USD',
  credits_help_url: 'https://support.talkdesk.com/hc/en-us/articles/206633273-One-Time-Payments',
};

export interface FakeLiveOptions {
  /** Installations by app id; the demo ones by default. */
  installations?: Record<string, InstallationRow[]>;
  clients?: OAuthClientRow[];
  partnerAccount?: PartnerAccountView;
  /** When set, every live call rejects with it (as offline does). */
  failLive?: CommandError | null;
  now?: () => Date;
  /** The cached versions, for their install links. */
  versionOf?: (versionId: string) => VersionView | undefined;
}

export interface FakeLiveCalls {
  installations: string[];
  decideInstallation: {
    appId: string;
    installationId: string;
    expect: Waiting;
    decision: InstallationDecisionKind;
    reason: string | null;
  }[];
  createOAuthClient: { name: string; scopes: string[]; redirectUris: string[]; grantTypes: string[] }[];
  deleteOAuthClient: string[];
  /** How many times Talkdesk's help page on adding credits was opened. */
  openCreditsHelp: number;
  installLink: string[];
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createFakeLive(options: FakeLiveOptions = {}) {
  const installations: Record<string, InstallationRow[]> = copy(options.installations ?? DEMO_INSTALLATIONS);
  let clients: OAuthClientRow[] = copy(options.clients ?? []);
  const partnerAccount = copy(options.partnerAccount ?? DEMO_ACCOUNT);
  let failLive: CommandError | null = options.failLive ?? null;
  const now = options.now ?? (() => new Date());
  let made = 0;
  const calls: FakeLiveCalls = {
    installations: [],
    decideInstallation: [],
    createOAuthClient: [],
    deleteOAuthClient: [],
    openCreditsHelp: 0,
    installLink: [],
  };

  function check(): void {
    if (failLive) throw copy(failLive);
  }
  const invalid = (message: string): CommandError => ({ code: 'invalid_input', message });

  return {
    calls,
    setFailLive(error: CommandError | null) {
      failLive = error;
    },
    backend: {
      /** As the sandbox answers (`workbench_domain::lifecycle::installable_on`). */
      async installLink(versionId: string): Promise<InstallLinkView> {
        calls.installLink.push(versionId);
        check();
        const view = options.versionOf?.(versionId);
        if (!view) throw { code: 'not_found', message: `no version ${versionId} in the cache` } satisfies CommandError;
        if (versionId.startsWith('local-')) {
          throw invalid(`version ${versionId} is not on the server yet, so it has no install link; sync sends it`);
        }
        const anyAccount = ['approved', 'available', 'advertised'].includes(view.technical);
        return {
          version_id: versionId,
          url: `https://sandbox.example/_sandbox/install/${view.app_id}/${versionId}`,
          any_account: anyAccount,
          who: anyAccount
            ? 'installable on any Talkdesk account'
            : 'installable on your own developer account only, until its technical review is approved',
        };
      },
      async installations(appId: string): Promise<InstallationRow[]> {
        calls.installations.push(appId);
        check();
        return copy(installations[appId] ?? []);
      },
      async decideInstallation(
        appId: string,
        installationId: string,
        expect: Waiting,
        decision: InstallationDecisionKind,
        reason: string | null,
      ): Promise<DecidedInstallation> {
        calls.decideInstallation.push({ appId, installationId, expect, decision, reason });
        check();
        const why = reason?.trim() ?? '';
        if (decision === 'reject' && why === '') throw invalid('a rejection needs a reason the customer will see');
        const found = (installations[appId] ?? []).find((i) => i.id === installationId);
        if (!found) throw { code: 'not_found', message: `app ${appId} has no installation ${installationId}` } satisfies CommandError;
        // As the shell's client: the decision is on what the partner saw waiting (`expect`), never on something else.
        const waits = waitingFor(found.state, found.update);
        if (waits !== expect) {
          throw invalid(
            waits === null
              ? `installation ${installationId} is ${found.state} and waits for nothing from you`
              : waits === 'installation'
                ? `installation ${installationId} waits for you to confirm or reject the installation, not an update`
                : `installation ${installationId} is installed; it waits for you to accept or reject an update`,
          );
        }
        // The fake does not recompute badges: it gives those the rules give after the decision.
        const provisioned = [found.badges.shown, ...found.badges.beside, ...found.badges.covered].includes('manually_provisioned');
        const active = () => (provisioned ? badge('Active', 'manually_provisioned') : badge('Active'));
        if (waits === 'installation' && decision === 'approve') {
          found.state = 'completed';
          found.reason = null;
          found.badges = active();
        } else if (waits === 'installation') {
          found.state = 'rejected';
          found.reason = why;
          found.badges = badge('Rejected');
        } else {
          // Accepting or rejecting an update ends it; a rejection keeps its reason.
          found.update = null;
          found.reason = decision === 'reject' ? why : null;
          found.badges = active();
        }
        Object.assign(found, derived(found));
        return { id: found.id, account_name: found.account_name, state: found.state };
      },
      async oauthClients(): Promise<OAuthClientRow[]> {
        check();
        return copy(clients);
      },
      async oauthClientScopes(): Promise<string[]> {
        return [...CLIENT_SCOPES];
      },
      async createOAuthClient(
        name: string,
        scopes: string[],
        redirectUris: string[],
        grantTypes: string[],
      ): Promise<CreatedClientView> {
        calls.createOAuthClient.push({ name, scopes: [...scopes], redirectUris: [...redirectUris], grantTypes: [...grantTypes] });
        check();
        const trimmed = name.trim();
        if (trimmed === '') throw invalid('name: must not be empty');
        if (scopes.length === 0) throw invalid('scopes: must list at least one Talkdesk API scope');
        const unknown = scopes.findIndex((scope) => !CLIENT_SCOPES.includes(scope));
        if (unknown >= 0) throw invalid(`scopes[${unknown}]: "${scopes[unknown]}" is not a Talkdesk API scope in the catalogue`);
        for (const [i, uri] of redirectUris.entries()) {
          const problem = redirectUriProblem(uri);
          if (problem) throw invalid(`redirect_uris[${i}]: ${problem}`);
        }
        const grants = grantTypes.length === 0 ? ['client_credentials'] : [...new Set(grantTypes)];
        if (grants.includes('authorization_code') && redirectUris.length === 0) {
          throw invalid('redirect_uris: authorization_code needs at least one redirect URI to return the user to');
        }
        made += 1;
        const client: OAuthClientRow = {
          id: `oc-demo-${made}`,
          name: trimmed,
          scopes: [...new Set(scopes)],
          redirect_uris: [...new Set(redirectUris)],
          grant_types: grants,
          created_at: now().toISOString(),
        };
        clients = [...clients, client];
        const secret = `pwbs_demo${made}${Math.random().toString(16).slice(2)}`;
        return { client: copy(client), secret };
      },
      async deleteOAuthClient(clientId: string): Promise<void> {
        calls.deleteOAuthClient.push(clientId);
        check();
        if (!clients.some((c) => c.id === clientId)) {
          throw { code: 'not_found', message: `no OAuth client ${clientId}` } satisfies CommandError;
        }
        clients = clients.filter((c) => c.id !== clientId);
      },
      async partnerAccount(): Promise<PartnerAccountView> {
        check();
        return copy(partnerAccount);
      },
      async openCreditsHelp(): Promise<void> {
        // Opens nothing: the shell opens its one fixed address.
        calls.openCreditsHelp += 1;
      },
    },
  };
}
