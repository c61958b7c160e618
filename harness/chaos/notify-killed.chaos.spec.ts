import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';
import { eventually } from '../src/testing/eventually.ts';

/** Mentions sent while notify is down (SIGKILL) wait in JetStream: after its restart each exists exactly once. */
describe('chaos: notify SIGKILLed while mentions are sent', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    stack = await startScenarioStack({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('notifies every mention once (REST and the SDK store) after notify is killed and started again', async () => {
    const result = await runScenario(stack, {
      name: 'notify SIGKILLed during mentions',
      senders: 3,
      sdkSenders: 1,
      receivers: 2,
      sdkReceivers: 2,
      messagesPerSender: 150,
      // Every 3rd message mentions a receiver: about 190 mentions, a third of them while notify is down.
      mentionEvery: 3,
      faultAfterAcks: 100,
      fault: async (s, { acked }) => {
        await s.killService('notify');
        const killedAt = acked();
        // Down for as long as it takes the senders to store 150 more messages (about 50 mentions).
        await eventually(
          () => acked(),
          (n) => n >= killedAt + 150,
          120_000,
        );
        await s.startService('notify');
      },
    });
    await expectNoLoss(result, async () => `--- notify log ---\n${await stack.logs('notify')}`);
    expect(result.summary.acked).toBeGreaterThan(500);
  });
});
