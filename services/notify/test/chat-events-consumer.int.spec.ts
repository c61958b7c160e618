import { describe, it, expect, inject, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import pg from 'pg';
import { streams, subjects, type ChatEvents } from '@chatrt/contracts';
import { createLogger } from '@chatrt/service-kit';
import { eventually } from '@chatrt/harness';
import { startNotify, loadNotifyConfig, type Notify } from '../src/index.ts';
import { consumeChatEvents, type ChatEventsConsumer } from '../src/adapters/chat-events-consumer.ts';

const log = createLogger('notify-test', 'silent');

function memberAdded(roomId: string, seq: number, userId: string): ChatEvents {
  return {
    type: 'MemberAdded',
    roomId,
    seq,
    data: { userId },
    metadata: { eventId: randomUUID(), occurredAt: new Date().toISOString(), actorId: userId },
  };
}

describe('notify consumes chat events durably and applies each once', () => {
  let nc: NatsConnection;
  let db: pg.Pool;
  const consumerName = `notify-test-${randomUUID().slice(0, 8)}`;
  const config = (extra: Record<string, string> = {}) =>
    loadNotifyConfig({
      DATABASE_URL: inject('databaseUrl'),
      NATS_URL: inject('natsUrl'),
      OPS_PORT: '0',
      NOTIFY_CONSUMER: consumerName,
      LOG_LEVEL: 'silent',
      ...extra,
    });

  beforeAll(async () => {
    nc = await connect({ servers: inject('natsUrl') });
    db = new pg.Pool({ connectionString: inject('databaseUrl') });
    const jsm = await jetstreamManager(nc);
    // The chat service owns the stream; create it here only if no chat test did yet.
    await jsm.streams
      .add({ name: streams.chatEvents, subjects: [subjects.chatEventsWildcard] })
      .catch((err: unknown) => {
        if (!(err instanceof JetStreamApiError)) throw err;
      });
  });

  afterAll(async () => {
    await nc.close();
    await db.end();
  });

  async function members(roomId: string): Promise<string[]> {
    const { rows } = await db.query<{ user_id: string }>(
      'SELECT user_id FROM notify.room_members WHERE room_id = $1 ORDER BY user_id',
      [roomId],
    );
    return rows.map((r) => r.user_id);
  }

  // A new durable consumer starts at the beginning of the stream, which the shared test NATS fills with every
  // other test's chat events: it works through all of those before this test's, so the waits are long.
  const backlogMs = 60_000;

  it(
    'applies events published while it was stopped, and a replayed event only once; takes a new ack wait',
    { timeout: 3 * backlogMs },
    async () => {
      const js = jetstream(nc);
      const roomId = randomUUID();
      const [alice, bob] = [randomUUID(), randomUUID()].sort();
      const first = memberAdded(roomId, 1, alice!);
      const second = memberAdded(roomId, 2, bob!);

      let notify: Notify = await startNotify(config(), log);
      try {
        await js.publish(subjects.chatEvents(roomId), JSON.stringify(first), { msgID: first.metadata.eventId });
        expect(
          await eventually(
            () => members(roomId),
            (m) => m.length === 1,
            backlogMs,
          ),
        ).toEqual([alice]);
      } finally {
        await notify.close();
      }

      // While notify is down: a new event, and the first one again under another message id (a replay the
      // stream cannot deduplicate). After restart the new one is applied and the replay changes nothing.
      await js.publish(subjects.chatEvents(roomId), JSON.stringify(second), { msgID: second.metadata.eventId });
      await js.publish(subjects.chatEvents(roomId), JSON.stringify(first), { msgID: randomUUID() });

      // Restarted with another NOTIFY_ACK_WAIT_MS, the existing consumer keeps its position and takes it.
      const jsm = await jetstreamManager(nc);
      expect((await jsm.consumers.info(streams.chatEvents, consumerName)).config.ack_wait).toBe(30_000_000_000);
      notify = await startNotify(config({ NOTIFY_ACK_WAIT_MS: '7000' }), log);
      try {
        expect((await jsm.consumers.info(streams.chatEvents, consumerName)).config.ack_wait).toBe(7_000_000_000);
        expect(
          await eventually(
            () => members(roomId),
            (m) => m.length === 2,
            backlogMs,
          ),
        ).toEqual([alice, bob]);
        await eventually(
          () => jsm.consumers.info(streams.chatEvents, consumerName),
          (info) => info.num_pending === 0 && info.num_ack_pending === 0,
          backlogMs,
        );
        const { rows } = await db.query('SELECT event_id FROM notify.processed_events WHERE room_id = $1', [roomId]);
        expect(rows).toHaveLength(2);
      } finally {
        await notify.close();
      }
    },
  );

  it('pins an existing consumer in place: one instance applies a room in order, the other takes over when it stops', async () => {
    const jsm = await jetstreamManager(nc);
    const durableName = `notify-pin-${randomUUID().slice(0, 8)}`;
    // Made the way notify made it before pinning; starting at new events skips the shared stream's backlog.
    await jsm.consumers.add(streams.chatEvents, {
      durable_name: durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    const roomId = randomUUID();
    const applied: Record<'first' | 'second', number[]> = { first: [], second: [] };
    const start = (instance: 'first' | 'second') =>
      consumeChatEvents({
        nc,
        durableName,
        ackWaitMs: 30_000,
        log,
        apply: (batch) => {
          for (const { event } of batch) if (event.roomId === roomId) applied[instance].push(event.seq);
          return Promise.resolve(batch.map(() => ({ kind: 'applied' }) as const));
        },
      });
    const instances: Record<'first' | 'second', ChatEventsConsumer> = {
      first: await start('first'),
      second: await start('second'),
    };
    const publishSeqs = async (from: number, to: number) => {
      const js = jetstream(nc);
      for (let seq = from; seq <= to; seq += 1) {
        const event = memberAdded(roomId, seq, randomUUID());
        await js.publish(subjects.chatEvents(roomId), JSON.stringify(event), { msgID: event.metadata.eventId });
      }
    };
    try {
      const { config: pinned } = await jsm.consumers.info(streams.chatEvents, durableName);
      expect([pinned.priority_policy, pinned.priority_groups]).toEqual(['pinned_client', ['notify']]);

      await publishSeqs(1, 40);
      await eventually(
        () => applied.first.length + applied.second.length,
        (n) => n === 40,
      );
      const active = applied.first.length > 0 ? 'first' : 'second';
      const standby = active === 'first' ? 'second' : 'first';
      expect(applied[active]).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(applied[standby]).toEqual([]);

      await instances[active].close();
      await publishSeqs(41, 60);
      await eventually(
        () => applied[standby],
        (seqs) => seqs.length === 20,
        15_000,
      );
      expect(applied[standby]).toEqual(Array.from({ length: 20 }, (_, i) => i + 41));
    } finally {
      await Promise.all([instances.first.close(), instances.second.close()]);
      await jsm.consumers.delete(streams.chatEvents, durableName);
    }
  }, 30_000);
});
