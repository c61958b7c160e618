import { describe, it, expect } from 'vitest';
import type { ChatEvents } from '@chatrt/contracts';
import { deliveryFor } from '../src/domain/delivery.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const userId = '00000000-0000-4000-8000-000000000002';
const messageId = '00000000-0000-4000-8000-000000000003';
const metadata = {
  eventId: '00000000-0000-4000-8000-000000000004',
  occurredAt: '2026-01-01T00:00:00.000Z',
  actorId: userId,
};

describe('deliveryFor', () => {
  it('turns each visible room event into the socket event members receive, carrying its seq', () => {
    const cases: Array<[ChatEvents, unknown]> = [
      [
        {
          type: 'MessageSent',
          roomId,
          seq: 3,
          data: { messageId, senderId: userId, message: 'hi', clientMessageId: 'c1' },
          metadata,
        },
        {
          event: 'message',
          payload: {
            id: messageId,
            roomId,
            seq: 3,
            senderId: userId,
            message: 'hi',
            clientMessageId: 'c1',
            createdAt: metadata.occurredAt,
            deleted: false,
          },
        },
      ],
      [
        { type: 'MessageEdited', roomId, seq: 4, data: { messageId, message: 'hello' }, metadata },
        {
          event: 'messageEdited',
          payload: { roomId, seq: 4, messageId, message: 'hello', editedAt: metadata.occurredAt },
        },
      ],
      [
        { type: 'MessageDeleted', roomId, seq: 5, data: { messageId }, metadata },
        { event: 'messageDeleted', payload: { roomId, seq: 5, messageId, deletedAt: metadata.occurredAt } },
      ],
      [
        { type: 'MemberAdded', roomId, seq: 6, data: { userId }, metadata },
        { event: 'memberAdded', payload: { roomId, seq: 6, userId } },
      ],
      [
        { type: 'MemberRemoved', roomId, seq: 7, data: { userId }, metadata },
        { event: 'memberRemoved', payload: { roomId, seq: 7, userId } },
      ],
    ];
    for (const [event, expected] of cases) expect(deliveryFor(event)).toEqual(expected);
  });

  it('keeps room creation and read markers off the sockets', () => {
    expect(deliveryFor({ type: 'RoomCreated', roomId, seq: 1, data: { name: 'general' }, metadata })).toBeUndefined();
    expect(
      deliveryFor({ type: 'ReadMarkerMoved', roomId, seq: 8, data: { userId, readSeq: 7 }, metadata }),
    ).toBeUndefined();
  });
});
