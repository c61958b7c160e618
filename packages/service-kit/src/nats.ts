import { connect, type NatsConnection, type Msg, RequestError, TimeoutError } from '@nats-io/transport-node';
import {
  validate,
  requestSchemas,
  type NatsRequests,
  type NatsRequestSubject,
} from '@chatrt/contracts';
import type { Logger } from './logger.ts';
import { CodedError, failure } from './errors.ts';

export type { NatsConnection };

/** Connects with unlimited reconnects and logs every connection status change. */
export async function connectNats(servers: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  void (async () => {
    for await (const status of nc.status()) log.info({ nats: status.type }, 'NATS status');
  })();
  log.info({ servers }, 'connected to NATS');
  return nc;
}

type Request<S extends NatsRequestSubject> = NatsRequests[S]['request'];
type Reply<S extends NatsRequestSubject> = NatsRequests[S]['reply'];

/** A running request handler; `close()` stops taking requests and waits for those in flight. */
export interface Responder {
  close(): Promise<void>;
}

/**
 * Answers requests on a contract subject. Requests are validated against the subject's schema
 * (VALIDATION_FAILED otherwise); a CodedError becomes `{ok:false, error}`; anything else is logged and
 * answered UNAVAILABLE so the caller never waits for a timeout.
 */
export function respond<S extends NatsRequestSubject>(
  nc: NatsConnection,
  subject: S,
  handler: (request: Request<S>) => Promise<Reply<S>>,
  options: { log: Logger; queue: string },
): Responder {
  const inFlight = new Set<Promise<void>>();
  const answer = async (msg: Msg): Promise<void> => {
    let reply: unknown;
    try {
      const checked = validate(requestSchemas[subject], decodeJson(msg));
      reply = checked.ok
        ? await handler(checked.value as Request<S>)
        : failure('VALIDATION_FAILED', checked.message, { path: checked.path });
    } catch (err) {
      if (err instanceof CodedError) {
        reply = failure(err.code, err.message, err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter });
      } else {
        options.log.error({ err, subject }, 'request handler failed');
        reply = failure('UNAVAILABLE', 'internal error, retry later');
      }
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  };
  const sub = nc.subscribe(subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        options.log.error({ err, subject }, 'subscription failed');
        return;
      }
      const task = answer(msg).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
  });
  return {
    async close() {
      await sub.drain();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** A message's JSON body, or undefined when it is not JSON (contract validation then refuses it). */
export function decodeJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

/**
 * Sends a contract request. No responder, a timeout or a lost connection all become an UNAVAILABLE
 * failure reply, so callers handle one shape; the caller may retry (commands are idempotent).
 */
export async function request<S extends NatsRequestSubject>(
  nc: NatsConnection,
  subject: S,
  payload: Request<S>,
  timeoutMs: number,
): Promise<Reply<S>> {
  try {
    const msg = await nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs });
    return msg.json<Reply<S>>();
  } catch (err) {
    return failure('UNAVAILABLE', describeRequestError(err, subject)) as Reply<S>;
  }
}

function describeRequestError(err: unknown, subject: string): string {
  if (err instanceof RequestError && err.isNoResponders()) return `no service answers ${subject}`;
  if (err instanceof TimeoutError || (err instanceof Error && err.cause instanceof TimeoutError)) {
    return `${subject} timed out`;
  }
  return `${subject} failed: ${err instanceof Error ? err.message : String(err)}`;
}
