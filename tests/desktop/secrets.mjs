// Where tokens are and are not: the token sets the Secret Service keeps for Partner Workbench, and every file under a
// folder, for the desktop tests that look for token strings everywhere but the keyring.

import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The token sets the Secret Service holds for Partner Workbench under the vault key `key` (account.json names it), as
 * `secret-tool` reads them. Only this session's key counts: a keyring may hold other runs' entries.
 */
export function keptTokenSets(key) {
  let out;
  try {
    out = execFileSync('secret-tool', ['search', '--all', 'service', 'partner-workbench', 'username', key], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
  } catch (error) {
    // secret-tool exits 1 when nothing matches.
    if (error.status === 1) return [];
    throw error;
  }
  return out
    .split('\n')
    .filter((line) => line.startsWith('secret = '))
    .map((line) => line.slice('secret = '.length))
    .filter((secret) => secret.startsWith('{'))
    .map((secret) => JSON.parse(secret));
}

/** The access and refresh token strings of `sets` (long enough to mean something when searched for). */
export function tokenStrings(sets) {
  return sets
    .flatMap((set) => [set.access_token, set.refresh_token])
    .filter((token) => typeof token === 'string' && token.length >= 16);
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
