import { describe, expect, it } from 'vitest';
import type { RateLimitKind } from '@chatrt/contracts';
import { createChatCommands } from '../src/application/chat-commands.ts';
import type { Backend, Transport } from '../src/application/ports.ts';
import { createRateLimitPolicy } from '../src/application/rate-limits.ts';
import { createRateLimiter, rateLimitKinds, type RateLimits } from '../src/adapters/rate-limiter.ts';

/** One command of each kind at once, none after, for the whole test (the clock stands still). */
const oneEach = Object.fromEntries(rateLimitKinds.map((kind) => [kind, { perSecond: 1, burst: 1 }])) as RateLimits;

function commandsWithRecorders() {
  const requests: { subject: string; payload: unknown }[] = [];
  const refused: { transport: Transport; kind: RateLimitKind }[] = [];
  const backend: Backend = {
    request: (subject, payload) => {
      requests.push({ subject, payload });
      return Promise.resolve({ ok: true } as never);
    },
  };
  const rateLimits = createRateLimitPolicy(
    createRateLimiter(oneEach, () => 0),
    { rateLimited: { inc: (labels) => refused.push(labels) } },
  );
  return { commands: createChatCommands({ backend, rateLimits }), requests, refused };
}

describe('createChatCommands', () => {
  it('sends a command as the caller with its text in NFC', async () => {
    const { commands, requests } = commandsWithRecorders();
    await commands.sendMessage('alice', { roomId: 'r1', message: 'cafe\u0301', clientMessageId: 'c1' }, 'socket');
    expect(requests).toEqual([
      {
        subject: 'chat.cmd.sendMessage',
        payload: { actorId: 'alice', roomId: 'r1', message: 'caf\u00e9', clientMessageId: 'c1' },
      },
    ]);
  });

  it('counts sends over both transports against one limit, and a refused one goes no further', async () => {
    const { commands, requests, refused } = commandsWithRecorders();
    const send = { roomId: 'r1', message: 'hi', clientMessageId: 'c1' };
    expect(await commands.sendMessage('alice', send, 'socket')).toEqual({ ok: true });
    const overRest = await commands.sendMessage('alice', send, 'rest');
    expect(overRest).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfter: 1 } });
    expect(requests).toHaveLength(1);
    expect(refused).toEqual([{ transport: 'rest', kind: 'send' }]);
    // Edits and deletions share their own limit; another user has their own buckets.
    expect(await commands.editMessage('alice', { messageId: 'm1', message: 'ho' }, 'rest')).toEqual({ ok: true });
    expect(await commands.deleteMessage('alice', { messageId: 'm1' }, 'socket')).toMatchObject({ ok: false });
    expect(await commands.sendMessage('bob', send, 'socket')).toEqual({ ok: true });
  });
});
