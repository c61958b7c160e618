import pg from 'pg';
import { subjects } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import type { JetStreamClient } from '@nats-io/jetstream';
import { readOutboxBatch, toRecordedEvent, type OutboxRow } from '../postgres/events-table.ts';
import { prepared } from '../postgres/sql.ts';
import type { ChatMetrics } from '../metrics.ts';

/** Advisory-lock name: one relay per database publishes at a time. */
const lockName = 'chat.outbox-relay';
/** NOTIFY channel the outbox insert trigger signals (see the migration). */
const channel = 'chat_outbox';

export interface OutboxRelayOptions {
  databaseUrl: string;
  js: JetStreamClient;
  log: Logger;
  metrics: ChatMetrics;
  /** Safety poll in millis, in case a notification is missed. */
  pollIntervalMs: number;
  /** How often an instance without the lock tries to take it, in millis. */
  lockRetryMs: number;
  /** Outbox rows read and published per round. */
  batchSize?: number;
  /**
   * Publishes of one room awaiting their PubAck at a time. 1 (the default) publishes a room strictly one
   * after another, so the stream holds each room in seq order. More pipelines them (several times the
   * throughput in one room), but after a failed publish the stream may hold a room's event after later
   * ones, and notify's order waits do not keep up with that yet (see the README, Publication).
   */
  maxInFlightPerRoom?: number;
}

/**
 * Publishes committed events from `chat.outbox` to JetStream, each once, in seq order per room.
 * It holds a session advisory lock on its own connection so a single instance relays; LISTEN wakes it
 * on commit and a slow poll covers missed notifications. Each event is published with its event id as
 * Nats-Msg-Id and deleted from the outbox only after its PubAck, so a crash in between re-publishes
 * into the stream's duplicate window instead of losing or doubling the event.
 *
 * A room's publishes may be pipelined (up to `maxInFlightPerRoom` awaiting their PubAck). When one fails,
 * the room sends nothing more this round, and what was not acknowledged is published again in the next; so
 * with more than one in flight the stream may hold a room's event after a later one.
 */
