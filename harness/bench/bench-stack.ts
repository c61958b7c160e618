import type { Room } from '@chatrt/contracts';
import { startTestStack, type TestStack } from '../src/testing/test-stack.ts';
import type { ChatUser } from '../src/client/chat-user.ts';

/** Per-user limits at the gateway's maximum: the benches load the system with a few users holding many sockets. */
const [perSecond, burst] = ['10000', '100000'];

/** A whole stack on free ports for a bench, with limits that would otherwise throttle its few users. */
export async function startBenchStack(): Promise<TestStack> {
  return startTestStack({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MESSAGES_PER_SECOND: perSecond,
    RATE_LIMIT_BURST: burst,
    RATE_LIMIT_CREATE_ROOM_PER_SECOND: perSecond,
    RATE_LIMIT_CREATE_ROOM_BURST: burst,
    RATE_LIMIT_JOINS_PER_SECOND: perSecond,
    RATE_LIMIT_JOINS_BURST: burst,
    // Every probe socket comes from 127.0.0.1.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    // A resuming client of a busy room gets thousands of updates at once.
    SOCKET_MAX_BUFFERED_PACKETS: '100000',
  });
}

/** `count` rooms created over REST by `creator`, with `memberIds` in each. */
export async function createRooms(creator: ChatUser, count: number, memberIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
        const created = await creator.http<Room>('POST', '/chat/rooms', { name: `bench ${i + k}`, memberIds });
        if (created.status !== 201) throw new Error(`create room: ${created.status} ${JSON.stringify(created.body)}`);
        return created.body.id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/** A session token for `user` (valid 15 minutes). */
export async function tokenOf(user: ChatUser): Promise<string> {
  return (await user.sessionToken()).token;
}
