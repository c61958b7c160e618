import { createLogger, type Logger } from './logger.ts';
import { guardProcess } from './process-guard.ts';

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

/**
 * A service's start-up skeleton: `start` opens its parts in order, registering each on one Lifecycle.
 * If a step fails, what already started is closed before the error is rethrown; otherwise the result
 * gains `close()`, which closes every part in reverse order (safe to call more than once).
 */
export async function startService<R extends object>(
  log: Logger,
  start: (lifecycle: Lifecycle) => Promise<R>,
): Promise<R & { close(): Promise<void> }> {
  const lifecycle = new Lifecycle(log);
  try {
    const started = await start(lifecycle);
    return { ...started, close: () => lifecycle.shutdown() };
  } catch (err) {
    await lifecycle.shutdown();
    throw err;
  }
}

/** Closes a running service on SIGINT/SIGTERM, then exits 0 (1 if closing failed). */
export function closeOnSignal(service: { close(): Promise<void> }, log: Logger): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      service.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/**
 * The whole of a service's main.ts: load config, start, log `ready`, close on SIGINT/SIGTERM. A bad
 * config or a failed start is logged as fatal and exits 1, so supervisors see the failure; so is an
 * uncaught exception (see `guardProcess`).
 */
export async function runService<C extends { logLevel: string }, S extends { close(): Promise<void> }>(
  name: string,
  loadConfig: () => C,
  start: (config: C, log: Logger) => Promise<S>,
): Promise<void> {
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    createLogger(name, 'info').fatal({ err }, 'invalid configuration');
    process.exit(1);
  }
  const log = createLogger(name, config.logLevel);
  let service: S | undefined;
  guardProcess(log, async () => service?.close());
  try {
    service = await start(config, log);
    const details = Object.fromEntries(Object.entries(service).filter(([key]) => key !== 'close'));
    log.info(details, 'ready');
    closeOnSignal(service, log);
  } catch (err) {
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
