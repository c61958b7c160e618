import type { ChatEvents, Notification, NotificationPage, User } from '@chatrt/contracts';
import type { MarkReadTarget } from '../domain/mark-read.ts';
import type { NotificationChange, NotificationType, UnreadMessageNotification } from '../domain/notifications.ts';

/** A notification with its owner; the wire shape leaves the owner out because the subject names it. */
export interface UserNotification {
  userId: string;
  notification: Notification;
}

/** What a message's notifications are decided from, read inside the event's transaction. */
export interface RoomSnapshot {
  members: string[];
  unread: UnreadMessageNotification[];
}

/** Reads, inside the event's transaction and locking what it returns, what some decisions need. */
export interface DecisionReads {
  /** The room's members and unread `message` notifications. */
  room(): Promise<RoomSnapshot>;
  /** The unread mentions of a message. */
  unreadMentions(messageId: string): Promise<{ id: string; userId: string }[]>;
}

/** Decides an event's notifications from what it reads as stored when the event is applied. */
export type DecideNotifications = (reads: DecisionReads) => Promise<NotificationChange[]>;

/** The outcome of applying one chat event. */
export type ApplyResult = { applied: false } | { applied: true; changed: UserNotification[] };

/** Notifications, room membership and the processed-events ledger in the `notify` schema. */
export interface NotificationStore {
  /** Whether the event has already been applied (a cheap check before asking other services). */
  isProcessed(eventId: string): Promise<boolean>;
  /**
   * Applies a chat event once: its processed_events row, the room's progress, membership change,
   * notification changes and their links commit in one transaction; `decide` runs after the membership
   * change.
   * An event applied before changes nothing and answers `{applied: false}`. Throws WaitForEarlierEvents
   * when the room's previous event is not applied yet (see `mayApplyInOrder`).
   */
  applyOnce(
    event: ChatEvents,
    options: { decide: DecideNotifications; newId: () => string; deliveryCount: number },
  ): Promise<ApplyResult>;
  /** The current state of the notifications an applied event created or updated. */
  producedBy(eventId: string): Promise<UserNotification[]>;
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
