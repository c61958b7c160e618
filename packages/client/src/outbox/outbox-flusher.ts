import type { Message } from '@chatrt/contracts';
import { backoffDelay } from '../backoff.ts';
import { isTransient, toClientError, type ChatClientError } from '../errors.ts';
import type { ClientLogger } from '../logger.ts';
import type { RateLimitGate } from '../rate-limit-gate.ts';
import { WakeSignal } from '../signal.ts';
import type { Outbox } from './outbox.ts';
import type { OutboxItem } from './outbox-store.ts';

/** How the next send should go: over the socket, over REST, or not now (offline, no session, stopped). */
export type SendRoute = 'socket' | 'rest' | 'wait';

/** What the flusher needs from the client. */
export interface FlusherDeps {
  outbox: Outbox;
  gate: RateLimitGate;
  /** The current user: only their items (and ownerless ones) are sent. */
  owner(): string | undefined;
  route(): SendRoute;
  send(item: OutboxItem, route: 'socket' | 'rest'): Promise<Message>;
  /** The server stored the item (it is already out of the outbox). */
  onSent(item: OutboxItem, message: Message): void;
  /** The server refused the item for good (it is already out of the outbox). */
  onFailed(item: OutboxItem, error: ChatClientError): void;
  /** The session was refused: the client should check it; the item stays. */
  onUnauthenticated(error: ChatClientError): void;
  retryDelayMaxMs: number;
  logger: ClientLogger;
}

/**
 * Sends the outbox one item at a time, in order. Each item stays in the outbox until the server has
 * stored it, and keeps its clientMessageId across attempts, so every message is stored exactly once
 * whatever fails in between. RATE_LIMITED blocks the gate and retries after it; transient failures retry
 * with backoff (sooner when `kick()` says something changed); other refusals fail the item.
 */
export class OutboxFlusher {
  readonly #deps: FlusherDeps;
  readonly #signal = new WakeSignal();
  #generation = 0;
  #failures = 0;

  constructor(deps: FlusherDeps) {
    this.#deps = deps;
  }

  start(): void {
    const generation = ++this.#generation;
    void this.#run(generation);
  }

  stop(): void {
    this.#generation++;
    this.#signal.notify();
  }

  /** Something changed (new item, status, gate open): look again now. */
  kick(): void {
    this.#signal.notify();
  }

  async #run(generation: number): Promise<void> {
    const { outbox, gate, logger } = this.#deps;
    while (generation === this.#generation) {
      const item = outbox.first(this.#deps.owner());
      const route = this.#deps.route();
      if (!item || gate.get().blocked || route === 'wait') {
        await this.#signal.wait();
        continue;
      }
      try {
        const message = await this.#deps.send(item, route);
        this.#failures = 0;
        if (!outbox.has(item.clientMessageId)) continue;
        outbox.remove(item.clientMessageId);
        this.#deps.onSent(item, message);
      } catch (thrown) {
        const error = toClientError(thrown);
        // Stored meanwhile (its live copy arrived) or the client stopped: nothing left to do for it.
        if (!outbox.has(item.clientMessageId) || generation !== this.#generation) continue;
        if (error.code === 'RATE_LIMITED') {
          gate.block(error.retryAfter ?? 1);
        } else if (error.code === 'UNAUTHENTICATED') {
          this.#deps.onUnauthenticated(error);
          await this.#signal.wait(this.#delay());
        } else if (isTransient(error)) {
          const delay = this.#delay();
          logger.debug(
            `[Socket] Send of ${item.clientMessageId} over ${route} failed (${error.code}); retrying in ${delay} ms`,
          );
          await this.#signal.wait(delay);
        } else {
          outbox.remove(item.clientMessageId);
          this.#deps.onFailed(item, error);
        }
      }
    }
  }

  #delay(): number {
    return backoffDelay(this.#failures++, { baseMs: 500, maxMs: this.#deps.retryDelayMaxMs });
  }
}
