import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/** A frozen database (`docker pause`: connections stay open, nothing answers) must never turn into ok-then-lost. */
describe.skipIf(chaosOnProcesses)('chaos: Postgres paused for 10 s', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends });
    return () => stack.stop();
  });

  it('answers UNAVAILABLE or succeeds while Postgres is frozen, and keeps every ok', async () => {
    const pauseMs = 10_000;
    const result = await runScenario(stack, {
      name: 'Postgres paused 10 s',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        await stack.pause('postgres');
        // The fault's length is the scenario, not a wait for the system: clients keep sending meanwhile.
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        await stack.unpause('postgres');
      },
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    // The pause reached the senders: they were told UNAVAILABLE (and retried), not left without an answer.
    expect(result.clients.reduce((sum, c) => sum + c.unavailableAcks, 0)).toBeGreaterThan(0);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
  });
});
