import type {
  ChatEvents,
  ListNotificationsQuery,
  MarkedReadOk,
  MarkNotificationsReadCommand,
  NotificationChangesQuery,
  NotificationPageOk,
  User,
} from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import { markReadTarget } from '../domain/mark-read.ts';
import { mentionCandidates, mentionedUserIds } from '../domain/mentions.ts';
import {
  notificationsForAddedMember,
  notificationsForDeletedMessage,
  notificationsForMessage,
  type NotificationChange,
} from '../domain/notifications.ts';
import type { PresenceBook } from '../domain/presence-book.ts';
import type { NotificationPublisher, NotificationStore, NotifyMetrics, UserDirectory } from './ports.ts';

/** Page sizes of the queries (the contract caps them at 200 and 500). */
export const PAGE_LIMITS = { list: 50, changes: 200 } as const;

/** The notify use cases: applying chat events, and the queries and command of `notify.*`. */
export interface NotifyService {
  /**
   * Applies a chat event and publishes what it changed. An event applied before (redelivered, or
   * replayed under another message id) re-publishes the current state of what it produced. Throws
   * (the consumer retries later) when Postgres, NATS or the username lookup fails, or when the room's
   * previous event is not applied yet (`deliveryCount` bounds that wait).
   */
  handleChatEvent(event: ChatEvents, deliveryCount: number): Promise<'applied' | 'duplicate'>;
  list(query: ListNotificationsQuery): Promise<NotificationPageOk>;
  changes(query: NotificationChangesQuery): Promise<NotificationPageOk>;
  markRead(command: MarkNotificationsReadCommand): Promise<MarkedReadOk>;
}

/** Wires the use cases to their ports; time and ids come from `clock` and `newId`. */
export function createNotifyService(deps: {
  store: NotificationStore;
  users: UserDirectory;
  presence: PresenceBook;
  publisher: NotificationPublisher;
  metrics: NotifyMetrics;
  clock: () => Date;
  newId: () => string;
  log: Logger;
}): NotifyService {
  const { store, users, presence, publisher, metrics, clock, log } = deps;

  const republish = async (eventId: string): Promise<'duplicate'> => {
    await publisher.publish(await store.producedBy(eventId));
    return 'duplicate';
  };

  return {
    async handleChatEvent(event, deliveryCount) {
      const eventId = event.metadata.eventId;
      if (await store.isProcessed(eventId)) return republish(eventId);

      // The lookup happens before the transaction, so no transaction waits on another service.
      let found: User[] = [];
      const candidates = event.type === 'MessageSent' ? mentionCandidates(event.data.message) : [];
      if (candidates.length > 0) found = await users.findByUsernames(candidates);

      let decided: NotificationChange[] = [];
      const result = await store.applyOnce(event, {
        deliveryCount,
        newId: deps.newId,
        decide: async (reads) => {
          if (event.type === 'MemberAdded') {
            decided = notificationsForAddedMember({
              roomId: event.roomId,
              userId: event.data.userId,
              actorId: event.metadata.actorId,
              addedAt: event.metadata.occurredAt,
            });
          } else if (event.type === 'MessageDeleted') {
            decided = notificationsForDeletedMessage({
              unreadMentions: await reads.unreadMentions(event.data.messageId),
              deletedAt: event.metadata.occurredAt,
            });
          } else if (event.type === 'MessageSent') {
            const room = await reads.room();
            decided = notificationsForMessage({
              message: {
                roomId: event.roomId,
                messageId: event.data.messageId,
                seq: event.seq,
                senderId: event.data.senderId,
                sentAt: event.metadata.occurredAt,
              },
              members: room.members,
              online: presence.online(event.roomId, clock().getTime()),
              mentionedUserIds: mentionedUserIds(event.data.message, found),
              unread: room.unread,
            });
          }
          return decided;
        },
      });
      if (!result.applied) return republish(eventId);

      for (const change of decided) {
        if (change.kind === 'create') metrics.notification(change.type, 'created');
        else if (change.kind === 'coalesce') metrics.notification('message', 'updated');
        else metrics.notification('mention', 'retracted');
      }
      if (decided.length > 0)
        log.debug({ eventId, roomId: event.roomId, notifications: decided.length }, 'notifications changed');
      await publisher.publish(result.changed);
      return 'applied';
    },

    async list({ userId, unread, before, limit }) {
      const page = await store.list({ userId, unread: unread === true, before, limit: limit ?? PAGE_LIMITS.list });
      return { ok: true, page };
    },

    async changes({ userId, afterCursor, limit }) {
      const page = await store.changes({ userId, afterCursor, limit: limit ?? PAGE_LIMITS.changes });
      return { ok: true, page };
    },

    async markRead(command) {
      const changed = await store.markRead(command.userId, markReadTarget(command), clock());
      metrics.markedRead(changed.length);
      try {
        await publisher.publish(changed);
      } catch (err) {
        // Committed already, so the answer stays true; sockets catch up through `notify.qry.changes`.
        log.warn(
          { err, userId: command.userId, notifications: changed.length },
          'publishing read notifications failed',
        );
      }
      return { ok: true, updated: changed.length };
    },
  };
}
