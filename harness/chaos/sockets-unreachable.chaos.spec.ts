import { describe, it, expect, beforeAll } from 'vitest';
import { rawClients, runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * Every gateway's socket server unreachable for 10 s: clients send over REST (POST /api/chat/messages, same
 * clientMessageId) and poll the history, then return to sockets when they answer again. REST and Socket.IO
 * live in one gateway process, so "every gateway stopped" cannot leave REST up: what is cut here is the
 * clients' link to each gateway's socket port (Toxiproxy, disabled and enabled again), while REST stays
 * reachable. A stopped gateway without any fallback is the SIGKILL scenario's business.
 */
describe.skipIf(chaosOnProcesses)('chaos: every gateway socket unreachable, REST fallback', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ gateways: 2, env: unlimitedSends, proxiedLinks: ['gateway-socket'] });
    return () => stack.stop();
  });

  it('sends and polls over REST while no socket answers, returns to sockets, and loses nothing', async () => {
    const result = await runScenario(stack, {
      name: 'sockets unreachable, REST fallback',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      restFallback: true,
      fault: async () => {
        for (let g = 0; g < stack.gateways; g++) await stack.toxiproxy.disable(`gateway-${g}-socket`);
        // The outage's length is the scenario; clients keep sending (over REST) meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        for (let g = 0; g < stack.gateways; g++) await stack.toxiproxy.enable(`gateway-${g}-socket`);
      },
    });
    await expectNoLoss(result, async () => `--- gateway 0 log ---\n${await stack.logs('gateway', 0)}`);
    expect(
      rawClients(result)
        .flatMap((c) => c.sends)
        .filter((s) => s.outcome.kind === 'unknown'),
    ).toEqual([]);
    const senders = rawClients(result).filter((c) => c.name.startsWith('sender'));
    const receivers = rawClients(result).filter((c) => c.name.startsWith('receiver'));
    expect(
      senders.every((c) => c.restSends > 0),
      `REST sends: ${senders.map((c) => c.restSends).join(', ')}`,
    ).toBe(true);
    expect(
      receivers.every((c) => c.restReceived > 0),
      `polled: ${receivers.map((c) => c.restReceived).join(', ')}`,
    ).toBe(true);
    // Back on sockets: every client lost its socket and connected one again.
    expect(rawClients(result).every((c) => c.reconnects >= 1 && c.transports.length >= 2)).toBe(true);
  });
});
