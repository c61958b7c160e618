import { inTransaction, type Pool } from '@chatrt/service-kit';
import type { ChatEvents } from '@chatrt/contracts';
import type { NotificationStore } from '../../application/ports.ts';
import { BatchView, readsOf } from '../../domain/batch-view.ts';
import { membershipChange, type MembershipChange } from '../../domain/membership.ts';
import type { NotificationChange } from '../../domain/notifications.ts';
import { planBatch } from '../../domain/room-order.ts';
import {
  listNotifications,
  markRead,
  notificationChanges,
  unreadMentionsOf,
  unreadMessagesOfRooms,
  writeChanges,
} from './notifications.ts';
import {
  advanceRooms,
  lockRooms,
  processedAmong,
  producedBy,
  recordProcessed,
  recordProduced,
} from './processed-events.ts';
import { applyMembershipChanges, membersOfRooms } from './room-members.ts';

/**
 * The Postgres notification store: the processed-events ledger and room order (processed-events.ts),
 * notify's copy of room membership (room-members.ts), and the notifications with their per-user cursors
 * (notifications.ts, cursors.ts). A batch of events is one transaction of set-based statements, whatever
 * its size: lock the rooms, plan, then read and write once per batch.
 */
export function createNotificationStore(pool: Pool): NotificationStore {
  return {
    processedAmong: (eventIds) => processedAmong(pool, eventIds),

    applyBatch: (delivered, { decide, newId }) =>
      inTransaction(pool, async (client) => {
        const lastApplied = await lockRooms(
          client,
          delivered.map((d) => d.event.roomId),
        );
        const processed = await processedAmong(
          client,
          delivered.map((d) => d.event.metadata.eventId),
        );
        const { steps, advanced } = planBatch(
          delivered.map(({ event, deliveryCount }) => ({
            eventId: event.metadata.eventId,
            roomId: event.roomId,
            seq: event.seq,
            deliveryCount,
          })),
          { processed, lastApplied },
        );
        const applying = delivered.filter((_, i) => steps[i]?.kind === 'apply').map((d) => d.event);
        if (applying.length === 0) return { steps, changed: [], decided: [] };
        await recordProcessed(client, applying);

        const reads = applying.map(readsOf);
        const rooms = [...new Set(applying.filter((_, i) => reads[i]?.room).map((e) => e.roomId))];
        const mentioned = reads.flatMap((r) => (r.mentionsOf === undefined ? [] : [r.mentionsOf]));
        const members = await membersOfRooms(client, rooms);
        const unreadMessages = await unreadMessagesOfRooms(client, rooms);
        const unreadMentions = await unreadMentionsOf(client, mentioned);
        const view = new BatchView({
          members,
          unreadMessages: unreadMessages.map((n) => ({
            id: n.id,
            roomId: n.room_id,
            userId: n.user_id,
            messageSeq: n.message_seq ?? 0,
          })),
          unreadMentions: unreadMentions.map((n) => ({ id: n.id, userId: n.user_id, messageId: n.message_id ?? '' })),
        });
        const { memberships, changes, links } = decideInOrder(applying, view, decide, newId);

        await applyMembershipChanges(client, memberships);
        const stored = new Map([...unreadMessages, ...unreadMentions].map((n) => [n.id, n]));
        const changed = await writeChanges(client, changes, stored);
        await recordProduced(client, links);
        await advanceRooms(client, advanced);
        return { steps, changed, decided: changes.map((c) => c.change) };
      }),

    producedBy: (eventIds) => producedBy(pool, eventIds),
    list: (query) => listNotifications(pool, query),
    changes: (query) => notificationChanges(pool, query),
    markRead: (userId, target, now) => inTransaction(pool, (client) => markRead(client, userId, target, now)),
  };
}

/** Each event's membership change and notification changes, in order, each decided with the earlier ones seen. */
function decideInOrder(
  events: readonly ChatEvents[],
  view: BatchView,
  decide: (event: ChatEvents, view: BatchView) => NotificationChange[],
  newId: () => string,
): {
  memberships: MembershipChange[];
  changes: { change: NotificationChange; id: string }[];
  links: { eventId: string; notificationId: string }[];
} {
  const memberships: MembershipChange[] = [];
  const changes: { change: NotificationChange; id: string }[] = [];
  const links: { eventId: string; notificationId: string }[] = [];
  for (const event of events) {
    const membership = membershipChange(event);
    view.applyMembership(membership);
    memberships.push(membership);
    const decided = decide(event, view).map((change) => ({
      change,
      id: change.kind === 'create' ? newId() : change.id,
    }));
    view.record(event.roomId, decided);
    changes.push(...decided);
    links.push(...decided.map(({ id }) => ({ eventId: event.metadata.eventId, notificationId: id })));
  }
  return { memberships, changes, links };
}
