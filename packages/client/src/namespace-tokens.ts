import type { ClientLogger } from './logger.ts';
import type { Namespace, RoomDelivery } from './sockets.ts';
import { handshakeAuth, type SessionTokens } from './token.ts';

/**
 * The session token each namespace presents at its handshake. A namespace that is refused or told its token
 * expired discards only the token it presented, so a newer one fetched meanwhile (by the other namespace) is kept.
 */
export class NamespaceTokens {
  readonly #tokens: SessionTokens;
  readonly #logger: ClientLogger;
  readonly #delivery: RoomDelivery;
  readonly #onNoSession: () => void;
  /** The token each namespace last presented. */
  readonly #presented = new Map<Namespace, string>();
  /** Namespaces told `sessionExpired`: their coming server disconnect is reconnected at once. */
  readonly #expired = new Set<Namespace>();

  constructor(options: {
    tokens: SessionTokens;
    logger: ClientLogger;
    delivery: RoomDelivery;
    /** There is no session to present a token of. */
    onNoSession: () => void;
  }) {
    this.#tokens = options.tokens;
    this.#logger = options.logger;
    this.#delivery = options.delivery;
    this.#onNoSession = options.onNoSession;
  }

  /** The handshake `auth` callback of a namespace. */
  auth(namespace: Namespace): (cb: (data: object) => void) => void {
    // Only /chat delivers room events; an older gateway ignores the field and sends one frame per event.
    const extra: Record<string, string> = namespace === '/chat' ? { delivery: this.#delivery } : {};
    return handshakeAuth(this.#tokens, this.#logger, extra, {
      presented: (token) => this.#presented.set(namespace, token),
      noSession: this.#onNoSession,
    });
  }

  /** The server said the namespace's token expired; it disconnects the socket next. */
  expired(namespace: Namespace): void {
    this.#expired.add(namespace);
    this.discardPresented(namespace);
  }

  /** Whether the namespace was told its token expired (and forgets it): if so, it reconnects at once. */
  takeExpired(namespace: Namespace): boolean {
    return this.#expired.delete(namespace);
  }

  /** Discards the namespace's token unless a newer one has replaced it since it was presented. */
  discardPresented(namespace: Namespace): void {
    const presented = this.#presented.get(namespace);
    if (presented === undefined || presented === this.#tokens.current) this.#tokens.invalidate();
  }
}
