import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { subjects, type Room } from '@chatrt/contracts';
import {
  eventually,
  RoomInbox,
  startTestStack,
  TcpProxy,
  type ChatUser,
  type ExtraGateway,
  type TestStack,
} from '../src/index.ts';

describe('a gateway that misses live events fills the gap from the store', () => {
  let env: TestStack;
  let natsProxy: TcpProxy;
  let cutOff: ExtraGateway;
  let alice: ChatUser, bob: ChatUser;
  let room: Room;

  beforeAll(async () => {
    env = await startTestStack();
    return () => env.stop();
  });

  beforeAll(async () => {
    natsProxy = await TcpProxy.start(Number(new URL(env.stack.urls.natsUrl).port));
    return () => natsProxy.stop();
  });

  beforeAll(async () => {
    // This gateway reaches NATS only through the proxy, so the test can cut it off.
    cutOff = await env.stack.addGateway({ natsUrl: `nats://127.0.0.1:${natsProxy.port}` });
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'gaps', memberIds: [bob.id] })).body;
  });

  /** Bob on the gateway that can be cut off, joined to the room, with an inbox of what he receives. */
  async function bobJoined(delivery: 'batched' | undefined) {
    const bobSocket = await bob.connectChat({ socketUrl: cutOff.urls.socket, delivery });
    const inbox = new RoomInbox(bobSocket);
    const joined = await bobSocket.emitWithAck('joinRoom', { roomId: room.id });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    return { bobSocket, inbox };
  }

  /** Alice sends over REST; returns the stored message's id. */
  async function say(text: string): Promise<string> {
    const sent = await alice.http<{ id: string }>('POST', '/chat/messages', {
      roomId: room.id,
      message: text,
      clientMessageId: randomUUID(),
    });
    expect(sent.status).toBe(201);
    return sent.body.id;
  }

  for (const delivery of [undefined, 'batched'] as const)
    it(`delivers events published while its NATS connection was down, in order, before the next live one (${delivery ?? 'one frame per event'})`, async () => {
      const { bobSocket, inbox } = await bobJoined(delivery);

      const before = await say('before the cut');
      await inbox.waitFor(() => inbox.messages.some((m) => m.id === before), 'the message before the cut');

      // Core NATS delivers nothing to a disconnected subscriber: published while the gateway is cut off, these
      // never reach it live. A watcher on NATS itself tells when all three are out.
      const watcher = await connect({ servers: env.stack.urls.natsUrl });
      const published: string[] = [];
      const watch = watcher.subscribe(subjects.chatEvents(room.id), {
        callback: (_err, msg) => {
          const event = msg.json<{ type: string; data: { messageId?: string } }>();
          if (event.type === 'MessageSent' && event.data.messageId) published.push(event.data.messageId);
        },
      });
      await watcher.flush();
      natsProxy.cut();
      const missed = [await say('missed one'), await say('missed two'), await say('missed three')];
      await eventually(
        () => missed.filter((id) => !published.includes(id)),
        (unpublished) => unpublished.length === 0,
        10_000,
      );
      watch.unsubscribe();
      await watcher.close();
      expect(inbox.messages.filter((m) => missed.includes(m.id))).toEqual([]);
      natsProxy.restore();

      // The socket stayed connected all along. Once the gateway is back on NATS, the next live event shows the gap
      // and the store fills it; until then each new message is missed too, so keep sending until one arrives.
      const afters: string[] = [];
      const arrived = () => inbox.messages.some((m) => afters.includes(m.id));
      await eventually(
        async () => {
          if (arrived()) return true;
          afters.push(await say(`after the cut ${afters.length + 1}`));
          // Each message gets a moment to arrive before the next is sent.
          await inbox.waitFor(arrived, 'a message sent after the cut', 200).catch(() => {});
          return arrived();
        },
        (done) => done,
        20_000,
      );
      await inbox.waitFor(
        () => inbox.messages.some((m) => m.id === afters.at(-1)),
        'the last message sent after the cut',
      );
      expect(bobSocket.connected).toBe(true);

      // Exactly the room's history from `before` on: nothing missing, nothing doubled, in seq order.
      const history = await alice.http<{ messages: Array<{ id: string }> }>(
        'GET',
        `/chat/messages?roomId=${room.id}&limit=200`,
      );
      const stored = history.body.messages.map((m) => m.id);
      const ids = inbox.messages.map((m) => m.id);
      expect(ids.slice(ids.indexOf(before))).toEqual(stored.slice(stored.indexOf(before)));
      expect(ids).toEqual(expect.arrayContaining(missed));
      expect(inbox.seqs).toEqual([...inbox.seqs].sort((a, b) => a - b));
      expect(new Set(inbox.seqs).size).toBe(inbox.seqs.length);
      // A batched socket got every one of them in `roomEvents` frames, the gap fill included.
      if (delivery === 'batched') expect(inbox.batchSizes.length).toBe(inbox.frames);
      else expect(inbox.batchSizes).toEqual([]);
      bobSocket.disconnect();
    });

  // A pipelined relay whose publish of event k failed publishes k again in its next round, after k+1 went out.
  for (const delivery of [undefined, 'batched'] as const)
    it(`delivers a room's events once and in seq order when k+1 arrives before k (${delivery ?? 'one frame per event'})`, async () => {
      const { bobSocket, inbox } = await bobJoined(delivery);
      const before = await say('before the swap');
      await inbox.waitFor(() => inbox.messages.some((m) => m.id === before), 'the message before the swap');

      // Two events the gateway misses live (cut off), kept as the relay published them.
      const nc = await connect({ servers: env.stack.urls.natsUrl });
      const published = new Map<string, Uint8Array>();
      const watch = nc.subscribe(subjects.chatEvents(room.id), {
        callback: (_err, msg) => {
          const event = msg.json<{ type: string; data: { messageId?: string } }>();
          if (event.type === 'MessageSent' && event.data.messageId) published.set(event.data.messageId, msg.data);
        },
      });
      await nc.flush();
      natsProxy.cut();
      const [k, next] = [await say('event k'), await say('event k+1')];
      await eventually(
        () => published.has(k) && published.has(next),
        (both) => both,
        10_000,
      );
      watch.unsubscribe();
      const [rawK, rawNext] = [published.get(k), published.get(next)];
      if (!rawK || !rawNext) throw new Error('both events were published');
      natsProxy.restore();

      // Once a typing signal reaches bob, the gateway is back on NATS with its subscriptions.
      const typingSeen: unknown[] = [];
      bobSocket.on('typing', (typing) => typingSeen.push(typing));
      await eventually(
        async () => {
          nc.publish(
            subjects.gatewayTyping(room.id),
            JSON.stringify({ roomId: room.id, userId: alice.id, isTyping: true }),
          );
          await new Promise((resolve) => setTimeout(resolve, 200));
          return typingSeen.length;
        },
        (seen) => seen > 0,
        20_000,
      );

      // k+1 first: a gap, filled from the store; then k, already delivered, is dropped; then k+1 again.
      nc.publish(subjects.chatEvents(room.id), rawNext);
      nc.publish(subjects.chatEvents(room.id), rawK);
      nc.publish(subjects.chatEvents(room.id), rawNext);
      await nc.flush();
      const after = await say('after the swap');
      await inbox.waitFor(() => inbox.messages.some((m) => m.id === after), 'the message after the swap');
      await nc.close();

      const ids = inbox.messages.map((m) => m.id);
      expect(ids.slice(ids.indexOf(before))).toEqual([before, k, next, after]);
      expect(inbox.seqs).toEqual([...inbox.seqs].sort((a, b) => a - b));
      expect(new Set(inbox.seqs).size).toBe(inbox.seqs.length);
      if (delivery === 'batched') expect(inbox.batchSizes.length).toBe(inbox.frames);
      else expect(inbox.batchSizes).toEqual([]);
      bobSocket.disconnect();
    });
});
