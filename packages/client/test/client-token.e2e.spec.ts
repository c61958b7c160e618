import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Room } from '@chatrt/contracts';
import type { ChatUser } from '@chatrt/harness';
import type { ChatClient, ConnectionStatus } from '../src/index.ts';
import { assertGapless, clientFor, fastTimings, until, testStackSuite } from './support/e2e.ts';

describe('ChatClient across session token lifetimes (tokens live 5 s)', () => {
  const suite = testStackSuite({ SESSION_TOKEN_TTL_SECONDS: '5' });
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  let client: ChatClient | undefined;

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'short tokens', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    await client?.stop();
  });

  it('refreshes its token before expiry, reconnects after each sessionExpired and stays usable', async () => {
    // Count token fetches through the injected fetch, and wake the test on each one.
    let tokenFetches = 0;
    const onTokenFetch = new Set<() => void>();
    const countingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/auth/session-token') && res.status === 200) {
        tokenFetches++;
        for (const wake of [...onTokenFetch]) wake();
      }
      return res;
    };
    const nextTokenFetch = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`only ${tokenFetches} token fetches`));
        }, 15_000);
        const check = () => {
          if (tokenFetches < count) return;
          clearTimeout(timer);
          onTokenFetch.delete(check);
          resolve();
        };
        onTokenFetch.add(check);
        check();
      });

    ({ client } = await clientFor(suite.env, alice, { ...fastTimings, fetch: countingFetch }));
    const statuses: ConnectionStatus[] = [];
    client.on('status', (s) => statuses.push(s));
    await client.start();
    await client.waitForStatus('connected');
    await client.joinRoom(room.id);
    const store = client.room(room.id);

    // Over four token lifetimes, send from both sides after each new token.
    const sentIds: string[] = [];
    for (let lifetime = 1; lifetime <= 4; lifetime++) {
      await nextTokenFetch(lifetime + 1);
      const mine = await client.send(room.id, `mine ${lifetime}`).settled();
      const theirs = await bob.http<{ id: string }>('POST', '/chat/messages', {
        roomId: room.id,
        message: `theirs ${lifetime}`,
      });
      sentIds.push(mine.id, theirs.body.id);
    }
    await until(
      store,
      () => sentIds.every((id) => store.get().some((m) => m.id === id)),
      'every message of every lifetime',
    );
    await client.waitForStatus('connected');
    assertGapless(client, room.id);
    expect(store.get().map((m) => m.text)).toEqual([1, 2, 3, 4].flatMap((n) => [`mine ${n}`, `theirs ${n}`]));
    expect(statuses).not.toContain('fallback');
    expect(statuses).not.toContain('unauthenticated');
    expect(tokenFetches).toBeGreaterThanOrEqual(5);
  });
});
