import { describe, expect, it } from 'vitest';
import { countdownWords, describeAccess, formatCountdown, remainingMs } from './words';

describe('the countdown', () => {
  it.each([
    [600_000, '10:00'],
    [599_001, '10:00'],
    [599_000, '9:59'],
    [65_000, '1:05'],
    [9_000, '0:09'],
    [1, '0:01'],
    [0, '0:00'],
    [-5_000, '0:00'],
    [3_723_000, '1:02:03'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('counts from the expiry time to now, and stops at zero once it has passed', () => {
    const expiresAt = '2025-03-04T09:40:00Z';
    const at = (iso: string) => Date.parse(iso);

    expect(remainingMs(expiresAt, at('2025-03-04T09:30:00Z'))).toBe(600_000);
    expect(remainingMs(expiresAt, at('2025-03-04T09:39:59.500Z'))).toBe(500);
    expect(remainingMs(expiresAt, at('2025-03-04T09:40:00Z'))).toBe(0);
    expect(remainingMs(expiresAt, at('2025-03-04T10:00:00Z'))).toBe(0);
    expect(remainingMs('not a time', at('2025-03-04T09:30:00Z'))).toBe(0);
  });

  it('has words for screen readers', () => {
    expect(countdownWords(65_000)).toBe('1 minute 5 seconds');
    expect(countdownWords(120_000)).toBe('2 minutes');
    expect(countdownWords(1_000)).toBe('1 second');
    expect(countdownWords(0)).toBe('0 seconds');
  });
});

describe('access in words', () => {
  it('names every way requests are let in', () => {
    expect(describeAccess('account')).toBe('Signed in');
    expect(describeAccess('environment')).toBe('With the token in PWB_TOKEN');
    expect(describeAccess('demo')).toBe('Demo access to the embedded sandbox (not signed in)');
    expect(describeAccess('none')).toBe('Not signed in');
  });
});
