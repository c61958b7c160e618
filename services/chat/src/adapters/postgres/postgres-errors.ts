import { CodedError } from '@chatrt/service-kit';

/**
 * SQLSTATE classes that mean the database or the connection failed, not the statement: connection
 * exception, insufficient resources, operator intervention, system error, internal error.
 */
const infrastructureClasses = new Set(['08', '53', '57', '58', 'XX']);

/** The SQLSTATE of an error Postgres raised, if it is one. */
function sqlState(err: unknown): string | undefined {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Whether Postgres refused a statement for what it held (the commands' data), so the same statement
 * without the offending command would pass. Errors without a SQLSTATE (a lost connection, a pool
 * timeout) and the infrastructure classes concern every command alike.
 */
export function isCommandFailure(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && !infrastructureClasses.has(state.slice(0, 2));
}

/**
 * The coded error a command's caller gets when its transaction failed: a data exception (class 22,
 * e.g. 22021 a NUL byte in text, 22P05 an unsupported Unicode escape in JSON) or an integrity
 * violation (class 23) is the request's fault; anything else is ours or the database's.
 */
export function asCommandError(err: unknown): CodedError {
  if (err instanceof CodedError) return err;
  const state = sqlState(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (state?.startsWith('22') || state?.startsWith('23')) {
    return new CodedError('VALIDATION_FAILED', `the database refused a value of this command: ${detail}`, {
      cause: err,
    });
  }
  return new CodedError('UNAVAILABLE', 'could not store the command, retry later', { cause: err });
}
