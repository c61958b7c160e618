import { createServer } from 'node:net';

/**
 * Ports are chosen below Linux's ephemeral range (32768+), which outgoing connections draw from: a port
 * picked there and bound a few seconds later (by a spawned service) can meanwhile become some client
 * socket's local port. Each test worker (VITEST_POOL_ID) gets its own slice, so parallel stacks never pick
 * the same port, and a worker never hands out a port twice.
 */
const rangeStart = 20_000;
const rangeSize = 12_000;
const slices = 4;
const handedOut = new Set<number>();

/** A TCP port that is free now, in this process's slice, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const slice = Number(process.env['VITEST_POOL_ID'] ?? 0) % slices;
  const size = rangeSize / slices;
  const first = rangeStart + slice * size;
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const port = first + Math.floor(Math.random() * size);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${first}..${first + size - 1}`);
}

/** Whether a listener could bind `port` on every interface right now (services listen on 0.0.0.0). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '0.0.0.0', () =>
      server.close(() => {
        resolve(true);
      }),
    );
  });
}

/** Resolves once something accepts TCP connections on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
