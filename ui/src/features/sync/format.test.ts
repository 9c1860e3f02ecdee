import { describe, expect, it } from 'vitest';
import { formatSyncTime } from './format';

describe('formatSyncTime', () => {
  const now = new Date(2025, 2, 4, 15, 0);

  it('shows only the time for a sync today', () => {
    const today = new Date(2025, 2, 4, 9, 30).toISOString();
    const text = formatSyncTime(today, now);
    expect(text).toMatch(/^\D*\d{1,2}:30\D*$/);
  });

  it('adds the day for an older sync', () => {
    const earlier = new Date(2025, 1, 20, 9, 30).toISOString();
    const text = formatSyncTime(earlier, now);
    expect(text).toMatch(/20/);
    expect(text).toMatch(/\d{1,2}:30/);
  });

  it('returns null for a missing or unparseable time', () => {
    expect(formatSyncTime(null, now)).toBeNull();
    expect(formatSyncTime('yesterday-ish', now)).toBeNull();
  });
});
