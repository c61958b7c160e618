import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * The first of two gateways loses NATS for 8 s: its link runs through Toxiproxy, which is disabled (open
 * connections closed, new ones refused) and enabled again. Its clients are told UNAVAILABLE and retry; its
 * receivers catch up on the messages sent through the other gateway meanwhile.
 */
describe.skipIf(chaosOnProcesses)('chaos: partition between a gateway and NATS', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ gateways: 2, env: unlimitedSends, proxiedLinks: ['gateway-nats'] });
    return () => stack.stop();
  });

  it('answers UNAVAILABLE on the cut-off gateway, and loses, doubles and reorders nothing once healed', async () => {
    const result = await runScenario(stack, {
      name: 'gateway-NATS partition 8 s',
      senders: 4,
      receivers: 4,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        await stack.toxiproxy.disable('gateway-0-nats');
        // The partition's length is the scenario; clients keep sending meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        await stack.toxiproxy.enable('gateway-0-nats');
      },
    });
    await expectNoLoss(result, async () => `--- gateway 0 log ---\n${await stack.logs('gateway', 0)}`);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
    // Clients 0, 2, … started on the cut-off gateway: the partition reached them as UNAVAILABLE (or a lost socket).
    const cutOff = result.clients.filter((_, i) => i % 2 === 0 && i < 4);
    expect(cutOff.reduce((sum, c) => sum + c.unavailableAcks + c.reconnects, 0)).toBeGreaterThan(0);
  });
});
