import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/** The parts of an Engine.IO connection used here. */
interface FlushingConnection {
  /** The request that opened the connection: for a connection that starts on websocket, its upgrade. */
  request: IncomingMessage;
  transport: { name: string };
  on(event: 'flush', listener: (this: FlushingConnection, packets: readonly unknown[]) => void): void;
  on(event: 'drain', listener: (this: FlushingConnection) => void): void;
}

/**
 * Writes the packets Engine.IO flushes to a connection at once in one syscall. While a websocket write is
 * under way, Engine.IO queues that connection's next packets and then hands them to the transport together,
 * which sends each as its own frame, and each frame as its own `writev`: in a busy room 4–7 packets a flush,
 * and over half the gateway's CPU went to those syscalls. Corking the connection's TCP socket for the
 * flush (Engine.IO emits `flush` just before handing the packets over and `drain` just after) sends the same
 * frames, unchanged and in order, in one `writev`. Only connections that start on websocket (the SDK's)
 * are coalesced: one that starts on polling keeps its first request, whose socket is not its websocket's.
 */
export function coalesceFlushedFrames(io: Server): void {
  io.engine.on('connection', (conn: FlushingConnection) => {
    if (conn.transport.name !== 'websocket') return;
    conn.on('flush', corkSeveral);
    conn.on('drain', uncork);
  });
}

// Shared by every connection: an emitter calls its listeners with itself as `this`.
function corkSeveral(this: FlushingConnection, packets: readonly unknown[]): void {
  if (packets.length > 1) this.request.socket.cork();
}

function uncork(this: FlushingConnection): void {
  // Only this module corks the socket across calls (ws corks and uncorks within one frame's write).
  const socket = this.request.socket;
  if (socket.writableCorked > 0) socket.uncork();
}
