/**
 * Yields what `source` delivers in batches: each batch is whatever arrived while the previous one was
 * handled, at most `maxBatch`, so a busy consumer takes many at a time and an idle one each at once. Reading
 * pauses while `maxBatch` wait, which bounds what is taken from the source but not handled yet. Ends when
 * the source ends, after yielding what is left; a source that fails fails the batches after that.
 */
export async function* inBatches<T>(source: AsyncIterable<T>, maxBatch: number): AsyncGenerator<T[]> {
  const waiting: T[] = [];
  let ended: { error: Error | undefined } | undefined;
  let wakeTaker: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const reader = (async () => {
    try {
      for await (const item of source) {
        waiting.push(item);
        wakeTaker?.();
        if (waiting.length >= maxBatch) await new Promise<void>((resolve) => (wakeReader = resolve));
      }
      ended = { error: undefined };
    } catch (error) {
      ended = { error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      wakeTaker?.();
    }
  })();
  for (;;) {
    if (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      wakeReader?.();
      wakeReader = undefined;
      yield batch;
    } else if (ended) {
      break;
    } else {
      await new Promise<void>((resolve) => (wakeTaker = resolve));
      wakeTaker = undefined;
    }
  }
  await reader;
  if (ended.error !== undefined) throw ended.error;
}
