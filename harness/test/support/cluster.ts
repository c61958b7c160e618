import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { streams, type Message, type Notification, type NotificationPage, type Room } from '@chatrt/contracts';
import { emitWithAck } from '../../src/client/ack.ts';
import { RoomInbox, eventually, type ChatSocket, type ChatUser } from '../../src/index.ts';

/** The notify service's durable consumer (NOTIFY_CONSUMER's default). */
export const notifyConsumer = 'notify';

/**
 * The index of the node leading both CHAT_EVENTS and notify's consumer: their leaders are elected apart, so
 * the consumer's is asked to step down until it is the stream's. Killing that node then makes the relay and
 * every notify replica find new leaders.
 */
export async function leaderOfStreamAndConsumer(nc: NatsConnection): Promise<number> {
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
export async function receiver(user: ChatUser, socketUrl: string, rooms: Room[]): Promise<RoomInbox> {
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
export async function sender(
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
        emitWithAck(socket, 5_000, 'sendMessage', payload).catch((err: unknown) => ({
          ok: false as const,
          error: { code: 'NO_ACK', message: String(err) },
        })),
      (reply) => reply.ok,
      30_000,
    );
    onAcked(ack.message, mentions);
  }
  socket.disconnect();
}

/** A pause whose length is what is measured (a settle window), not a wait for the system. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A room's whole history over REST, paged forward from seq 0. */
export async function historyOf(user: ChatUser, roomId: string): Promise<Message[]> {
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

/** A user's mention notifications over REST, every page. */
export async function mentionsOf(user: ChatUser): Promise<Notification[]> {
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
