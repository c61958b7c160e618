import { describe, it, expect, beforeAll } from 'vitest';
import type { Room } from '@chatrt/contracts';
import { ChaosClient } from '../src/chaos/chaos-client.ts';
import { checkInvariants, type SendRecord } from '../src/chaos/invariants.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { SdkChaosClient } from '../src/chaos/sdk-chaos-client.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';
import { writeScenarioSummary } from '../src/chaos/summary.ts';
import { ChatUser } from '../src/client/chat-user.ts';
import { eventually } from '../src/testing/eventually.ts';

/** Waits the `retryAfter` seconds a refusal asked for: that wait is what the scenario checks. */
const waitOut = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

const refusals = (sends: readonly SendRecord[]) =>
  sends.flatMap((s) => (s.outcome.kind === 'rejected' && s.outcome.code === 'RATE_LIMITED' ? [s.outcome] : []));

/**
 * One user bursts over two gateways (a burst of 10, the default, refilled at 1 message a second, shared between
 * gateways): sends past the limit are refused with RATE_LIMITED and a retryAfter on either gateway, nothing
 * refused is stored, a send after waiting retryAfter out succeeds, and the SDK's countdown (its `rateLimit`
 * store) says what the server said.
 */
describe('chaos: rate-limit bursts across two gateways', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    // A slow refill: however long the burst takes on a busy machine, the second gateway has little to give.
    stack = await startScenarioStack({ gateways: 2, env: { RATE_LIMIT_MESSAGES_PER_SECOND: '1' } });
    return () => stack.stop();
  });

  it('refuses the burst on both gateways with retryAfter, stores none of it, and sends after waiting', async () => {
    const alice = new ChatUser(stack.clientConfig(0));
    await alice.signUp();
    const aliceAgain = new ChatUser(stack.clientConfig(1), alice.username, alice.password);
    await aliceAgain.logIn();
    const bob = new ChatUser(stack.clientConfig(0));
    await bob.signUp();
    const room = await alice.http<Room>('POST', '/chat/rooms', { name: 'rate-limit bursts', memberIds: [bob.id] });
    expect(room.status).toBe(201);
    const roomId = room.body.id;
    const gateway = (i: number) => () => [stack.clientConfig(i)];
    const onFirst = new ChaosClient({
      name: 'alice@gateway-0',
      user: alice,
      roomId,
      gateways: gateway(0),
      retryRateLimited: false,
    });
    const onSecond = new ChaosClient({
      name: 'alice@gateway-1',
      user: aliceAgain,
      roomId,
      gateways: gateway(1),
      retryRateLimited: false,
    });
    const receiver = new ChaosClient({ name: 'bob', user: bob, roomId, gateways: gateway(0) });
    const sdk = await SdkChaosClient.open({
      name: 'alice SDK@gateway-1',
      user: alice,
      roomId,
      config: stack.clientConfig(1),
    });
    try {
      await Promise.all([onFirst.connect(), onSecond.connect(), receiver.connect()]);

      // The burst on the first gateway empties alice's bucket there…
      const burstAt = Date.now();
      await Promise.all(Array.from({ length: 14 }, (_, n) => onFirst.send(`burst ${n}`)));
      // …and the second gateway charges her the same: without the shared limit it would have 10 sends to give.
      // Gateways share usage in batches (every RATE_LIMIT_SHARE_INTERVAL_MS, 50 ms; the design lets a burst exceed
      // a limit by one batch), so the second burst waits out many batches first, a loaded machine included.
      await waitOut(1);
      await Promise.all(Array.from({ length: 8 }, (_, n) => onSecond.send(`other gateway ${n}`)));
      expect(refusals(onFirst.sends).length, 'refused on the first gateway').toBeGreaterThan(0);
      expect(
        refusals(onSecond.sends).length,
        'refused on the second gateway (the limit spans gateways)',
      ).toBeGreaterThan(0);
      for (const refused of [...refusals(onFirst.sends), ...refusals(onSecond.sends)])
        expect(refused.retryAfter).toBeGreaterThanOrEqual(1);

      // The SDK, blocked with her, counts down what the server said and sends its queue once it may.
      const queued = Array.from({ length: 8 }, (_, n) => sdk.send(`sdk ${n}`));
      const observed = await eventually(
        () => sdk.rateLimits[0],
        (r) => r !== undefined,
        20_000,
      );
      const blocked = await eventually(
        () => sdk.countdown.find((s) => s.blocked && s.at >= observed.at),
        (s) => s !== undefined,
        5_000,
      );
      expect(blocked.secondsLeft).toBe(observed.retryAfter);
      expect(Math.abs(blocked.until! - (observed.at + observed.retryAfter * 1000))).toBeLessThan(500);
      const sdkSends = await Promise.all(queued);
      expect(sdkSends.map((s) => s.outcome.kind)).toEqual(Array.from({ length: 8 }, () => 'ok'));
      const opened = sdk.countdown.find((s) => !s.blocked && s.at > blocked.at);
      expect(opened, 'the countdown ended').toBeDefined();
      expect(opened!.at - observed.at).toBeGreaterThanOrEqual(observed.retryAfter * 1000 - 250);

      // Waiting the refusal's retryAfter out is enough: the next send on either gateway succeeds.
      const last = refusals(onSecond.sends).at(-1)!;
      await waitOut(last.retryAfter!);
      const again = await onSecond.send('after waiting');
      expect(again.outcome.kind).toBe('ok');
      const recoveredAt = again.settledAt;

      const history = await eventually(
        async () =>
          (
            await alice.http<{
              messages: Array<{ id: string; roomId: string; seq: number; senderId: string; clientMessageId: string }>;
            }>('GET', `/chat/messages?roomId=${roomId}&limit=200`)
          ).body.messages,
        (messages) => messages.length > 0 && receiver.hasSeen(messages.at(-1)!.seq),
        30_000,
      );
      const clients = [onFirst, onSecond, sdk, receiver];
      const report = checkInvariants(
        clients.map((c) => c.record()),
        new Map([[roomId, history]]),
      );
      expect(report.violations).toEqual([]);
      expect(report.counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      await writeScenarioSummary({
        scenario: 'rate-limit bursts, two gateways',
        ...report.counts,
        recoverySeconds: Math.round((recoveredAt - burstAt) / 100) / 10,
      });
    } finally {
      for (const client of [onFirst, onSecond, receiver]) client.close();
      await sdk.close();
      for (const user of [alice, aliceAgain, bob]) user.close();
    }
  });
});
