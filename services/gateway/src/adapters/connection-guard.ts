import { readFileSync } from 'node:fs';
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Counter } from 'prom-client';
import type { Logger } from '@chatrt/service-kit';

/** Bounds on what connections may hold; see `ConnectionGuard`. */
export interface ConnectionLimits {
  /** Open TCP connections over both servers of this gateway. */
  maxConnections: number;
  /** Open TCP connections from one peer address; 0 means no per-address cap (behind a balancer). */
  maxPerAddress: number;
  /** Time a connection has to send a complete HTTP request (or upgrade) and, for Socket.IO, to join a namespace. */
  handshakeTimeoutMs: number;
}

/** How often refusals are summarised in the log while they go on. */
const refusalLogIntervalMs = 10_000;

/**
 * Keeps connections from exhausting the gateway's file descriptors: connections past the total or the
 * per-address cap are closed as they arrive, and a connection that never completes its request is closed
 * after `handshakeTimeoutMs` (Node's `headersTimeout`, checked often enough to matter). Counts are shared
 * by the REST and the Socket.IO server, since both draw on one process's descriptors.
 */
export class ConnectionGuard {
  readonly #limits: ConnectionLimits;
  readonly #log: Logger;
  readonly #refused: Counter<'server' | 'reason'>;
  readonly #byAddress = new Map<string, number>();
  #open = 0;
  #unlogged = 0;
  #lastLog = 0;

  constructor(limits: ConnectionLimits, deps: { log: Logger; refused: Counter<'server' | 'reason'> }) {
    this.#limits = limits;
    this.#log = deps.log;
    this.#refused = deps.refused;
  }

  /** Options for `http.createServer` that close connections which never send a whole request in time. */
  get serverOptions(): ServerOptions {
    return {
      headersTimeout: this.#limits.handshakeTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(this.#limits.handshakeTimeoutMs / 2))),
    };
  }

  /** Applies the caps to every connection `server` accepts. */
  protect(server: HttpServer, name: 'api' | 'socket'): void {
    server.on('connection', (socket: Socket) => {
      this.#admit(socket, name);
    });
  }

  /** Open connections now, over both servers. */
  get open(): number {
    return this.#open;
  }

  #admit(socket: Socket, server: 'api' | 'socket'): void {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.#byAddress.get(address) ?? 0;
    if (this.#open >= this.#limits.maxConnections) {
      this.#refuse(socket, server, 'total', address);
      return;
    }
    if (this.#limits.maxPerAddress > 0 && fromAddress >= this.#limits.maxPerAddress) {
      this.#refuse(socket, server, 'per_address', address);
      return;
    }
    this.#open += 1;
    this.#byAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.#open -= 1;
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(address, left);
      else this.#byAddress.delete(address);
    });
  }

  #refuse(socket: Socket, server: 'api' | 'socket', reason: 'total' | 'per_address', address: string): void {
    socket.destroy();
    this.#refused.inc({ server, reason });
    this.#unlogged += 1;
    const now = Date.now();
    if (now - this.#lastLog < refusalLogIntervalMs) return;
    const cap =
      reason === 'total'
        ? { maxConnections: this.#limits.maxConnections }
        : { maxPerAddress: this.#limits.maxPerAddress };
    this.#log.warn(
      { server, reason, address, open: this.#open, refusedSinceLastLog: this.#unlogged, ...cap },
      reason === 'total'
        ? 'connection cap reached: refusing new connections'
        : 'per-address connection cap reached: refusing its new connections',
    );
    this.#unlogged = 0;
    this.#lastLog = now;
  }
}

/**
 * The default total connection cap: this process's open-file limit less a reserve (a quarter, at most
 * 1,024) for everything else it opens (NATS, logs, files), so a flood of connections is refused before the
 * process runs out of descriptors. Falls back to 10,000 where the limit cannot be read (not Linux).
 */
export function defaultMaxConnections(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined) return 10_000;
    if (soft === 'unlimited') return 1_000_000;
    const limit = Number(soft);
    return limit - Math.min(1024, Math.floor(limit / 4));
  } catch {
    return 10_000;
  }
}
