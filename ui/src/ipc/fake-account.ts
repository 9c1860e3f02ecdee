// The account and sign-in half of the in-memory backend: a server that hands out a user code and waits, while the
// test (or the browser demo) approves, denies or lets the code expire, each announced as a "sign-in" event.
import type {
  AccountView,
  CommandError,
  Folders,
  SignInEvent,
  SignInStarted,
  SignOutResult,
  SignedInAccount,
  TokenVault,
} from './bindings';

/** How the backend names each vault, as `Vault::describe` does in Rust. */
export const VAULT_WORDS: Record<TokenVault, string> = {
  secret_service: 'the system keyring (Secret Service)',
  kernel_keyring: 'the Linux kernel keyring (kept until you log out or restart; then sign in again)',
  file: 'a file readable only by you (less safe than a keyring; you chose it)',
};

export const EMBEDDED = 'the embedded sandbox';

/** Where the demo keeps its settings, log and data, as on a Linux desktop. */
export const DEMO_FOLDERS: Folders = {
  settings_file: '/home/partner/.config/partner-workbench/settings.json',
  log_folder: '/home/partner/.local/state/partner-workbench/logs',
  data_folder: '/home/partner/.local/share/partner-workbench',
};

export const NOT_SIGNED_IN: AccountView = {
  server: EMBEDDED,
  embedded: true,
  access: 'demo',
  account: null,
  folders: DEMO_FOLDERS,
};

export interface FakeSignInOptions {
  /** What the server offers: the device flow (the default) or only the browser with PKCE. */
  method?: 'device' | 'browser';
  /** When true, no keyring works: `startSignIn(false)` rejects with `no_keyring`. */
  noKeyring?: boolean;
  /** How long a user code lives; ten minutes by default. */
  expiresInMs?: number;
  /** When set, `startSignIn` rejects with it (after the keyring check). */
  startError?: CommandError;
  /** When set, every sign-in decides itself after `afterMs` (the browser demo). */
  autoDecide?: { afterMs: number; decision: 'approve' | 'deny' };
  /** Why sign-out could not revoke, if it could not. */
  notRevoked?: string | null;
}

export interface FakeAccountCalls {
  account: number;
  startSignIn: boolean[];
  cancelSignIn: number[];
  openSignInPage: number[];
  signOut: number;
}

export interface FakeAccountControls {
  /** The person approves the waiting sign-in: signed in, then the backend syncs. */
  approveSignIn(): void;
  denySignIn(): void;
  /** The server says the code expired. */
  expireSignIn(): void;
  failSignIn(message: string): void;
  /** Delivers any "sign-in" event, as a late or stray one would arrive. */
  emitSignInEvent(event: SignInEvent): void;
  /** The attempt waiting for the person, if any. */
  waitingAttempt(): number | null;
  signInListenerCount(): number;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const DEMO_USER_CODE = 'WDJB-MJHT';

/** A stand-in for the QR code the backend draws: an SVG image, as a data: URL. */
const FAKE_QR =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 8 8" shape-rendering="crispEdges">' +
      '<rect width="8" height="8" fill="#fff"/><path d="M1 1h2v2H1zM5 1h2v2H5zM1 5h2v2H1zM4 4h1v1H4zM5 5h2v1H5z"/></svg>',
  );

