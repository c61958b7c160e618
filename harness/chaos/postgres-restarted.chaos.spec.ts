import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * The database goes down for real (`docker restart`: connections dropped, the server shut down and started): acks say
 * UNAVAILABLE or ok, never ok-then-lost.
 */
describe.skipIf(chaosOnProcesses)('chaos: Postgres restarted', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('keeps every ok across a Postgres restart, raw and SDK clients alike', async () => {
    const result = await runScenario(stack, {
      name: 'Postgres restarted',
      senders: 3,
      sdkSenders: 1,
      receivers: 1,
      sdkReceivers: 1,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: () => stack.restart('postgres'),
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    // The restart reached the senders: they were told UNAVAILABLE (and retried), not left without an answer.
    expect(result.clients.reduce((sum, c) => sum + c.unavailableAcks, 0)).toBeGreaterThan(0);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
    expect(result.summary.recoverySeconds).toBeGreaterThanOrEqual(0);
  });
});
