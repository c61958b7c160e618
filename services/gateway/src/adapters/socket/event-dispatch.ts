import type { Socket } from 'socket.io';
import { validate, type SchemaName } from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { InFlight } from './in-flight.ts';

/** A handler per client event name; each gets its validated payload and returns the ack. */
export type EventHandlers = Record<string, (input: never) => Promise<unknown>>;

type Route = { schema: SchemaName; handler: (input: unknown) => Promise<unknown> };

/** Longest event name quoted back in an UNKNOWN_EVENT ack. */
const quotedNameLength = 64;

/**
 * The one place client events enter a namespace: unknown names are acked UNKNOWN_EVENT, payloads are
 * validated against the event's contract schema (VALIDATION_FAILED with the failing path), every event is
 * counted and timed, and every ack is tracked so shutdown can wait for it. A client may omit the payload
 * (the heartbeat) or the ack callback. Names are looked up in a Map built from the contract's own keys, so
 * `toString` or `__proto__` find nothing; nothing a frame carries can throw out of the listener.
 */
export function dispatchEvents(
  socket: Socket,
  options: {
    schemas: Readonly<Record<string, SchemaName>>;
    handlers: EventHandlers;
    metrics: GatewayMetrics;
    inFlight: InFlight;
    log: Logger;
  },
): void {
  const { metrics, inFlight, log } = options;
  const routes = routeTable(options.schemas, options.handlers);
  const namespace = socket.nsp.name;
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
    const route = typeof event === 'string' ? routes.get(event) : undefined;
    if (!route) {
      metrics.messages.inc({ namespace, event: 'unknown' });
      ack?.(failure('UNKNOWN_EVENT', `unknown event '${String(event).slice(0, quotedNameLength)}'`));
      return;
    }
    const name = event as string;
    metrics.messages.inc({ namespace, event: name });
    const stop = metrics.ackDuration.startTimer({ namespace, event: name });
    const answer = async (): Promise<unknown> => {
      if (args.length > 1)
        return failure('VALIDATION_FAILED', `/ expects one payload, got ${args.length}`, { path: '/' });
      const checked = checkPayload(route.schema, args[0], log);
      return checked.ok
        ? route.handler(checked.value)
        : failure('VALIDATION_FAILED', checked.message, { path: checked.path });
    };
    void inFlight.track(
      answer().then(
        (reply) => {
          stop();
          ack?.(reply);
        },
        (err: unknown) => {
          log.error({ err, event: name, socketId: socket.id }, 'socket handler failed');
          ack?.(failure('UNAVAILABLE', 'internal error, retry later'));
        },
      ),
    );
  });
}

/** Every event of the contract with its schema and handler; a contract event without a handler fails at start. */
function routeTable(
  schemas: Readonly<Record<string, SchemaName>>,
  handlers: EventHandlers,
): ReadonlyMap<string, Route> {
  const routes = new Map<string, Route>();
  for (const [event, schema] of Object.entries(schemas)) {
    if (!Object.hasOwn(handlers, event)) throw new Error(`no handler for client event '${event}'`);
    // The payload is validated against this event's schema before the call, so the handler gets its own type.
    routes.set(event, { schema, handler: handlers[event] as (input: unknown) => Promise<unknown> });
  }
  return routes;
}

/** Validates a payload; a validator that throws on it (however odd the input) refuses it like any bad payload. */
function checkPayload(schema: SchemaName, payload: unknown, log: Logger): ReturnType<typeof validate> {
  try {
    return validate(schema, payload ?? {});
  } catch (err) {
    log.warn({ err, schema }, 'payload could not be validated');
    return { ok: false, path: '/', message: '/ could not be validated' };
  }
}
