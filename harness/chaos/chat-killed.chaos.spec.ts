import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import type { ScenarioStack } from '../src/chaos/scenario-stack.ts';
import { startScenarioStack } from '../src/chaos/start-scenario-stack.ts';

/** The event-sourced core crashes mid-append: an ok ack means committed, and the outbox delivers it once. */
describe('chaos: chat SIGKILLed during appends', () => {
  let stack: ScenarioStack;

  beforeAll(async () => {
    // The senders are load generators, not people: lift the per-user limit.
    stack = await startScenarioStack({ env: { RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' } });
  });

  afterAll(() => stack?.stop());

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
    const detail = result.violations.length > 0 ? `${result.violations.join('\n')}\n--- chat log ---\n${await stack.logs('chat')}` : '';
    expect(result.violations, detail).toEqual([]);
    expect(result.summary).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
    expect(result.summary.acked).toBeGreaterThan(500);
    expect(result.summary.recoverySeconds).toBeGreaterThanOrEqual(0);
  });
});
