import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, createPool, migrate, type Pool } from '@chatrt/service-kit';
import { absentRoom, evolve, recordEvents, type RecordedRoomEvent, type RoomEvent } from '../src/domain/index.ts';
import { roomsProjection } from '../src/adapters/projections/rooms.ts';

const log = createLogger('chat-membership-rule-test', 'silent');
// A schema of this file's own: the rooms it writes have no events, so the live read models must not see them.
const schema = `membership_rule_${randomUUID().replaceAll('-', '')}`;
let db: Pool;

// One hook per resource: each returns its teardown, and teardowns run in reverse, only for what started.
beforeAll(async () => {
  const databaseUrl = inject('databaseUrl');
  await migrate(databaseUrl, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
  db = createPool(databaseUrl, log, 2);
  return () => db.end();
});

beforeAll(async () => {
  await db.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.rooms (LIKE chat.rooms INCLUDING ALL)`);
  return async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  };
});

const random = (n: number) => Math.floor(Math.random() * n);

/** A room's stream: created by its first user, then random adds and removals among four users. */
function randomRoomStream(): RecordedRoomEvent[] {
  const users = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const events: RoomEvent[] = [
    { type: 'RoomCreated', data: { name: 'r' } },
    { type: 'MemberAdded', data: { userId: users[0]! } },
    ...Array.from({ length: random(12) }, (): RoomEvent => {
      const userId = users[random(users.length)]!;
      return random(2) === 1 ? { type: 'MemberAdded', data: { userId } } : { type: 'MemberRemoved', data: { userId } };
    }),
  ];
  const occurredAt = new Date().toISOString();
  return recordEvents(events, { roomId: randomUUID(), actorId: users[0]!, lastSeq: 0, occurredAt, newId: randomUUID });
}

/** Cuts a stream into consecutive pieces at random points (the first holds RoomCreated). */
function randomCuts(events: RecordedRoomEvent[]): RecordedRoomEvent[][] {
  const pieces: RecordedRoomEvent[][] = [];
  let start = 0;
  while (start < events.length) {
    const end = start + 1 + random(events.length - start);
    pieces.push(events.slice(start, end));
    start = end;
  }
  return pieces;
}

describe('the membership rule', () => {
  // The rooms projection folds membership in set-based SQL; the domain folds it event by event.
  it('gives the same members in the rooms projection as in the domain fold, however the stream is cut', async () => {
    const streams = Array.from({ length: 300 }, randomRoomStream);
    const cuts = streams.map(randomCuts);
    // Round k applies each room's k-th piece, all rooms in one call, as a group commit batch does.
    for (let round = 0; cuts.some((pieces) => pieces.length > round); round++) {
      for (const statement of roomsProjection.apply(
        cuts.flatMap((pieces) => pieces[round] ?? []),
        schema,
      )) {
        await db.query(statement.text, statement.values);
      }
    }
    const { rows } = await db.query<{ id: string; member_ids: string[] }>(`SELECT id, member_ids FROM ${schema}.rooms`);
    const stored = new Map(rows.map((row) => [row.id, row.member_ids]));
    for (const events of streams) {
      const state = events.reduce(evolve, absentRoom);
      expect(state.status).toBe('active');
      if (state.status === 'active') expect(stored.get(state.id)).toEqual(state.memberIds);
    }
  });
});
