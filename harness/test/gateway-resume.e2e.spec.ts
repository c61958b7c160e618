import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Message, Room } from '@chatrt/contracts';
import { RoomInbox, startTestStack, type ChatSocket, type ChatUser, type TestStack } from '../src/index.ts';

/** Sends `count` messages, `concurrency` in flight at a time, and returns them as acknowledged. */
async function sendMany(socket: ChatSocket, roomId: string, count: number, concurrency = 25): Promise<Message[]> {
  const acked: Message[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) =>
      socket.emitWithAck('sendMessage', { roomId, message: `msg ${start + i}`, clientMessageId: randomUUID() }),
    );
    for (const ack of await Promise.all(batch)) {
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      acked.push(ack.message);
    }
  }
  return acked;
}

describe('gap-free resume and transports', () => {
  let env: TestStack;
  let alice: ChatUser, bob: ChatUser;
  let room: Room;

  beforeAll(async () => {
    // The sender here is a load generator, not a person: lift the per-user limit.
    env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' });
    return () => env.stop();
  });

  beforeAll(async () => {
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    const created = await alice.http<Room>('POST', '/chat/rooms', { name: 'firehose', memberIds: [bob.id] });
    room = created.body;
  });

  it('a client away for 1,000 messages resumes, none lost, doubled or reordered, while sending goes on', async () => {
    const aliceSocket = await alice.connectChat();
    expect((await aliceSocket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);

    const firstBob = await bob.connectChat();
    const firstInbox = new RoomInbox(firstBob);
    await firstBob.emitWithAck('joinRoom', { roomId: room.id });
    const before = await sendMany(aliceSocket, room.id, 5);
    await firstInbox.waitForMessages(5);
    const resumeFrom = firstInbox.seqs.at(-1)!;
    firstBob.disconnect();

    const whileAway = await sendMany(aliceSocket, room.id, 1000);

    const secondBob = await bob.connectChat();
    const inbox = new RoomInbox(secondBob);
    const sending = sendMany(aliceSocket, room.id, 200, 5);
    const joined = await secondBob.emitWithAck('joinRoom', { roomId: room.id, afterSeq: resumeFrom });
    expect(joined.ok).toBe(true);
    const duringResume = await sending;

    const expected = [...whileAway, ...duringResume].map((m) => m.seq).sort((a, b) => a - b);
    await inbox.waitForMessages(expected.length, 30_000);
    const received = inbox.messages.map((m) => m.seq);
    expect(received).toEqual(expected);
    expect(inbox.messages.every((m) => m.seq > resumeFrom)).toBe(true);
    expect(before.every((m) => m.seq <= resumeFrom)).toBe(true);
  });

  // Each gets every message once, in order.
  it('sockets in step with the room share one broadcast per event while another resumes', async () => {
    const aliceSocket = await alice.connectChat();
    expect((await aliceSocket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const live = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const socket = await bob.connectChat();
        const inbox = new RoomInbox(socket);
        expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
        return inbox;
      }),
    );
    const first = await sendMany(aliceSocket, room.id, 100);

    const resumer = await bob.connectChat();
    const resumed = new RoomInbox(resumer);
    const sending = sendMany(aliceSocket, room.id, 300, 10);
    expect((await resumer.emitWithAck('joinRoom', { roomId: room.id, afterSeq: first[0]!.seq - 1 })).ok).toBe(true);
    const rest = await sending;

    const expected = [...first, ...rest].map((m) => m.seq).sort((a, b) => a - b);
    for (const inbox of [...live, resumed]) {
      await inbox.waitForMessages(expected.length, 30_000);
      expect(inbox.messages.map((m) => m.seq)).toEqual(expected);
    }
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`works end to end over ${transport} only`, async () => {
      const aliceSocket = await alice.connectChat({ transports: [transport] });
      const bobSocket = await bob.connectChat({ transports: [transport] });
      expect(bobSocket.io.engine.transport.name).toBe(transport);
      const inbox = new RoomInbox(bobSocket);
      for (const socket of [aliceSocket, bobSocket])
        expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
      const ack = await aliceSocket.emitWithAck('sendMessage', {
        roomId: room.id,
        message: `over ${transport}`,
        clientMessageId: randomUUID(),
      });
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      expect((await inbox.waitForMessages(1))[0]).toEqual(ack.message);
      aliceSocket.disconnect();
      bobSocket.disconnect();
    });
  }
});
