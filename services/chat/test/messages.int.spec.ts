import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects, type Message } from '@chatrt/contracts';
import { call, createRoom, ok, refused, startTestChat, type TestChat } from './support.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

async function send(
  actorId: string,
  roomId: string,
  message: string,
  clientMessageId = randomUUID(),
): Promise<Message> {
  return ok(await call(t.nc, subjects.chatSendMessage, { actorId, roomId, message, clientMessageId })).message;
}

async function eventTypes(roomId: string): Promise<string[]> {
  const { rows } = await t.db.query<{ type: string }>('SELECT type FROM chat.events WHERE room_id = $1 ORDER BY seq', [
    roomId,
  ]);
  return rows.map((r) => r.type);
}

async function history(actorId: string, roomId: string): Promise<Message[]> {
  return ok(await call(t.nc, subjects.chatListMessages, { actorId, roomId })).page.messages;
}

describe('editMessage', () => {
  it('replaces the text, keeps the seq of MessageSent, and shows the edit in history', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const sent = await send(bob, room.id, 'helo');
    const { message } = ok(
      await call(t.nc, subjects.chatEditMessage, { actorId: bob, messageId: sent.id, message: 'hello' }),
    );
    expect(message).toMatchObject({
      id: sent.id,
      seq: sent.seq,
      message: 'hello',
      deleted: false,
      createdAt: sent.createdAt,
    });
    expect(Date.parse(message.editedAt!)).toBeGreaterThanOrEqual(Date.parse(sent.createdAt));
    expect(await history(alice, room.id)).toEqual([message]);
    expect(await eventTypes(room.id)).toEqual([
      'RoomCreated',
      'MemberAdded',
      'MemberAdded',
      'MessageSent',
      'MessageEdited',
    ]);
  });

  it('appends nothing for the same text and answers with the message as it is', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const sent = await send(alice, room.id, 'same');
    const reply = ok(
      await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: sent.id, message: 'same' }),
    );
    expect(reply.message).toEqual(sent);
    expect(await eventTypes(room.id)).toEqual(['RoomCreated', 'MemberAdded', 'MessageSent']);
  });

  it('is forbidden to other members, non-members and an author who left', async () => {
    const [alice, bob, mallory] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const sent = await send(bob, room.id, 'mine');
    expect(await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: sent.id, message: 'x' })).toEqual(
      refused('FORBIDDEN'),
    );
    expect(await call(t.nc, subjects.chatEditMessage, { actorId: mallory, messageId: sent.id, message: 'x' })).toEqual(
      refused('FORBIDDEN'),
    );
    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: bob, roomId: room.id, userId: bob }));
    expect(await call(t.nc, subjects.chatEditMessage, { actorId: bob, messageId: sent.id, message: 'x' })).toEqual(
      refused('FORBIDDEN'),
    );
  });

  it('conflicts with a deleted message, refuses bad lengths, and does not find unknown messages', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const sent = await send(alice, room.id, 'text');
    expect(await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: sent.id, message: '' })).toEqual(
      refused('VALIDATION_FAILED'),
    );
    expect(
      await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: sent.id, message: 'x'.repeat(4001) }),
    ).toEqual(refused('VALIDATION_FAILED'));
    expect(
      await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: randomUUID(), message: 'x' }),
    ).toEqual(refused('NOT_FOUND'));
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: sent.id }));
    expect(await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: sent.id, message: 'back' })).toEqual(
      refused('CONFLICT'),
    );
  });
});

describe('deleteMessage', () => {
  it('leaves a tombstone without text in history, and deleting again appends nothing', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const sent = await send(bob, room.id, 'secret');
    await call(t.nc, subjects.chatEditMessage, { actorId: bob, messageId: sent.id, message: 'edited secret' });
    const { message: tombstone } = ok(
      await call(t.nc, subjects.chatDeleteMessage, { actorId: bob, messageId: sent.id }),
    );
    expect(tombstone).toEqual({
      id: sent.id,
      roomId: room.id,
      seq: sent.seq,
      senderId: bob,
      clientMessageId: sent.clientMessageId,
      createdAt: sent.createdAt,
      deleted: true,
    });
    const again = ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: bob, messageId: sent.id }));
    expect(again.message).toEqual(tombstone);
    expect(await history(alice, room.id)).toEqual([tombstone]);
    expect(await eventTypes(room.id)).toEqual([
      'RoomCreated',
      'MemberAdded',
      'MemberAdded',
      'MessageSent',
      'MessageEdited',
      'MessageDeleted',
    ]);
  });

  it('answers a retried send of a deleted message with its tombstone', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const clientMessageId = randomUUID();
    const sent = await send(alice, room.id, 'gone soon', clientMessageId);
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: sent.id }));
    const retry = await send(alice, room.id, 'gone soon', clientMessageId);
    expect(retry).toMatchObject({ id: sent.id, deleted: true });
    expect(retry).not.toHaveProperty('message');
  });

  it('is forbidden to anyone but the author and not found for unknown messages', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const sent = await send(bob, room.id, 'mine');
    expect(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: sent.id })).toEqual(
      refused('FORBIDDEN'),
    );
    expect(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: randomUUID() })).toEqual(
      refused('NOT_FOUND'),
    );
  });
});
