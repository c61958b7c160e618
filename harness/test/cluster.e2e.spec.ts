import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { streams, type Message, type Notification, type Room } from '@chatrt/contracts';
import { eventually, startTestStack, type ChatUser, type ExtraGateway, type TestStack } from '../src/index.ts';
import {
  delay,
  historyOf,
  leaderOfStreamAndConsumer,
  mentionsOf,
  notifyConsumer,
  receiver,
  sender,
} from './support/cluster.ts';
/** How long a notify replica's unacknowledged events wait before JetStream hands them out again (30 s by default). */
const notifyAckWaitMs = 5_000;

/**
 * What `docker compose --profile cluster` runs, as processes: a 3-node NATS cluster (deploy/nats/cluster-node.conf)
 * with CHAT_EVENTS replicated on all three, two chat and two notify replicas, two gateways. Clients keep sending
 * while the node leading the stream and notify's consumer, the chat replica holding the relay lock and then a
 * notify replica are SIGKILLed; nothing acknowledged may be lost, doubled or reordered, in history, for live
 * receivers, or as mentions.
 */
describe('a 3-node NATS cluster with two chat and two notify replicas loses nothing when nodes die', () => {
  let env: TestStack;
  let secondGateway: ExtraGateway;
  let alice: ChatUser, bob: ChatUser, carol: ChatUser, dave: ChatUser;
  let rooms: Room[];
  /** Every message acknowledged so far, and those of them that name @carol. */
  const acked: Message[] = [];
  const mentioning = new Set<string>();
  /** Carol's notifications as her `/notifications` socket received them. */
  const live: Notification[] = [];

  beforeAll(async () => {
    env = await startTestStack(
      {
        CHAT_STREAM_REPLICAS: '3',
        NATS_REQUEST_TIMEOUT_MS: '2000',
        RELAY_LOCK_RETRY_MS: '500',
        NOTIFY_ACK_WAIT_MS: String(notifyAckWaitMs),
        RATE_LIMIT_MESSAGES_PER_SECOND: '1000',
        RATE_LIMIT_BURST: '1000',
      },
      { natsClusterSize: 3, replicas: { chat: 2, notify: 2 } },
    );
    secondGateway = await env.stack.addGateway();
    [alice, bob, carol, dave] = [
      await env.signedUpUser(),
      await env.signedUpUser(),
      await env.signedUpUser(),
      await env.signedUpUser(),
    ];
    rooms = [];
    for (const name of ['north', 'south']) {
      const created = await alice.http<Room>('POST', '/chat/rooms', { name, memberIds: [bob.id, carol.id, dave.id] });
      expect(created.status).toBe(201);
      rooms.push(created.body);
    }
    const notifications = await carol.connectNotifications({ reconnection: true });
    notifications.on('notification', (n) => live.push(n));
    // After a reconnect, resume after the last cursor seen: a replay from further back would repeat some.
    notifications.on(
      'connect',
      () => void notifications.emitWithAck('subscribe', { afterCursor: Math.max(0, ...live.map((n) => n.cursor)) }),
    );
    expect((await notifications.emitWithAck('subscribe', { afterCursor: 0 })).ok).toBe(true);
    return () => env.stop();
  }, 120_000);

  /**
   * Two senders per room, over sockets on different gateways, `count` messages each (one in five of alice's
   * names @carol); `crashes` run once that many messages of this round are acknowledged.
   */
  async function sendWhile(
    count: number,
    crashes: Array<{ after: number; crash: () => Promise<void> }>,
  ): Promise<void> {
    const start = acked.length;
    const started: Promise<void>[] = [];
    const pending = [...crashes];
    const onAcked = (message: Message, mentions: boolean) => {
      acked.push(message);
      if (mentions) mentioning.add(message.id);
      while (pending[0] && acked.length - start >= pending[0].after) started.push(pending.shift()!.crash());
    };
    await Promise.all(
      rooms.flatMap((room) => [
        sender(alice, env.stack.urls.socket, room, count, carol.username, onAcked),
        sender(bob, secondGateway.urls.socket, room, count, undefined, onAcked),
      ]),
    );
    await Promise.all(started);
    expect(pending).toEqual([]);
  }

  /** Every mention of carol's stored once per message naming her, and pushed live once, within `timeoutMs`. */
  async function expectEachMentionOnce(timeoutMs: number): Promise<void> {
    const stored = await eventually(
      () => mentionsOf(carol),
      (mentions) => mentions.length >= mentioning.size,
      timeoutMs,
    );
    expect(stored.map((n) => n.messageId).sort()).toEqual([...mentioning].sort());
    const liveMentions = () => live.filter((n) => n.type === 'mention').map((n) => n.messageId);
    await eventually(
      () => liveMentions().length,
      (count) => count >= mentioning.size,
      10_000,
    );
    expect(liveMentions().sort()).toEqual([...mentioning].sort());
  }

  // Every acked message once, in order, live and in history.
  it('survives the NATS node leading the stream and the chat replica relaying', async () => {
    const nc = await connect({ servers: env.stack.urls.natsUrl.split(',') });
    const leader = await leaderOfStreamAndConsumer(nc);
    await nc.close();
    const tookRelayLock = (replica: number) =>
      env.stack.logs('chat', replica).some((line) => line.includes('outbox relay took the lock'));
    const relaying = [0, 1].filter(tookRelayLock);
    expect(relaying).toHaveLength(1);
    const [relay] = relaying as [number];

    const carolInbox = await receiver(carol, env.stack.urls.socket, rooms);
    const daveInbox = await receiver(dave, secondGateway.urls.socket, rooms);
    await sendWhile(50, [
      {
        after: 20,
        crash: () => {
          const pid = env.stack.pid('nats', leader);
          if (pid === undefined) throw new Error(`nats-${leader + 1} is not running`);
          process.kill(pid, 'SIGKILL');
          return Promise.resolve();
        },
      },
      { after: 60, crash: () => env.stack.killService('chat', relay) },
    ]);
    // The standby took the relay over.
    await eventually(
      () => tookRelayLock(1 - relay),
      (took) => took,
      10_000,
    );

    for (const room of rooms) {
      const sent = acked.filter((m) => m.roomId === room.id);
      const history = await eventually(
        () => historyOf(alice, room.id),
        (messages) => messages.length >= sent.length,
        10_000,
      );
      // Exactly the acknowledged messages, each once, in seq order, each at the seq its ack gave.
      expect(history.map((m) => m.id).sort()).toEqual(sent.map((m) => m.id).sort());
      expect(history.map((m) => m.seq)).toEqual([...history.map((m) => m.seq)].sort((a, b) => a - b));
      const ackedSeq = new Map(sent.map((m) => [m.id, m.seq]));
      expect(history.filter((m) => ackedSeq.get(m.id) !== m.seq)).toEqual([]);

      const lastSeq = history.at(-1)!.seq;
      for (const inbox of [carolInbox, daveInbox]) {
        const seqs = () => inbox.updates.filter((u) => u.payload.roomId === room.id).map((u) => u.payload.seq);
        await inbox.waitFor(() => seqs().at(-1) === lastSeq, `room ${room.name} up to seq ${lastSeq}`, 20_000);
        // Gap-free and duplicate-free: every seq from the first one received to the last, once, in order.
        const first = seqs()[0]!;
        expect(seqs()).toEqual(Array.from({ length: lastSeq - first + 1 }, (_, i) => first + i));
        const received = inbox.messages.filter((m) => m.roomId === room.id).map((m) => m.id);
        expect(received).toEqual(history.filter((m) => m.seq >= first).map((m) => m.id));
      }
    }
    // Notify's replicas pull from the consumer's new leader within seconds (not after nats.js's 30 s default),
    // and what the dead leader was delivering comes back after the ack wait.
    await expectEachMentionOnce(notifyAckWaitMs + 10_000);
  }, 90_000);

  it('survives a notify replica: the other applies the events it held, in room order, each mention once', async () => {
    const nc = await connect({ servers: env.stack.urls.natsUrl.split(',') });
    const jsm = await jetstreamManager(nc);
    const signal = (replica: number, signal: NodeJS.Signals) => {
      const pid = env.stack.pid('notify', replica);
      if (pid === undefined) throw new Error(`notify replica ${replica} is not running`);
      process.kill(pid, signal);
    };
    // A frozen replica still receives what its outstanding pulls asked for and applies none of it. JetStream
    // may serve one replica's pulls long before the other's, so freeze each in turn until one holds events:
    // delivered, unacknowledged, while the other has applied everything it got.
    let holding: number | undefined;
    for (const replica of [1, 0, 1, 0]) {
      signal(replica, 'SIGSTOP');
      await sendWhile(5, []);
      const held = await eventually(
        async () => {
          // Settled means no ack for a while: the half-second without change is what is measured.
          const [before, after] = [
            await jsm.consumers.info(streams.chatEvents, notifyConsumer),
            await delay(500).then(() => jsm.consumers.info(streams.chatEvents, notifyConsumer)),
          ];
          return { settled: before.ack_floor.stream_seq === after.ack_floor.stream_seq, held: after.num_ack_pending };
        },
        (state) => state.settled,
      );
      if (held.held > 0) {
        holding = replica;
        break;
      }
      signal(replica, 'SIGCONT');
    }
    await nc.close();
    if (holding === undefined) throw new Error('neither notify replica got events to hold');

    // Killed, what it held goes to the other replica after the ack wait; the rooms' later events, sent now,
    // wait for them (room order).
    await env.stack.killService('notify', holding);
    await sendWhile(5, []);
    await expectEachMentionOnce(notifyAckWaitMs + 10_000);
    for (const room of rooms) {
      const history = await historyOf(alice, room.id);
      expect(history.map((m) => m.id).sort()).toEqual(
        acked
          .filter((m) => m.roomId === room.id)
          .map((m) => m.id)
          .sort(),
      );
    }
  }, 90_000);
});
