import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AckFailure, Room } from '@chatrt/contracts';
import { startTestStack, type ChatUser, type TestStack } from '../src/index.ts';

type ErrorBody = { error: { code: string; retryAfter?: number } };

/** Waits the `retryAfter` seconds a refusal asked for: that wait is what the test checks. */
const waitFor = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

describe('per-user rate limits on every command kind (token buckets), socket and REST alike', () => {
  let env: TestStack;
  let alice: ChatUser;

  beforeAll(async () => {
    env = await startTestStack({
      RATE_LIMIT_JOINS_PER_SECOND: '1',
      RATE_LIMIT_JOINS_BURST: '3',
      RATE_LIMIT_CREATE_ROOM_PER_SECOND: '1',
      RATE_LIMIT_CREATE_ROOM_BURST: '3',
      // Slow enough that the four sequential edits below surely fall in one refill interval.
      RATE_LIMIT_EDITS_PER_SECOND: '0.5',
      RATE_LIMIT_EDITS_BURST: '3',
    });
    return () => env.stop();
  });

  beforeAll(async () => {
    alice = await env.signedUpUser();
  });

  it('a joinRoom flood from one user gets RATE_LIMITED with retryAfter, and joins again after waiting', async () => {
    const room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'joins' })).body;
    const socket = await alice.connectChat();
    const acks = await Promise.all(
      Array.from({ length: 6 }, () => socket.emitWithAck('joinRoom', { roomId: room.id })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(3);
    const refused = acks.find((a) => !a.ok) as AckFailure;
    expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown });
    expect(refused.error.retryAfter).toBeGreaterThanOrEqual(1);
    // Sends have their own bucket: a full join bucket takes nothing from them.
    expect(
      (
        await socket.emitWithAck('sendMessage', {
          roomId: room.id,
          message: 'still here',
          clientMessageId: randomUUID(),
        })
      ).ok,
    ).toBe(true);
    await waitFor(refused.error.retryAfter!);
    expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const metrics = await (await fetch(`${env.stack.urls.socket}/metrics`)).text();
    expect(metrics).toMatch(/gateway_rate_limited_total\{[^}]*transport="socket"[^}]*kind="join"[^}]*\} 3/);
    socket.disconnect();
  });

  it('a createRoom flood: 429 + Retry-After over REST, RATE_LIMITED on the socket, then creates again', async () => {
    const bob = await env.signedUpUser();
    const created = await Promise.all(
      Array.from({ length: 4 }, (_, i) => bob.http<Room | ErrorBody>('POST', '/chat/rooms', { name: `flood ${i}` })),
    );
    expect(created.map((r) => r.status).sort()).toEqual([201, 201, 201, 429]);
    const refused = created.find((r) => r.status === 429)!;
    expect((refused.body as ErrorBody).error).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: expect.any(Number) as unknown,
    });
    expect(Number(refused.headers.get('retry-after'))).toBe((refused.body as ErrorBody).error.retryAfter);
    const socket = await bob.connectChat();
    const overSocket = await socket.emitWithAck('createRoom', { name: 'one more' });
    expect(overSocket).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
    });
    await waitFor((overSocket as AckFailure).error.retryAfter!);
    expect((await socket.emitWithAck('createRoom', { name: 'after waiting' })).ok).toBe(true);
    socket.disconnect();
  });

  it('edits and deletions share one bucket, on both transports, and pass again after waiting', async () => {
    const carol = await env.signedUpUser();
    const room = (await carol.http<Room>('POST', '/chat/rooms', { name: 'edits' })).body;
    const socket = await carol.connectChat();
    const sent = await socket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'v0',
      clientMessageId: randomUUID(),
    });
    if (!sent.ok) throw new Error(JSON.stringify(sent.error));
    const messageId = sent.message.id;
    for (const text of ['v1', 'v2'])
      expect((await socket.emitWithAck('editMessage', { messageId, message: text })).ok).toBe(true);
    expect((await carol.http('PATCH', `/chat/messages/${messageId}`, { message: 'v3' })).status).toBe(200);
    const overRest = await carol.http<ErrorBody>('DELETE', `/chat/messages/${messageId}`);
    expect(overRest.status).toBe(429);
    const overSocket = await socket.emitWithAck('deleteMessage', { messageId });
    expect(overSocket).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await waitFor((overSocket as AckFailure).error.retryAfter!);
    expect(await socket.emitWithAck('deleteMessage', { messageId })).toMatchObject({
      ok: true,
      message: { deleted: true },
    });
    socket.disconnect();
  });
});
