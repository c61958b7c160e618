import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';

/** The event-sourced core crashes mid-append: an ok ack means committed, and the outbox delivers it once. */
describe('chaos: chat SIGKILLed during appends', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    // The senders are load generators, not people: lift the per-user limit.
    stack = await startScenarioStack({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('loses, doubles and reorders nothing when chat is killed and started again while clients send', async () => {
    const result = await runScenario(stack, {
      name: 'chat SIGKILLed during appends',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async (s) => {
        await s.killService('chat');
        await s.startService('chat');
      },
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    expect(result.summary.acked).toBeGreaterThan(500);
    expect(result.summary.recoverySeconds).toBeGreaterThanOrEqual(0);
  });
});
