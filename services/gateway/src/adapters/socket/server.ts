import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { namespaces, type ChatClientToServerEvents, type ChatServerToClientEvents, type components } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import type { Backend } from '../backend.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { tokenMiddleware, type SocketData } from './authenticate.ts';
import { serveChatNamespace } from './chat-namespace.ts';
import type { RoomFeed } from './room-feed.ts';

type GatewayHealth = components['schemas']['GatewayHealth'];

/** The standalone Socket.IO server (:3001) with `/chat`, `/notifications` and `GET /health`. */
export function createSocketServer(options: {
  backend: Backend;
  verifier: TokenVerifier;
  feed: RoomFeed;
  log: Logger;
  path: string;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  health: () => Promise<GatewayHealth>;
}): { http: HttpServer; io: Server<ChatClientToServerEvents, ChatServerToClientEvents, Record<string, never>, SocketData> } {
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      void options.health().then((report) => {
        res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      });
      return;
    }
    // Socket.IO takes requests on its own path before this handler sees them.
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}` } }));
  });
  // Typed with /chat's event maps: the namespace with events; /notifications gets its own in its issue.
  const io = new Server<ChatClientToServerEvents, ChatServerToClientEvents, Record<string, never>, SocketData>(http, {
    path: options.path,
    cors: { origin: options.allowedOrigins, credentials: true },
    maxHttpBufferSize: options.maxPayloadBytes,
    transports: ['websocket', 'polling'],
  });
  const authenticate = tokenMiddleware(options.verifier, options.log);
  const chat = io.of(namespaces.chat);
  chat.use(authenticate);
  serveChatNamespace(chat, { backend: options.backend, feed: options.feed, log: options.log.child({ namespace: namespaces.chat }) });
  io.of(namespaces.notifications).use(authenticate);
  return { http, io };
}
