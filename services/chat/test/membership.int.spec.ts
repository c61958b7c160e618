import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { call, createRoom, ok, refused, startTestChat, type TestChat } from './support.ts';
import { unknownUserId } from './fixtures/user-directory-stub.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

const add = (actorId: string, roomId: string, userId: string) =>
  call(t.nc, subjects.chatAddMember, { actorId, roomId, userId });
const remove = (actorId: string, roomId: string, userId: string) =>
  call(t.nc, subjects.chatRemoveMember, { actorId, roomId, userId });

describe('addMember', () => {
  it('lets any member add a user, who may then act; adding again appends nothing', async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const { room: after } = ok(await add(bob, room.id, carol));
    expect(after).toMatchObject({ memberIds: [alice, bob, carol], lastSeq: 4 });
    ok(await call(t.nc, subjects.chatSendMessage, { actorId: carol, roomId: room.id, message: 'hi' }));
    const { room: again } = ok(await add(alice, room.id, carol));
    expect(again).toMatchObject({ memberIds: [alice, bob, carol], lastSeq: 5 });
  });

  it('is forbidden to non-members and not found for unknown rooms', async () => {
    const [alice, mallory] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice);
    expect(await add(mallory, room.id, mallory)).toEqual(refused('FORBIDDEN'));
    expect(await add(alice, randomUUID(), mallory)).toEqual(refused('NOT_FOUND'));
  });
});

describe('removeMember', () => {
  it('lets a member leave, after which they can neither read nor send', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const { room: after } = ok(await remove(bob, room.id, bob));
    expect(after).toMatchObject({ memberIds: [alice], lastSeq: 4 });
    expect(await call(t.nc, subjects.chatSendMessage, { actorId: bob, roomId: room.id, message: 'hi' })).toEqual(
      refused('FORBIDDEN'),
    );
    expect(await call(t.nc, subjects.chatGetRoom, { actorId: bob, roomId: room.id })).toEqual(refused('FORBIDDEN'));
    expect(await call(t.nc, subjects.chatRoomUpdates, { actorId: bob, roomId: room.id, afterSeq: 0 })).toEqual(
      refused('FORBIDDEN'),
    );
  });

  it('lets the creator remove anyone, forbids others to remove someone else, and is idempotent', async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob, carol]);
    expect(await remove(bob, room.id, carol)).toEqual(refused('FORBIDDEN'));
    expect(await remove(bob, room.id, alice)).toEqual(refused('FORBIDDEN'));
    expect(ok(await remove(alice, room.id, carol)).room.memberIds).toEqual([alice, bob]);
    const { room: again } = ok(await remove(alice, room.id, carol));
    expect(again).toMatchObject({ memberIds: [alice, bob], lastSeq: 5 });
    const { rows } = await t.db.query('SELECT 1 FROM chat.events WHERE room_id = $1', [room.id]);
    expect(rows).toHaveLength(5);
  });

  it('puts a re-added member last', async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob, carol]);
    ok(await remove(bob, room.id, bob));
    expect(ok(await add(carol, room.id, bob)).room.memberIds).toEqual([alice, carol, bob]);
  });
});

describe('members must exist (the auth service is asked first)', () => {
  const roomsOf = async (actorId: string) => ok(await call(t.nc, subjects.chatListRooms, { actorId })).rooms;

  it('createRoom with a user nobody registered answers NOT_FOUND naming them and stores no room', async () => {
    const [alice, bob, ghost] = [randomUUID(), randomUUID(), unknownUserId()];
    const reply = await call(t.nc, subjects.chatCreateRoom, {
      actorId: alice,
      name: 'haunted',
      memberIds: [bob, ghost],
    });
    expect(reply).toEqual(refused('NOT_FOUND'));
    expect(reply.ok || reply.error.message).toContain(ghost);
    expect(await roomsOf(alice)).toEqual([]);
    expect(await roomsOf(bob)).toEqual([]);
  });

  it('addMember of a user nobody registered answers NOT_FOUND and appends nothing', async () => {
    const [alice, ghost] = [randomUUID(), unknownUserId()];
    const room = await createRoom(t.nc, alice);
    expect(await add(alice, room.id, ghost)).toEqual(refused('NOT_FOUND'));
    expect(ok(await call(t.nc, subjects.chatGetRoom, { actorId: alice, roomId: room.id })).room).toEqual(room);
  });
});
