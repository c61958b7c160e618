import { setTimeout as delay } from 'node:timers/promises';
import type { MessageSentEvent } from '@chatrt/contracts';
import { CodedError, type Logger, type Pool, type PoolClient } from '@chatrt/service-kit';
import { evolve, recordEvents, type RecordedRoomEvent, type RoomEvent, type RoomState } from '../../domain/index.ts';
import { runProjections, type Projection } from '../projections/projection.ts';
import { readRoomState } from '../projections/rooms.ts';
import { RoomQueue } from './room-queue.ts';
import { isUniqueViolation, toNumber, type Queryable } from './sql.ts';

/** The per-room version check: a second writer of the same seq fails here. */
const seqConstraint = 'events_room_seq_key';
/** The MessageSent idempotency key (room, sender, clientMessageId). */
const clientMessageKey = 'events_client_message_key';

/** Upper bound of one retry's random wait, in millis. */
const maxBackoffMs = 50;

/** What a command did: events appended (with the room's new state), or nothing because it was a repeat. */
export type AppendOutcome =
  | { kind: 'appended'; state: RoomState; events: RecordedRoomEvent[] }
  | { kind: 'duplicate' };

/** Decides a command against the room's current state; may throw a CodedError to refuse it. */
export type Decider = (state: RoomState) => RoomEvent[];

export interface RoomEventStoreOptions {
  pool: Pool;
  /** Read models updated in each command's transaction. */
  projections: readonly Projection[];
  log: Logger;
  newId: () => string;
  clock: () => Date;
  /** Attempts before a room too contended to write answers UNAVAILABLE. */
  maxAttempts?: number;
  /** Called once per lost optimistic-concurrency race (for metrics). */
  onConflict?: () => void;
}

/** A `chat.events` row as read for the wire shape. */
export interface EventRow {
  room_id: string;
  seq: string;
  type: RecordedRoomEvent['type'];
  data: unknown;
  event_id: string;
  occurred_at: Date;
  actor_id: string;
}

/**
 * The append-only store of room events. One command = one transaction holding its events, their outbox
 * rows and the read-model updates. Concurrent writers of a room are serialised optimistically by the
 * UNIQUE (room_id, seq) key and retried; within this instance a room's commands also queue, so retries
 * are only needed against other instances.
 */
export class RoomEventStore {
  readonly #options: Required<RoomEventStoreOptions>;
  readonly #queue = new RoomQueue();

  constructor(options: RoomEventStoreOptions) {
    this.#options = { maxAttempts: 20, onConflict: () => {}, ...options };
  }

  /**
   * Loads the room, decides, appends and projects in one transaction. Retries when another writer took
   * the next seq first; reports `duplicate` when a MessageSent with the same idempotency key exists.
   */
  handle(roomId: string, actorId: string, decide: Decider): Promise<AppendOutcome> {
    return this.#queue.run(roomId, () => this.#handleWithRetries(roomId, actorId, decide));
  }

  async #handleWithRetries(roomId: string, actorId: string, decide: Decider): Promise<AppendOutcome> {
    const { maxAttempts, log } = this.#options;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return await this.#transaction((client) => this.#attempt(client, roomId, actorId, decide));
      } catch (err) {
        if (isUniqueViolation(err, clientMessageKey)) return { kind: 'duplicate' };
        if (!isUniqueViolation(err, seqConstraint)) throw err;
        this.#options.onConflict();
        log.debug({ roomId, attempt }, 'seq conflict, reloading the room');
        // Full jitter, growing exponentially: the losers of one race spread out instead of colliding again.
        await delay(Math.random() * Math.min(2 ** attempt, maxBackoffMs));
      }
    }
    log.warn({ roomId, attempts: maxAttempts }, 'gave up appending: room too contended');
    throw new CodedError('UNAVAILABLE', `room ${roomId} is busy: lost ${maxAttempts} concurrent-write races, retry later`, {
      retryAfter: 1,
    });
  }

  async #attempt(client: PoolClient, roomId: string, actorId: string, decide: Decider): Promise<AppendOutcome> {
    const state = await readRoomState(client, roomId);
    const decided = decide(state);
    const events = recordEvents(decided, {
      roomId,
      actorId,
      lastSeq: state.lastSeq,
      occurredAt: this.#options.clock().toISOString(),
      newId: this.#options.newId,
    });
    if (events.length > 0) {
      await appendEvents(client, events);
      await runProjections(client, this.#options.projections, events);
    }
    return { kind: 'appended', state: events.reduce(evolve, state), events };
  }

  /** The stored MessageSent for an idempotency key, read through the key's own index. */
  async findMessageSent(roomId: string, actorId: string, clientMessageId: string): Promise<MessageSentEvent | undefined> {
    const { rows } = await this.#options.pool.query<EventRow>(
      `SELECT room_id, seq, type, data, event_id, occurred_at, actor_id FROM chat.events
       WHERE room_id = $1 AND actor_id = $2 AND client_message_id = $3`,
      [roomId, actorId, clientMessageId],
    );
    const event = rows[0] && toRecordedEvent(rows[0]);
    return event?.type === 'MessageSent' ? event : undefined;
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#options.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        // A connection that cannot roll back is discarded rather than returned to the pool.
        broken = rollbackErr;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Appends events and their outbox rows in one statement. The outbox insert fires the NOTIFY that wakes
 * the relay once the transaction commits (see the migration).
 */
async function appendEvents(db: Queryable, events: readonly RecordedRoomEvent[]): Promise<void> {
  const rows = events.map((event) => ({
    event_id: event.metadata.eventId,
    room_id: event.roomId,
    seq: event.seq,
    type: event.type,
    data: event.data,
    actor_id: event.metadata.actorId,
    client_message_id: event.type === 'MessageSent' ? event.data.clientMessageId : null,
    occurred_at: event.metadata.occurredAt,
  }));
  await db.query(
    `WITH appended AS (
       INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at)
       SELECT event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at
       FROM jsonb_to_recordset($1::jsonb) AS e(event_id uuid, room_id uuid, seq bigint, type text, data jsonb,
                                              actor_id uuid, client_message_id text, occurred_at timestamptz)
       ORDER BY seq
       RETURNING position
     )
     INSERT INTO chat.outbox (position) SELECT position FROM appended`,
    [JSON.stringify(rows)],
  );
}

/** Rebuilds the wire shape of a stored event from its row. */
export function toRecordedEvent(row: EventRow): RecordedRoomEvent {
  return {
    type: row.type,
    roomId: row.room_id,
    seq: toNumber(row.seq),
    data: row.data,
    metadata: { eventId: row.event_id, occurredAt: row.occurred_at.toISOString(), actorId: row.actor_id },
  } as RecordedRoomEvent;
}
