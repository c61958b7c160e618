import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects, type Message, type RoomUpdatePage } from '@chatrt/contracts';
import { call, ok, refused, startTestChat, type TestChat } from './support.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

async function send(actorId: string, roomId: string, message: string): Promise<Message> {
  return ok(await call(t.nc, subjects.chatSendMessage, { actorId, roomId, message })).message;
}

async function edit(actorId: string, messageId: string, message: string): Promise<Message> {
  return ok(await call(t.nc, subjects.chatEditMessage, { actorId, messageId, message })).message;
}

async function updates(actorId: string, roomId: string, afterSeq: number, limit?: number): Promise<RoomUpdatePage> {
  return ok(
    await call(t.nc, subjects.chatRoomUpdates, {
      actorId,
      roomId,
      afterSeq,
      ...(limit === undefined ? {} : { limit }),
    }),
  ).page;
}

describe('roomUpdates', () => {
  it('pages through edits, deletions and membership as members see them now, never leaking deleted text', async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const { room } = ok(
      await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: 'resume', memberIds: [bob] }),
    ); // 1..3
    const one = await send(alice, room.id, 'one'); // 4
    const two = await send(bob, room.id, 'two secret'); // 5
    const oneEdited = await edit(alice, one.id, 'one!'); // 6
    ok(await call(t.nc, subjects.chatAddMember, { actorId: bob, roomId: room.id, userId: carol })); // 7
    await edit(bob, two.id, 'two secret, edited'); // 8
    const deleted = await call(t.nc, subjects.chatDeleteMessage, { actorId: bob, messageId: two.id });
    const tombstone = ok(deleted).message; // 9
    ok(await call(t.nc, subjects.chatMarkRead, { actorId: alice, roomId: room.id, seq: 9 })); // 10
    const three = await send(alice, room.id, 'three'); // 11
    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: alice, roomId: room.id, userId: carol })); // 12
    const threeEdited = await edit(alice, three.id, 'three!'); // 13

    const at = (seq: number): unknown => expect.objectContaining({ seq });
    const [p1, p2, p3, p4, p5] = [
      await updates(bob, room.id, 0, 4),
      await updates(bob, room.id, 4, 4),
      await updates(bob, room.id, 8, 4),
      await updates(bob, room.id, 12, 4),
      await updates(bob, room.id, 13, 4),
    ];
    expect(p1).toEqual({
      updates: [
        { event: 'memberAdded', payload: { roomId: room.id, seq: 2, userId: alice } },
        { event: 'memberAdded', payload: { roomId: room.id, seq: 3, userId: bob } },
        { event: 'message', payload: oneEdited },
      ],
      lastSeq: 4,
      hasMore: true,
    });
    expect(p2).toEqual({
      updates: [
        { event: 'message', payload: tombstone },
        {
          event: 'messageEdited',
          payload: { roomId: room.id, seq: 6, messageId: one.id, message: 'one!', editedAt: oneEdited.editedAt },
        },
        { event: 'memberAdded', payload: { roomId: room.id, seq: 7, userId: carol } },
      ],
      lastSeq: 8, // seq 8 edited the since-deleted message: scanned, left out
      hasMore: true,
    });
    expect(p3).toEqual({
      updates: [
        {
          event: 'messageDeleted',
          payload: { roomId: room.id, seq: 9, messageId: two.id, deletedAt: expect.any(String) as unknown },
        },
        { event: 'message', payload: threeEdited },
        { event: 'memberRemoved', payload: { roomId: room.id, seq: 12, userId: carol } },
      ],
      lastSeq: 12,
      hasMore: true,
    });
    expect(p4).toEqual({
      updates: [
        {
          event: 'messageEdited',
          payload: expect.objectContaining({ seq: 13, messageId: three.id, message: 'three!' }) as unknown,
        },
      ],
      lastSeq: 13,
      hasMore: false,
    });
    expect(p5).toEqual({ updates: [], lastSeq: 13, hasMore: false });
    expect(JSON.stringify([p1, p2, p3, p4, p5])).not.toContain('secret');

    // One big page equals the small pages joined; a page of only a read marker moves lastSeq on.
    const all = await updates(bob, room.id, 0);
    expect(all.updates).toEqual([...p1.updates, ...p2.updates, ...p3.updates, ...p4.updates]);
    expect(all).toMatchObject({ lastSeq: 13, hasMore: false });
    expect(await updates(bob, room.id, 9, 1)).toEqual({ updates: [], lastSeq: 10, hasMore: true });
    expect(p1.updates.concat(p3.updates).map((u) => u.payload)).toContainEqual(at(11));
  });

  it('is for members only, NOT_FOUND for unknown rooms, and caps the page at 500', async () => {
    const [alice, mallory] = [randomUUID(), randomUUID()];
    const { room } = ok(await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: 'closed' }));
    expect(await call(t.nc, subjects.chatRoomUpdates, { actorId: mallory, roomId: room.id, afterSeq: 0 })).toEqual(
      refused('FORBIDDEN'),
    );
    expect(await call(t.nc, subjects.chatRoomUpdates, { actorId: alice, roomId: randomUUID(), afterSeq: 0 })).toEqual(
      refused('NOT_FOUND'),
    );
    expect(
      await call(t.nc, subjects.chatRoomUpdates, { actorId: alice, roomId: room.id, afterSeq: 0, limit: 501 }),
    ).toEqual(refused('VALIDATION_FAILED'));
  });

  it('pages a long backlog in equal steps without losing or repeating an update', async () => {
    const alice = randomUUID();
    const { room } = ok(await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: 'backlog' }));
    await Promise.all(Array.from({ length: 300 }, (_, i) => send(alice, room.id, `m${i}`)));
    let afterSeq = 0;
    const seen: number[] = [];
    for (let page = 0; ; page++) {
      const reply = await updates(alice, room.id, afterSeq, 128);
      seen.push(...reply.updates.map((u) => u.payload.seq));
      afterSeq = reply.lastSeq;
      if (!reply.hasMore) break;
      expect(page).toBeLessThan(5);
    }
    expect(seen).toEqual(Array.from({ length: 301 }, (_, i) => i + 2));
  });
});
