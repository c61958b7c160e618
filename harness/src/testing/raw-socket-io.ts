/**
 * A Socket.IO connection spoken by hand over one websocket (Engine.IO v4 framing: `0` open, `2`/`3` ping/pong,
 * `4` + Socket.IO packet such as `40/chat,{auth}` or `42/chat,<id>[event, payload]`), so a test can send
 * frames no client library would: malformed, truncated, oversized, binary.
 */
export class RawSocketIo {
  readonly #ws: WebSocket;
  readonly #frames: string[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (event) => {
      const frame = typeof event.data === 'string' ? event.data : '<binary>';
      // Answer the server's heartbeat as a client library does, so a quiet test is not dropped.
      if (frame === '2') {
        ws.send('3');
        return;
      }
      this.#frames.push(frame);
      this.#wake?.();
    });
    ws.addEventListener('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  /** Opens the websocket transport at `socketUrl` and waits for Engine.IO's open packet. */
  static async open(socketUrl: string, path = '/socket.io'): Promise<RawSocketIo> {
    const ws = new WebSocket(`${socketUrl.replace(/^http/, 'ws')}${path}/?EIO=4&transport=websocket`);
    const socket = new RawSocketIo(ws);
    const open = await socket.next(5000);
    if (!open?.startsWith('0{')) throw new Error(`no Engine.IO open packet: ${open}`);
    return socket;
  }

  /** Joins a namespace with a token; resolves with the server's CONNECT (`40…`) or CONNECT_ERROR (`44…`). */
  async join(namespace: string, token: string): Promise<string | undefined> {
    this.send(`40${namespace},${JSON.stringify({ token })}`);
    return this.next(5000);
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(frame: string | Uint8Array): void {
    if (!this.#closed) this.#ws.send(frame);
  }

  /** The next frame from the server within `timeoutMs`; undefined if none came (or the connection closed). */
  async next(timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0 && !this.#closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return this.#frames.shift();
  }

  /** Resolves once the server has closed the connection, or false after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await this.next(deadline - Date.now());
    return this.#closed;
  }

  close(): void {
    this.#ws.close();
  }
}
