import { afterAll, beforeAll } from 'vitest';
import { NotifyFixture } from './support.ts';

/** A NotifyFixture started before the file's tests and closed after them (if it got started). */
export function notifySuite(): { readonly fx: NotifyFixture } {
  let fx: NotifyFixture | undefined;

  beforeAll(async () => {
    fx = await NotifyFixture.start();
  });

  afterAll(async () => {
    await fx?.close();
  });

  return {
    get fx() {
      if (!fx) throw new Error('the notify fixture is not started yet: use it inside a test');
      return fx;
    },
  };
}
