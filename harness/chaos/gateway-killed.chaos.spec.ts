import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';

/** Half the clients lose their gateway to a crash: they move to the other one and resume after their last seq. */
describe('chaos: one of two gateways SIGKILLed mid-stream', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    stack = await startScenarioStack({ gateways: 2, env: unlimitedSends });
    return () => stack.stop();
  });

  it('moves the clients of the killed gateway to the other one with nothing lost, doubled or reordered', async () => {
    const result = await runScenario(stack, {
      name: 'one of two gateways SIGKILLed',
      senders: 4,
      receivers: 4,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      // The first gateway is the one the process harness can kill; clients 0, 2, 4, … start on it.
      fault: (s) => s.killService('gateway', 0),
    });
    await expectNoLoss(result, async () => `--- gateway 1 log ---\n${await stack.logs('gateway', 1).catch(String)}`);
    const moved = result.clients.filter((_, i) => i % 2 === 0);
    expect(
      moved.every((c) => c.reconnects >= 1),
      'every client of the killed gateway reconnected',
    ).toBe(true);
  });
});
