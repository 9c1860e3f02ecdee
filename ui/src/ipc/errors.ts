// Every backend rejection reaches components as a CommandError, so they can branch on `code`.
import type { CommandError, ErrorCode } from './bindings';

// A record, so the type checker fails here when the backend gains a code this list lacks.
const KNOWN: Record<ErrorCode, true> = {
  cache: true,
  server_unreachable: true,
  server_error: true,
  malformed_reply: true,
  not_found: true,
  not_signed_in: true,
  sign_in: true,
  invalid_input: true,
  locked: true,
  validation_failed: true,
  no_keyring: true,
  keyring: true,
  busy: true,
  internal: true,
};
const CODES: ReadonlySet<string> = new Set(Object.keys(KNOWN));

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
