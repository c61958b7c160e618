import type { ClientLogger } from './logger.ts';
import { diagnostics } from './logger.ts';
import type { NetworkMonitor } from './network.ts';
import type { SendRoute } from './outbox/outbox-flusher.ts';
import type { SocketConnections } from './socket-connections.ts';
import { deriveStatus, type ConnectionStatus } from './status.ts';
import type { SessionTokens } from './token.ts';

/**
 * Whether the client is started and signed in, and the status derived from that, the network and the
 * sockets. `update()` recomputes the status and tells every listener, also when it stays the same (they
 * react to what changed underneath too, e.g. the outbox looks again).
 */
export class ClientSession {
  readonly #tokens: SessionTokens;
  readonly #connections: SocketConnections;
  readonly #network: NetworkMonitor;
  readonly #logger: ClientLogger;
  readonly #socketEnabled: boolean;
  readonly #listeners = new Set<(status: ConnectionStatus, previous: ConnectionStatus) => void>();
  #started = false;
  #authenticated: boolean | undefined;
  #status: ConnectionStatus = 'idle';

  constructor(options: {
    tokens: SessionTokens;
    connections: SocketConnections;
    network: NetworkMonitor;
    logger: ClientLogger;
    socketEnabled: boolean;
  }) {
    this.#tokens = options.tokens;
    this.#connections = options.connections;
    this.#network = options.network;
    this.#logger = options.logger;
    this.#socketEnabled = options.socketEnabled;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Started (the session is not known yet). */
  begin(): void {
    this.#started = true;
  }

  /** Stopped: the session is to be asked again on the next start. */
  end(): void {
    this.#started = false;
    this.#authenticated = undefined;
  }

  /** The token endpoint answered: a session (true) or none (false). */
  authenticated(known: boolean): void {
    this.#authenticated = known;
  }

  /** Listens to every `update()`; returns the function that removes the listener. */
  onUpdate(listener: (status: ConnectionStatus, previous: ConnectionStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Recomputes the status and tells the listeners. */
  update(): void {
    const previous = this.#status;
    this.#status = deriveStatus({
      started: this.#started,
      authenticated: this.#authenticated,
      online: this.#network.online(),
      socketEnabled: this.#socketEnabled,
      chatConnected: this.#connections.chatConnected,
      socketsGaveUp: this.#connections.gaveUp,
    });
    for (const listener of [...this.#listeners]) listener(this.#status, previous);
  }

  /** How the outbox sends now. */
  route(): SendRoute {
    if (!this.#started || this.#authenticated !== true || !this.#network.online()) return 'wait';
    return this.#connections.chatConnected ? 'socket' : 'rest';
  }

  /** A send was refused as UNAUTHENTICATED: ask the token endpoint whether the session is gone. */
  async check(): Promise<void> {
    this.#tokens.invalidate();
    try {
      if ((await this.#tokens.get()) === null) this.lost();
    } catch {
      // Unreachable now: the outbox retries later and asks again.
    }
  }

  /** The session is gone (logged out or expired): no connections until the next `start()`. */
  lost(): void {
    if (!this.#started || this.#authenticated === false) return;
    this.#authenticated = false;
    this.#logger.warn(diagnostics.noToken);
    this.#tokens.stop();
    this.#connections.close();
    this.update();
  }
}
