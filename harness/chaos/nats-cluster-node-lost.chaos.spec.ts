import { describe, it, expect, beforeAll } from 'vitest';
import { runScenario } from '../src/chaos/run-scenario.ts';
import { expectNoLoss, unlimitedSends } from '../src/chaos/expect-no-loss.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { ContainerStack } from '../src/containers/container-stack.ts';
import { eventually } from '../src/testing/eventually.ts';

const nodes = ['nats', 'nats-2', 'nats-3'] as const;

interface Jsz {
  account_details?: Array<{ stream_detail?: Array<{ name: string; cluster?: { leader?: string } }> }>;
}

/**
 * The 3-node JetStream cluster (deploy/nats/cluster-node.conf, the chat stream on all three) loses the node that
 * leads the chat stream (SIGKILL) and runs on two: a new leader is elected, every service reconnects to a
 * live node, and nothing acked is lost. The lost node stays down to the end.
 */
describe.skipIf(chaosOnProcesses)('chaos: one node of the 3-node NATS cluster lost', () => {
  let stack: ContainerStack;

  beforeAll(async () => {
    stack = await ContainerStack.start({ env: unlimitedSends, natsCluster: true });
    return () => stack.stop();
  });

  /** The node leading the chat stream, as its cluster's monitoring says. */
  async function streamLeader(among: readonly string[]): Promise<string | undefined> {
    for (const node of among) {
      const port = stack.port(node as (typeof nodes)[number], 8222);
      const jsz = (await fetch(`http://127.0.0.1:${port}/jsz?accounts=true&streams=true`).then(
        (r) => r.json(),
        () => ({}),
      )) as Jsz;
      const stream = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === 'CHAT_EVENTS');
      if (stream?.cluster?.leader) return stream.cluster.leader;
    }
    return undefined;
  }

  it('elects a new stream leader, keeps every ok and delivers every message once, in order', async () => {
    let lost = '';
    let newLeader: string | undefined;
    const result = await runScenario(stack, {
      name: 'NATS cluster node lost',
      senders: 4,
      receivers: 2,
      messagesPerSender: 150,
      faultAfterAcks: 100,
      fault: async () => {
        lost = (await eventually(
          () => streamLeader(nodes),
          (leader) => leader !== undefined,
          30_000,
        ))!;
        await stack.kill(lost as (typeof nodes)[number]);
        const alive = nodes.filter((node) => node !== lost);
        newLeader = await eventually(
          () => streamLeader(alive),
          (leader) => leader !== undefined && leader !== lost,
          60_000,
        );
      },
    });
    await expectNoLoss(result, async () => `--- chat log ---\n${await stack.logs('chat')}`);
    expect(result.clients.flatMap((c) => c.sends).filter((s) => s.outcome.kind === 'unknown')).toEqual([]);
    expect(nodes).toContain(lost);
    expect(newLeader).not.toBe(lost);
  });
});
