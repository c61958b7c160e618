import type { ChatEvents } from '@chatrt/contracts';
import type { MembershipChange } from './membership.ts';
import type { NotificationChange, UnreadMessageNotification } from './notifications.ts';

/** An unread `mention` of a message. */
export interface UnreadMention {
  id: string;
  userId: string;
  messageId: string;
}

/** What deciding an event's notifications reads: its room's members and unread messages, or a message's mentions. */
export function readsOf(event: ChatEvents): { room: boolean; mentionsOf: string | undefined } {
  return {
    room: event.type === 'MessageSent',
    mentionsOf: event.type === 'MessageDeleted' ? event.data.messageId : undefined,
  };
}

/**
 * Rooms and messages as a batch of events sees them while it decides each event in turn: what was stored
 * when the batch began, changed by the membership changes and notification changes of the batch's earlier
 * events. So the batch decides every event as if the ones before it were already committed.
 */
export class BatchView {
  readonly #members = new Map<string, Set<string>>();
  /** Per room, each user's unread `message` notification. */
  readonly #unreadMessages = new Map<string, Map<string, UnreadMessageNotification>>();
  /** Per message, its unread mentions by id. */
  readonly #unreadMentions = new Map<string, Map<string, UnreadMention>>();
  readonly #messageOfMention = new Map<string, string>();

  constructor(stored: {
    members: readonly { roomId: string; userId: string }[];
    unreadMessages: readonly (UnreadMessageNotification & { roomId: string })[];
    unreadMentions: readonly UnreadMention[];
  }) {
    for (const { roomId, userId } of stored.members) this.#membersOf(roomId).add(userId);
    for (const { roomId, ...unread } of stored.unreadMessages) this.#unreadOf(roomId).set(unread.userId, unread);
    for (const mention of stored.unreadMentions) this.#addMention(mention);
  }

  members(roomId: string): string[] {
    return [...this.#membersOf(roomId)];
  }

  unreadMessages(roomId: string): UnreadMessageNotification[] {
    return [...this.#unreadOf(roomId).values()];
  }

  unreadMentions(messageId: string): { id: string; userId: string }[] {
    return [...(this.#unreadMentions.get(messageId)?.values() ?? [])].map(({ id, userId }) => ({ id, userId }));
  }

  applyMembership(change: MembershipChange): void {
    if (change.kind === 'added') this.#membersOf(change.roomId).add(change.userId);
    else if (change.kind === 'removed') this.#membersOf(change.roomId).delete(change.userId);
  }

  /** Records the changes an event of `roomId` made, each with the id of the notification it touched. */
  record(roomId: string, changes: readonly { change: NotificationChange; id: string }[]): void {
    for (const { change, id } of changes) {
      if (change.kind === 'retract') {
        const messageId = this.#messageOfMention.get(id);
        if (messageId !== undefined) this.#unreadMentions.get(messageId)?.delete(id);
      } else if (change.kind === 'coalesce') {
        const unread = this.#unreadOf(roomId);
        const current = unread.get(change.userId);
        if (current && change.latest) unread.set(change.userId, { ...current, messageSeq: change.latest.messageSeq });
      } else if (change.type === 'message') {
        this.#unreadOf(roomId).set(change.userId, { id, userId: change.userId, messageSeq: change.messageSeq });
      } else if (change.type === 'mention') {
        this.#addMention({ id, userId: change.userId, messageId: change.messageId });
      }
    }
  }

  #membersOf(roomId: string): Set<string> {
    let members = this.#members.get(roomId);
    if (!members) this.#members.set(roomId, (members = new Set<string>()));
    return members;
  }

  #unreadOf(roomId: string): Map<string, UnreadMessageNotification> {
    let unread = this.#unreadMessages.get(roomId);
    if (!unread) this.#unreadMessages.set(roomId, (unread = new Map<string, UnreadMessageNotification>()));
    return unread;
  }

  #addMention(mention: UnreadMention): void {
    let mentions = this.#unreadMentions.get(mention.messageId);
    if (!mentions) this.#unreadMentions.set(mention.messageId, (mentions = new Map<string, UnreadMention>()));
    mentions.set(mention.id, mention);
    this.#messageOfMention.set(mention.id, mention.messageId);
  }
}
