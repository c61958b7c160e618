import type { Writable } from 'node:stream';
import { serviceNames, type ServiceName } from './service-names.ts';
import { formatLogLine } from './log-format.ts';

/** Receives every line a service writes on stdout or stderr. */
export interface LogSink {
  line(service: ServiceName, line: string): void;
}

/**
 * Writes each line as `auth    | 12:00:01.123 INFO  ready port=9101`, so several services can share one
 * terminal and stay readable; lines that are not pino JSON pass through as they are.
 */
export function prefixedLogSink(out: Writable = process.stdout): LogSink {
  const width = Math.max(...serviceNames.map((name) => name.length));
  return {
    line(service, line) {
      const prefix = `${service.padEnd(width)} | `;
      out.write(
        formatLogLine(line)
          .map((l) => prefix + l + '\n')
          .join(''),
      );
    },
  };
}
