import { describe, it, expect, beforeAll } from 'vitest';
import { rawClients, runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';

/**
 * The clients' link to the first of two gateways goes half-open: Toxiproxy's `timeout` toxic (timeout 0) keeps
 * the TCP connections open and drops every byte both ways, so nobody is told. The clients notice by the
 * Engine.IO heartbeat (2 s + 2 s here instead of 25 s + 20 s, to keep the scenario short), connect to the other
 * gateway and resume after their last seq.
 */
describe.skipIf(chaosOnProcesses)('chaos: half-open client link', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({
      gateways: 2,
      env: { ...unlimitedSends, SOCKET_PING_INTERVAL_MS: '2000', SOCKET_PING_TIMEOUT_MS: '2000' },
      proxiedLinks: ['gateway-socket'],
    });
    return () => stack.stop();
  });

  it('notices the silent link by ping timeout, resumes on the other gateway, and loses nothing', async () => {
    const result = await runScenario(stack, {
      name: 'half-open client link',
      senders: 4,
      receivers: 4,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        for (const stream of ['upstream', 'downstream'] as const) {
          await stack.toxiproxy.addToxic(
            'gateway-0-socket',
            `silent-${stream}`,
            { type: 'timeout', attributes: { timeout: 0 } },
            stream,
          );
        }
        // Long enough for the heartbeat to fail and the clients to move; the link stays silent meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        for (const stream of ['upstream', 'downstream'] as const)
          await stack.toxiproxy.removeToxic('gateway-0-socket', `silent-${stream}`);
      },
    });
    await expectNoLoss(result, async () => `--- gateway 0 log ---\n${await stack.logs('gateway', 0)}`);
    expect(
      rawClients(result)
        .flatMap((c) => c.sends)
        .filter((s) => s.outcome.kind === 'unknown'),
    ).toEqual([]);
    // Clients 0, 2, … were on the silent link: each noticed by the heartbeat, nobody closed anything.
    const silenced = rawClients(result).filter((_, i) => i % 2 === 0);
    expect(silenced.map((c) => c.disconnectReasons[0])).toEqual(silenced.map(() => 'ping timeout'));
  });
});
