import { describe, it, expect, inject, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { io, type Socket } from 'socket.io-client';
import {
  subjects,
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
  type MessageAck,
  type RoomOk,
  type RoomUpdatesOk,
} from '@chatrt/contracts';
import { connectNats, createLogger, request, type NatsConnection } from '@chatrt/service-kit';
import { eventually, startNatsServer, type RunningNats } from '@chatrt/harness';
import { loadAuthConfig, startAuth, type RunningAuth } from '@chatrt/auth';
import { loadGatewayConfig, startGateway } from '../src/index.ts';

const log = createLogger('gateway-test', 'silent');

/**
 * A gateway in-process on a private nats-server (the shared one carries other files' auth instances, whose
 * keys would not verify our tokens), with the real auth service beside it.
 */
describe('gateway readiness and graceful shutdown', () => {
  let dir: string | undefined;
  let nats: RunningNats | undefined;
  let nc: NatsConnection | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(`${tmpdir()}/gateway-int-`);
    await chmod(dir, 0o755);
    nats = await startNatsServer({ dataDir: `${dir}/nats` });
    nc = await connectNats(nats.url, 'gateway-test', log);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const gatewayConfig = (extra: NodeJS.ProcessEnv = {}) =>
    loadGatewayConfig({ NATS_URL: nats!.url, PORT: '0', WEBSOCKET_PORT: '0', LOG_LEVEL: 'silent', ...extra });

  it('reports 503 with the failing check until the auth service is there, then 200', async () => {
    const gateway = await startGateway(gatewayConfig(), log);
    let auth: RunningAuth | undefined;
    try {
      const health = async () => {
        const res = await fetch(`http://127.0.0.1:${gateway.socketPort}/health`);
        return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
      };
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.checks['authKeys']).toBe('not loaded');
      expect(down.body.checks['sessionRevocations']).toBe('not loaded');
      auth = await startAuthService();
      const up = await health();
      expect(up.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/api/health`)).status).toBe(200);
    } finally {
      await gateway.close();
      await auth?.close();
    }
  });

  it('answers an ack still in flight when it is asked to stop, then tells the client to reconnect', async () => {
    const auth = await startAuthService();
    const gateway = await startGateway(gatewayConfig({ SHUTDOWN_GRACE_MS: '5000' }), log);
    // A chat service that takes its time: the ack for this send is pending when shutdown begins.
    const received = Promise.withResolvers<undefined>();
    const answered = Promise.withResolvers<undefined>();
    const slowChat = nc!.subscribe(subjects.chatSendMessage, {
      callback: (_err, msg) => {
        received.resolve(undefined);
        const command = msg.json<{ actorId: string; roomId: string; message: string; clientMessageId: string }>();
        setTimeout(() => {
          const reply: MessageAck = {
            ok: true,
            message: {
              id: randomUUID(),
              roomId: command.roomId,
              seq: 1,
              senderId: command.actorId,
              message: command.message,
              clientMessageId: command.clientMessageId,
              createdAt: new Date().toISOString(),
              deleted: false,
            },
          };
          msg.respond(JSON.stringify(reply));
          answered.resolve(undefined);
        }, 500);
      },
    });
    try {
      const token = await sessionTokenFor(nc!);
      const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io(
        `http://127.0.0.1:${gateway.socketPort}/chat`,
        { auth: { token }, transports: ['websocket'], reconnection: false },
      );
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => {
          resolve();
        });
        socket.once('connect_error', reject);
      });
      const events: string[] = [];
      socket.on('serverShutdown', () => events.push('serverShutdown'));
      socket.on('disconnect', (reason) => events.push(`disconnect: ${reason}`));
      const ack = new Promise<MessageAck>((resolve) =>
        socket.emit(
          'sendMessage',
          { roomId: randomUUID(), message: 'in flight', clientMessageId: randomUUID() },
          (reply) => {
            events.push('ack');
            resolve(reply);
          },
        ),
      );
      await received.promise;
      await gateway.close();
      expect(await ack).toMatchObject({ ok: true, message: { message: 'in flight' } });
      await answered.promise;
      expect(events).toEqual(['ack', 'serverShutdown', 'disconnect: transport close']);
    } finally {
      slowChat.unsubscribe();
      await auth.close();
    }
  });

  it('fetches replay pages a few at a time across all sockets, so a reconnect storm cannot flood chat', async () => {
    const auth = await startAuthService();
    const gateway = await startGateway(gatewayConfig({ REPLAY_MAX_CONCURRENT_PAGES: '2' }), log);
    const roomId = randomUUID();
    // A chat service whose room-update pages are slow: resuming sockets would all be waiting for one at once.
    const pages = { inFlight: 0, mostInFlight: 0, served: 0 };
    const getRoom = nc!.subscribe(subjects.chatGetRoom, {
      callback: (_err, msg) => {
        const reply: RoomOk = {
          ok: true,
          room: { id: roomId, name: 'storm', memberIds: [], createdAt: new Date().toISOString(), lastSeq: 0 },
        };
        msg.respond(JSON.stringify(reply));
      },
    });
    const roomUpdates = nc!.subscribe(subjects.chatRoomUpdates, {
      callback: (_err, msg) => {
        pages.inFlight += 1;
        pages.mostInFlight = Math.max(pages.mostInFlight, pages.inFlight);
        setTimeout(() => {
          pages.inFlight -= 1;
          pages.served += 1;
          const reply: RoomUpdatesOk = { ok: true, page: { updates: [], lastSeq: 0, hasMore: false } };
          msg.respond(JSON.stringify(reply));
        }, 200);
      },
    });
    const sockets: Socket<ChatServerToClientEvents, ChatClientToServerEvents>[] = [];
    try {
      const token = await sessionTokenFor(nc!);
      for (let i = 0; i < 6; i++) {
        const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io(
          `http://127.0.0.1:${gateway.socketPort}/chat`,
          { auth: { token }, transports: ['websocket'], reconnection: false },
        );
        sockets.push(socket);
      }
      // Every join is answered at once; the six catch-ups behind them take turns.
      const joins = await Promise.all(sockets.map((socket) => socket.emitWithAck('joinRoom', { roomId, afterSeq: 0 })));
      expect(joins.map((ack) => ack.ok)).toEqual([true, true, true, true, true, true]);
      await eventually(
        () => pages.served,
        (served) => served === 6,
      );
      expect(pages.mostInFlight).toBe(2);
    } finally {
      for (const socket of sockets) socket.disconnect();
      getRoom.unsubscribe();
      roomUpdates.unsubscribe();
      await gateway.close();
      await auth.close();
    }
  });

  async function startAuthService(): Promise<RunningAuth> {
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return startAuth(
      loadAuthConfig({
        DATABASE_URL: inject('databaseUrl'),
        NATS_URL: nats!.url,
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
        AUTH_SIGNING_KEY: key,
      }),
      log,
    );
  }
});

/** Registers and logs in a fresh user over NATS and returns a session token for the socket handshake. */
async function sessionTokenFor(nc: NatsConnection): Promise<string> {
  const username = `gw_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const password = 'correct horse battery staple';
  await request(nc, subjects.authRegister, { username, password }, 5000);
  const login = await request(nc, subjects.authLogin, { username, password, clientAddress: '127.0.0.1' }, 5000);
  if (!login.ok) throw new Error(login.error.message);
  const token = await request(nc, subjects.authIssueSessionToken, { sessionId: login.session.id }, 5000);
  if (!token.ok) throw new Error(token.error.message);
  return token.sessionToken.token;
}
