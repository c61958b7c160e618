import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/** The bus goes away and comes back (`docker restart`, JetStream kept on its disk): every service reconnects. */
describe.skipIf(chaosOnProcesses)('chaos: NATS restarted (single node)', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('keeps every ok and delivers every message once, in order, across a NATS restart', async () => {
    const result = await runScenario(stack, {
      name: 'NATS restarted',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: () => stack.restart('nats'),
    });
    await expectNoLoss(result, async () => `--- gateway log ---\n${await stack.logs('gateway')}`);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
  });
});