export function createFakeAccount(
  options: { account?: AccountView; signIn?: FakeSignInOptions; now: () => Date },
  afterSignIn: () => void,
) {
  let view: AccountView = copy(options.account ?? NOT_SIGNED_IN);
  const signIn = options.signIn ?? {};
  const listeners = new Set<(event: SignInEvent) => void>();
  const calls: FakeAccountCalls = { account: 0, startSignIn: [], cancelSignIn: [], openSignInPage: [], signOut: 0 };
  let lastAttempt = 0;
  let waiting: { attempt: number; vault: TokenVault; timer: ReturnType<typeof setTimeout> | null } | null = null;

  function emit(event: SignInEvent): void {
    for (const listener of [...listeners]) listener(copy(event));
  }

  function end(state: SignInEvent['state'], message: string | null): void {
    if (!waiting) return;
    const { attempt, vault, timer } = waiting;
    if (timer) clearTimeout(timer);
    waiting = null;
    if (state === 'signed_in') {
      const account: SignedInAccount = {
        server: view.server,
        current_server: true,
        scopes: ['apps:read', 'apps:write', 'oauth-clients:write', 'account:read'],
        signed_in_at: options.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        vault,
        token_kept_in: VAULT_WORDS[vault],
      };
      view = { ...view, access: view.access === 'environment' ? 'environment' : 'account', account };
    }
    emit({ attempt, state, message, account: copy(view) });
    if (state === 'signed_in') afterSignIn();
  }

  const controls: FakeAccountControls = {
    approveSignIn: () => end('signed_in', null),
    denySignIn: () => end('denied', 'sign-in was denied on the verification page; start again to get a new code'),
    expireSignIn: () => end('expired', 'the sign-in code expired before it was approved; start again to get a new code'),
    failSignIn: (message) => end('failed', message),
    emitSignInEvent: emit,
    waitingAttempt: () => waiting?.attempt ?? null,
    signInListenerCount: () => listeners.size,
  };

  const backend = {
    async account(): Promise<AccountView> {
      calls.account += 1;
      return copy(view);
    },

    async startSignIn(fileStore: boolean): Promise<SignInStarted> {
      calls.startSignIn.push(fileStore);
      if (waiting?.timer) clearTimeout(waiting.timer);
      waiting = null;
      if (!fileStore && signIn.noKeyring) {
        const error: CommandError = {
          code: 'no_keyring',
          message:
            'no keyring works on this machine (Secret Service: no D-Bus session bus; kernel keyring: not permitted); ' +
            'start a Secret Service such as GNOME Keyring, or choose the less safe file store explicitly',
        };
        throw error;
      }
      if (signIn.startError) throw copy(signIn.startError);
      lastAttempt += 1;
      const attempt = lastAttempt;
      const decide = signIn.autoDecide;
      const timer = decide
        ? setTimeout(() => (decide.decision === 'approve' ? controls.approveSignIn() : controls.denySignIn()), decide.afterMs)
        : null;
      waiting = { attempt, vault: fileStore ? 'file' : 'secret_service', timer };
      const base = 'http://127.0.0.1:8787';
      if (signIn.method === 'browser') {
        return {
          method: 'browser',
          attempt,
          server: view.server,
          authorize_url: `${base}/oauth/authorize?response_type=code&client_id=partner-workbench&code_challenge_method=S256`,
        };
      }
      const expiresAt = new Date(options.now().getTime() + (signIn.expiresInMs ?? 10 * 60_000));
      return {
        method: 'device',
        attempt,
        server: view.server,
        user_code: DEMO_USER_CODE,
        verification_uri: `${base}/device`,
        verification_uri_complete: `${base}/device?user_code=${DEMO_USER_CODE}`,
        qr_code: FAKE_QR,
        expires_at: expiresAt.toISOString(),
      };
    },

    async cancelSignIn(attempt: number): Promise<boolean> {
      calls.cancelSignIn.push(attempt);
      if (waiting?.attempt !== attempt) return false;
      if (waiting.timer) clearTimeout(waiting.timer);
      waiting = null;
      return true;
    },

    async openSignInPage(attempt: number): Promise<void> {
      calls.openSignInPage.push(attempt);
      if (waiting?.attempt !== attempt) {
        const error: CommandError = { code: 'not_found', message: 'this sign-in is over; start again' };
        throw error;
      }
    },

    async signOut(): Promise<SignOutResult> {
      calls.signOut += 1;
      const wasSignedIn = view.account !== null;
      view = { ...view, account: null, access: view.embedded ? 'demo' : view.access === 'environment' ? 'environment' : 'none' };
      return { was_signed_in: wasSignedIn, not_revoked: wasSignedIn ? (signIn.notRevoked ?? null) : null, account: copy(view) };
    },

    async copyText(text: string): Promise<void> {
      // The browser's clipboard stands in for the shell's; where it refuses, the caller falls back as in the app.
      await navigator.clipboard.writeText(text);
    },

    async onSignIn(listener: (event: SignInEvent) => void): Promise<() => void> {
      const subscription = (event: SignInEvent) => listener(event);
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
  };

  /** Another profile's account, after a switch. */
  const setView = (next: AccountView) => {
    view = copy(next);
  };

  const getView = () => copy(view);

  return { backend, controls, calls, setView, getView };
}
