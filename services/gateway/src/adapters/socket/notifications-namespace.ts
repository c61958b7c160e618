import type { Namespace } from 'socket.io';
import type { LimitFunction } from 'p-limit';
import {
  clientEventSchemas,
  subjects,
  type Notification,
  type NotificationsClientToServerEvents,
  type NotificationsServerToClientEvents,
  type SchemaTypes,
} from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { Backend } from '../../application/ports.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { RateLimitPolicy } from '../../application/rate-limits.ts';
import { notificationStream } from '../../domain/delivery.ts';
import type { SocketData } from './authenticate.ts';
import { dispatchEvents } from './event-dispatch.ts';
import type { InFlight } from './in-flight.ts';
import type { OutboundQueues } from './outbound-queues.ts';
import { ResumableDelivery } from '../../application/resumable-delivery.ts';
import { SerialQueues } from './serial-queues.ts';
import type { SubjectFeed } from './subject-feed.ts';

export type NotificationsNamespace = Namespace<
  NotificationsClientToServerEvents,
  NotificationsServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type EventName = keyof NotificationsClientToServerEvents;
type Payload<E extends EventName> = SchemaTypes[(typeof clientEventSchemas.notifications)[E]];
type Ack<E extends EventName> = Parameters<Parameters<NotificationsClientToServerEvents[E]>[1]>[0];
type Handlers = { [E in EventName]: (input: Payload<E>) => Promise<Ack<E>> };

/**
 * Wires `/notifications`: `subscribe {afterCursor}` replays every notification changed after the cursor,
 * then continues live (all of the user's sockets, on any gateway), without gap or repeat at the seam.
 */
export function serveNotificationsNamespace(
  nsp: NotificationsNamespace,
  deps: {
    backend: Backend;
    notifications: SubjectFeed<Notification>;
    metrics: GatewayMetrics;
    rateLimits: RateLimitPolicy;
    inFlight: InFlight;
    log: Logger;
    replayPageSize: number;
    outbound: OutboundQueues;
    replayPages: LimitFunction;
  },
): void {
  const { backend, notifications, metrics, inFlight, log } = deps;
  nsp.on('connection', (socket) => {
    const userId = socket.data.identity.userId;
    /** The socket's one notification delivery; a later `subscribe` replaces it whole (they run one at a time). */
    let current: { delivery: ResumableDelivery<Notification, Notification>; unsubscribe: () => void } | undefined;
    const subscribing = new SerialQueues();
    const stopCurrent = () => {
      current?.delivery.stop();
      current?.unsubscribe();
      current = undefined;
    };
    /** Stops `delivery` if it is still the socket's current one (the socket may have closed meanwhile). */
    const stopIfCurrent = (delivery: ResumableDelivery<Notification, Notification>) => {
      if (current?.delivery === delivery) stopCurrent();
    };

    async function subscribe(afterCursor: number | undefined): Promise<Ack<'subscribe'>> {
      stopCurrent();
      const delivery = new ResumableDelivery<Notification, Notification>({
        after: afterCursor ?? 0,
        shape: notificationStream,
        emit: (n) => socket.emit('notification', n),
        source: {
          fetchPage: async (after) => {
            await deps.outbound.room(socket.conn);
            const reply = await deps.replayPages(() =>
              backend.request(subjects.notifyChanges, {
                userId,
                afterCursor: after,
                limit: deps.replayPageSize,
              }),
            );
            if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
            const { notifications: items, hasMore } = reply.page;
            return { items, last: items.at(-1)?.cursor ?? after, hasMore };
          },
          onCatchUpFailed: (err) => {
            log.error(
              { err, socketId: socket.id },
              'catching up notifications failed; disconnecting so the client resumes',
            );
            socket.disconnect(true);
          },
        },
      });
      delivery.holdLive();
      const unsubscribe = await notifications.listen(userId, (n) => {
        delivery.onLive(n);
      });
      if (socket.disconnected) {
        unsubscribe();
        return failure('UNAVAILABLE', 'socket disconnected while subscribing');
      }
      current = { delivery, unsubscribe };
      try {
        await delivery.catchUp();
      } catch (err) {
        log.error({ err, socketId: socket.id }, 'notification replay failed');
        stopIfCurrent(delivery);
        return failure('UNAVAILABLE', 'notifications are unavailable, retry');
      }
      return { ok: true, cursor: delivery.last };
    }

    const handlers: Handlers = {
      ping: () => Promise.resolve({ ok: true, serverTime: new Date().toISOString() }),
      subscribe: async ({ afterCursor }) =>
        deps.rateLimits.check(userId, 'subscribe', 'socket') ??
        subscribing.run('subscribe', () => subscribe(afterCursor)),
    };
    dispatchEvents(socket, { schemas: clientEventSchemas.notifications, handlers, metrics, inFlight, log });
    socket.on('disconnect', stopCurrent);
  });
}
