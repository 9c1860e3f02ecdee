// What was made on this computer (an app, a version) has a local id until a sync sends it; then the cache knows it by
// the server's id. The window follows the ids it holds (the open version, the app card to reveal) to the new ones.
import type { AppRow } from '../ipc';

/** What every local id starts with (`workbench_store::LOCAL_PREFIX`). */
export const LOCAL_ID_PREFIX = 'local-';

/**
 * The ids among `held` that a sync moved: each local id the list `apps` no longer has, with the server's id `resolve`
 * answers for it. An id still listed, a server id, or one `resolve` does not know (not sent yet) is left out.
 */
export async function movedIds(
  held: readonly (string | null)[],
  apps: readonly AppRow[],
  resolve: (id: string) => Promise<string | null>,
): Promise<Map<string, string>> {
  const listed = new Set(apps.flatMap((app) => [app.id, ...app.versions.map((v) => v.id)]));
  const moved = new Map<string, string>();
  for (const id of new Set(held)) {
    if (id === null || !id.startsWith(LOCAL_ID_PREFIX) || listed.has(id)) continue;
    const to = await resolve(id).catch(() => null);
    if (to !== null) moved.set(id, to);
  }
  return moved;
}
