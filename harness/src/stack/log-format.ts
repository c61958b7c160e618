const levelNames: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields pino adds to every line; the prefix and the level/time columns already say them. */
const omitted = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'name', 'err']);

/**
 * Renders one pino JSON line as `12:00:01.123 INFO  message key=value …`, followed by the error's stack
 * when it carries one; any other line is returned unchanged. Returns the lines to print.
 */
export function formatLogLine(line: string): string[] {
  const entry = parseObject(line);
  if (!entry || typeof entry['level'] !== 'number') return [line];
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 23) : '';
  const level = (levelNames[entry['level']] ?? String(entry['level'])).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !omitted.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const head = [time, level, asText(entry['msg']), ...fields].filter(Boolean).join(' ');
  return [head, ...stackLines(entry['err'])];
}

function parseObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stackLines(err: unknown): string[] {
  if (typeof err !== 'object' || err === null) return err === undefined ? [] : [`  err=${JSON.stringify(err)}`];
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text = typeof stack === 'string' ? stack : message === undefined ? JSON.stringify(err) : asText(message);
  return text.split('\n').map((l) => `  ${l}`);
}

/** A field's value as text: a string as it is, anything else as JSON (never `[object Object]`). */
function asText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
