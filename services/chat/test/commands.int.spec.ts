import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { call, createRoom, ok, refused, startTestChat, type TestChat } from './support.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

async function storedSeqs(roomId: string): Promise<number[]> {
  const { rows } = await t.db.query<{ seq: string }>('SELECT seq FROM chat.events WHERE room_id = $1 ORDER BY seq', [
    roomId,
  ]);
  return rows.map((r) => Number(r.seq));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('createRoom', () => {
  it('creates a room with the creator first and other members once, each event its own seq', async () => {
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob, alice, carol, bob]);
    expect(room).toMatchObject({ name: 'room', memberIds: [alice, bob, carol], lastSeq: 4 });
    expect(Date.parse(room.createdAt)).not.toBeNaN();
    expect(await storedSeqs(room.id)).toEqual([1, 2, 3, 4]);
    expect(ok(await call(t.nc, subjects.chatGetRoom, { actorId: carol, roomId: room.id })).room).toEqual(room);
  });
});

describe('sendMessage and history', () => {
  it('stores a message and serves it back in the history', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const clientMessageId = randomUUID();
    const { message } = ok(
      await call(t.nc, subjects.chatSendMessage, { actorId: bob, roomId: room.id, message: 'hello', clientMessageId }),
    );
    expect(message).toMatchObject({ roomId: room.id, seq: 4, senderId: bob, message: 'hello', clientMessageId });

    const history = ok(await call(t.nc, subjects.chatListMessages, { actorId: alice, roomId: room.id }));
    expect(history.page).toEqual({ messages: [message], hasMore: false });
    expect(ok(await call(t.nc, subjects.chatGetRoom, { actorId: alice, roomId: room.id })).room.lastSeq).toBe(4);
  });

  it('assigns a clientMessageId when the sender gives none', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const { message } = ok(
      await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: room.id, message: 'hi' }),
    );
    expect(message.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a repeated send with the original message and appends nothing', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const send = { actorId: alice, roomId: room.id, message: 'once', clientMessageId: 'retry-1' };
    const first = ok(await call(t.nc, subjects.chatSendMessage, send)).message;
    const again = ok(await call(t.nc, subjects.chatSendMessage, { ...send, message: 'changed on retry' })).message;
    expect(again).toEqual(first);
    expect(await storedSeqs(room.id)).toEqual([1, 2, 3]);
  });

  it('stores one message for concurrent identical sends, and every reply names it', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const send = { actorId: alice, roomId: room.id, message: 'hi', clientMessageId: randomUUID() };
    const replies = await Promise.all(Array.from({ length: 10 }, () => call(t.nc, subjects.chatSendMessage, send)));
    const messages = replies.map((r) => ok(r).message);
    expect(new Set(messages.map((m) => `${m.id}/${m.seq}`)).size).toBe(1);
    expect(await storedSeqs(room.id)).toEqual([1, 2, 3]);
    const history = ok(await call(t.nc, subjects.chatListMessages, { actorId: alice, roomId: room.id }));
    expect(history.page.messages).toEqual([messages[0]]);
  });

  it('keeps the idempotency key per sender: another member may reuse the same clientMessageId', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice, [bob]);
    const a = ok(
      await call(t.nc, subjects.chatSendMessage, {
        actorId: alice,
        roomId: room.id,
        message: 'a',
        clientMessageId: 'same',
      }),
    );
    const b = ok(
      await call(t.nc, subjects.chatSendMessage, {
        actorId: bob,
        roomId: room.id,
        message: 'b',
        clientMessageId: 'same',
      }),
    );
    expect(b.message.id).not.toBe(a.message.id);
    expect(b.message.seq).toBe(a.message.seq + 1);
  });

  it('stores each of 50 concurrent senders once with gap-free seqs', async () => {
    const creator = randomUUID();
    const senders = Array.from({ length: 50 }, () => randomUUID());
    const room = await createRoom(t.nc, creator, senders);
    const replies = await Promise.all(
      senders.map((actorId, i) =>
        call(t.nc, subjects.chatSendMessage, { actorId, roomId: room.id, message: `m${i}`, clientMessageId: `c${i}` }),
      ),
    );
    const messages = replies.map((r) => ok(r).message);
    const lastSeq = room.lastSeq + senders.length;
    expect(messages.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(room.lastSeq + 1, lastSeq));
    expect(await storedSeqs(room.id)).toEqual(range(1, lastSeq));
    const history = ok(await call(t.nc, subjects.chatListMessages, { actorId: creator, roomId: room.id, limit: 200 }));
    expect(history.page.messages.map((m) => m.seq)).toEqual(range(room.lastSeq + 1, lastSeq));
    expect(ok(await call(t.nc, subjects.chatGetRoom, { actorId: creator, roomId: room.id })).room.lastSeq).toBe(
      lastSeq,
    );
  });
});

