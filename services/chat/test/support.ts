import { inject } from 'vitest';
import { type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { loadChatConfig, startChat, type ChatService } from '../src/index.ts';

/** A chat service started in-process on the run's Postgres and NATS, with a client connection and a pool. */
export interface TestChat {
  chat: ChatService;
  nc: NatsConnection;
  db: Pool;
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
  const db = createPool(config.databaseUrl, log, 4);
  return {
    chat,
    nc,
    db,
    async close() {
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

/** Re-reads `probe` until `done` holds; fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
