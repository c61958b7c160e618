import { describe, it, expect, beforeAll, afterAll } from 'vitest';
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

/** Engine.IO message packets the socket's connection receives: one per WebSocket frame. */
function countEngineMessages(socket: ChatSocket): { count: number } {
  const counter = { count: 0 };
  socket.io.engine.on('packet', (packet) => {
    if (packet.type === 'message') counter.count += 1;
  });
  return counter;
}

const seqsOf = (messages: Message[]) => messages.map((m) => m.seq).sort((a, b) => a - b);

describe('batched room delivery (handshake auth.delivery: batched)', () => {
  let env: TestStack;
  let alice: ChatUser, bob: ChatUser;
  let room: Room;

  beforeAll(async () => {
    // The sender is a load generator here: lift the per-user limit.
    env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' });
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'batched', memberIds: [bob.id] })).body;
  });

  afterAll(() => env.stop());

  it('under a burst, opted-in sockets get several events per frame, each once and in order; others one frame per event', async () => {
    const sender = await alice.connectChat();
    expect((await sender.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const batchedSockets = await Promise.all(
      Array.from({ length: 4 }, () => bob.connectChat({ transports: ['websocket'], delivery: 'batched' })),
    );
    const single = await bob.connectChat({ transports: ['websocket'] });
    const batchedInboxes = batchedSockets.map((socket) => new RoomInbox(socket));
    const singleInbox = new RoomInbox(single);
    const engineMessages = countEngineMessages(batchedSockets[0]!);
    const singleEngineMessages = countEngineMessages(single);
    for (const socket of [...batchedSockets, single])
      expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);

    const sent = await sendMany(sender, room.id, 400, 50);
    const added = await alice.http('POST', `/chat/rooms/${room.id}/members`, { userId: (await env.signedUpUser()).id });
    expect(added.status).toBeLessThan(300);

    const expected = seqsOf(sent);
    for (const inbox of [...batchedInboxes, singleInbox]) {
      await inbox.waitFor(() => inbox.updates.some((u) => u.event === 'memberAdded'), 'the memberAdded', 30_000);
      expect(inbox.messages.map((m) => m.seq)).toEqual(expected);
      expect(inbox.seqs).toEqual([...inbox.seqs].sort((a, b) => a - b));
      expect(new Set(inbox.seqs).size).toBe(inbox.seqs.length);
    }
    for (const inbox of batchedInboxes) {
      // Every frame was a batch, and events that reached the gateway together shared one.
      expect(inbox.batchSizes.length).toBe(inbox.frames);
      expect(inbox.frames).toBeLessThan(inbox.updates.length * 0.8);
    }
    expect(engineMessages.count).toBeLessThan(sent.length * 0.8);
    expect(singleInbox.batchSizes).toEqual([]);
    expect(singleInbox.frames).toBe(singleInbox.updates.length);
    expect(singleEngineMessages.count).toBeGreaterThanOrEqual(singleInbox.updates.length);
    for (const socket of [sender, ...batchedSockets, single]) socket.disconnect();
  });

  it('an opted-in client resumes after missing messages: the replay comes in batches, nothing lost or doubled, in order', async () => {
    const sender = await alice.connectChat();
    expect((await sender.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const first = await bob.connectChat({ delivery: 'batched' });
    const firstInbox = new RoomInbox(first);
    expect((await first.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    await sendMany(sender, room.id, 5);
    await firstInbox.waitForMessages(5);
    const resumeFrom = firstInbox.seqs.at(-1)!;
    first.disconnect();

    const whileAway = await sendMany(sender, room.id, 600);

    const second = await bob.connectChat({ delivery: 'batched' });
    const inbox = new RoomInbox(second);
    const sending = sendMany(sender, room.id, 200, 5);
    expect((await second.emitWithAck('joinRoom', { roomId: room.id, afterSeq: resumeFrom })).ok).toBe(true);
    const duringResume = await sending;

    const expected = seqsOf([...whileAway, ...duringResume]);
    await inbox.waitForMessages(expected.length, 30_000);
    expect(inbox.messages.map((m) => m.seq)).toEqual(expected);
    expect(inbox.seqs.every((seq) => seq > resumeFrom)).toBe(true);
    expect(inbox.batchSizes.length).toBe(inbox.frames);
    // Replay pages went out as full batches (a page holds REPLAY_PAGE_SIZE updates; a batch up to 100).
    expect(Math.max(...inbox.batchSizes)).toBe(100);
    expect(inbox.frames).toBeLessThan(expected.length / 4);
    sender.disconnect();
    second.disconnect();
  });
});
