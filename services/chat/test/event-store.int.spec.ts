import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatService } from '../src/application/chat-service.ts';
import { ok, startInstance, startTestChat, type TestChat } from './support.ts';

// Several stores on one database behave like several chat instances: their in-process room queues do
// not see each other, so their writes really race at the database keys.
let t: TestChat;
let conflicts = 0;
let instances: ChatService[];

beforeAll(async () => {
  t = await startTestChat(); // applies the migrations
  instances = Array.from({ length: 5 }, () => startInstance(t.db, { onConflict: () => conflicts++ }).handlers);
  return () => t.close();
});

const instance = (i: number) => instances[i % instances.length]!;

async function storedSeqs(roomId: string): Promise<number[]> {
  const { rows } = await t.db.query<{ seq: string }>('SELECT seq FROM chat.events WHERE room_id = $1 ORDER BY seq', [
    roomId,
  ]);
  return rows.map((r) => Number(r.seq));
}

describe('event store across instances', () => {
  it('gives 50 concurrent senders on different instances gap-free seqs, retrying lost races', async () => {
    const creator = randomUUID();
    const senders = Array.from({ length: 50 }, () => randomUUID());
    const { room } = ok(await instance(0).createRoom({ actorId: creator, name: 'busy', memberIds: senders }));
    const before = conflicts;
    const replies = await Promise.all(
      senders.map((actorId, i) =>
        instance(i).sendMessage({ actorId, roomId: room.id, message: `m${i}`, clientMessageId: `c${i}` }),
      ),
    );
    const seqs = replies.map((r) => ok(r).message.seq).sort((a, b) => a - b);
    const lastSeq = room.lastSeq + senders.length;
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => room.lastSeq + 1 + i));
    expect(await storedSeqs(room.id)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(conflicts).toBeGreaterThan(before); // the races were real
  });

  it('lets concurrent duplicates on different instances meet at the idempotency key', async () => {
    const alice = randomUUID();
    const { room } = ok(await instance(0).createRoom({ actorId: alice, name: 'dupes' }));
    const send = { actorId: alice, roomId: room.id, message: 'once', clientMessageId: randomUUID() };
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => instance(i).sendMessage(send)));
    const ids = new Set(replies.map((r) => `${ok(r).message.id}/${ok(r).message.seq}`));
    expect(ids.size).toBe(1);
    expect(await storedSeqs(room.id)).toEqual([1, 2, 3]);
  });
});