export class OutboxRelay {
  readonly #options: Required<OutboxRelayOptions>;
  /** The connection holding the lock, while this instance is the relay. */
  #client: pg.Client | undefined;
  #acquiring: Promise<void> | undefined;
  #draining: Promise<void> | undefined;
  #pending = false;
  #closed = false;
  /** After a failed round, notifications only mark work pending until this time (epoch millis). */
  #backoffUntil = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 500, maxInFlightPerRoom: 1, ...options };
  }

  /** Starts competing for the relay lock; returns at once. */
  start(): void {
    this.#acquiring = this.#acquire().finally(() => {
      this.#acquiring = undefined;
    });
  }

  /** Publishes what is left (when this instance is the relay), then releases the lock and connection. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pollTimer);
    await this.#acquiring;
    if (this.#client) this.#kick();
    await this.#draining;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      this.#options.metrics.relayLeader.set(0);
      // Ending the session releases the advisory lock.
      await client.end();
    }
  }

  async #acquire(): Promise<void> {
    const { databaseUrl, log, lockRetryMs, pollIntervalMs, metrics } = this.#options;
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('error', (err) => {
      this.#lost(client, err);
    });
    try {
      await client.connect();
      // An outbox delete lost in a crash only means its events are published again, which the stream's
      // duplicate window (2 min, far longer than the WAL writer's few hundred millis) drops: the relay's
      // deletes need not wait for a WAL flush, which each round otherwise did.
      await client.query('SET synchronous_commit = off');
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        lockName,
      ]);
      if (!rows[0]?.locked || this.#closed) {
        await client.end();
        this.#retryLater();
        return;
      }
      client.on('notification', () => {
        this.#kick();
      });
      client.on('end', () => {
        this.#lost(client, new Error('relay connection ended'));
      });
      await client.query(`LISTEN ${channel}`);
      this.#client = client;
      metrics.relayLeader.set(1);
      this.#pollTimer = setInterval(() => {
        this.#kick();
      }, pollIntervalMs);
      log.info('outbox relay took the lock');
      this.#kick();
    } catch (err) {
      log.error({ err, retryInMs: lockRetryMs }, 'outbox relay could not take the lock');
      client.end().catch(() => {});
      this.#retryLater();
    }
  }

  #retryLater(): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.start();
    }, this.#options.lockRetryMs);
  }

  /** The lock connection failed: another instance may take over; this one competes again. */
  #lost(client: pg.Client, err: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    clearInterval(this.#pollTimer);
    this.#options.metrics.relayLeader.set(0);
    this.#options.log.error({ err }, 'outbox relay lost its connection and lock');
    client.end().catch(() => {});
    this.#retryLater();
  }

  /** Asks for a drain; drains never overlap, and a request during one triggers another pass. */
  #kick(): void {
    this.#pending = true;
    // While JetStream or Postgres fails, retry at the poll's pace rather than on every commit.
    if (Date.now() < this.#backoffUntil) return;
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#pending && this.#client && !this.#closed) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending) {
      this.#pending = false;
      const client = this.#client;
      if (!client) return;
      try {
        let read: number;
        do read = await this.#publishBatch(client);
        while (read === this.#options.batchSize);
      } catch (err) {
        // Nothing is dropped: unpublished rows stay in the outbox for the next round.
        this.#options.log.error({ err }, 'outbox relay round failed; retrying');
        this.#backoffUntil = Date.now() + this.#options.pollIntervalMs / 2;
        return;
      }
    }
  }

  /** Publishes one batch; returns how many rows it read. */
  async #publishBatch(client: pg.Client): Promise<number> {
    const { metrics, batchSize } = this.#options;
    const rows = await readOutboxBatch(client, batchSize);
    metrics.outboxPending.set(rows.length);
    metrics.outboxLag.set(rows[0] ? Math.max(0, Date.now() - rows[0].occurred_at.getTime()) / 1000 : 0);
    if (rows.length === 0) return 0;

    // Rooms publish concurrently, each room's events pipelined in seq order.
    const rooms = Map.groupBy(rows, (row) => row.room_id);
    const published: string[] = [];
    const failures = await Promise.all([...rooms.values()].map((roomRows) => this.#publishRoom(roomRows, published)));
    const failure = failures.find((f) => f !== undefined);
    if (published.length > 0) {
      await client.query(prepared('DELETE FROM chat.outbox WHERE position = ANY($1::bigint[])', [published]));
    }
    if (failure) throw new Error('some events were not published', { cause: failure.error });
    return rows.length;
  }

  /**
   * Publishes a room's rows in seq order with up to `maxInFlightPerRoom` awaiting their PubAck, and adds the
   * position of each acknowledged row to `published`. After a failed publish nothing more of the room is sent
   * this round (those already on the way still count); returns that failure.
   */
  async #publishRoom(roomRows: OutboxRow[], published: string[]): Promise<{ error: unknown } | undefined> {
    const { js, log, metrics, maxInFlightPerRoom } = this.#options;
    const inFlight: Promise<void>[] = [];
    const room: { failure?: { error: unknown } } = {};
    for (const row of roomRows) {
      if (inFlight.length >= maxInFlightPerRoom) await inFlight.shift();
      if (room.failure) break;
      const event = toRecordedEvent(row);
      const publishing = js.publish(subjects.chatEvents(event.roomId), JSON.stringify(event), {
        msgID: event.metadata.eventId,
      });
      inFlight.push(
        publishing.then(
          (ack) => {
            metrics.relayPublished.inc({ result: ack.duplicate ? 'duplicate' : 'stored' });
            published.push(row.position);
          },
          (error: unknown) => {
            room.failure ??= { error };
            metrics.relayFailures.inc();
            log.warn(
              { err: error, roomId: event.roomId, seq: event.seq, eventId: event.metadata.eventId },
              'publish failed; will retry',
            );
          },
        ),
      );
    }
    await Promise.all(inFlight);
    return room.failure;
  }
}
