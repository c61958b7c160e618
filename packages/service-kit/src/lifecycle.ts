import type { Logger } from './logger.ts';

type Closer = { name: string; close: () => Promise<void> | void };

/**
 * Runs closers in reverse registration order on SIGINT/SIGTERM (or when `shutdown()` is called),
 * so a service stops taking work before it lets go of what that work needs.
 */
export class Lifecycle {
  readonly #closers: Closer[] = [];
  readonly #log: Logger;
  #stopping: Promise<void> | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Registers something to close on shutdown; returns it for inline use. */
  add<T>(name: string, resource: T, close: (resource: T) => Promise<void> | void): T {
    this.#closers.push({ name, close: () => close(resource) });
    return resource;
  }

  listenForSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        this.#log.info({ signal }, 'shutting down');
        void this.shutdown().then(() => process.exit(0));
      });
    }
  }

  shutdown(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const closer of this.#closers.toReversed()) {
        try {
          await closer.close();
        } catch (err) {
          this.#log.error({ err, resource: closer.name }, 'failed to close');
        }
      }
    })();
    return this.#stopping;
  }
}
