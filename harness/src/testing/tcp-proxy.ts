import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder in front of a port (the Socket.IO server, NATS), to take a server away from its clients.
 * `cut()` resets every connection and every new one until `restore()`; the port stays bound all along,
 * so nothing else (e.g. a stack starting in parallel) can take it in between.
 */
export class TcpProxy {
  readonly #targetPort: number;
  readonly #server: Server;
  readonly #connections = new Set<Socket>();
  /** Each forwarded connection: the client side and the server side. */
  readonly #pairs = new Set<{ client: Socket; upstream: Socket }>();
  #down = false;
  /** Server-to-client bytes per second for new connections (a slow link), or unlimited. */
  #bytesPerSecond: number | undefined;
  port = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createServer((client) => {
      this.#forward(client);
    });
  }

  /** Listens on a free port and forwards to `targetPort` on localhost. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    proxy.port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The socket server becomes unreachable: open connections are reset, new ones too. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#connections) socket.resetAndDestroy();
    this.#connections.clear();
  }

  /** The socket server is reachable again. */
  restore(): void {
    this.#down = false;
  }

  /**
   * Open connections stop reading from the server (a client that does not keep up): what the server
   * sends piles up in its socket buffers and then in its own queues, until `resume()`.
   */
  pause(): void {
    for (const { client, upstream } of this.#pairs) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  /** Paused connections read from the server again. */
  resume(): void {
    for (const { client, upstream } of this.#pairs) upstream.pipe(client);
  }

  /** New connections get a slow link: server-to-client data flows at `bytesPerSecond` at most. */
  throttle(bytesPerSecond: number | undefined): void {
    this.#bytesPerSecond = bytesPerSecond;
  }

  /** Stops listening (end of test). */
  stop(): Promise<void> {
    this.cut();
    return new Promise((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  #forward(client: Socket): void {
    if (this.#down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.#targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#connections.add(socket);
      socket.on('close', () => this.#connections.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const pair = { client, upstream };
    this.#pairs.add(pair);
    upstream.on('close', () => this.#pairs.delete(pair));
    client.pipe(upstream);
    const rate = this.#bytesPerSecond;
    if (rate === undefined) {
      upstream.pipe(client);
      return;
    }
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      upstream.pause();
      setTimeout(() => upstream.resume(), (chunk.length / rate) * 1000);
    });
  }
}
