/**
 * The login throttling policy, as pure decisions. Counters (kept elsewhere):
 * - the pair (username, address): failures in a row; past the limit the pair is paused, right password or not;
 * - the address, failures against existing usernames in a day ("known");
 * - the address, failures with usernames that do not exist in a day ("unknown").
 * An address over either daily limit gets 429 for every failed attempt (for existing and unknown usernames
 * alike, so the answer never tells which usernames exist). A right password still logs in, unless the address
 * is over its "known" limit and the user has not logged in from that address before (spraying passwords over
 * real accounts is what that limit stops; the people who usually log in from the address keep working).
 */

/** Millis each daily address counter is still blocked for; 0 when it is not. */
export interface AddressWaits {
  knownMs: number;
  unknownMs: number;
}

export type LoginVerdict = { kind: 'succeed' } | { kind: 'fail' } | { kind: 'throttled'; retryAfterSeconds: number };

/** Whole seconds a client should wait for `ms`, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** What a login attempt whose pair is not paused gets, once its password has been checked. */
export function loginVerdict(input: {
  passwordValid: boolean;
  trustedHere: boolean;
  waits: AddressWaits;
}): LoginVerdict {
  const { knownMs, unknownMs } = input.waits;
  // One wait for every 429 of the address, so its value cannot tell a right password from a wrong one either.
  const addressWaitMs = Math.max(knownMs, unknownMs);
  if (input.passwordValid && (knownMs === 0 || input.trustedHere)) return { kind: 'succeed' };
  if (addressWaitMs > 0) return { kind: 'throttled', retryAfterSeconds: retryAfterSeconds(addressWaitMs) };
  return { kind: 'fail' };
}
