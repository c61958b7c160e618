import type { Socket } from 'socket.io';
import { validate, type SchemaName } from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { InFlight } from './in-flight.ts';

/** A handler per client event name; each gets its validated payload and returns the ack. */
export type EventHandlers = Record<string, (input: never) => Promise<unknown>>;

/**
 * The one place client events enter a namespace: unknown names are acked UNKNOWN_EVENT, payloads are
 * validated against the event's contract schema (VALIDATION_FAILED with the failing path), every event is
 * counted and timed, and every ack is tracked so shutdown can wait for it. A client may omit the payload
 * (the heartbeat) or the ack callback.
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
  const { schemas, handlers, metrics, inFlight, log } = options;
  const namespace = socket.nsp.name;
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
    const schema = schemas[event];
    const handler = handlers[event];
    metrics.messages.inc({ namespace, event: handler ? event : 'unknown' });
    if (!schema || !handler) {
      ack?.(failure('UNKNOWN_EVENT', `unknown event '${event}'`));
      return;
    }
    const checked = validate(schema, args[0] ?? {});
    const stop = metrics.ackDuration.startTimer({ namespace, event });
    // The payload was validated against this event's schema just above, so the handler gets its own type.
    const reply = checked.ok
      ? (handler as (input: unknown) => Promise<unknown>)(checked.value)
      : Promise.resolve(failure('VALIDATION_FAILED', checked.message, { path: checked.path }));
    void inFlight.track(
      reply.then(
        (answer) => {
          stop();
          ack?.(answer);
        },
        (err: unknown) => {
          log.error({ err, event, socketId: socket.id }, 'socket handler failed');
          ack?.(failure('UNAVAILABLE', 'internal error, retry later'));
        },
      ),
    );
  });
}
