// Every backend rejection reaches components as a CommandError, so they can branch on `code`.
import type { CommandError, ErrorCode } from './bindings';

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'cache',
  'server_unreachable',
  'server_error',
  'malformed_reply',
  'not_found',
  'not_signed_in',
  'sign_in',
  'no_keyring',
  'keyring',
  'internal',
]);

export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && CODES.has(code) && typeof message === 'string';
}

/** Turns whatever a rejection carried into a CommandError; anything unexpected becomes `internal`. */
export function toCommandError(value: unknown): CommandError {
  if (isCommandError(value)) return { code: value.code, message: value.message };
  if (value instanceof Error) return { code: 'internal', message: value.message };
  if (typeof value === 'string' && value !== '') return { code: 'internal', message: value };
  return { code: 'internal', message: 'Unexpected error from the backend.' };
}
