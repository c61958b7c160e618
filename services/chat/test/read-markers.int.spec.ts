import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects, type Message } from '@chatrt/contracts';
import type { ChatService } from '../src/application/chat-service.ts';
import { call, createRoom, ok, refused, startInstance, startTestChat, type TestChat } from './support.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

async function send(actorId: string, roomId: string, message = 'm'): Promise<Message> {
  return ok(await call(t.nc, subjects.chatSendMessage, { actorId, roomId, message })).message;
}

const markRead = (actorId: string, roomId: string, seq: number) =>
  call(t.nc, subjects.chatMarkRead, { actorId, roomId, seq });

async function unread(actorId: string, roomId: string): Promise<number | undefined> {
  const { rooms } = ok(await call(t.nc, subjects.chatListRooms, { actorId }));
  return rooms.find((r) => r.id === roomId)?.unreadCount;
}

/** The definition, counted the slow way: others' non-deleted messages after the member's marker. */
async function recount(roomId: string, userId: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM chat.messages m
     WHERE m.room_id = $1 AND m.sender_id <> $2 AND NOT m.deleted
       AND m.seq > coalesce((SELECT read_seq FROM chat.room_members WHERE room_id = $1 AND user_id = $2), 0)`,
    [roomId, userId],
  );
  return rows[0]!.n;
}

async function expectCountsMatch(roomId: string, users: string[]): Promise<void> {
  for (const user of users) expect(await unread(user, roomId), `unread of ${user}`).toBe(await recount(roomId, user));
}

describe('markRead', () => {
  it('moves the marker forward only, and refuses a seq beyond the room', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    await send(alice, room.id);
    await send(alice, room.id); // seq 5
    expect(ok(await markRead(bob, room.id, 4)).readMarker).toEqual({ roomId: room.id, seq: 4 });
    expect(ok(await markRead(bob, room.id, 3)).readMarker).toEqual({ roomId: room.id, seq: 4 });
    expect(ok(await markRead(bob, room.id, 4)).readMarker).toEqual({ roomId: room.id, seq: 4 });
    const { rows } = await t.db.query('SELECT 1 FROM chat.events WHERE room_id = $1 AND type = $2', [
      room.id,
      'ReadMarkerMoved',
    ]);
    expect(rows).toHaveLength(1);
    // The marker event took seq 6, so the room now ends at 6.
    expect(await markRead(bob, room.id, 7)).toEqual(refused('VALIDATION_FAILED'));
    expect(ok(await markRead(bob, room.id, 6)).readMarker.seq).toBe(6);
  });

  it('is for members only', async () => {
    const [alice, mallory] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice);
    expect(await markRead(mallory, room.id, 1)).toEqual(refused('FORBIDDEN'));
    expect(await markRead(alice, randomUUID(), 1)).toEqual(refused('NOT_FOUND'));
  });
});

describe('listRooms and unread counts', () => {
  it("counts other members' non-deleted messages after the caller's marker", async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob, carol]); // seq 1..4
    const a1 = await send(alice, room.id); // 5
    const a2 = await send(alice, room.id); // 6
    await send(alice, room.id); // 7
    const b1 = await send(bob, room.id); // 8
    await send(bob, room.id); // 9
    expect([await unread(alice, room.id), await unread(bob, room.id), await unread(carol, room.id)]).toEqual([2, 3, 5]);

    ok(await markRead(carol, room.id, a2.seq));
    expect(await unread(carol, room.id)).toBe(3);
    // Unread, after carol's marker.
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: bob, messageId: b1.id }));
    expect([await unread(alice, room.id), await unread(bob, room.id), await unread(carol, room.id)]).toEqual([1, 3, 2]);
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: a1.id })); // already read by carol
    expect([await unread(alice, room.id), await unread(bob, room.id), await unread(carol, room.id)]).toEqual([1, 2, 2]);
    ok(await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: a2.id, message: 'edited' }));
    ok(await markRead(bob, room.id, 12)); // past everything
    expect(await unread(bob, room.id)).toBe(0);
    await expectCountsMatch(room.id, [alice, bob, carol]);
  });

  it("starts a new member's marker at their joining: what came before is history, not unread", async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice); // seq 1..2
    for (let i = 0; i < 3; i++) await send(alice, room.id); // 3..5
    const addBob = () => call(t.nc, subjects.chatAddMember, { actorId: alice, roomId: room.id, userId: bob });
    ok(await addBob()); // 6
    expect(await unread(bob, room.id)).toBe(0);
    expect(ok(await markRead(bob, room.id, 4)).readMarker).toEqual({ roomId: room.id, seq: 6 });
    await send(alice, room.id); // 7
    expect(await unread(bob, room.id)).toBe(1);

    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: alice, roomId: room.id, userId: bob })); // 8
    await send(alice, room.id); // 9
    ok(await addBob()); // 10
    expect(await unread(bob, room.id)).toBe(0);
    await expectCountsMatch(room.id, [alice, bob]);
  });

  it('lists only the rooms the user is a member of, with the room fields', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const first = await createRoom(t.nc, alice, [bob]);
    const second = await createRoom(t.nc, bob, [alice]);
    await send(bob, second.id);
    const { rooms } = ok(await call(t.nc, subjects.chatListRooms, { actorId: alice }));
    expect(rooms).toEqual([
      { ...first, unreadCount: 0 },
      { ...second, lastSeq: 4, unreadCount: 1 },
    ]);
    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: alice, roomId: second.id, userId: alice }));
    expect(ok(await call(t.nc, subjects.chatListRooms, { actorId: alice })).rooms.map((r) => r.id)).toEqual([first.id]);
    expect(ok(await call(t.nc, subjects.chatListRooms, { actorId: randomUUID() })).rooms).toEqual([]);
  });

  it('stays exact when deletions, marker moves and joins share one group-commit batch', async () => {
    const setup = startInstance(t.db).handlers;
    const users = Array.from({ length: 4 }, () => randomUUID());
    const [alice, bob, carol, dave] = users as [string, string, string, string];
    const { room } = ok(await setup.createRoom({ actorId: alice, name: 'batch', memberIds: [bob, carol] }));
    const sent: Message[] = [];
    for (let i = 0; i < 12; i++)
      sent.push(ok(await setup.sendMessage({ actorId: users[i % 3]!, roomId: room.id, message: `m${i}` })).message);
    ok(await setup.markRead({ actorId: carol, roomId: room.id, seq: sent[5]!.seq }));
    // Commits once 8 commands are in (waiting up to 2 s, so a loaded machine still gathers all of them):
    // the mixed commands below share one transaction.
    const batches: number[] = [];
    const instance: ChatService = startInstance(t.db, {
      groupCommit: { maxBatchSize: 8, maxWaitMs: 2000, concurrency: 1 },
      onBatch: (size) => batches.push(size),
    }).handlers;
    const replies = await Promise.all([
      instance.deleteMessage({ actorId: users[1]!, messageId: sent[1]!.id }), // read by carol already
      instance.markRead({ actorId: bob, roomId: room.id, seq: sent[9]!.seq }),
      instance.deleteMessage({ actorId: users[0]!, messageId: sent[9]!.id }), // read by bob, in this batch
      instance.addMember({ actorId: alice, roomId: room.id, userId: dave }),
      instance.sendMessage({ actorId: carol, roomId: room.id, message: 'late' }),
      instance.markRead({ actorId: carol, roomId: room.id, seq: sent[11]!.seq }),
      instance.deleteMessage({ actorId: users[2]!, messageId: sent[11]!.id }),
      instance.markRead({ actorId: alice, roomId: room.id, seq: sent[2]!.seq }),
    ]);
    replies.forEach((reply) => ok(reply));
    expect(batches).toEqual([8]);
    await expectCountsMatch(room.id, users);
  });
});
