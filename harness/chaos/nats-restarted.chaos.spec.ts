import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/** The bus goes away and comes back (`docker restart`, JetStream kept on its disk): every service reconnects. */
describe.skipIf(chaosOnProcesses)('chaos: NATS restarted (single node)', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: { RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' } });
  });

  afterAll(() => stack?.stop());

  it('keeps every ok and delivers every message once, in order, across a NATS restart', async () => {
    const result = await runScenario(stack, {
      name: 'NATS restarted',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: () => stack.restart('nats'),
    });
    const detail = result.violations.length > 0 ? `${result.violations.join('\n')}\n--- gateway log ---\n${await stack.logs('gateway')}` : '';
    expect(result.violations, detail).toEqual([]);
    expect(result.summary).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
  });
});
