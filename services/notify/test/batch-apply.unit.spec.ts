import { describe, expect, it } from 'vitest';
import { planBatch, type OrderedEvent } from '../src/domain/room-order.ts';
import { BatchView } from '../src/domain/batch-view.ts';
import { foldChanges, type NotificationState } from '../src/adapters/postgres/notification-writes.ts';
import { inBatches } from '../src/adapters/batches.ts';

const event = (eventId: string, roomId: string, seq: number, deliveryCount = 1): OrderedEvent => ({
  eventId,
  roomId,
  seq,
  deliveryCount,
});

describe('planBatch', () => {
  it('applies an event once when the batch holds it twice, or it was applied before', () => {
    const { steps, advanced } = planBatch(
      [event('e1', 'r', 1), event('e2', 'r', 2), event('e2', 'r', 2), event('e3', 'r', 3)],
      {
        processed: new Set(['e1']),
        lastApplied: new Map([['r', 1]]),
      },
    );
    expect(steps.map((s) => s.kind)).toEqual(['duplicate', 'apply', 'duplicate', 'apply']);
    expect(advanced).toEqual(new Map([['r', 3]]));
  });

  it('keeps each room of an interleaved batch in its own order', () => {
    const { steps, advanced } = planBatch(
      [event('a1', 'a', 1), event('b4', 'b', 4), event('a2', 'a', 2), event('b5', 'b', 5)],
      { processed: new Set(), lastApplied: new Map([['b', 3]]) },
    );
    expect(steps.map((s) => s.kind)).toEqual(['apply', 'apply', 'apply', 'apply']);
    expect(advanced).toEqual(
      new Map([
        ['a', 2],
        ['b', 5],
      ]),
    );
  });

  it('holds back an event whose predecessor is missing, and its room’s later ones, not the other rooms', () => {
    const { steps, advanced } = planBatch(
      [event('a1', 'a', 1), event('a3', 'a', 3), event('b1', 'b', 1), event('a4', 'a', 4)],
      { processed: new Set(), lastApplied: new Map() },
    );
    expect(steps).toEqual([
      { kind: 'apply' },
      { kind: 'wait', lastApplied: 1 },
      { kind: 'apply' },
      { kind: 'wait', lastApplied: 1 },
    ]);
    expect(advanced).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
  });

  it('applies a late event without moving its room back', () => {
    const { steps, advanced } = planBatch([event('a2', 'a', 2)], {
      processed: new Set(),
      lastApplied: new Map([['a', 7]]),
    });
    expect(steps).toEqual([{ kind: 'apply' }]);
    expect(advanced).toEqual(new Map());
  });
});

describe('BatchView', () => {
  it('shows a batch’s later events the members and unread notifications its earlier ones left', () => {
    const view = new BatchView({
      members: [{ roomId: 'r', userId: 'ann' }],
      unreadMessages: [{ roomId: 'r', id: 'n1', userId: 'ann', messageSeq: 3 }],
      unreadMentions: [{ id: 'm1', userId: 'ann', messageId: 'msg1' }],
    });
    view.applyMembership({ kind: 'added', roomId: 'r', userId: 'bob' });
    view.applyMembership({ kind: 'removed', roomId: 'r', userId: 'ann' });
    view.record('r', [
      {
        id: 'n1',
        change: { kind: 'coalesce', id: 'n1', userId: 'ann', latest: { messageId: 'msg5', messageSeq: 5 }, at: 't' },
      },
      {
        id: 'n2',
        change: {
          kind: 'create',
          type: 'message',
          userId: 'bob',
          roomId: 'r',
          messageId: 'msg5',
          messageSeq: 5,
          at: 't',
        },
      },
      {
        id: 'm2',
        change: {
          kind: 'create',
          type: 'mention',
          userId: 'bob',
          roomId: 'r',
          messageId: 'msg1',
          messageSeq: 1,
          at: 't',
        },
      },
      { id: 'm1', change: { kind: 'retract', id: 'm1', userId: 'ann', at: 't' } },
    ]);
    expect(view.members('r')).toEqual(['bob']);
    expect(view.unreadMessages('r')).toEqual([
      { id: 'n1', userId: 'ann', messageSeq: 5 },
      { id: 'n2', userId: 'bob', messageSeq: 5 },
    ]);
    expect(view.unreadMentions('msg1')).toEqual([{ id: 'm2', userId: 'bob' }]);
  });
});

describe('foldChanges', () => {
  const stored: NotificationState = {
    id: 'n1',
    user_id: 'ann',
    type: 'message',
    room_id: 'r',
    message_id: 'msg1',
    message_seq: 1,
    actor_id: null,
    count: 4,
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    updated_at: new Date('2026-01-01T00:00:01.000Z'),
    read: false,
    cursor: 9,
  };

  it('gives every change its own version and each notification one final write', () => {
    const { versions, inserts, updates } = foldChanges(
      [
        {
          id: 'n2',
          cursor: 1,
          change: {
            kind: 'create',
            type: 'message',
            userId: 'bob',
            roomId: 'r',
            messageId: 'msg2',
            messageSeq: 2,
            at: '2026-01-01T00:00:02.000Z',
          },
        },
        {
          id: 'n1',
          cursor: 10,
          change: {
            kind: 'coalesce',
            id: 'n1',
            userId: 'ann',
            latest: { messageId: 'msg2', messageSeq: 2 },
            at: '2026-01-01T00:00:02.000Z',
          },
        },
        {
          id: 'n2',
          cursor: 2,
          change: {
            kind: 'coalesce',
            id: 'n2',
            userId: 'bob',
            latest: { messageId: 'msg3', messageSeq: 3 },
            at: '2026-01-01T00:00:03.000Z',
          },
        },
        {
          id: 'n1',
          cursor: 11,
          change: { kind: 'coalesce', id: 'n1', userId: 'ann', latest: undefined, at: '2026-01-01T00:00:00.500Z' },
        },
      ],
      new Map([['n1', stored]]),
    );
    expect(versions.map((v) => [v.id, v.count, v.message_id, v.cursor])).toEqual([
      ['n2', 1, 'msg2', 1],
      ['n1', 5, 'msg2', 10],
      ['n2', 2, 'msg3', 2],
      ['n1', 6, 'msg2', 11],
    ]);
    expect(inserts).toEqual([versions[2]]);
    expect(updates).toEqual([versions[3]]);
    // An older message coalesced late counts, but moves neither the message pointed at nor the time back.
    expect(updates[0]?.updated_at).toEqual(new Date('2026-01-01T00:00:02.000Z'));
  });

  it('refuses a change to a notification that was not read under lock', () => {
    expect(() =>
      foldChanges(
        [{ id: 'n9', cursor: 1, change: { kind: 'retract', id: 'n9', userId: 'ann', at: '2026-01-01T00:00:00Z' } }],
        new Map(),
      ),
    ).toThrow(/not read under lock/);
  });
});

describe('inBatches', () => {
  it('batches what arrived while the previous batch was handled, at most maxBatch, and ends after the rest', async () => {
    async function* source() {
      yield 1;
      await Promise.resolve();
      for (let i = 2; i <= 7; i++) yield i;
    }
    const batches: number[][] = [];
    for await (const batch of inBatches(source(), 4)) {
      batches.push(batch);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(batches).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
  });

  it('fails after the batches taken before its source failed', async () => {
    async function* source() {
      yield 1;
      await Promise.resolve();
      throw new Error('source broke');
    }
    const batches: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of inBatches(source(), 4)) batches.push(batch);
      })(),
    ).rejects.toThrow('source broke');
    expect(batches).toEqual([[1]]);
  });
});
