import { createServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { coalesceFlushedFrames } from '../src/adapters/socket/frame-coalescing.ts';

type Write = (chunks: unknown[], callback: (err?: Error | null) => void) => void;

/** A Socket.IO server on a free port whose websocket connections count the chunks of each writev. */
async function serverWritingBatches(coalesce: boolean) {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  if (coalesce) coalesceFlushedFrames(io);
  const writevSizes: number[] = [];
  io.engine.on('connection', (conn: { request: { socket: NetSocket } }) => {
    const socket = conn.request.socket as NetSocket & { _writev: Write };
    const writev = socket._writev.bind(socket);
    socket._writev = (chunks, callback) => {
      writevSizes.push(chunks.length);
      writev(chunks, callback);
    };
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as { port: number };
  return { io, url: `http://127.0.0.1:${port}`, writevSizes };
}

describe('frames flushed together', () => {
  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const step of cleanup) step();
    cleanup = [];
  });

  async function burst(coalesce: boolean, events: number) {
    const server = await serverWritingBatches(coalesce);
    const client: ClientSocket = connect(server.url, { transports: ['websocket'] });
    cleanup.push(
      () => client.disconnect(),
      () => void server.io.close(),
    );
    const [[socket]] = await Promise.all([
      once(server.io, 'connection') as Promise<[ServerSocket]>,
      new Promise<void>((resolve) => {
        client.once('connect', () => {
          resolve();
        });
      }),
    ]);
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('n', (n: number) => {
        received.push(n);
        if (received.length === events) resolve();
      }),
    );
    // One synchronous burst: the first packet is written at once, the rest queue behind it and flush together.
    for (let n = 0; n < events; n++) socket.emit('n', n);
    await all;
    return { received, writevSizes: server.writevSizes };
  }

  it('go out in one writev, every frame unchanged and in order', async () => {
    const { received, writevSizes } = await burst(true, 20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, n) => n));
    // Each frame is a header and a payload chunk: 19 queued frames in one writev.
    expect(Math.max(...writevSizes)).toBe(38);
  });

  it('are one writev each without it (what the test above guards)', async () => {
    const { received, writevSizes } = await burst(false, 20);
    expect(received).toHaveLength(20);
    expect(Math.max(...writevSizes)).toBe(2);
  });
});
