import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects, type Message, type Room } from '@chatrt/contracts';
import { createLogger } from '@chatrt/service-kit';
import { rebuildReadModels } from '../src/index.ts';
import { call, ok, startTestChat, type TestChat } from './support.ts';

let t: TestChat;
const log = createLogger('chat-rebuild-test', 'silent');

beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

/** Every read-model row of these rooms, in a stable order. */
async function readModelRows(roomIds: string[]): Promise<Record<string, unknown[]>> {
  const query = async (sql: string) => (await t.db.query<Record<string, unknown>>(sql, [roomIds])).rows;
  return {
    rooms: await query('SELECT * FROM chat.rooms WHERE id = ANY($1::uuid[]) ORDER BY id'),
    messages: await query('SELECT * FROM chat.messages WHERE room_id = ANY($1::uuid[]) ORDER BY room_id, seq'),
    room_members: await query(
      'SELECT * FROM chat.room_members WHERE room_id = ANY($1::uuid[]) ORDER BY room_id, user_id',
    ),
    projection_checkpoints: await query(
      'SELECT * FROM chat.projection_checkpoints WHERE room_id = ANY($1::uuid[]) ORDER BY room_id',
    ),
  };
}

/** Creates, sends, edits, deletes, membership changes and read markers over a few rooms. */
async function mixedWorkload(): Promise<string[]> {
  const users = Array.from({ length: 5 }, () => randomUUID());
  const [alice, bob, carol, dave, erin] = users as [string, string, string, string, string];
  const rooms: Room[] = [];
  for (let r = 0; r < 3; r++)
    rooms.push(
      ok(await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: `mixed ${r}`, memberIds: [bob, carol] }))
        .room,
    );
  for (const room of rooms) {
    const sent: Message[] = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) =>
          ok(await call(t.nc, subjects.chatSendMessage, { actorId: users[i % 3]!, roomId: room.id, message: `m${i}` }))
            .message,
      ),
    );
    const mine = (userId: string) => sent.filter((m) => m.senderId === userId);
    ok(
      await call(t.nc, subjects.chatEditMessage, { actorId: alice, messageId: mine(alice)[0]!.id, message: 'edited' }),
    );
    ok(
      await call(t.nc, subjects.chatEditMessage, {
        actorId: bob,
        messageId: mine(bob)[1]!.id,
        message: 'edited then deleted',
      }),
    );
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: bob, messageId: mine(bob)[1]!.id }));
    ok(await call(t.nc, subjects.chatMarkRead, { actorId: carol, roomId: room.id, seq: 9 }));
    ok(await call(t.nc, subjects.chatDeleteMessage, { actorId: alice, messageId: mine(alice)[1]!.id }));
    ok(await call(t.nc, subjects.chatAddMember, { actorId: bob, roomId: room.id, userId: dave }));
    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: alice, roomId: room.id, userId: carol }));
    ok(await call(t.nc, subjects.chatAddMember, { actorId: dave, roomId: room.id, userId: carol }));
    ok(await call(t.nc, subjects.chatRemoveMember, { actorId: bob, roomId: room.id, userId: bob }));
    ok(await call(t.nc, subjects.chatSendMessage, { actorId: dave, roomId: room.id, message: 'hi all' }));
    ok(await call(t.nc, subjects.chatMarkRead, { actorId: dave, roomId: room.id, seq: 20 }));
    ok(await call(t.nc, subjects.chatMarkRead, { actorId: alice, roomId: room.id, seq: 25 }));
    ok(await call(t.nc, subjects.chatAddMember, { actorId: dave, roomId: room.id, userId: erin }));
  }
  return rooms.map((r) => r.id);
}

describe('rebuild', () => {
  it('rebuilds every read model equal to the live one while commands keep committing, and swaps it in', async () => {
    const roomIds = await mixedWorkload();
    const alice = randomUUID();
    const busy = ok(await call(t.nc, subjects.chatCreateRoom, { actorId: alice, name: 'busy during rebuild' })).room;
    const stopWriting = new AbortController();
    const writer = (async () => {
      let n = 0;
      while (!stopWriting.signal.aborted)
        ok(await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: busy.id, message: `w${n++}` }));
      return n;
    })();
    let report;
    try {
      report = await rebuildReadModels({ pool: t.db, log, mode: 'verify', chunkSize: 97 });
    } finally {
      stopWriting.abort();
    }
    const written = await writer;
    expect(written).toBeGreaterThan(0);
    expect(report.replayed).toBeGreaterThan(0);
    expect(Object.keys(report.differences).sort()).toEqual([
      'messages',
      'projection_checkpoints',
      'room_members',
      'rooms',
    ]);
    expect(Object.values(report.differences).every((n) => n === 0)).toBe(true);

    const before = await readModelRows([...roomIds, busy.id]);
    // A damaged live row shows up as a difference, and the swap repairs it.
    await t.db.query('UPDATE chat.room_members SET read_live = read_live + 1 WHERE room_id = $1', [roomIds[0]]);
    const damaged = await rebuildReadModels({ pool: t.db, log, mode: 'verify' });
    expect(damaged.differences).toMatchObject({
      rooms: 0,
      messages: 0,
      room_members: 2 * 5,
      projection_checkpoints: 0,
    });
    const swapped = await rebuildReadModels({ pool: t.db, log, mode: 'swap' });
    expect(swapped.swapped).toBe(true);
    expect(await readModelRows([...roomIds, busy.id])).toEqual(before);
    expect(before.messages!.length).toBeGreaterThan(36);

    // The service keeps working on the swapped-in tables, indexes included.
    const { message } = ok(
      await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: busy.id, message: 'after swap' }),
    );
    const { page } = ok(await call(t.nc, subjects.chatListMessages, { actorId: alice, roomId: busy.id, limit: 1 }));
    expect(page.messages).toEqual([message]);
    const { rows } = await t.db.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'chat' AND tablename = 'messages' ORDER BY indexname",
    );
    expect(rows.map((r) => r.indexname)).toEqual(['messages_pkey', 'messages_room_seq_key']);
  });

  it('runs as `npm run chat:rebuild -- --verify` against DATABASE_URL', async () => {
    const entry = fileURLToPath(new URL('../src/rebuild.ts', import.meta.url));
    const child = spawn(process.execPath, [entry, '--verify'], {
      env: { ...process.env, DATABASE_URL: t.poolUrl, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output.join('')).toBe(0);
    expect(output.join('')).toContain('read models rebuilt and compared');
  });
});
