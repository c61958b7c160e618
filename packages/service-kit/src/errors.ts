import type { AckFailure, ErrorCode } from '@chatrt/contracts';

/** A rule was broken or a request cannot be served; carries the wire error code. */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly retryAfter: number | undefined;
  constructor(code: ErrorCode, message: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.retryAfter = options.retryAfter;
  }
}

/** The `{ok:false, error}` shape shared by socket acks and NATS replies. */
export function failure(
  code: ErrorCode,
  message: string,
  extra: { retryAfter?: number; path?: string } = {},
): AckFailure {
  return { ok: false, error: { code, message, ...extra } };
}
