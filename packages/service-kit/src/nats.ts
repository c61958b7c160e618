import {
  connect,
  type ConnectionOptions,
  type NatsConnection,
  type Msg,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { validate, requestSchemas, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import type { Logger } from './logger.ts';
import { CodedError, failure } from './errors.ts';
import type { HandlerMetrics } from './handler-metrics.ts';
import { checkContract } from './nats-contract-check.ts';

export type { NatsConnection };

/**
 * How every service connection reconnects: forever, every 0.5 s plus up to 0.5 s of jitter (so a restarted
 * server is not hit by every client at once). A ping every 10 s, two of them unanswered, count as a dead
 * server: a frozen server is left within ~30 s instead of the default 4 minutes.
 */
export const natsReconnectOptions = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 500,
  reconnectJitter: 500,
  pingInterval: 10_000,
  maxPingOut: 2,
} as const satisfies ConnectionOptions;

/**
 * The servers of a `NATS_URL`: one URL, or a comma-separated list of a cluster's nodes (the client connects
 * to one of them at random and fails over to the others).
 */
export function natsServers(natsUrl: string): string[] {
  return natsUrl
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
}

/**
 * Connects to `natsUrl`'s servers with {@link natsReconnectOptions} and logs every connection status change;
 * under `CONTRACT_CHECK=strict` what the connection sends is checked against the spec ({@link checkContract}).
 */
export async function connectNats(natsUrl: string, name: string, log: Logger): Promise<NatsConnection> {
  const servers = natsServers(natsUrl);
  // No async stack traces: nats.js would build one or two Error objects per request just in case it fails,
  // 12% of the gateway's CPU at 1,000 sends/s; a failed request is reported with its subject instead.
  const nc = checkContract(await connect({ servers, name, ...natsReconnectOptions, noAsyncTraces: true }), log);
  void (async () => {
    for await (const status of nc.status()) log.info({ nats: status.type }, 'NATS status');
  })();
  log.info({ servers }, 'connected to NATS');
  return nc;
}

/** How long a health round trip to the server may take. */
const healthRoundTripTimeoutMs = 1000;
/** How long a round-trip result answers health probes, so a flood of probes does not hammer NATS. */
const healthRoundTripCacheMs = 1000;

/**
 * A readiness check for a connection: fails at once while the status events say it is disconnected,
 * and otherwise needs a server round trip within 1 s (shared by the probes of one second), which also
 * catches a server that stopped answering while the TCP connection stays open.
 */
export function natsHealthCheck(nc: NatsConnection): () => Promise<void> {
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') connected = false;
      else if (status.type === 'reconnect') connected = true;
    }
  })();
  let last: { at: number; roundTrip: Promise<void> } | undefined;
  return () => {
    if (nc.isClosed()) return Promise.reject(new Error('connection closed'));
    if (!connected) return Promise.reject(new Error('disconnected, reconnecting'));
    const now = Date.now();
    if (!last || now - last.at >= healthRoundTripCacheMs) {
      const roundTrip = roundTripWithin(nc, healthRoundTripTimeoutMs);
      roundTrip.catch(() => {});
      last = { at: now, roundTrip };
    }
    return last.roundTrip;
  };
}

async function roundTripWithin(nc: NatsConnection, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      nc.rtt(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer from the server within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
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
 * answered UNAVAILABLE so the caller never waits for a timeout. Every request is timed in `metrics` with the
 * code it was answered with.
 */
export function respond<S extends NatsRequestSubject>(
  nc: NatsConnection,
  subject: S,
  handler: (request: Request<S>) => Promise<Reply<S>>,
  options: { log: Logger; queue: string; metrics: HandlerMetrics },
): Responder {
  const inFlight = new Set<Promise<void>>();
  const answer = async (msg: Msg): Promise<void> => {
    const observe = options.metrics.start(subject);
    let reply: unknown;
    try {
      const checked = validate(requestSchemas[subject], decodeJson(msg));
      reply = checked.ok
        ? await handler(checked.value)
        : failure('VALIDATION_FAILED', checked.message, { path: checked.path });
    } catch (err) {
      if (err instanceof CodedError) {
        reply = failure(err.code, err.message, err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter });
      } else {
        options.log.error({ err, subject }, 'request handler failed');
        reply = failure('UNAVAILABLE', 'internal error, retry later');
      }
    }
    observe(replyOutcome(reply));
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

/** A handler per contract subject a service answers. */
export type RequestHandlers = { [S in NatsRequestSubject]?: (request: Request<S>) => Promise<Reply<S>> };

/** Answers each subject of `handlers` (see `respond`) in one queue group; `close()` drains them all. */
export function respondAll(
  nc: NatsConnection,
  handlers: RequestHandlers,
  options: { log: Logger; queue: string; metrics: HandlerMetrics },
): Responder {
  const responders = (Object.keys(handlers) as NatsRequestSubject[]).map((subject) =>
    respond(
      nc,
      subject,
      handlers[subject] as (request: Request<typeof subject>) => Promise<Reply<typeof subject>>,
      options,
    ),
  );
  return {
    async close() {
      await Promise.all(responders.map((responder) => responder.close()));
    },
  };
}

/** `ok`, or the error code of a `{ok:false, error}` reply. */
function replyOutcome(reply: unknown): string {
  if (typeof reply !== 'object' || reply === null || !('ok' in reply) || reply.ok !== false) return 'ok';
  const { error } = reply as { error?: { code?: unknown } };
  return typeof error?.code === 'string' ? error.code : 'error';
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
    return failure('UNAVAILABLE', describeRequestError(err, subject));
  }
}

function describeRequestError(err: unknown, subject: string): string {
  if (err instanceof RequestError && err.isNoResponders()) return `no service answers ${subject}`;
  if (err instanceof TimeoutError || (err instanceof Error && err.cause instanceof TimeoutError)) {
    return `${subject} timed out`;
  }
  return `${subject} failed: ${err instanceof Error ? err.message : String(err)}`;
}
