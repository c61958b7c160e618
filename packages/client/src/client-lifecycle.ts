import { backoffDelay } from './backoff.ts';
import type { ClientSession } from './client-session.ts';
import { toClientError } from './errors.ts';
import { diagnostics, type ClientLogger } from './logger.ts';
import type { MessageSender } from './message-sender.ts';
import type { NetworkMonitor } from './network.ts';
import type { Outbox } from './outbox/outbox.ts';
import type { FallbackPoller } from './fallback-poller.ts';
import type { RoomSync } from './room-sync.ts';
import type { SocketConnections } from './socket-connections.ts';
import type { SessionTokens } from './token.ts';

/** What starting and stopping drive. */
export interface LifecycleDeps {
  session: ClientSession;
  tokens: SessionTokens;
  connections: SocketConnections;
  network: NetworkMonitor;
  sender: MessageSender;
  outbox: Outbox;
  rooms: RoomSync;
  poller: FallbackPoller;
  logger: ClientLogger;
  socketEnabled: boolean;
  retryDelayMaxMs: number;
}

/**
 * `start()` and `stop()`: a start gets the session token (retrying while the endpoint is unreachable),
 * restores the outbox once, and opens the sockets; a stop closes everything and makes a boot still in
 * progress give up (each start is a new generation).
 */
export class ClientLifecycle {
  readonly #deps: LifecycleDeps;
  #generation = 0;
  #outboxLoaded = false;
  #stopNetwork: (() => void) | undefined;
  #booting: Promise<void> = Promise.resolve();

  constructor(deps: LifecycleDeps) {
    this.#deps = deps;
  }

  start(): Promise<void> {
    const { session, network, connections, sender } = this.#deps;
    if (session.started) return this.#booting;
    session.begin();
    const generation = ++this.#generation;
    this.#stopNetwork = network.subscribe((online) => {
      if (online) connections.retryNow();
      session.update();
    });
    sender.start();
    session.update();
    this.#booting = this.#boot(generation);
    return this.#booting;
  }

  async stop(): Promise<void> {
    const { session, tokens, connections, poller, sender, outbox } = this.#deps;
    if (!session.started) return;
    session.end();
    this.#generation++;
    this.#stopNetwork?.();
    this.#stopNetwork = undefined;
    tokens.stop();
    connections.close();
    poller.stop();
    sender.stop();
    session.update();
    await outbox.flushed();
  }

  async #boot(generation: number): Promise<void> {
    const { session, tokens, connections, rooms, sender, outbox, logger } = this.#deps;
    const token = await this.#firstToken(generation);
    if (generation !== this.#generation || token === undefined) return;
    if (token === null) {
      session.authenticated(false);
      logger.warn(diagnostics.noToken);
      session.update();
      return;
    }
    session.authenticated(true);
    rooms.setSelf(tokens.userId);
    tokens.startAutoRefresh();
    if (!this.#outboxLoaded) {
      this.#outboxLoaded = true;
      sender.restore(
        await outbox.load().catch((err: unknown) => {
          logger.warn('[Socket] Could not read the stored outbox', err);
          return [];
        }),
      );
      if (generation !== this.#generation) return;
    }
    if (this.#deps.socketEnabled) connections.open();
    else logger.warn(diagnostics.fallback);
    session.update();
  }

  /** The first token, retried while the endpoint is unreachable; undefined when stopped meanwhile. */
  async #firstToken(generation: number): Promise<string | null | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#deps.tokens.get();
      } catch (err) {
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: this.#deps.retryDelayMaxMs });
        this.#deps.logger.warn(
          `[Socket] Cannot get a session token (${toClientError(err).message}); retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (generation !== this.#generation) return undefined;
      }
    }
  }
}
