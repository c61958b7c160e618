import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import {
  streams,
  subjects,
  type ChatEvents,
  type NatsRequests,
  type NatsRequestSubject,
  type Room,
} from '@chatrt/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { loadChatConfig, startChat, type Chat } from '../src/index.ts';
import { createChatService, type ChatService } from '../src/application/chat-service.ts';
import { RoomEventStore, type RoomEventStoreOptions } from '../src/adapters/postgres/event-store/room-event-store.ts';
import { postgresReadModels } from '../src/adapters/postgres/read-models.ts';
import { chatProjections } from '../src/adapters/projections/index.ts';
import { eventually } from '@chatrt/harness';
import { answerUsersById, stubUserDirectory } from './fixtures/user-directory-stub.ts';

export { eventually };

/** A chat service started in-process on the run's Postgres and NATS, with a client connection and a pool. */
export interface TestChat {
  chat: Chat;
  nc: NatsConnection;
  db: Pool;
  /** The database URL, for tests that open their own connections. */
  poolUrl: string;
  close(): Promise<void>;
}

const log = createLogger('chat-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');

/**
 * Starts the service like main.ts does. Every test file uses the same settings: instances of all files
 * share the `chat` queue group, so any of them may answer a request.
 */
export async function startTestChat(): Promise<TestChat> {
  const config = loadChatConfig({
    DATABASE_URL: inject('databaseUrl'),
    NATS_URL: inject('natsUrl'),
    OPS_PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // Another file's instance may hold the relay lock; take over quickly once it stops.
    RELAY_LOCK_RETRY_MS: '100',
  });
  const chat = await startChat(config, log);
  const nc = await connectNats(config.natsUrl, 'chat-test-client', log);
  // The auth service is not part of these tests: a stand-in tells which users exist.
  const users = answerUsersById(nc, log);
  const db = createPool(config.databaseUrl, log, 4);
  return {
    chat,
    nc,
    db,
    poolUrl: config.databaseUrl,
    async close() {
      await users.close();
      await nc.drain();
      await db.end();
      await chat.close();
    },
  };
}

/** Sends a contract request the way the gateway does. */
export function call<S extends NatsRequestSubject>(
  nc: NatsConnection,
  subject: S,
  payload: NatsRequests[S]['request'],
): Promise<NatsRequests[S]['reply']> {
  return request(nc, subject, payload, 10_000);
}

/** Narrows a reply to its success shape, failing the test with the error otherwise. */
export function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}

/**
 * Handlers over their own event store on `pool`: like another chat instance (its group commit and room
 * exclusivity do not see the others'), without NATS.
 */
export function startInstance(
  pool: Pool,
  overrides: Partial<RoomEventStoreOptions> = {},
): { handlers: ChatService; store: RoomEventStore } {
  const store = new RoomEventStore({
    pool,
    projections: chatProjections,
    log,
    newId: randomUUID,
    clock: () => new Date(),
    groupCommit: { maxBatchSize: 200, maxWaitMs: 0, concurrency: 2 },
    ...overrides,
  });
  const readModels = postgresReadModels(pool);
  const policy = { messageMaxLength: 4000 };
  return {
    store,
    handlers: createChatService({ store, readModels, users: stubUserDirectory, policy, newId: randomUUID }),
  };
}

/** An event read back from the CHAT_EVENTS stream with its Nats-Msg-Id. */
export interface StreamedEvent {
  event: ChatEvents;
  msgId: string | undefined;
}

/** Reads a room's subject from the start of the stream until `count` events arrived (or fails). */
export async function readRoomStream(
  nc: NatsConnection,
  roomId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<StreamedEvent[]> {
  const consumer = await jetstream(nc).consumers.get(streams.chatEvents, {
    filter_subjects: [subjects.chatEvents(roomId)],
  });
  const messages = await consumer.consume();
  const received: StreamedEvent[] = [];
  const timer = setTimeout(() => {
    messages.stop();
  }, timeoutMs);
  try {
    for await (const msg of messages) {
      received.push({ event: msg.json<ChatEvents>(), msgId: msg.headers?.get('Nats-Msg-Id') });
      if (received.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  if (received.length < count)
    throw new Error(`only ${received.length} of ${count} events of room ${roomId} in ${timeoutMs} ms`);
  return received;
}

/** How many messages the stream stores for a room: duplicates would show here. */
export async function storedInStream(nc: NatsConnection, roomId: string): Promise<number> {
  const subject = subjects.chatEvents(roomId);
  const info = await (await jetstreamManager(nc)).streams.info(streams.chatEvents, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

/** Creates a room over NATS as `actorId` (with the other members) and returns it. */
export async function createRoom(
  nc: NatsConnection,
  actorId: string,
  memberIds: string[] = [],
  name = 'room',
): Promise<Room> {
  return ok(await call(nc, subjects.chatCreateRoom, { actorId, name, memberIds })).room;
}

/** Matches a `{ok:false}` reply with this error code (the matcher is opaque, hence `unknown`). */
export const refused = (code: string) => ({ ok: false, error: expect.objectContaining({ code }) as unknown });
