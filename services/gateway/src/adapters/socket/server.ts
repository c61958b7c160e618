import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Registry } from 'prom-client';
import { namespaces, type components, type Notification } from '@chatrt/contracts';
import type { SubjectFeed } from './subject-feed.ts';
import { observePresence } from '../metrics.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import type { SessionRevocations } from '../session-revocations.ts';
import { tokenMiddleware } from './authenticate.ts';
import {
  serveChatNamespace,
  roomChannel,
  userChannel,
  type ChatNamespace,
  type ChatNamespaceDeps,
} from './chat-namespace.ts';
import { serveNotificationsNamespace, type NotificationsNamespace } from './notifications-namespace.ts';
import { endRevokedSessions, trackConnections } from './connection-lifecycle.ts';
import { RoomSignals } from './room-signals.ts';
import pLimit from 'p-limit';
import { OutboundQueues } from './outbound-queues.ts';
import type { BatchLimits } from './room-event-batches.ts';
import { coalesceFlushedFrames } from './frame-coalescing.ts';
import type { NatsConnection } from '@chatrt/service-kit';
import type { ConnectionGuard } from '../connection-guard.ts';

type GatewayHealth = components['schemas']['GatewayHealth'];

export interface SocketServerOptions extends Omit<ChatNamespaceDeps, 'signals' | 'outbound' | 'replayPages'> {
  /**
   * Replay pages fetched at once, across all sockets: a reconnect storm's catch-ups queue here instead of
   * flooding the services, whose joins and sends would otherwise wait behind them and time out.
   */
  replayMaxConcurrentPages: number;
  nc: NatsConnection;
  gatewayId: string;
  verifier: TokenVerifier;
  /** Logged-out sessions: their sockets are disconnected. */
  revocations: SessionRevocations;
  registry: Registry;
  path: string;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  /** Packets queued for one connection before it is dropped as too slow (it reconnects and resumes). */
  maxBufferedPackets: number;
  /** Bounds of one `roomEvents` frame (sockets with batched delivery). */
  batchLimits: BatchLimits;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Caps connections and closes those that never complete a request. */
  connectionGuard: ConnectionGuard;
  /** A connection that has not joined a namespace by then is closed. */
  handshakeTimeoutMs: number;
  presenceHeartbeatMs: number;
  notifications: SubjectFeed<Notification>;
  health: () => Promise<GatewayHealth>;
}

/** The standalone Socket.IO server (:3001) with `/chat`, `/notifications`, `GET /health` and `GET /metrics`. */
export class SocketServer {
  readonly http: HttpServer;
  readonly #io: Server;
  readonly #chat: ChatNamespace;
  readonly #notifications: NotificationsNamespace;
  readonly #signals: RoomSignals;
  readonly #options: SocketServerOptions;

  constructor(options: SocketServerOptions) {
    this.#options = options;
    this.http = createServer(options.connectionGuard.serverOptions, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      // Socket.IO takes requests on its own path before this handler sees them.
      if (req.method === 'GET' && path === '/health') {
        void options.health().then((report) => {
          send(report.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(report));
        });
      } else if (req.method === 'GET' && path === '/metrics') {
        void options.registry.metrics().then((body) => {
          send(200, options.registry.contentType, body);
        });
      } else {
        send(
          404,
          'application/json',
          JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}` } }),
        );
      }
    });
    this.#io = new Server(this.http, {
      path: options.path,
      cors: { origin: options.allowedOrigins, credentials: true },
      maxHttpBufferSize: options.maxPayloadBytes,
      pingInterval: options.pingIntervalMs,
      pingTimeout: options.pingTimeoutMs,
      connectTimeout: options.handshakeTimeoutMs,
      transports: ['websocket', 'polling'],
    });
    options.connectionGuard.protect(this.http, 'socket');
    const outbound = new OutboundQueues(this.#io, {
      maxBufferedPackets: options.maxBufferedPackets,
      onDrop: () => {
        options.metrics.slowConsumersDropped.inc();
      },
      log: options.log,
    });
    coalesceFlushedFrames(this.#io);
    const replayPages = pLimit(options.replayMaxConcurrentPages);
    const authenticate = tokenMiddleware(options.verifier, options.metrics, options.log);
    this.#chat = this.#io.of(namespaces.chat) as ChatNamespace;
    this.#notifications = this.#io.of(namespaces.notifications) as NotificationsNamespace;
    this.#signals = new RoomSignals({
      nc: options.nc,
      gatewayId: options.gatewayId,
      log: options.log,
      heartbeatMs: options.presenceHeartbeatMs,
      sink: {
        typing: (roomId, typing) =>
          this.#chat.to(roomChannel(roomId)).except(userChannel(typing.userId)).emit('typing', typing),
        presence: (roomId, onlineUserIds) =>
          this.#chat.to(roomChannel(roomId)).emit('presence', { roomId, onlineUserIds }),
      },
    });
    observePresence(options.registry, this.#signals);
    const lifecycle = {
      metrics: options.metrics,
      log: options.log,
      isRevoked: (sessionId: string) => options.revocations.isRevoked(sessionId),
    };
    for (const nsp of [this.#chat, this.#notifications]) {
      nsp.use(authenticate);
      trackConnections(nsp, lifecycle);
    }
    options.revocations.onRevoked((sessionIds) => {
      for (const nsp of [this.#chat, this.#notifications]) endRevokedSessions(nsp, sessionIds, lifecycle);
    });
    serveChatNamespace(this.#chat, {
      ...options,
      outbound,
      replayPages,
      log: options.log.child({ namespace: namespaces.chat }),
      signals: this.#signals,
    });
    serveNotificationsNamespace(this.#notifications, {
      ...options,
      outbound,
      replayPages,
      log: options.log.child({ namespace: namespaces.notifications }),
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '0.0.0.0', () => {
        resolve((this.http.address() as { port: number }).port);
      });
    });
  }

  /**
   * Graceful stop: refuse new connections, let pending acks finish (bounded), tell every client to
   * reconnect elsewhere, then close the transports so clients reconnect by themselves.
   */
  async close(graceMs: number): Promise<void> {
    this.http.close();
    const left = await this.#options.inFlight.settle(graceMs);
    if (left > 0) this.#options.log.warn({ pending: left }, 'closing with acks still pending');
    const notice = { code: 'UNAVAILABLE' as const, message: 'gateway restarting: reconnect', reconnectAfterMs: 1000 };
    this.#chat.emit('serverShutdown', notice);
    this.#notifications.emit('serverShutdown', notice);
    this.#signals.close();
    // Closing a transport waits for its buffered packets (the notice); io.close() would discard them.
    const closed = [this.#chat, this.#notifications].flatMap((nsp) =>
      [...nsp.sockets.values()].map((socket) => {
        const gone = new Promise<void>((resolve) =>
          socket.conn.once('close', () => {
            resolve();
          }),
        );
        socket.conn.close();
        return gone;
      }),
    );
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    // io.close() settles before the HTTP server has closed; its callback waits for that.
    await new Promise<void>((resolve, reject) => {
      this.#io
        .close(() => {
          resolve();
        })
        .catch(reject);
    });
  }
}
