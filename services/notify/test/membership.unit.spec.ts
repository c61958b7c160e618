import { describe, it, expect } from 'vitest';
import type { ChatEvents } from '@chatrt/contracts';
import { membershipChange } from '../src/domain/membership.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const userId = '00000000-0000-4000-8000-000000000002';
const metadata = {
  eventId: '00000000-0000-4000-8000-000000000003',
  occurredAt: '2026-01-01T00:00:00.000Z',
  actorId: userId,
};

describe('membershipChange', () => {
  it('adds the member named by MemberAdded', () => {
    const event: ChatEvents = { type: 'MemberAdded', roomId, seq: 2, data: { userId }, metadata };
    expect(membershipChange(event)).toEqual({ kind: 'added', roomId, userId });
  });

  it('removes the member named by MemberRemoved', () => {
    const event: ChatEvents = { type: 'MemberRemoved', roomId, seq: 4, data: { userId }, metadata };
    expect(membershipChange(event)).toEqual({ kind: 'removed', roomId, userId });
  });

  it('changes nothing for messages and room creation', () => {
    const created: ChatEvents = { type: 'RoomCreated', roomId, seq: 1, data: { name: 'general' }, metadata };
    const sent: ChatEvents = {
      type: 'MessageSent',
      roomId,
      seq: 3,
      data: { messageId: metadata.eventId, senderId: userId, message: 'hi', clientMessageId: 'c1' },
      metadata,
    };
    expect(membershipChange(created)).toEqual({ kind: 'none' });
    expect(membershipChange(sent)).toEqual({ kind: 'none' });
  });
});
