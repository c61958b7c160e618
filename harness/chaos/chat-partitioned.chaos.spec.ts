import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/** chat cut off the network for 5 s (`docker network disconnect`): it loses NATS and Postgres at once, and recovers. */
describe.skipIf(chaosOnProcesses)('chaos: chat partitioned from NATS and Postgres', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('answers UNAVAILABLE while chat is cut off and keeps every ok once it is back', async () => {
    const result = await runScenario(stack, {
      name: 'chat partitioned 5 s',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        await stack.disconnect('chat');
        // The partition's length is the scenario; clients keep sending meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await stack.reconnect('chat');
      },
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    expect(result.clients.reduce((sum, c) => sum + c.unavailableAcks, 0)).toBeGreaterThan(0);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
  });
});
