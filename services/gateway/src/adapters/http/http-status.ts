import type { ErrorCode } from '@chatrt/contracts';

const statusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_EVENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** The HTTP status that carries an error code on the REST API. */
export function httpStatusFor(code: ErrorCode): number {
  return statusByCode[code];
}