describe('refusals', () => {
  it('forbids non-members to send, read the room or its history', async () => {
    const [alice, mallory] = [randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, alice);
    const forbidden = refused('FORBIDDEN');
    expect(await call(t.nc, subjects.chatSendMessage, { actorId: mallory, roomId: room.id, message: 'hi' })).toEqual(
      forbidden,
    );
    expect(await call(t.nc, subjects.chatGetRoom, { actorId: mallory, roomId: room.id })).toEqual(forbidden);
    expect(await call(t.nc, subjects.chatListMessages, { actorId: mallory, roomId: room.id })).toEqual(forbidden);
    expect(await storedSeqs(room.id)).toEqual([1, 2]);
  });

  it('answers NOT_FOUND for a room that does not exist', async () => {
    const [actorId, roomId] = [randomUUID(), randomUUID()];
    const notFound = refused('NOT_FOUND');
    expect(await call(t.nc, subjects.chatSendMessage, { actorId, roomId, message: 'hi' })).toEqual(notFound);
    expect(await call(t.nc, subjects.chatGetRoom, { actorId, roomId })).toEqual(notFound);
    expect(await call(t.nc, subjects.chatListMessages, { actorId, roomId })).toEqual(notFound);
  });

  it('answers VALIDATION_FAILED for a malformed id, an over-long message or page size', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    const invalid = refused('VALIDATION_FAILED');
    expect(
      await call(t.nc, subjects.chatSendMessage, { actorId: 'not-a-uuid', roomId: room.id, message: 'hi' }),
    ).toEqual(invalid);
    expect(await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: 'x', memberIds: ['nope'] })).toEqual(
      invalid,
    );
    expect(
      await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: room.id, message: 'x'.repeat(4001) }),
    ).toEqual(invalid);
    expect(await call(t.nc, subjects.chatListMessages, { actorId: alice, roomId: room.id, limit: 201 })).toEqual(
      invalid,
    );
  });
});

describe('paging', () => {
  it('pages backwards with before, forwards with after, and reports hasMore in that direction', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice); // seq 1 RoomCreated, 2 MemberAdded
    // seq 3..12
    for (let i = 0; i < 10; i++) {
      ok(await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: room.id, message: `m${i}` }));
    }
    const page = async (query: { before?: number; after?: number; limit?: number }) => {
      const { page } = ok(await call(t.nc, subjects.chatListMessages, { actorId: alice, roomId: room.id, ...query }));
      return { seqs: page.messages.map((m) => m.seq), hasMore: page.hasMore };
    };
    expect(await page({})).toEqual({ seqs: range(3, 12), hasMore: false });
    expect(await page({ limit: 4 })).toEqual({ seqs: [9, 10, 11, 12], hasMore: true });
    expect(await page({ before: 9, limit: 4 })).toEqual({ seqs: [5, 6, 7, 8], hasMore: true });
    expect(await page({ before: 5, limit: 4 })).toEqual({ seqs: [3, 4], hasMore: false });
    expect(await page({ after: 0, limit: 4 })).toEqual({ seqs: [3, 4, 5, 6], hasMore: true });
    expect(await page({ after: 8, limit: 4 })).toEqual({ seqs: [9, 10, 11, 12], hasMore: false });
    expect(await page({ after: 12 })).toEqual({ seqs: [], hasMore: false });
    expect(await page({ after: 4, before: 8 })).toEqual({ seqs: [5, 6, 7], hasMore: false });
    expect(await page({ after: 4, before: 8, limit: 2 })).toEqual({ seqs: [5, 6], hasMore: true });
  });
});

describe('ops server', () => {
  it('reports healthy dependencies and exposes the chat metrics', async () => {
    const base = `http://127.0.0.1:${t.chat.opsPort}`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', nats: 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /^nats_handler_duration_seconds_count\{[^}]*subject="chat\.cmd\.sendMessage",outcome="ok"\} [1-9]/m,
    );
    expect(metrics).toContain('chat_outbox_lag_seconds');
  });
});
