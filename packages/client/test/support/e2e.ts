import { afterAll, beforeAll } from 'vitest';
import { startTestStack, type ChatUser, type TestStack } from '@chatrt/harness';
import {
  ChatClient,
  MemoryOutboxStore,
  type ChatClientOptions,
  type ClientLogger,
  type ReadableStore,
} from '../../src/index.ts';

/** Keeps every log line (level and text of the first argument) so tests can assert on the diagnostics. */
export class RecordingLogger implements ClientLogger {
  readonly lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; text: string }> = [];
  debug = (...args: unknown[]) => {
    this.#record('debug', args);
  };
  info = (...args: unknown[]) => {
    this.#record('info', args);
  };
  warn = (...args: unknown[]) => {
    this.#record('warn', args);
  };
  error = (...args: unknown[]) => {
    this.#record('error', args);
  };

  texts(level?: RecordingLogger['lines'][number]['level']): string[] {
    return this.lines.filter((l) => level === undefined || l.level === level).map((l) => l.text);
  }

  #record(level: RecordingLogger['lines'][number]['level'], args: unknown[]): void {
    this.lines.push({ level, text: String(args[0]) });
    if (process.env['CLIENT_TEST_LOGS']) console.log(`[${level}]`, ...args);
  }
}

/** Logs in again over REST (a second session of the same user) and returns the `sid=…` cookie pair. */
export async function sessionCookie(apiUrl: string, user: ChatUser): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const sid = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
  if (res.status !== 200 || !sid) throw new Error(`login failed: ${res.status}`);
  return sid.split(';')[0]!;
}

/** A ChatClient for a signed-in user of the test stack (pass `user: undefined` for one without a session). */
export async function clientFor(
  env: TestStack,
  user: ChatUser | undefined,
  options: ChatClientOptions = {},
): Promise<{ client: ChatClient; logger: RecordingLogger }> {
  const config = env.config();
  const logger = new RecordingLogger();
  const cookie = user ? await sessionCookie(config.apiUrl, user) : undefined;
  const client = new ChatClient({
    apiUrl: config.apiUrl,
    socketUrl: config.socketUrl,
    socketPath: config.socketPath,
    headers: cookie ? { cookie } : {},
    logger,
    outboxStore: new MemoryOutboxStore(),
    ...options,
  });
  return { client, logger };
}

/** Resolves once `done()` holds, checking after each change of `store`; rejects after `timeoutMs`. */
export function until(
  store: Pick<ReadableStore<unknown>, 'subscribe'>,
  done: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const off = store.subscribe(() => {
      if (!done()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** The texts of a room's list, in order. */
export function texts(client: ChatClient, roomId: string): Array<string | undefined> {
  return client
    .room(roomId)
    .get()
    .map((m) => m.text);
}

/** Asserts the list invariants: stored ids unique, seqs strictly increasing. */
export function assertGapless(client: ChatClient, roomId: string): void {
  const stored = client
    .room(roomId)
    .get()
    .filter((m) => m.seq !== undefined);
  const ids = new Set(stored.map((m) => m.id));
  if (ids.size !== stored.length) throw new Error(`duplicate messages in ${roomId}`);
  for (let i = 1; i < stored.length; i++) {
    if (stored[i]!.seq! <= stored[i - 1]!.seq!)
      throw new Error(`seq order broken at ${i}: ${stored.map((m) => m.seq).join(',')}`);
  }
}

/** Fast reconnection timings, so outage tests take seconds. */
export const fastTimings = {
  reconnectionDelayMs: 100,
  reconnectionDelayMaxMs: 400,
  socketProbeIntervalMs: 300,
  fallbackPollIntervalMs: 200,
  retryDelayMaxMs: 500,
  ackTimeoutMs: 5000,
} satisfies ChatClientOptions;

/**
 * A whole stack (`startTestStack(stackEnv)`) for one test file: started before its tests, stopped after them (after
 * the file's own afterAll hooks, which run first), whether or not the file's own setup got through.
 */
export function testStackSuite(stackEnv: Record<string, string> = {}): { readonly env: TestStack } {
  let env: TestStack | undefined;
  beforeAll(async () => {
    env = await startTestStack(stackEnv);
  });
  afterAll(async () => {
    await env?.stop();
  });
  return {
    get env() {
      if (!env) throw new Error('the test stack is not started yet: use it inside a test or a later hook');
      return env;
    },
  };
}
