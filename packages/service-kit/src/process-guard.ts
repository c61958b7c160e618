import { Counter } from 'prom-client';
import type { Logger } from './logger.ts';

/** Errors that escaped every handler, by kind; `createMetricsRegistry` exposes it in every service. */
export const uncaughtErrors = new Counter({
  name: 'process_uncaught_errors_total',
  help: 'Errors no handler caught, by kind (uncaughtException | unhandledRejection).',
  labelNames: ['kind'],
  registers: [],
});

/** How long a crashing service gets to close before it exits anyway. */
const crashCloseMs = 5000;

/**
 * The last line of defence; input never gets here (every boundary turns bad input into a coded error).
 * An unhandled rejection is logged and counted and the service keeps running: the work that failed is
 * over and nothing was left half-changed in memory. An uncaught exception may have left state half-changed,
 * so the service closes (bounded by `crashCloseMs`) and exits 1 for its supervisor to start a clean one.
 */
export function guardProcess(log: Logger, close: () => Promise<void>): void {
  process.on('unhandledRejection', (reason) => {
    uncaughtErrors.inc({ kind: 'unhandledRejection' });
    log.error({ err: reason }, 'unhandled promise rejection; still running');
  });
  let crashing = false;
  process.on('uncaughtException', (err, origin) => {
    uncaughtErrors.inc({ kind: 'uncaughtException' });
    log.fatal({ err, origin }, 'uncaught exception; closing and exiting 1');
    if (crashing) return;
    crashing = true;
    setTimeout(() => process.exit(1), crashCloseMs);
    close().then(
      () => process.exit(1),
      (closeErr: unknown) => {
        log.error({ err: closeErr }, 'closing after the crash failed');
        process.exit(1);
      },
    );
  });
}
