import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/** chat cut off the network for 5 s (`docker network disconnect`): it loses NATS and Postgres at once, and recovers. */
describe.skipIf(chaosOnProcesses)('chaos: chat partitioned from NATS and Postgres', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: { RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' } });
  });

  afterAll(() => stack?.stop());

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
    const detail = result.violations.length > 0 ? `${result.violations.join('\n')}\n--- chat log ---\n${await stack.logs('chat')}` : '';
    expect(result.violations, detail).toEqual([]);
    expect(result.summary).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
    expect(result.clients.reduce((sum, c) => sum + c.unavailableAcks, 0)).toBeGreaterThan(0);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
  });
});
