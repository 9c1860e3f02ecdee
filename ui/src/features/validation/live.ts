// Validation as the partner types: each change restarts a short timer, and only when typing pauses is the draft
// sent to the backend. Answers can arrive out of order; only the answer to the newest request is kept.
import type { CommandError } from '../../ipc';
import { toCommandError } from '../../ipc';

export const VALIDATION_DELAY_MS = 150;

export interface LiveValidatorOptions<D, R> {
  /** Checks one draft. */
  validate: (draft: D) => Promise<R>;
  /** The report for the newest draft sent. */
  onResult: (report: R) => void;
  /** Why the newest draft could not be checked. */
  onError: (error: CommandError) => void;
  /** True while a check is waiting for its timer or its answer. */
  onPending?: (pending: boolean) => void;
  delayMs?: number;
}

export class LiveValidator<D, R> {
  readonly #options: LiveValidatorOptions<D, R>;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The number of the newest request sent; answers to older ones are dropped. */
  #sent = 0;
  #answered = 0;
  #disposed = false;

  constructor(options: LiveValidatorOptions<D, R>) {
    this.#options = options;
    this.#delayMs = options.delayMs ?? VALIDATION_DELAY_MS;
  }

  /** Checks `draft` once no further change has come for the delay. */
  schedule(draft: D): void {
    if (this.#disposed) return;
    this.#clearTimer();
    this.#options.onPending?.(true);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#send(draft);
    }, this.#delayMs);
  }

  /** Checks `draft` at once (opening a version, reverting), dropping any check still waiting for its timer. */
  now(draft: D): void {
    if (this.#disposed) return;
    this.#clearTimer();
    this.#options.onPending?.(true);
    this.#send(draft);
  }

  /** Stops: no timer fires and no answer is delivered after this. */
  dispose(): void {
    this.#disposed = true;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #send(draft: D): void {
    const number = ++this.#sent;
    const settle = (deliver: () => void) => {
      if (this.#disposed || number !== this.#sent) return;
      this.#answered = number;
      deliver();
      if (this.#timer === null) this.#options.onPending?.(false);
    };
    let request: Promise<R>;
    try {
      request = this.#options.validate(draft);
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (report) => settle(() => this.#options.onResult(report)),
      (error: unknown) => settle(() => this.#options.onError(toCommandError(error))),
    );
  }

  /** Whether the newest request sent has its answer. */
  get settled(): boolean {
    return this.#timer === null && this.#answered === this.#sent;
  }
}
