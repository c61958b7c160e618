import type { ErrorCode } from '@chatrt/contracts';

/**
 * What can go wrong for a client call: the contract's error codes, plus the client's own:
 * NETWORK (no HTTP answer), TIMEOUT (no ack in time), DISCONNECTED (socket dropped before the ack),
 * OUTBOX_FULL (too many unsent messages), NOT_STARTED (the client is stopped).
 */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'TIMEOUT' | 'DISCONNECTED' | 'OUTBOX_FULL' | 'NOT_STARTED';

/** An error with a code the UI can act on; `retryAfter` (seconds) comes with RATE_LIMITED. */
export class ChatClientError extends Error {
  readonly code: ClientErrorCode;
  readonly retryAfter: number | undefined;
  /** HTTP status when the error came from the REST API. */
  readonly status: number | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    details: { retryAfter?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ChatClientError';
    this.code = code;
    this.retryAfter = details.retryAfter;
    this.status = details.status;
  }
}

const transientCodes: ReadonlySet<ClientErrorCode> = new Set(['NETWORK', 'TIMEOUT', 'DISCONNECTED', 'UNAVAILABLE']);

/** Whether trying the same call again later may succeed (as opposed to a refusal that will repeat). */
export function isTransient(err: unknown): boolean {
  return !(err instanceof ChatClientError) || transientCodes.has(err.code);
}

/** Any thrown value as a ChatClientError (unknown failures count as NETWORK, i.e. worth retrying). */
export function toClientError(err: unknown): ChatClientError {
  if (err instanceof ChatClientError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message === 'socket has been disconnected') return new ChatClientError('DISCONNECTED', message, { cause: err });
  if (message === 'operation has timed out') return new ChatClientError('TIMEOUT', message, { cause: err });
  return new ChatClientError('NETWORK', message, { cause: err });
}
