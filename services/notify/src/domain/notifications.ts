import type { Notification } from '@chatrt/contracts';

/**
 * What a notification is about: the user was named, messages arrived in a room they were not in, or
 * someone added them to a room.
 */
export type NotificationType = Notification['type'];

/** A MessageSent, as far as notifications care. */
export interface SentMessage {
  roomId: string;
  messageId: string;
  /** Seq of the MessageSent event in its room. */
  seq: number;
  senderId: string;
  /** When the message was sent (ISO 8601); notifications carry it as their created/updated time. */
  sentAt: string;
}

/** An unread `message` notification a user already has for the room. */
export interface UnreadMessageNotification {
  id: string;
  userId: string;
  /** Seq of the message it currently points at. */
  messageSeq: number;
}

/** A MemberAdded, as far as notifications care. */
export interface AddedMember {
  roomId: string;
  userId: string;
  /** Who added them (the room's creator for the members it was created with). */
  actorId: string;
  /** When (ISO 8601). */
  addedAt: string;
}

/** A change to make to a user's notifications. */
export type NotificationChange =
  | {
      kind: 'create';
      type: 'mention' | 'message';
      userId: string;
      roomId: string;
      messageId: string;
      messageSeq: number;
      at: string;
    }
  | {
      kind: 'create';
      type: 'addedToRoom';
      userId: string;
      roomId: string;
      actorId: string;
      at: string;
    }
  | {
      /** An unread mention whose message was deleted: it turns read, as there is nothing left to read. */
      kind: 'retract';
      id: string;
      userId: string;
      at: string;
    }
  | {
      /** One more message coalesced into an unread `message` notification. */
      kind: 'coalesce';
      id: string;
      userId: string;
      /** The message it now points at; absent when the message is older than the one it points at. */
      latest: { messageId: string; messageSeq: number } | undefined;
      at: string;
    };

/**
 * The notifications one message causes. Every current member except the sender who is named gets a
 * `mention`; every such member not online in the room (on any gateway) gets the message coalesced into
 * their unread `message` notification for the room, or a new one with count 1. Removed members and
 * names of non-members get nothing. Changes are ordered by user, so cursors are taken in a stable order.
 */
export function notificationsForMessage(input: {
  message: SentMessage;
  members: readonly string[];
  online: ReadonlySet<string>;
  mentionedUserIds: readonly string[];
  unread: readonly UnreadMessageNotification[];
}): NotificationChange[] {
  const { message } = input;
  const mentioned = new Set(input.mentionedUserIds);
  const unreadByUser = new Map(input.unread.map((n) => [n.userId, n]));
  const recipients = [...new Set(input.members)].filter((userId) => userId !== message.senderId).sort();
  const base = { roomId: message.roomId, messageId: message.messageId, messageSeq: message.seq, at: message.sentAt };
  const changes: NotificationChange[] = [];
  for (const userId of recipients) {
    if (mentioned.has(userId)) changes.push({ kind: 'create', type: 'mention', userId, ...base });
    if (input.online.has(userId)) continue;
    const unread = unreadByUser.get(userId);
    if (!unread) {
      changes.push({ kind: 'create', type: 'message', userId, ...base });
      continue;
    }
    const latest =
      message.seq > unread.messageSeq ? { messageId: message.messageId, messageSeq: message.seq } : undefined;
    changes.push({ kind: 'coalesce', id: unread.id, userId, latest, at: message.sentAt });
  }
  return changes;
}

/**
 * The notification being added to a room causes: one `addedToRoom` for the new member, unless they added
 * themselves (a room's creator becomes its first member that way).
 */
export function notificationsForAddedMember(added: AddedMember): NotificationChange[] {
  if (added.userId === added.actorId) return [];
  return [
    {
      kind: 'create',
      type: 'addedToRoom',
      userId: added.userId,
      roomId: added.roomId,
      actorId: added.actorId,
      at: added.addedAt,
    },
  ];
}

/**
 * What deleting a message does to its mentions: each one still unread turns read (the text is gone, so
 * the bell stops pointing at it). Read ones, and `message` notifications, stay as they are.
 */
export function notificationsForDeletedMessage(input: {
  unreadMentions: readonly { id: string; userId: string }[];
  deletedAt: string;
}): NotificationChange[] {
  return [...input.unreadMentions]
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .map((mention) => ({ kind: 'retract', id: mention.id, userId: mention.userId, at: input.deletedAt }));
}
