import type { SessionToken } from '@chatrt/contracts';
import { backoffDelay } from './backoff.ts';
import { systemClock, type Clock } from './clock.ts';
import { tokenSubject } from './ids.ts';
import type { ClientLogger } from './logger.ts';

/** Where tokens come from: `GET {apiUrl}/auth/session-token` (null = no session). */
export interface TokenSource {
  sessionToken(): Promise<SessionToken | null>;
}

interface HeldToken {
  token: string;
  userId: string | undefined;
  /** When to fetch the next one (epoch millis). */
  refreshAt: number;
}

/**
 * The session token for the Socket.IO handshake: fetched on demand (one request at a time), refreshed at
 * `refreshRatio` of its life, fetched anew after `invalidate()` (the server said it expired).
 */
export class SessionTokens {
  readonly #source: TokenSource;
  readonly #clock: Clock;
  readonly #refreshRatio: number;
  readonly #retryMaxMs: number;
  readonly #logger: ClientLogger;
  #held: HeldToken | undefined;
  #inFlight: Promise<string | null> | undefined;
  #timer: unknown;
  #autoRefresh = false;
  #failures = 0;
  readonly #lostListeners = new Set<() => void>();

  constructor(options: {
    source: TokenSource;
    refreshRatio: number;
    retryMaxMs: number;
    logger: ClientLogger;
    clock?: Clock;
  }) {
    this.#source = options.source;
    this.#clock = options.clock ?? systemClock;
    this.#refreshRatio = options.refreshRatio;
    this.#retryMaxMs = options.retryMaxMs;
    this.#logger = options.logger;
  }

  /** The user the current token belongs to. */
  get userId(): string | undefined {
    return this.#held?.userId;
  }

  /** The last token fetched, even if due for refresh. */
  get current(): string | undefined {
    return this.#held?.token;
  }

  /**
   * A token not yet due for refresh, fetching one when needed. Resolves null when there is no session;
   * rejects (ChatClientError) when the endpoint cannot be reached.
   */
  get(): Promise<string | null> {
    if (this.#held && this.#clock.now() < this.#held.refreshAt) return Promise.resolve(this.#held.token);
    return this.#fetch();
  }

  /** Forgets the token so the next `get()` fetches a new one (after `sessionExpired` or an UNAUTHENTICATED refusal). */
  invalidate(): void {
    this.#held = undefined;
  }

  /** Called when a refresh finds the session gone (logged out or expired). */
  onLost(listener: () => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** Refreshes each token at `refreshRatio` of its life, so reconnects never wait for the token endpoint. */
  startAutoRefresh(): void {
    this.#autoRefresh = true;
    this.#schedule();
  }

  stop(): void {
    this.#autoRefresh = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fetch(): Promise<string | null> {
    this.#inFlight ??= this.#source
      .sessionToken()
      .then((fresh) => {
        this.#failures = 0;
        if (!fresh) {
          this.#held = undefined;
          return null;
        }
        const now = this.#clock.now();
        const life = Math.max(0, Date.parse(fresh.expiresAt) - now);
        this.#held = {
          token: fresh.token,
          userId: tokenSubject(fresh.token),
          refreshAt: now + Math.max(1000, life * this.#refreshRatio),
        };
        this.#schedule();
        return fresh.token;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  #schedule(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#autoRefresh || !this.#held) return;
    const delay = Math.max(0, this.#held.refreshAt - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => void this.#refresh(), delay);
  }

  async #refresh(): Promise<void> {
    try {
      const token = await this.#fetch();
      if (token === null) for (const listener of [...this.#lostListeners]) listener();
    } catch (err) {
      const delay = backoffDelay(this.#failures++, { baseMs: 500, maxMs: this.#retryMaxMs });
      this.#logger.warn(`[Socket] Session token refresh failed, retrying in ${delay} ms`, err);
      if (this.#autoRefresh) this.#timer = this.#clock.setTimeout(() => void this.#refresh(), delay);
    }
  }
}

/**
 * The Socket.IO handshake payload: `extra` and a token fetched (or refreshed) right before each connection
 * attempt. `presented` hears the token sent; `noSession` that there is none (the attempt is not made).
 */
export function handshakeAuth(
  tokens: SessionTokens,
  logger: ClientLogger,
  extra: Record<string, string>,
  on: { presented(token: string): void; noSession(): void },
): (cb: (data: object) => void) => void {
  return (cb) => {
    tokens.get().then(
      (token) => {
        if (token === null) {
          on.noSession();
          return;
        }
        on.presented(token);
        cb({ ...extra, token });
      },
      (err: unknown) => {
        // The token endpoint is unreachable: try the last token; a refusal comes back as connect_error.
        logger.warn('[Socket] Session token unavailable', err);
        const last = tokens.current;
        cb(last ? { ...extra, token: last } : extra);
      },
    );
  };
}
