import { describe, it, expect, beforeAll } from 'vitest';
import { rawClients, runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * Clients reach the gateway through an HAProxy balancer. Mid-stream it is restarted with a rule that denies
 * every websocket upgrade (403), as some corporate proxies do: every client loses its socket and comes back
 * over long polling. Half the clients try websocket first and fall back to polling (`tryAllTransports`);
 * the other half start on polling and their upgrade to websocket is refused.
 */
describe.skipIf(chaosOnProcesses)('chaos: websocket blocked by the balancer', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends, balancer: { refuseWebsocket: false } });
    return () => stack.stop();
  });

  it('carries the traffic over polling once upgrades are refused, and loses nothing', async () => {
    const result = await runScenario(stack, {
      name: 'websocket blocked, polling',
      senders: 4,
      receivers: 2,
      messagesPerSender: 100,
      faultAfterAcks: 100,
      connectOptions: (i) =>
        i % 2 === 0
          ? { transports: ['websocket', 'polling'], tryAllTransports: true }
          : { transports: ['polling', 'websocket'] },
      fault: () => stack.configureBalancer({ refuseWebsocket: true }),
    });
    await expectNoLoss(result, async () => `--- balancer log ---\n${await stack.logs('balancer')}`);
    expect(
      rawClients(result)
        .flatMap((c) => c.sends)
        .filter((s) => s.outcome.kind === 'unknown'),
    ).toEqual([]);
    for (const client of rawClients(result)) {
      // On websocket before the fault (connected or upgraded), on polling for good after it.
      expect(
        client.transports[0] === 'websocket' || client.transports[1] === 'websocket',
        `${client.name}: ${client.transports.join(' → ')}`,
      ).toBe(true);
      expect(client.transports.at(-1), `${client.name}: ${client.transports.join(' → ')}`).toBe('polling');
      expect(client.reconnects).toBeGreaterThanOrEqual(1);
    }
  });
});
