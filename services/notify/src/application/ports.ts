import type { ChatEvents, Notification, NotificationPage, User } from '@chatrt/contracts';
import type { MarkReadTarget } from '../domain/mark-read.ts';
import type { BatchStep } from '../domain/room-order.ts';
import type { NotificationChange, NotificationType, UnreadMessageNotification } from '../domain/notifications.ts';

/** A notification with its owner; the wire shape leaves the owner out because the subject names it. */
export interface UserNotification {
  userId: string;
  notification: Notification;
}

/** Reads, as a batch's earlier events left them, what deciding an event's notifications needs. */
export interface DecisionView {
  /** The room's members. */
  members(roomId: string): string[];
  /** The room's unread `message` notifications. */
  unreadMessages(roomId: string): UnreadMessageNotification[];
  /** The unread mentions of a message. */
  unreadMentions(messageId: string): { id: string; userId: string }[];
}

/** Decides an event's notifications from the view of the room when the event is applied; pure. */
export type DecideNotifications = (event: ChatEvents, view: DecisionView) => NotificationChange[];

/** A chat event as the consumer received it. */
export interface DeliveredEvent {
  event: ChatEvents;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/**
 * What became of one delivered event: applied now, found applied before, or failed (a
 * WaitForEarlierEvents when it waits for its room's earlier events); a failed event is retried.
 */
export type EventOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'failed'; error: unknown };

/** The outcome of applying a batch of chat events. */
export interface BatchResult {
  /** What the batch did with each of its events, in its order. */
  steps: BatchStep[];
  /** The notifications the applied events created or updated, as committed, by user and cursor. */
  changed: UserNotification[];
  /** The changes the applied events decided, in their order. */
  decided: NotificationChange[];
}

/** Notifications, room membership and the processed-events ledger in the `notify` schema. */
export interface NotificationStore {
  /** Which of the events have been applied (a cheap check before asking other services). */
  processedAmong(eventIds: readonly string[]): Promise<Set<string>>;
  /**
   * Applies a batch of chat events in one transaction, in the batch's order (`planBatch`): for each event to
   * apply, its processed_events row, its room's progress, its membership change, the notification changes
   * `decide` returns (called after the membership change, with the batch's earlier events seen) and their
   * links to it. Events applied before, and events waiting for their room's earlier ones, change nothing.
   */
  applyBatch(
    events: readonly DeliveredEvent[],
    options: { decide: DecideNotifications; newId: () => string },
  ): Promise<BatchResult>;
  /** The current state of the notifications the events created or updated, each once, by user and cursor. */
  producedBy(eventIds: readonly string[]): Promise<UserNotification[]>;
  /** A user's notifications newest first (by cursor), optionally only unread or before a cursor. */
  list(query: {
    userId: string;
    unread: boolean;
    before: number | undefined;
    limit: number;
  }): Promise<NotificationPage>;
  /** A user's notifications changed after a cursor, ascending, each once at its latest cursor. */
  changes(query: { userId: string; afterCursor: number; limit: number }): Promise<NotificationPage>;
  /** Turns the targeted unread notifications of a user read; each takes a new cursor. Returns them. */
  markRead(userId: string, target: MarkReadTarget, now: Date): Promise<UserNotification[]>;
}

/** Finds users by username; throws UNAVAILABLE when the auth service cannot answer, so callers retry. */
export interface UserDirectory {
  findByUsernames(usernames: readonly string[]): Promise<User[]>;
}

/** Sends created or updated notifications to their users' live subjects. */
export interface NotificationPublisher {
  /** Resolves once the server has them; rejects if it cannot be reached (the caller retries). */
  publish(changed: readonly UserNotification[]): Promise<void>;
}

/** What the notify service counts for /metrics. */
export interface NotifyMetrics {
  /**
   * A chat event was applied, found already applied, deferred until its room's earlier events are
   * applied, or failed; deferred and failed events are retried.
   */
  chatEvent(outcome: 'applied' | 'duplicate' | 'deferred' | 'failed'): void;
  /** A chat event was applied to notify's read model `seconds` after chat committed it. */
  projectionLag(seconds: number): void;
  /**
   * A notification was created, updated by coalescing another message into it, or retracted (a mention
   * turned read because its message was deleted).
   */
  notification(type: NotificationType, change: 'created' | 'updated' | 'retracted'): void;
  /** Notifications turned read by one mark-read command. */
  markedRead(count: number): void;
}
