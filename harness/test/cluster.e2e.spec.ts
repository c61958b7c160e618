import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { streams, type Message, type Notification, type NotificationPage, type Room } from '@chatrt/contracts';
import {
  ChatUser,
  RoomInbox,
  eventually,
  startTestStack,
  type ChatSocket,
  type ExtraGateway,
  type TestStack,
} from '../src/index.ts';

/** The notify service's durable consumer (NOTIFY_CONSUMER's default). */
const notifyConsumer = 'notify';
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
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

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
      async () => liveMentions().length,
      (count) => count >= mentioning.size,
      10_000,
    );
    expect(liveMentions().sort()).toEqual([...mentioning].sort());
  }

  it('survives the NATS node leading the stream and the chat replica relaying: every acked message once, in order, live and in history', async () => {
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
        crash: async () => {
          const pid = env.stack.pid('nats', leader);
          if (pid === undefined) throw new Error(`nats-${leader + 1} is not running`);
          process.kill(pid, 'SIGKILL');
        },
      },
      { after: 60, crash: () => env.stack.killService('chat', relay) },
    ]);
    // The standby took the relay over.
    await eventually(
      async () => tookRelayLock(1 - relay),
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

  it('survives a notify replica: the events it held are applied by the other, in room order, each mention once', async () => {
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

/**
 * The index of the node leading both CHAT_EVENTS and notify's consumer: their leaders are elected apart, so
 * the consumer's is asked to step down until it is the stream's. Killing that node then makes the relay and
 * every notify replica find new leaders.
 */
async function leaderOfStreamAndConsumer(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const stream = await jsm.streams.info(streams.chatEvents);
  expect(stream.config.num_replicas).toBe(3);
  expect(stream.cluster?.replicas).toHaveLength(2);
  const streamLeader = stream.cluster?.leader;
  // While the consumer elects a leader, nobody answers for it: the info request times out.
  const consumerLeader = async (other = '') =>
    (await eventually(
      () => jsm.consumers.info(streams.chatEvents, notifyConsumer).catch(() => undefined),
      (info) => !!info?.cluster?.leader && info.cluster.leader !== other,
      20_000,
    ))!.cluster!.leader!;
  let leader = await consumerLeader();
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (leader === streamLeader) {
      const node = Number(/^nats-(\d)$/.exec(leader)?.[1]) - 1;
      if (!(node >= 0)) throw new Error(`unexpected node name ${leader}`);
      return node;
    }
    await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${streams.chatEvents}.${notifyConsumer}`, '', {
      timeout: 2_000,
    });
    leader = await consumerLeader(leader);
  }
  throw new Error("the consumer's leader never moved to the stream's");
}

/** What a user's `/chat` socket receives in `rooms`; after a reconnect it rejoins each after its last seq. */
async function receiver(user: ChatUser, socketUrl: string, rooms: Room[]): Promise<RoomInbox> {
  const socket: ChatSocket = await user.connectChat({ socketUrl, reconnection: true });
  const inbox = new RoomInbox(socket);
  const lastSeq = (roomId: string) => inbox.updates.findLast((u) => u.payload.roomId === roomId)?.payload.seq;
  const join = async (roomId: string) => {
    const afterSeq = lastSeq(roomId);
    const joined = await socket.emitWithAck('joinRoom', afterSeq === undefined ? { roomId } : { roomId, afterSeq });
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined.error)}`);
  };
  for (const room of rooms) await join(room.id);
  socket.on('connect', () => {
    for (const room of rooms) void join(room.id);
  });
  return inbox;
}

/**
 * Sends `count` messages into `room`, one after another, each retried with its clientMessageId until
 * acknowledged (a crash may leave a send unanswered: UNAVAILABLE); one in five names `@mention` when given.
 */
async function sender(
  user: ChatUser,
  socketUrl: string,
  room: Room,
  count: number,
  mention: string | undefined,
  onAcked: (message: Message, mentions: boolean) => void,
): Promise<void> {
  const socket = await user.connectChat({ socketUrl, reconnection: true });
  for (let i = 0; i < count; i += 1) {
    const mentions = mention !== undefined && i % 5 === 0;
    const payload = {
      roomId: room.id,
      message: `${user.username} #${i}${mentions ? ` @${mention}` : ''}`,
      clientMessageId: randomUUID(),
    };
    const ack = await eventually(
      () =>
        socket
          .timeout(5_000)
          .emitWithAck('sendMessage', payload)
          .catch((err: unknown) => ({ ok: false as const, error: { code: 'NO_ACK', message: String(err) } })),
      (reply) => reply.ok,
      30_000,
    );
    if (!ack.ok) throw new Error(`${user.username} could not send #${i}: ${JSON.stringify(ack.error)}`);
    onAcked(ack.message, mentions);
  }
  socket.disconnect();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function historyOf(user: ChatUser, roomId: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const after = messages.at(-1)?.seq ?? 0;
    const page = await user.http<{ messages: Message[]; hasMore: boolean }>(
      'GET',
      `/chat/messages?roomId=${roomId}&after=${after}&limit=200`,
    );
    if (page.status !== 200) throw new Error(`history: ${page.status} ${JSON.stringify(page.body)}`);
    messages.push(...page.body.messages);
    if (!page.body.hasMore) return messages;
  }
}

async function mentionsOf(user: ChatUser): Promise<Notification[]> {
  const all: Notification[] = [];
  for (;;) {
    const before = all.at(-1)?.cursor;
    const page = await user.http<NotificationPage>(
      'GET',
      `/notifications?limit=200${before === undefined ? '' : `&before=${before}`}`,
    );
    if (page.status !== 200) throw new Error(`notifications: ${page.status} ${JSON.stringify(page.body)}`);
    all.push(...page.body.notifications);
    if (!page.body.hasMore) return all.filter((n) => n.type === 'mention');
  }
}
