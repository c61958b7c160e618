import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';
import { eventually } from '../src/testing/eventually.ts';

/** Messages sent while the long-gap receivers are away: they must resume with every one of them. */
const LONG_GAP_MESSAGES = 3_000;

/**
 * Receivers lose their connection mid-stream: a blip (the transport closes, they reconnect at once) and a long
 * absence (thousands of messages sent meanwhile); raw Socket.IO clients and the SDK alike resume after the last
 * seq they hold, and end with the whole room, gap-free, in order, once each.
 */
describe('chaos: clients dropped and resumed mid-stream', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    stack = await startScenarioStack({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('resumes short and long gaps (thousands missed) with nothing lost, doubled or reordered', async () => {
    const result = await runScenario(stack, {
      name: 'clients dropped and resumed',
      senders: 3,
      sdkSenders: 1,
      // Receivers 0-1 and SDK receiver 0 blip; receivers 2-3 and SDK receiver 1 stay away for the long gap.
      receivers: 4,
      sdkReceivers: 2,
      messagesPerSender: 1_100,
      faultAfterAcks: 200,
      fault: async (_, { receivers, acked }) => {
        const [blip1, blip2, away1, away2, sdkBlip, sdkAway] = receivers;
        for (const client of [blip1!, blip2!, sdkBlip!]) client.drop();
        await Promise.all([away1!.goAway(), away2!.goAway(), sdkAway!.goAway()]);
        const leftAt = acked();
        // The gap's length is the scenario: the away clients come back once this many more messages are stored.
        await eventually(
          () => acked(),
          (n) => n >= leftAt + LONG_GAP_MESSAGES,
          240_000,
        );
        await Promise.all([away1!.comeBack(), away2!.comeBack(), sdkAway!.comeBack()]);
      },
    });
    await expectNoLoss(result, async () => `--- gateway log ---\n${await stack.logs('gateway')}`);
    expect(
      result.clients.filter((c) => c.name.includes('receiver')).every((c) => c.reconnects >= 1),
      'every receiver was dropped and came back',
    ).toBe(true);
    expect(result.summary.acked).toBeGreaterThan(LONG_GAP_MESSAGES + 200);
  });
});
