import { inTransaction, type Pool } from '@chatrt/service-kit';
import type { NotificationStore } from '../../application/ports.ts';
import {
  applyChanges,
  listNotifications,
  markRead,
  notificationChanges,
  unreadMentions,
  unreadMessageNotifications,
} from './notifications.ts';
import { advanceRoom, isProcessed, producedBy, recordProcessed, recordProduced } from './processed-events.ts';
import { applyMembership, roomMembers } from './room-members.ts';

/**
 * The Postgres notification store: the processed-events ledger and room order (processed-events.ts),
 * notify's copy of room membership (room-members.ts), and the notifications with their per-user cursors
 * (notifications.ts, cursors.ts).
 */
export function createNotificationStore(pool: Pool): NotificationStore {
  return {
    isProcessed: (eventId) => isProcessed(pool, eventId),

    applyOnce: (event, { decide, newId, deliveryCount }) =>
      inTransaction(pool, async (client) => {
        if (!(await recordProcessed(client, event))) return { applied: false } as const;
        await advanceRoom(client, event, deliveryCount);
        await applyMembership(client, event);
        const changes = await decide({
          room: async () => ({
            members: await roomMembers(client, event.roomId),
            unread: await unreadMessageNotifications(client, event.roomId),
          }),
          unreadMentions: (messageId) => unreadMentions(client, messageId),
        });
        const changed = await applyChanges(client, changes, newId);
        await recordProduced(
          client,
          event.metadata.eventId,
          changed.map((c) => c.notification.id),
        );
        return { applied: true, changed };
      }),

    producedBy: (eventId) => producedBy(pool, eventId),
    list: (query) => listNotifications(pool, query),
    changes: (query) => notificationChanges(pool, query),
    markRead: (userId, target, now) => inTransaction(pool, (client) => markRead(client, userId, target, now)),
  };
}
