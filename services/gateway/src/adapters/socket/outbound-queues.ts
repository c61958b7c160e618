import type { Server } from 'socket.io';
import type { Logger } from '@chatrt/service-kit';

/** The parts of an Engine.IO connection used here. */
export interface EngineConnection {
  remoteAddress: string;
  on(event: 'packetCreate' | 'flush' | 'close', listener: (this: EngineConnection) => void): void;
  off(event: 'flush' | 'close', listener: () => void): void;
  close(discard: boolean): void;
}

interface Queue {
  /** Packets created since the transport last took the queue: its length, from public events. */
  queued: number;
  closed: boolean;
}

/**
 * Bounds what the gateway holds for each connection. Engine.IO queues packets for a connection while its
 * transport is still writing earlier ones; a client that reads slower than its rooms produce (a stalled
 * network, a frozen tab) would make that queue, and the gateway's memory, grow without end.
 *
 * - Past `maxBufferedPackets` queued packets the connection is closed, discarding the queue: the client
 *   reconnects and resumes from its last seq, so it loses nothing.
 * - Replays pace themselves with `room(conn)`: before reading the next page from the store they wait until
 *   the queue is down to half the bound, so a client on a slow link catching up on a long backlog is fed
 *   at its own speed instead of being dropped.
 */
export class OutboundQueues {
  readonly #queues = new WeakMap<EngineConnection, Queue>();
  readonly #maxBufferedPackets: number;

  constructor(io: Server, options: { maxBufferedPackets: number; onDrop: () => void; log: Logger }) {
    this.#maxBufferedPackets = options.maxBufferedPackets;
    const queues = this.#queues;
    const max = options.maxBufferedPackets;
    // One set of listeners shared by every connection (an emitter calls them with itself as `this`), so a
    // connection costs its counter, not three closures.
    function onPacketCreate(this: EngineConnection): void {
      const queue = queues.get(this);
      if (!queue) return;
      queue.queued += 1;
      if (queue.queued <= max || queue.closed) return;
      queue.closed = true;
      options.onDrop();
      options.log.warn(
        { queued: queue.queued, remoteAddress: this.remoteAddress },
        'closing a connection that does not keep up',
      );
      // A plain close would wait for the queue to drain, which a stalled client never lets happen.
      this.close(true);
    }
    function onFlush(this: EngineConnection): void {
      const queue = queues.get(this);
      if (queue) queue.queued = 0;
    }
    function onClose(this: EngineConnection): void {
      const queue = queues.get(this);
      if (queue) queue.closed = true;
    }
    io.engine.on('connection', (conn: EngineConnection) => {
      queues.set(conn, { queued: 0, closed: false });
      conn.on('packetCreate', onPacketCreate);
      conn.on('flush', onFlush);
      conn.on('close', onClose);
    });
  }

  /** Resolves once the connection's queue is at most half the bound, or the connection is gone. */
  room(conn: EngineConnection): Promise<void> {
    const queue = this.#queues.get(conn);
    const fits = () => !queue || queue.closed || queue.queued <= this.#maxBufferedPackets / 2;
    if (fits()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!fits()) return;
        conn.off('flush', check);
        conn.off('close', check);
        resolve();
      };
      conn.on('flush', check);
      conn.on('close', check);
    });
  }
}
