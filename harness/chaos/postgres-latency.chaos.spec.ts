import { describe, it, expect, beforeAll } from 'vitest';
import { rawClients, runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * A slow database link (Toxiproxy delays every answer of Postgres to chat by 500 ms for 10 s): acks slow down, none is
 * lost.
 */
describe.skipIf(chaosOnProcesses)('chaos: 500 ms latency on the chat↔Postgres link', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends, proxiedLinks: ['chat-postgres'] });
    return () => stack.stop();
  });

  it('acks slower while the link is slow, and keeps every ok once, in order', async () => {
    const result = await runScenario(stack, {
      name: 'chat-Postgres link 500 ms latency',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        await stack.toxiproxy.addToxic('chat-postgres', 'slow', { type: 'latency', attributes: { latency: 500 } });
        // The slow spell's length is the scenario; clients keep sending meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        await stack.toxiproxy.removeToxic('chat-postgres', 'slow');
      },
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    expect(
      rawClients(result)
        .flatMap((c) => c.sends)
        .filter((s) => s.outcome.kind === 'unknown'),
    ).toEqual([]);
    // The latency reached the senders: a send waits on at least one round trip to Postgres.
    expect(Math.max(...rawClients(result).flatMap((c) => c.ackMillis))).toBeGreaterThanOrEqual(500);
  });
});
