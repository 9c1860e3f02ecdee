// What was made on this computer (an app, a version) has a local id until a sync sends it; then the cache knows it by
// the server's id. So does a version deleted on the server that the partner kept: the sync creates it again under a
// new id. The window follows the ids it holds (the open version, the app card to reveal) to the new ones.
import type { AppRow } from '../ipc';

/**
 * The ids among `held` that a sync moved: each id the list `apps` no longer has, with the id `resolve` answers for it:
 * a local id's server id, or the new id of a version deleted on the server that the partner kept. An id still listed,
 * or one `resolve` does not know (not sent yet, or simply gone), is left out.
 */
export async function movedIds(
  held: readonly (string | null)[],
  apps: readonly AppRow[],
  resolve: (id: string) => Promise<string | null>,
): Promise<Map<string, string>> {
  const listed = new Set(apps.flatMap((app) => [app.id, ...app.versions.map((v) => v.id)]));
  const moved = new Map<string, string>();
  for (const id of new Set(held)) {
    if (id === null || listed.has(id)) continue;
    const to = await resolve(id).catch(() => null);
    if (to !== null) moved.set(id, to);
  }
  return moved;
}
