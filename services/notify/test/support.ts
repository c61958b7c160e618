import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import {
  streams,
  subjects,
  type ChatEvents,
  type GatewayPresence,
  type NatsRequests,
  type NatsRequestSubject,
  type Notification,
} from '@chatrt/contracts';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { loadAuthConfig, startAuth, type RunningAuth } from '@chatrt/auth';
import { loadNotifyConfig, startNotify, type Notify } from '../src/index.ts';
import { eventually, startNatsServer, type RunningNats } from '@chatrt/harness';
import { Inbox } from './notification-inbox.ts';

export { eventually };

const log = createLogger('notify-test', 'silent');
const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * A private nats-server (other test files run auth and notify instances in the same queue groups on the
 * shared one), the CHAT_EVENTS stream on it, an in-process auth service and an in-process notify service
 * with a fresh durable consumer, all against the shared test database.
 */
export class NotifyFixture {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly pool: Pool;
  readonly consumerName = `notify-test-${randomUUID().slice(0, 8)}`;
  readonly #nats: RunningNats;
  readonly #dir: string;
  #notify: Notify | undefined;
  #auth: RunningAuth | undefined;

  private constructor(parts: {
    nats: RunningNats;
    dir: string;
    nc: NatsConnection;
    jsm: JetStreamManager;
    pool: Pool;
  }) {
    this.#nats = parts.nats;
    this.#dir = parts.dir;
    this.nc = parts.nc;
    this.jsm = parts.jsm;
    this.js = jetstream(parts.nc);
    this.pool = parts.pool;
  }

  /** Starts NATS, the stream, auth and notify. */
  static async start(): Promise<NotifyFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'notify-test-'));
    const nats = await startNatsServer({ dataDir: join(dir, 'nats') });
    const nc = await connectNats(nats.url, 'notify-test-client', log);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: streams.chatEvents,
      subjects: [subjects.chatEventsWildcard],
      duplicate_window: nanos(120_000),
    });
    const fixture = new NotifyFixture({ nats, dir, nc, jsm, pool: createPool(inject('databaseUrl'), log, 2) });
    await fixture.startAuth();
    await fixture.startNotify();
    return fixture;
  }

  async startNotify(): Promise<void> {
    if (this.#notify) return;
    this.#notify = await this.startExtraNotify();
  }

  /** Another notify instance sharing the durable consumer and queue group; the caller closes it. */
  startExtraNotify(): Promise<Notify> {
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      NATS_URL: this.#nats.url,
      OPS_PORT: '0',
      NOTIFY_CONSUMER: this.consumerName,
      LOG_LEVEL: 'silent',
    };
    return startNotify(loadNotifyConfig(env), log);
  }

  async stopNotify(): Promise<void> {
    await this.#notify?.close();
    this.#notify = undefined;
  }

  get notifyOpsPort(): number {
    if (!this.#notify) throw new Error('notify is not running');
    return this.#notify.opsPort;
  }

  async startAuth(): Promise<void> {
    if (this.#auth) return;
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      NATS_URL: this.#nats.url,
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_SIGNING_KEY: signingKey,
    };
    this.#auth = await startAuth(loadAuthConfig(env), log);
  }

  async stopAuth(): Promise<void> {
    await this.#auth?.close();
    this.#auth = undefined;
  }

  async close(): Promise<void> {
    await this.stopNotify();
    await this.stopAuth();
    await this.nc.drain();
    await this.pool.end();
    await this.#nats.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** A contract request on the private NATS. */
  call<S extends NatsRequestSubject>(
    subject: S,
    payload: NatsRequests[S]['request'],
  ): Promise<NatsRequests[S]['reply']> {
    return request(this.nc, subject, payload, 5_000);
  }

  /** Registers a user with a fresh name built from `prefix`; returns its id and name. */
  async register(prefix: string): Promise<{ id: string; username: string }> {
    const username = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const reply = await this.call(subjects.authRegister, { username, password: 'correct horse battery staple' });
    if (!reply.ok) throw new Error(`register failed: ${reply.error.message}`);
    return reply.user;
  }

  /** Stores a chat event in CHAT_EVENTS, by default under its own id as Nats-Msg-Id (as the chat relay does). */
  async publish(event: ChatEvents, msgID = event.metadata.eventId): Promise<void> {
    await this.js.publish(subjects.chatEvents(event.roomId), JSON.stringify(event), { msgID });
  }

  /**
   * Announces a gateway's set for a room, then waits for a notify request to come back: both go over this
   * one connection to notify's one connection, so NATS's per-connection order means notify has applied
   * the announcement when the reply arrives.
   */
  async announce(presence: GatewayPresence): Promise<void> {
    this.nc.publish(subjects.gatewayPresence(presence.roomId), JSON.stringify(presence));
    const reply = await this.call(subjects.notifyList, { userId: randomUUID(), limit: 1 });
    if (!reply.ok) throw new Error(`notify did not answer: ${reply.error.message}`);
  }

  /** Resolves once the consumer has acknowledged everything in the stream. */
  async idle(timeoutMs = 15_000): Promise<void> {
    await eventually(
      () => this.jsm.consumers.info(streams.chatEvents, this.consumerName),
      (info) => info.num_pending === 0 && info.num_ack_pending === 0,
      timeoutMs,
    );
  }

  /** Every notification of a user, newest first. */
  async list(userId: string, options: { unread?: boolean } = {}): Promise<Notification[]> {
    const reply = await this.call(subjects.notifyList, { userId, limit: 200, ...options });
    if (!reply.ok) throw new Error(`list failed: ${reply.error.message}`);
    return reply.page.notifications;
  }

  /** Starts collecting a user's live notifications. */
  async inbox(userId: string): Promise<Inbox> {
    const inbox = new Inbox(this.nc, userId);
    await this.nc.flush();
    return inbox;
  }
}
