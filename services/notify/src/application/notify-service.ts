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
import { WaitForEarlierEvents, type BatchStep } from '../domain/room-order.ts';
import type {
  DecideNotifications,
  DeliveredEvent,
  EventOutcome,
  NotificationPublisher,
  NotificationStore,
  NotifyMetrics,
  UserDirectory,
} from './ports.ts';

/** Page sizes of the queries (the contract caps them at 200 and 500). */
export const PAGE_LIMITS = { list: 50, changes: 200 } as const;

/** The notify use cases: applying chat events, and the queries and command of `notify.*`. */
export interface NotifyService {
  /**
   * Applies a batch of delivered chat events (one transaction) and publishes what they changed; answers
   * what became of each, in the batch's order. An event applied before (redelivered, or replayed under
   * another message id) re-publishes the current state of what it produced. An event fails (the consumer
   * retries it later) when the username lookup it needs fails, or when its room's previous event is not
   * applied yet (WaitForEarlierEvents; `deliveryCount` bounds that wait). When the batch as a whole fails
   * (Postgres, NATS, or one event Postgres refuses), its events are applied one by one, so one poison event
   * fails alone.
   */
  handleChatEvents(batch: readonly DeliveredEvent[]): Promise<EventOutcome[]>;
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

  /** Which events' mentions could not be resolved (their lookup failed), and the users the others name. */
  const lookUpMentions = async (
    batch: readonly DeliveredEvent[],
  ): Promise<{ found: User[]; failed: Set<ChatEvents>; error: unknown }> => {
    const naming = batch
      .map((d) => d.event)
      .filter((e) => e.type === 'MessageSent' && mentionCandidates(e.data.message).length > 0);
    if (naming.length === 0) return { found: [], failed: new Set(), error: undefined };
    const processed = await store.processedAmong(naming.map((e) => e.metadata.eventId));
    const unapplied = naming.filter((e) => !processed.has(e.metadata.eventId));
    const candidates = [
      ...new Set(unapplied.flatMap((e) => (e.type === 'MessageSent' ? mentionCandidates(e.data.message) : []))),
    ];
    if (candidates.length === 0) return { found: [], failed: new Set(), error: undefined };
    try {
      return { found: await users.findByUsernames(candidates), failed: new Set(), error: undefined };
    } catch (error) {
      return { found: [], failed: new Set(unapplied), error };
    }
  };

  const decideWith =
    (found: readonly User[]): DecideNotifications =>
    (event, view) => {
      if (event.type === 'MemberAdded') {
        return notificationsForAddedMember({
          roomId: event.roomId,
          userId: event.data.userId,
          actorId: event.metadata.actorId,
          addedAt: event.metadata.occurredAt,
        });
      }
      if (event.type === 'MessageDeleted') {
        return notificationsForDeletedMessage({
          unreadMentions: view.unreadMentions(event.data.messageId),
          deletedAt: event.metadata.occurredAt,
        });
      }
      if (event.type !== 'MessageSent') return [];
      return notificationsForMessage({
        message: {
          roomId: event.roomId,
          messageId: event.data.messageId,
          seq: event.seq,
          senderId: event.data.senderId,
          sentAt: event.metadata.occurredAt,
        },
        members: view.members(event.roomId),
        online: presence.online(event.roomId, clock().getTime()),
        mentionedUserIds: mentionedUserIds(event.data.message, found),
        unread: view.unreadMessages(event.roomId),
      });
    };

  /** Applies the batch in one transaction; throws when it fails as a whole. */
  const applyBatch = async (batch: readonly DeliveredEvent[]): Promise<EventOutcome[]> => {
    const lookup = await lookUpMentions(batch);
    const ready = batch.filter((d) => !lookup.failed.has(d.event));
    const result = await store.applyBatch(ready, { decide: decideWith(lookup.found), newId: deps.newId });
    countChanges(result.decided);
    if (result.decided.length > 0)
      log.debug({ events: ready.length, notifications: result.decided.length }, 'notifications changed');
    await publisher.publish(result.changed);
    const duplicates = ready.filter((_, i) => result.steps[i]?.kind === 'duplicate');
    if (duplicates.length > 0)
      await publisher.publish(await store.producedBy(duplicates.map((d) => d.event.metadata.eventId)));

    const outcomeOf = new Map(ready.map((delivered, i) => [delivered, outcomeOfStep(delivered, result.steps[i])]));
    return batch.map((d) => outcomeOf.get(d) ?? { kind: 'failed', error: lookup.error });
  };

  const outcomeOfStep = ({ event }: DeliveredEvent, step: BatchStep | undefined): EventOutcome => {
    if (step?.kind === 'apply') return { kind: 'applied' };
    if (step?.kind === 'duplicate') return { kind: 'duplicate' };
    if (step?.kind === 'wait')
      return { kind: 'failed', error: new WaitForEarlierEvents(event.roomId, event.seq, step.lastApplied) };
    return { kind: 'failed', error: new Error(`the batch planned nothing for event ${event.metadata.eventId}`) };
  };

  const countChanges = (decided: readonly NotificationChange[]): void => {
    for (const change of decided) {
      if (change.kind === 'create') metrics.notification(change.type, 'created');
      else if (change.kind === 'coalesce') metrics.notification('message', 'updated');
      else metrics.notification('mention', 'retracted');
    }
  };

  return {
    async handleChatEvents(batch) {
      try {
        return await applyBatch(batch);
      } catch (error) {
        if (batch.length === 1) return [{ kind: 'failed', error }];
        log.warn(
          { err: error, events: batch.length },
          'applying a batch of chat events failed; applying them one by one',
        );
        const outcomes: EventOutcome[] = [];
        for (const delivered of batch) {
          try {
            outcomes.push(...(await applyBatch([delivered])));
          } catch (err) {
            outcomes.push({ kind: 'failed', error: err });
          }
        }
        return outcomes;
      }
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
