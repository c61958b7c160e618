/**
 * Re-reads `probe` until `done` holds and returns that value; fails after `timeoutMs` with the last value
 * seen. For conditions that become true as the system catches up, instead of sleeping in tests.
 */
export function eventually<T, Done extends T>(
  probe: () => T | Promise<T>,
  done: (value: T) => value is Done,
  timeoutMs?: number,
): Promise<Done>;
export function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs?: number): Promise<T>;
export async function eventually<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
