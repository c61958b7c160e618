import type { TimingConfig } from './config.ts';
import type { ClientLogger } from './logger.ts';
import type { AnySocket, Namespace } from './sockets.ts';

/**
 * The application heartbeat: every `intervalMs`, while connected, `ping()` must be answered within its own
 * timeout; a ping that fails while the socket still claims to be connected means a dead link that the
 * transport has not noticed yet, and `onMissed` should force a reconnect. Returns the stop function.
 */
export function startHeartbeat(options: {
  intervalMs: number;
  isConnected: () => boolean;
  ping: () => Promise<unknown>;
  onMissed: (err: unknown) => void;
}): () => void {
  const timer = setInterval(() => {
    if (!options.isConnected()) return;
    options.ping().catch((err: unknown) => {
      if (options.isConnected()) options.onMissed(err);
    });
  }, options.intervalMs);
  return () => {
    clearInterval(timer);
  };
}

/** One heartbeat per connected namespace: started on each connect (replacing the last), stopped on disconnect. */
export class NamespaceHeartbeats {
  readonly #stops = new Map<Namespace, () => void>();
  readonly #timings: TimingConfig;
  readonly #logger: ClientLogger;
  readonly #reconnect: () => void;

  constructor(options: {
    timings: TimingConfig;
    logger: ClientLogger;
    /** Forces a reconnect of the link after a missed heartbeat. */
    reconnect: () => void;
  }) {
    this.#timings = options.timings;
    this.#logger = options.logger;
    this.#reconnect = options.reconnect;
  }

  start(socket: AnySocket, namespace: Namespace): void {
    this.stop(namespace);
    const stop = startHeartbeat({
      intervalMs: this.#timings.heartbeatIntervalMs,
      isConnected: () => socket.connected,
      ping: () => socket.timeout(this.#timings.heartbeatTimeoutMs).emitWithAck('ping', {}),
      onMissed: (err) => {
        this.#logger.warn(`[Socket] Heartbeat on ${namespace} unanswered; reconnecting`, err);
        this.#reconnect();
      },
    });
    this.#stops.set(namespace, stop);
  }

  stop(namespace: Namespace): void {
    this.#stops.get(namespace)?.();
    this.#stops.delete(namespace);
  }

  stopAll(): void {
    for (const stop of this.#stops.values()) stop();
    this.#stops.clear();
  }
}
