import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagePage, Room } from '@chatrt/contracts';
import type { ChatUser } from '@chatrt/harness';
import type { ChatClient } from '../src/index.ts';
import { assertGapless, clientFor, fastTimings, until, testStackSuite } from './support/e2e.ts';

describe('the chat service crashes (SIGKILL) while a client keeps writing', () => {
  const suite = testStackSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  let client: ChatClient | undefined;

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'crash', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    await client?.stop();
  });

  it(
    'stores every message written exactly once, in the order written, and delivers them all',
    { timeout: 120_000 },
    async () => {
      const writer = (client = (await clientFor(suite.env, alice, fastTimings)).client);
      await writer.start();
      await writer.waitForStatus('connected');
      await writer.joinRoom(room.id);

      const texts = Array.from({ length: 40 }, (_, i) => `crash ${String(i).padStart(2, '0')}`);
      const write = (part: string[]) => part.map((text) => writer.send(room.id, text).settled());
      const sends = write(texts.slice(0, 16));
      // Mid-stream, once the first few are stored, the chat service dies without warning (sends in flight, maybe
      // mid-commit); the client keeps writing while it dies, while it is down, and after it is back.
      await sends[4];
      const killed = suite.env.stack.killService('chat');
      sends.push(...write(texts.slice(16, 24)));
      await killed;
      sends.push(...write(texts.slice(24, 32)));
      await suite.env.stack.startService('chat');
      sends.push(...write(texts.slice(32)));
      const stored = await Promise.all(sends);
      expect(stored.map((m) => m.message)).toEqual(texts);

      const history = await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}&limit=200`);
      expect(history.body.messages.map((m) => m.message)).toEqual(texts);
      const store = client.room(room.id);
      await until(
        store,
        () => stored.every((m) => store.get().some((line) => line.id === m.id)),
        'every message in the room view',
      );
      assertGapless(client, room.id);
      expect(
        store
          .get()
          .filter((line) => line.state === 'sent')
          .map((line) => line.text),
      ).toEqual(texts);
    },
  );
});
