import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandError } from '../../ipc';
import { LiveValidator, VALIDATION_DELAY_MS } from './live';

/** A validate function whose answers the test releases by hand, in any order. */
function controlled() {
  const calls: { draft: string; resolve: (r: string) => void; reject: (e: unknown) => void }[] = [];
  const validate = vi.fn(
    (draft: string) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ draft, resolve, reject });
      }),
  );
  return { calls, validate };
}

function setup() {
  const { calls, validate } = controlled();
  const results: string[] = [];
  const errors: CommandError[] = [];
  const pending: boolean[] = [];
  const live = new LiveValidator<string, string>({
    validate,
    onResult: (r) => results.push(r),
    onError: (e) => errors.push(e),
    onPending: (p) => pending.push(p),
  });
  return { calls, validate, results, errors, pending, live };
}

describe('live validation', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits about 150 ms', () => {
    expect(VALIDATION_DELAY_MS).toBe(150);
  });

  it('sends one check, with the last draft, once typing pauses for the delay', async () => {
    const { calls, validate, results, live } = setup();
    live.schedule('A');
    await vi.advanceTimersByTimeAsync(100);
    live.schedule('Ac');
    await vi.advanceTimersByTimeAsync(100);
    live.schedule('Acm');
    await vi.advanceTimersByTimeAsync(149);
    expect(validate).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.draft)).toEqual(['Acm']);
    calls[0]!.resolve('report for Acm');
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual(['report for Acm']);
  });

  it('checks at once when asked, dropping a check still waiting for its timer', async () => {
    const { calls, live } = setup();
    live.schedule('typed');
    live.now('reverted');
    await vi.advanceTimersByTimeAsync(500);
    expect(calls.map((c) => c.draft)).toEqual(['reverted']);
  });

  it('keeps only the answer to the newest check, whatever order answers arrive in', async () => {
    const { calls, results, pending, live } = setup();
    live.now('old');
    live.schedule('new');
    await vi.advanceTimersByTimeAsync(VALIDATION_DELAY_MS);
    expect(calls.map((c) => c.draft)).toEqual(['old', 'new']);

    calls[1]!.resolve('report for new');
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve('report for old');
    await vi.advanceTimersByTimeAsync(0);

    expect(results).toEqual(['report for new']);
    expect(pending.at(-1)).toBe(false);
    expect(live.settled).toBe(true);
  });

  it('stays pending while a newer check waits for its timer', async () => {
    const { calls, pending, live } = setup();
    live.now('first');
    live.schedule('second');
    calls[0]!.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.at(-1)).toBe(true);
    expect(live.settled).toBe(false);
  });

  it('reports a failed check as a CommandError', async () => {
    const { calls, errors, live } = setup();
    live.now('draft');
    calls[0]!.reject({ code: 'not_found', message: 'no cached version v1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([{ code: 'not_found', message: 'no cached version v1' }]);

    live.now('again');
    calls[1]!.reject(new Error('boom'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.at(-1)).toEqual({ code: 'internal', message: 'boom' });
  });

  it('does nothing after dispose', async () => {
    const { calls, results, live } = setup();
    live.now('in flight');
    live.schedule('waiting');
    live.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    calls[0]!.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    live.schedule('after');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(1);
    expect(results).toEqual([]);
  });
});
