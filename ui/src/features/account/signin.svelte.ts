// The sign-in screen's state: start a sign-in, show what the person needs while the backend waits for them, count the
// code down, and follow the "sign-in" events to the end. The window never sees a token: only the user code, the pages,
// the expiry and the outcome.
import type { AccountView, Backend, SignInEvent, SignInStarted } from '../../ipc';
import { toCommandError } from '../../ipc';
import { remainingMs } from './words';

export type DeviceSignIn = Extract<SignInStarted, { method: 'device' }>;
export type BrowserSignIn = Extract<SignInStarted, { method: 'browser' }>;

export type SignInView =
  | { kind: 'starting' }
  /** Waiting for the person to approve the code. */
  | { kind: 'device'; started: DeviceSignIn }
  /** Waiting for the browser to come back. */
  | { kind: 'browser'; started: BrowserSignIn }
  /** No keyring works: the person may choose the file store. */
  | { kind: 'no_keyring'; message: string }
  | { kind: 'denied'; message: string }
  | { kind: 'expired'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'signed_in'; account: AccountView | null };

export const EXPIRED_HERE = 'The code expired before it was approved. Start again to get a new code.';

export class SignInFlow {
  view: SignInView = $state({ kind: 'starting' });
  /** The clock the countdown reads, ticking once a second while a code waits. */
  now: number = $state(0);
  /** Whether the person chose the file store; Start again keeps that choice. */
  fileStore = $state(false);

  readonly #backend: Backend;
  readonly #onSignedIn: (account: AccountView | null) => void;
  readonly #clock: () => number;
  #attempt: number | null = null;
  /** Events that came before their attempt's number did (the backend can be that quick). */
  #early: SignInEvent[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #unlisten: (() => void) | null = null;
  #disposed = false;
  #starts = 0;

  constructor(backend: Backend, onSignedIn: (account: AccountView | null) => void, clock: () => number = Date.now) {
    this.#backend = backend;
    this.#onSignedIn = onSignedIn;
    this.#clock = clock;
    this.now = clock();
  }

  /** Milliseconds left on the code shown; null when no code is shown. */
  get remaining(): number | null {
    return this.view.kind === 'device' ? remainingMs(this.view.started.expires_at, this.now) : null;
  }

  /** Subscribes to the events, then starts the first sign-in. */
  async begin(): Promise<void> {
    try {
      const stop = await this.#backend.onSignIn((event) => this.#handle(event));
      if (this.#disposed) stop();
      else this.#unlisten = stop;
    } catch {
      // Without events the outcome cannot arrive; the start below says what it can.
    }
    if (!this.#disposed) await this.start(this.fileStore);
  }

  /** Starts (again): a new code, or the browser again. */
  async start(fileStore: boolean): Promise<void> {
    await this.cancel();
    this.fileStore = fileStore;
    this.view = { kind: 'starting' };
    const start = ++this.#starts;
    let started: SignInStarted;
    try {
      started = await this.#backend.startSignIn(fileStore);
    } catch (error) {
      if (start !== this.#starts || this.#disposed) return;
      const failure = toCommandError(error);
      this.view =
        failure.code === 'no_keyring'
          ? { kind: 'no_keyring', message: failure.message }
          : { kind: 'failed', message: failure.message };
      return;
    }
    if (start !== this.#starts || this.#disposed) {
      void this.#backend.cancelSignIn(started.attempt).catch(() => undefined);
      return;
    }
    this.#attempt = started.attempt;
    this.view = started.method === 'device' ? { kind: 'device', started } : { kind: 'browser', started };
    if (started.method === 'device') this.#tick();
    const early = this.#early.find((event) => event.attempt === started.attempt);
    this.#early = [];
    if (early) this.#handle(early);
  }

  /** Stops the sign-in that is waiting, if any. */
  async cancel(): Promise<void> {
    this.#stopTicking();
    const attempt = this.#attempt;
    this.#attempt = null;
    if (attempt !== null) await this.#backend.cancelSignIn(attempt).catch(() => undefined);
  }

  /** Asks the backend to open the verification page in the browser. */
  async openPage(): Promise<void> {
    if (this.#attempt === null) return;
    try {
      await this.#backend.openSignInPage(this.#attempt);
    } catch (error) {
      this.view = { kind: 'failed', message: toCommandError(error).message };
    }
  }

  dispose(): void {
    this.#disposed = true;
    void this.cancel();
    this.#unlisten?.();
    this.#unlisten = null;
  }

  #handle(event: SignInEvent): void {
    if (this.#disposed) return;
    if (this.#attempt === null) {
      this.#early.push(event);
      return;
    }
    if (event.attempt !== this.#attempt) return;
    this.#attempt = null;
    this.#stopTicking();
    const message = event.message ?? '';
    switch (event.state) {
      case 'signed_in':
        this.view = { kind: 'signed_in', account: event.account };
        this.#onSignedIn(event.account);
        return;
      case 'denied':
        this.view = { kind: 'denied', message };
        return;
      case 'expired':
        this.view = { kind: 'expired', message };
        return;
      case 'failed':
        this.view = { kind: 'failed', message };
        return;
    }
  }

  #tick(): void {
    this.#stopTicking();
    const step = () => {
      this.now = this.#clock();
      if (this.remaining !== null && this.remaining <= 0) {
        // The code is over: stop the backend polling and say so, without waiting for its next poll.
        void this.cancel();
        this.view = { kind: 'expired', message: EXPIRED_HERE };
      }
    };
    step();
    this.#timer = setInterval(step, 250);
  }

  #stopTicking(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
