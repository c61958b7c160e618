import type { ApiError } from '@chatrt/contracts';
import type { SendOutcome } from './invariants.ts';

/** Error codes after which the same send (same clientMessageId) is tried again: the outcome is not known yet. */
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED']);

/**
 * The `rejected` outcome of a refused send, or undefined when the same send is to be tried again (UNAVAILABLE,
 * and RATE_LIMITED unless `retryRateLimited` is false).
 */
export function refusalOf(error: ApiError, retryRateLimited = true): SendOutcome | undefined {
  const refused = !RETRYABLE.has(error.code) || (error.code === 'RATE_LIMITED' && !retryRateLimited);
  if (!refused) return undefined;
  return {
    kind: 'rejected',
    code: error.code,
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
  };
}

/** How long to wait before trying a send again after `error`: the Retry-After of a RATE_LIMITED, else 200 ms. */
export function retryDelayMs(error: ApiError): number {
  return error.code === 'RATE_LIMITED' ? (error.retryAfter ?? 1) * 1000 : 200;
}
