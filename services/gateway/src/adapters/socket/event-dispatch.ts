import type { Socket } from 'socket.io';
import { validate, type SchemaName } from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { InFlight } from './in-flight.ts';

/** A handler per client event name; each gets its validated payload and returns the ack. */
export type EventHandlers = Record<string, (input: never) => Promise<unknown>>;

/** Longest event name quoted back in an UNKNOWN_EVENT ack. */
const quotedNameLength = 64;

/**
 * The one place client events enter a namespace: unknown names are acked UNKNOWN_EVENT, payloads are
 * validated against the event's contract schema (VALIDATION_FAILED with the failing path), every event is
 * counted and timed, and every ack is tracked so shutdown can wait for it. A client may omit the payload
 * (the heartbeat) or the ack callback. Names are looked up in a Map built from the contract's own keys, so
 * `toString` or `__proto__` find nothing; nothing a frame carries can throw out of the listener. That Map is
 * built once per contract namespace and shared by its sockets: an idle socket holds only its handlers.
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
  const { handlers, metrics, inFlight, log } = options;
  const schemas = schemaTable(options.schemas);
  for (const event of schemas.keys()) {
    if (!Object.hasOwn(handlers, event)) throw new Error(`no handler for client event '${event}'`);
  }
  const namespace = socket.nsp.name;
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
    const schema = typeof event === 'string' ? schemas.get(event) : undefined;
    if (schema === undefined) {
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
      const checked = checkPayload(schema, args[0], log);
      // The payload was validated against this event's schema, so the handler gets its own type.
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      return checked.ok
        ? handler(checked.value)
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

/** Each contract namespace's event names and schemas, keyed by the contract's own table. */
const schemaTables = new WeakMap<Readonly<Record<string, SchemaName>>, ReadonlyMap<string, SchemaName>>();

function schemaTable(schemas: Readonly<Record<string, SchemaName>>): ReadonlyMap<string, SchemaName> {
  let table = schemaTables.get(schemas);
  if (!table) {
    table = new Map(Object.entries(schemas));
    schemaTables.set(schemas, table);
  }
  return table;
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
