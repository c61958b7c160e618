import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AckFailure, MessageOk, ReadMarkerOk } from '@chatrt/contracts';
import { CodedError, createLogger, createPool } from '@chatrt/service-kit';
import { chatProjections } from '../src/adapters/projections/index.ts';
import type { Projection } from '../src/adapters/projections/projection.ts';
import { createRoom, eventually, ok, startInstance, startTestChat, type TestChat } from './support.ts';

let t: TestChat;

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

/** A handler's answer as the responder would send it: a refusal becomes `{ok:false}`. */
function answered<R>(reply: Promise<R>): Promise<R | AckFailure> {
  return reply.catch((err: unknown) => {
    if (err instanceof CodedError) return { ok: false, error: { code: err.code, message: err.message } };
    throw err;
  });
}

async function storedSeqs(roomId: string): Promise<number[]> {
  const { rows } = await t.db.query<{ seq: string }>('SELECT seq FROM chat.events WHERE room_id = $1 ORDER BY seq', [
    roomId,
  ]);
  return rows.map((r) => Number(r.seq));
}

describe('group commit', () => {
  it('commits a batch across rooms, answering a refused command and a repeat on their own', async () => {
    const batches: number[] = [];
    const { handlers } = startInstance(t.db, {
      groupCommit: { maxBatchSize: 9, maxWaitMs: 100, concurrency: 1 },
      onBatch: (size) => batches.push(size),
    });
    const [alice, bob, mallory] = [randomUUID(), randomUUID(), randomUUID()];
    const rooms = [await createRoom(t.nc, alice, [bob]), await createRoom(t.nc, bob), await createRoom(t.nc, alice)];
    const [r1, r2, r3] = rooms.map((r) => r.id) as [string, string, string];
    const replies = await Promise.all<{ ok: boolean }>([
      answered(handlers.sendMessage({ actorId: alice, roomId: r1, message: 'a', clientMessageId: 'k1' })),
      answered(handlers.sendMessage({ actorId: bob, roomId: r2, message: 'b' })),
      answered(handlers.sendMessage({ actorId: mallory, roomId: r1, message: 'intruder' })),
      answered(handlers.sendMessage({ actorId: bob, roomId: r1, message: 'c' })),
      answered(handlers.sendMessage({ actorId: alice, roomId: r1, message: 'a again', clientMessageId: 'k1' })),
      answered(handlers.markRead({ actorId: alice, roomId: r3, seq: 99 })),
      answered(handlers.sendMessage({ actorId: alice, roomId: r3, message: 'd' })),
      answered(handlers.markRead({ actorId: bob, roomId: r1, seq: 4 })),
      answered(handlers.addMember({ actorId: bob, roomId: r2, userId: alice })),
    ]);
    expect(batches).toEqual([9]);
    expect(replies.map((r) => r.ok)).toEqual([true, true, false, true, true, false, true, true, true]);
    expect(replies[2]).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(replies[5]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const message = (i: number) => (replies[i] as MessageOk).message;
    expect(message(4)).toEqual(message(0));
    expect([message(0).seq, message(3).seq, (replies[7] as ReadMarkerOk).readMarker.seq]).toEqual([4, 5, 4]);
    expect(await storedSeqs(r1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await storedSeqs(r2)).toEqual([1, 2, 3, 4]);
    expect(await storedSeqs(r3)).toEqual([1, 2, 3]);
  });

  it('requeues only the room that lost a race to another instance; the rest of the batch commits', async () => {
    const alice = randomUUID();
    const [contended, quiet] = [await createRoom(t.nc, alice), await createRoom(t.nc, alice)];
    // Instance A's transactions append, then wait on an advisory lock the test holds.
    const gate = Math.floor(Math.random() * 1_000_000_000);
    const gated: Projection = {
      name: 'gate',
      tables: [],
      apply: () => [{ text: 'SELECT pg_advisory_xact_lock($1)', values: [gate] }],
    };
    const a = startInstance(t.db, { projections: [...chatProjections, gated] }).handlers;
    // Instance B, on its own named connections so the test can see it waiting.
    const appName = `chat-race-${randomUUID()}`;
    const bPool = createPool(`${t.poolUrl}?application_name=${appName}`, createLogger('chat-test', 'silent'), 4);
    let conflicts = 0;
    const batches: number[] = [];
    const b = startInstance(bPool, {
      groupCommit: { maxBatchSize: 2, maxWaitMs: 100, concurrency: 1 },
      onConflict: () => conflicts++,
      onBatch: (size) => batches.push(size),
    }).handlers;
    const holder = await t.db.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [gate]);
      const first = a.sendMessage({ actorId: alice, roomId: contended.id, message: 'A wins' });
      await eventually(
        () => waiting(`%pg_advisory_xact_lock%`),
        (n) => n > 0,
      );
      const fromB = Promise.all([
        b.sendMessage({ actorId: alice, roomId: contended.id, message: 'B retries' }),
        b.sendMessage({ actorId: alice, roomId: quiet.id, message: 'B commits' }),
      ]);
      // B's insert of the same seq waits for A's transaction.
      await eventually(
        () => waitingFor(appName),
        (n) => n > 0,
      );
      await holder.query('SELECT pg_advisory_unlock($1)', [gate]);
      const [retried, committed] = (await fromB).map((r) => ok(r).message);
      expect(ok(await first).message.seq).toBe(3);
      expect(retried!.seq).toBe(4);
      expect(committed!.seq).toBe(3);
      expect(conflicts).toBe(1);
      expect(batches).toEqual([1, 1]);
      expect(await storedSeqs(contended.id)).toEqual([1, 2, 3, 4]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
      await bPool.end();
    }
  });
});

describe('a command Postgres refuses', () => {
  /** Commands in flight together in one instance: each good send in its own room, the bad one among them. */
  async function sendAlongside(handlers: ReturnType<typeof startInstance>['handlers'], alice: string, bad: string) {
    const rooms = await Promise.all(Array.from({ length: 60 }, () => createRoom(t.nc, alice)));
    const [badRoom, ...goodRooms] = rooms.map((r) => r.id) as [string, ...string[]];
    const sends = goodRooms.flatMap((roomId) =>
      [1, 2].map((n) => ({ roomId, message: `good ${n}`, clientMessageId: randomUUID() })),
    );
    const badSend = { roomId: badRoom, message: bad, clientMessageId: randomUUID() };
    const half = sends.length / 2;
    const replies = await Promise.all(
      [...sends.slice(0, half), badSend, ...sends.slice(half)].map((s) =>
        answered(handlers.sendMessage({ actorId: alice, ...s })),
      ),
    );
    const badReply = replies.splice(half, 1)[0]!;
    return { replies, badReply, badSend, goodRooms };
  }

  async function storedWithKey(clientMessageId: string): Promise<number> {
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM chat.events WHERE data->>'clientMessageId' = $1`,
      [clientMessageId],
    );
    return rows[0]!.n;
  }

  it('fails alone with VALIDATION_FAILED (a NUL byte), its batch neighbours in other rooms commit', async () => {
    const batches: number[] = [];
    const { handlers } = startInstance(t.db, {
      groupCommit: { maxBatchSize: 500, maxWaitMs: 200, concurrency: 1 },
      onBatch: (size) => batches.push(size),
    });
    const { replies, badReply, badSend, goodRooms } = await sendAlongside(handlers, randomUUID(), 'nul \u0000 byte');
    expect(badReply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(replies.length);
    expect(await storedWithKey(badSend.clientMessageId)).toBe(0);
    expect(await storedSeqs(badSend.roomId)).toEqual([1, 2]);
    for (const roomId of goodRooms) expect(await storedSeqs(roomId)).toEqual([1, 2, 3, 4]);
  });

  // The failure is injected: whatever Postgres refused, the command fails alone with a code.
  it('fails alone with a code, and the others commit once, in order', async () => {
    const poison = `poison ${randomUUID()}`;
    // Fails the transaction that holds the poisoned message, with a SQLSTATE outside the data classes (42883).
    const faulty: Projection = {
      name: 'faulty',
      tables: [],
      apply: (events) =>
        events.some((e) => e.type === 'MessageSent' && e.data.message === poison)
          ? [{ text: 'SELECT no_such_function()', values: [] }]
          : [],
    };
    const { handlers } = startInstance(t.db, {
      projections: [...chatProjections, faulty],
      groupCommit: { maxBatchSize: 500, maxWaitMs: 200, concurrency: 1 },
    });
    const { replies, badReply, badSend, goodRooms } = await sendAlongside(handlers, randomUUID(), poison);
    expect(badReply).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    expect(await storedWithKey(badSend.clientMessageId)).toBe(0);
    for (const [i, roomId] of goodRooms.entries()) {
      expect(await storedSeqs(roomId)).toEqual([1, 2, 3, 4]);
      const messages = [replies[2 * i], replies[2 * i + 1]].map((r) => (r as MessageOk).message);
      expect(messages.map((m) => [m.message, m.seq])).toEqual([
        ['good 1', 3],
        ['good 2', 4],
      ]);
    }
  });
});

async function waiting(queryLike: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
    [queryLike],
  );
  return rows[0]?.n ?? 0;
}

async function waitingFor(applicationName: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = $1`,
    [applicationName],
  );
  return rows[0]?.n ?? 0;
}
