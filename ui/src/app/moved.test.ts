import { describe, expect, it, vi } from 'vitest';
import { app, version } from '../test/fixtures';
import { movedIds } from './moved';

describe('the ids a sync moved', () => {
  const apps = [
    app('app-1', 'Registered', [version('ver-9', '1.0.0', 'draft', 'draft')]),
    app('local-app-b', 'Waiting', [version('local-ver-b', '1.0.0', 'draft', 'draft')]),
  ];

  it('asks only about ids gone from the list, and keeps those the backend answered', async () => {
    const moved_ = new Map([
      ['local-ver-a', 'ver-9'],
      // Deleted on the server, kept, and created again by the sync.
      ['ver-deleted', 'ver-9'],
    ]);
    const resolve = vi.fn(async (id: string) => moved_.get(id) ?? null);

    const held = ['local-ver-a', 'local-app-b', 'local-ver-b', 'ver-9', 'local-app-gone', 'ver-deleted', null, 'local-ver-a'];
    const moved = await movedIds(held, apps, resolve);

    expect(moved).toEqual(moved_);
    // Listed still: not asked; each id once.
    expect(resolve.mock.calls.map(([id]) => id)).toEqual(['local-ver-a', 'local-app-gone', 'ver-deleted']);
  });

  it('leaves an id as it is when the backend cannot tell', async () => {
    const moved = await movedIds(['local-ver-a'], apps, () => Promise.reject({ code: 'cache', message: 'locked' }));

    expect(moved.size).toBe(0);
  });
});
