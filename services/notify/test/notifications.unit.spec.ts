import { describe, it, expect } from 'vitest';
import { CodedError } from '@chatrt/service-kit';
import {
  notificationsForAddedMember,
  notificationsForDeletedMessage,
  notificationsForMessage,
  type SentMessage,
} from '../src/domain/notifications.ts';
import { markReadTarget } from '../src/domain/mark-read.ts';

const [author, ann, bob, cat] = [
  '00000000-0000-4000-8000-00000000000a',
  '00000000-0000-4000-8000-00000000000b',
  '00000000-0000-4000-8000-00000000000c',
  '00000000-0000-4000-8000-00000000000d',
];
const roomId = '10000000-0000-4000-8000-000000000001';
const message: SentMessage = {
  roomId,
  messageId: '20000000-0000-4000-8000-000000000005',
  seq: 5,
  senderId: author,
  sentAt: '2026-01-01T00:00:05.000Z',
};
const base = { roomId, messageId: message.messageId, messageSeq: 5, at: message.sentAt };

describe('notificationsForAddedMember', () => {
  const at = '2026-01-01T00:00:01.000Z';

  it('tells the new member who added them', () => {
    expect(notificationsForAddedMember({ roomId, userId: ann, actorId: author, addedAt: at })).toEqual([
      { kind: 'create', type: 'addedToRoom', userId: ann, roomId, actorId: author, at },
    ]);
  });

  it('tells nobody when the member added themselves (the creator of a room)', () => {
    expect(notificationsForAddedMember({ roomId, userId: author, actorId: author, addedAt: at })).toEqual([]);
  });
});

describe('notificationsForDeletedMessage', () => {
  it('turns each unread mention of the message read, in user order', () => {
    const at = '2026-01-01T00:09:00.000Z';
    expect(
      notificationsForDeletedMessage({
        unreadMentions: [
          { id: 'n2', userId: bob },
          { id: 'n1', userId: ann },
        ],
        deletedAt: at,
      }),
    ).toEqual([
      { kind: 'retract', id: 'n1', userId: ann, at },
      { kind: 'retract', id: 'n2', userId: bob, at },
    ]);
    expect(notificationsForDeletedMessage({ unreadMentions: [], deletedAt: at })).toEqual([]);
  });
});

describe('notificationsForMessage', () => {
  it('creates a message notification (count 1) for every member not online, never for the author', () => {
    const changes = notificationsForMessage({
      message,
      members: [bob, author, ann],
      online: new Set(),
      mentionedUserIds: [],
      unread: [],
    });
    expect(changes).toEqual([
      { kind: 'create', type: 'message', userId: ann, ...base },
      { kind: 'create', type: 'message', userId: bob, ...base },
    ]);
  });

  it('gives members online in the room no message notification', () => {
    const changes = notificationsForMessage({
      message,
      members: [author, ann, bob],
      online: new Set([ann, author]),
      mentionedUserIds: [],
      unread: [],
    });
    expect(changes).toEqual([{ kind: 'create', type: 'message', userId: bob, ...base }]);
  });

  it('coalesces into an unread message notification, pointing it at the newer message', () => {
    const changes = notificationsForMessage({
      message,
      members: [author, ann],
      online: new Set(),
      mentionedUserIds: [],
      unread: [{ id: 'n1', userId: ann, messageSeq: 3 }],
    });
    expect(changes).toEqual([
      {
        kind: 'coalesce',
        id: 'n1',
        userId: ann,
        latest: { messageId: message.messageId, messageSeq: 5 },
        at: message.sentAt,
      },
    ]);
  });

  it('counts a message retried late without moving the notification back to it', () => {
    const changes = notificationsForMessage({
      message,
      members: [author, ann],
      online: new Set(),
      mentionedUserIds: [],
      unread: [{ id: 'n1', userId: ann, messageSeq: 9 }],
    });
    expect(changes).toEqual([{ kind: 'coalesce', id: 'n1', userId: ann, latest: undefined, at: message.sentAt }]);
  });

  it('mentions members whether online or not, and not the author or non-members', () => {
    const changes = notificationsForMessage({
      message,
      members: [author, ann, bob],
      online: new Set([ann, bob]),
      mentionedUserIds: [author, ann, cat],
      unread: [],
    });
    expect(changes).toEqual([{ kind: 'create', type: 'mention', userId: ann, ...base }]);
  });

  it('gives an offline mentioned member both a mention and the message notification', () => {
    const changes = notificationsForMessage({
      message,
      members: [author, ann],
      online: new Set(),
      mentionedUserIds: [ann],
      unread: [],
    });
    expect(changes).toEqual([
      { kind: 'create', type: 'mention', userId: ann, ...base },
      { kind: 'create', type: 'message', userId: ann, ...base },
    ]);
  });

  it('notifies nobody in a room the author is alone in', () => {
    expect(
      notificationsForMessage({
        message,
        members: [author],
        online: new Set(),
        mentionedUserIds: [author],
        unread: [],
      }),
    ).toEqual([]);
  });
});

describe('markReadTarget', () => {
  const userId = ann;

  it('targets all unread, or the given ids once each', () => {
    expect(markReadTarget({ userId, all: true })).toEqual({ kind: 'all' });
    expect(markReadTarget({ userId, ids: ['x', 'y', 'x'] })).toEqual({ kind: 'ids', ids: ['x', 'y'] });
    expect(markReadTarget({ userId, ids: [] })).toEqual({ kind: 'ids', ids: [] });
  });

  it('rejects a command with neither ids nor all, or with both', () => {
    for (const command of [{ userId }, { userId, ids: ['x'], all: true as const }]) {
      expect(() => markReadTarget(command)).toThrow(CodedError);
      try {
        markReadTarget(command);
      } catch (err) {
        expect((err as CodedError).code).toBe('VALIDATION_FAILED');
      }
    }
  });
});
