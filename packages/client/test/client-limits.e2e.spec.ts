import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Message, MessagePage, Room } from '@chatrt/contracts';
import type { ChatUser } from '@chatrt/harness';
import type { ChatClient, RateLimitState } from '../src/index.ts';
import { clientFor, fastTimings, testStackSuite } from './support/e2e.ts';

describe('ChatClient rate limit against the real stack (1 message/s, burst 2)', () => {
  const suite = testStackSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1', RATE_LIMIT_BURST: '2' });
  const clients: ChatClient[] = [];

  beforeAll(async () => {});

  afterAll(async () => {
    for (const client of clients) await client.stop();
  });

  async function roomOf(user: ChatUser): Promise<Room> {
    return (await user.http<Room>('POST', '/chat/rooms', { name: 'limits' })).body;
  }

  async function stored(user: ChatUser, roomId: string): Promise<Message[]> {
    return (await user.http<MessagePage>('GET', `/chat/messages?roomId=${roomId}`)).body.messages;
  }

  for (const transport of ['socket', 'rest'] as const) {
    it(
      `over ${transport}: RATE_LIMITED blocks sending, counts down, then sends ` + `everything queued once, in order`,
      async () => {
        const user = await suite.env.signedUpUser();
        const room = await roomOf(user);
        const { client } = await clientFor(suite.env, user, { ...fastTimings, socketEnabled: transport === 'socket' });
        clients.push(client);
        const countdown: RateLimitState[] = [];
        client.on('rateLimit', (s) => countdown.push(s));
        const ended = new Promise<void>((resolve) =>
          client.on('rateLimitEnd', () => {
            resolve();
          }),
        );
        await client.start();
        await client.waitForStatus(transport === 'socket' ? 'connected' : 'fallback');
        await client.joinRoom(room.id);

        // Two go at once (the burst), the third waits for the one token a second refills: one block.
        const texts = ['one', 'two', 'three'];
        const messages = texts.map((t) => client.send(room.id, t));
        await ended;
        const all = await Promise.all(messages.map((m) => m.settled()));

        expect(countdown[0]).toMatchObject({ blocked: true });
        expect(countdown[0]!.secondsLeft).toBeGreaterThanOrEqual(1);
        // Each second of the countdown is shown, down to the end.
        const seconds = countdown.map((s) => s.secondsLeft);
        expect(seconds.at(-1)).toBe(0);
        for (let i = 1; i < seconds.length; i++) expect(seconds[i]).toBeLessThanOrEqual(seconds[i - 1]!);
        expect(client.getSnapshot().rateLimit.blocked).toBe(false);
        expect(all.map((m) => m.message)).toEqual(texts);
        expect((await stored(user, room.id)).map((m) => m.message)).toEqual(texts);
        await client.stop();
      },
    );
  }
});
