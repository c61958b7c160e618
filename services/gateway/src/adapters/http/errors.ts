import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  validate,
  type AckFailure,
  type ErrorCode,
  type SchemaName,
  type SchemaTypes,
  type components,
} from '@chatrt/contracts';
import { CodedError, failure, type Logger } from '@chatrt/service-kit';
import { httpStatusFor } from './http-status.ts';

type ErrorResponse = components['schemas']['ErrorResponse'];

/** A failure already in contract shape (a backend's `{ok:false}` or a validation error); sent unchanged. */
export class ContractFailure extends Error {
  readonly failure: AckFailure;
  constructor(failure: AckFailure) {
    super(failure.error.message);
    this.failure = failure;
  }
}

/** Validates untrusted input against a contract schema; throws VALIDATION_FAILED with the failing path. */
export function requireValid<N extends SchemaName>(name: N, data: unknown): SchemaTypes[N] {
  const checked = validate(name, data);
  if (!checked.ok) throw new ContractFailure(failure('VALIDATION_FAILED', checked.message, { path: checked.path }));
  return checked.value;
}

/** Unwraps a backend reply: the success value, or a thrown ContractFailure. */
export function unwrap<T extends { ok: true }>(reply: T | AckFailure): T {
  if (!reply.ok) throw new ContractFailure(reply);
  return reply;
}

/** One mapper from every failure to the contract's `{error:{code,message,retryAfter?}}` with its status. */
export function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(body('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ContractFailure) {
      const { code, retryAfter } = err.failure.error;
      if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
      return reply.status(httpStatusFor(code)).send({ error: err.failure.error } satisfies ErrorResponse);
    }
    if (err instanceof CodedError) {
      if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter));
      return reply.status(httpStatusFor(err.code)).send(body(err.code, err.message, err.retryAfter));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.status(413).send(body('PAYLOAD_TOO_LARGE', err.message));
    if (err.statusCode !== undefined && err.statusCode < 500) {
      return reply.status(400).send(body('VALIDATION_FAILED', err.message));
    }
    log.error({ err, method: req.method, url: req.url }, 'request failed');
    return reply.status(503).send(body('UNAVAILABLE', 'internal error, retry later'));
  });
}

/** Fastify's own refusals before routing (a malformed or over-long URL) in the contract's error shape. */
export function refuseMalformedUrl(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  void reply.status(400).send(body('VALIDATION_FAILED', err.message));
}

/**
 * A request Node's HTTP parser refuses before any route sees it (a URL or headers past its 16 KiB limit,
 * broken framing): a coded 400 like every other bad input (Fastify's default answers an uncoded 431), then
 * the connection is closed. A request that did not arrive in time keeps its 408, coded too.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const payload = JSON.stringify(
    timedOut
      ? body('UNAVAILABLE', 'the request did not arrive in time')
      : body('VALIDATION_FAILED', `malformed or too large request (${err.code ?? 'client error'})`),
  );
  const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
  );
}

function body(code: ErrorCode, message: string, retryAfter?: number): ErrorResponse {
  return { error: retryAfter === undefined ? { code, message } : { code, message, retryAfter } };
}
