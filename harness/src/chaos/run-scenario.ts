import { ChatUser } from '../client/chat-user.ts';
import { eventually } from '../testing/eventually.ts';
import { ChaosClient } from './chaos-client.ts';
import { checkInvariants } from './invariants.ts';
import { checkMentions } from './mention-invariants.ts';
import { recoverySeconds } from './recovery.ts';
import type { ScenarioClient, ScenarioOptions, ScenarioResult } from './scenario-options.ts';
import { fetchHistory, mentionViews } from './scenario-reads.ts';
import type { ScenarioStack } from './scenario-stack.ts';
import { SdkChaosClient } from './sdk-chaos-client.ts';
import { writeScenarioSummary, type ChaosSummary } from './summary.ts';

/**
 * Runs one scenario: a room whose members are real clients (raw Socket.IO and the SDK) spread over the
 * gateways, senders with known messages (clientMessageIds), some invalid and some mentioning receivers, the
 * fault while they send, then the invariant check against the room's history from REST and, with mentions,
 * every mentioned user's notifications. Writes the summary row; the caller asserts on `violations`.
 */
export async function runScenario(stack: ScenarioStack, options: ScenarioOptions): Promise<ScenarioResult> {
  const liveConfigs = () => Array.from({ length: stack.gateways }, (_, i) => stack.clientConfig(i));
  const sdkSenders = options.sdkSenders ?? 0;
  const sdkReceivers = options.sdkReceivers ?? 0;
  const roles = [
    ...Array.from({ length: options.senders }, () => ({ sdk: false, sends: true })),
    ...Array.from({ length: sdkSenders }, () => ({ sdk: true, sends: true })),
    ...Array.from({ length: options.receivers }, () => ({ sdk: false, sends: false })),
    ...Array.from({ length: sdkReceivers }, () => ({ sdk: true, sends: false })),
  ];
  const owner = new ChatUser(stack.clientConfig(0));
  const users: ChatUser[] = [];
  const clients: ScenarioClient[] = [];
  try {
    await owner.signUp();
    const members: Array<{ role: (typeof roles)[number]; user: ChatUser }> = [];
    for (const [i, role] of roles.entries()) {
      const user = new ChatUser(stack.clientConfig(i % stack.gateways));
      await user.signUp();
      users.push(user);
      members.push({ role, user });
    }
    const created = await owner.api.POST('/api/chat/rooms', {
      body: { name: options.name.slice(0, 60), memberIds: users.map((u) => u.id) },
    });
    if (!created.data) throw new Error(`create room: ${created.response.status} ${JSON.stringify(created.error)}`);
    const roomId = created.data.id;

    const order =
      options.gatewayOrder ??
      ((client: number, s: ScenarioStack) => Array.from({ length: s.gateways }, (_, k) => (client + k) % s.gateways));
    const participants: Array<{ sends: boolean; user: ChatUser; client: ScenarioClient }> = [];
    for (const [i, { role, user }] of members.entries()) {
      const name = `${role.sdk ? 'sdk-' : ''}${role.sends ? 'sender' : 'receiver'}-${i}`;
      const client = role.sdk
        ? await SdkChaosClient.open({ name, user, roomId, config: stack.clientConfig(i % stack.gateways) })
        : new ChaosClient({
            name,
            user,
            roomId,
            gateways: () => order(i, stack).map((g) => stack.clientConfig(g)),
            connectOptions: options.connectOptions?.(i),
            restFallback: options.restFallback,
          });
      clients.push(client);
      participants.push({ sends: role.sends, user, client });
    }
    await Promise.all(rawClientsOf(clients).map((c) => c.connect()));

    const invalidEvery = options.invalidEvery ?? 25;
    const senders = participants.filter((p) => p.sends).map((p) => p.client);
    const receiverUsers = participants.filter((p) => !p.sends).map((p) => p.user);
    const receivers = participants.filter((p) => !p.sends).map((p) => p.client);
    /** clientMessageId → the user its text mentions. */
    const mentioned = new Map<string, string>();
    let mentionTurn = 0;
    // The load runs through the fault whatever its length: each sender goes on past `messagesPerSender` until the
    // fault is healed, and sends a few more after it, so every scenario also proves sending works again.
    let healed = false;
    const load = Promise.all(
      senders.map(async (client, s) => {
        let sentAfterHeal = 0;
        for (let n = 1; n <= options.messagesPerSender || !healed || sentAfterHeal < sendsAfterHeal; n++) {
          if (healed) sentAfterHeal++;
          const target =
            options.mentionEvery && n % options.mentionEvery === 0
              ? receiverUsers[mentionTurn++ % receiverUsers.length]
              : undefined;
          const text =
            n % invalidEvery === 0
              ? 'x'.repeat(5000)
              : `${options.name} ${s}/${n}${target ? ` @${target.username}` : ''}`;
          const sent = await client.send(text);
          if (target && n % invalidEvery !== 0) mentioned.set(sent.clientMessageId, target.id);
        }
      }),
    );
    const acked = () => senders.reduce((sum, c) => sum + c.sends.filter((r) => r.outcome.kind === 'ok').length, 0);
    await eventually(
      () => acked(),
      (n) => n >= options.faultAfterAcks,
      120_000,
    );

    const faultAt = Date.now();
    await options.fault(stack, { clients, receivers, acked });
    const healedAt = Date.now();
    healed = true;
    await load;
    // Every raw client back on a socket (they retry on their own), so what they recorded covers the recovery.
    await eventually(
      () => rawClientsOf(clients).every((c) => c.connected),
      (done) => done,
      60_000,
    ).catch(() => undefined);

    const history = await eventually(
      () => fetchHistory(owner, roomId, liveConfigs()).catch(() => undefined),
      (messages) => messages !== undefined,
      60_000,
    );
    // Delivery runs behind the acks: wait until every client has caught up (or time out and let the check say what
    // is missing).
    const last = history.at(-1)?.seq ?? 0;
    await eventually(
      () => clients.every((c) => c.hasSeen(last)),
      (done) => done,
      60_000,
    ).catch(() => undefined);

    const report = checkInvariants(
      clients.map((c) => c.record()),
      new Map([[roomId, history]]),
    );
    const counts = { ...report.counts };
    const violations = [...report.violations];
    if (options.mentionEvery) {
      // A stored message owes its mention, whatever its sender was told (an unknown outcome may have been stored).
      const owed = history.flatMap((m) => {
        const userId = mentioned.get(m.clientMessageId);
        return userId === undefined ? [] : [{ userId, messageId: m.id }];
      });
      const views = await mentionViews(owed, receiverUsers, receivers, liveConfigs());
      const mentions = checkMentions(owed, views);
      counts.lost += mentions.lost;
      counts.duplicated += mentions.duplicated;
      violations.push(...mentions.violations);
    }
    const recovery = recoverySeconds(faultAt, healedAt, senders, clients);
    const summary: ChaosSummary = {
      scenario: options.name,
      ...counts,
      recoverySeconds: Number.isNaN(recovery) ? -1 : recovery,
    };
    await writeScenarioSummary(summary);
    return { summary, violations, clients };
  } finally {
    await Promise.all(
      clients.map(async (client) => {
        await client.close();
      }),
    );
    for (const user of [owner, ...users]) user.close();
  }
}

/** The raw Socket.IO clients of a result, for checks on what only they record (transports, REST fallback, acks). */
export function rawClients(result: ScenarioResult): ChaosClient[] {
  return rawClientsOf(result.clients);
}

function rawClientsOf(clients: readonly ScenarioClient[]): ChaosClient[] {
  return clients.filter((client): client is ChaosClient => client instanceof ChaosClient);
}

/** Sends each sender makes once the fault is healed. */
const sendsAfterHeal = 10;
