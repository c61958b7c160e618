import type { Message } from '@chatrt/contracts';
import { ChatUser, type ConnectOptions } from '../client/chat-user.ts';
import { eventually } from '../testing/eventually.ts';
import { ChaosClient } from './chaos-client.ts';
import { checkInvariants, type HistoryMessage } from './invariants.ts';
import type { ScenarioStack } from './scenario-stack.ts';
import { writeScenarioSummary, type ChaosSummary } from './summary.ts';

export interface ScenarioOptions {
  name: string;
  /** Clients that send (and receive); each sends `messagesPerSender` messages one after another. */
  senders: number;
  /** Clients that only receive. */
  receivers: number;
  messagesPerSender: number;
  /** Every n-th send of a sender is invalid (too long) and must be refused and not stored. Default: 25. */
  invalidEvery?: number;
  /** The fault starts once this many sends have been acked (load keeps running through it). */
  faultAfterAcks: number;
  /** Causes the fault and heals it (e.g. kill chat, start it again). Runs while the load goes on. */
  fault: (stack: ScenarioStack) => Promise<void>;
  /** Gateways a client tries, in order (default: its own first, then the others). Read on every reconnect. */
  gatewayOrder?: (client: number, stack: ScenarioStack) => number[];
  /** How client `client` connects its sockets (transports and fallback); default the harness's. */
  connectOptions?: (client: number) => ConnectOptions;
  /** Clients send and poll over REST while no socket answers (ChaosClientOptions.restFallback). */
  restFallback?: boolean;
}

export interface ScenarioResult {
  summary: ChaosSummary;
  violations: string[];
  clients: readonly ChaosClient[];
}

/**
 * Runs one scenario: a room whose members are real Socket.IO clients spread over the gateways, senders
 * with known messages (clientMessageIds), the fault while they send, then the invariant check against the
 * room's history from REST. Writes the summary row; the caller asserts on `violations`.
 */
export async function runScenario(stack: ScenarioStack, options: ScenarioOptions): Promise<ScenarioResult> {
  const liveConfigs = () => Array.from({ length: stack.gateways }, (_, i) => stack.clientConfig(i));
  const owner = new ChatUser(stack.clientConfig(0));
  const users: ChatUser[] = [];
  const clients: ChaosClient[] = [];
  try {
    await owner.signUp();
    for (let i = 0; i < options.senders + options.receivers; i++) {
      const user = new ChatUser(stack.clientConfig(i % stack.gateways));
      await user.signUp();
      users.push(user);
    }
    const created = await owner.api.POST('/api/chat/rooms', { body: { name: options.name.slice(0, 60), memberIds: users.map((u) => u.id) } });
    if (!created.data) throw new Error(`create room: ${created.response.status} ${JSON.stringify(created.error)}`);
    const roomId = created.data.id;

    const order = options.gatewayOrder ?? ((client: number, s: ScenarioStack) => Array.from({ length: s.gateways }, (_, k) => (client + k) % s.gateways));
    users.forEach((user, i) => {
      const name = `${i < options.senders ? 'sender' : 'receiver'}-${i}`;
      clients.push(new ChaosClient({ name, user, roomId, gateways: () => order(i, stack).map((g) => liveConfigs()[g]!), connectOptions: options.connectOptions?.(i), restFallback: options.restFallback }));
    });
    await Promise.all(clients.map((c) => c.connect()));

    const invalidEvery = options.invalidEvery ?? 25;
    const senders = clients.slice(0, options.senders);
    const load = Promise.all(
      senders.map(async (client, s) => {
        for (let n = 1; n <= options.messagesPerSender; n++) {
          const text = n % invalidEvery === 0 ? 'x'.repeat(5000) : `${options.name} ${s}/${n}`;
          await client.send(text);
        }
      }),
    );
    const acked = () => senders.reduce((sum, c) => sum + c.sends.filter((r) => r.outcome.kind === 'ok').length, 0);
    await eventually(async () => acked(), (n) => n >= options.faultAfterAcks, 120_000);

    const faultAt = Date.now();
    await options.fault(stack);
    const recoveredAt = await eventually(
      async () => (clients.every((c) => c.connected) && senders.some((c) => c.lastAckAt > faultAt) ? Date.now() : 0),
      (at) => at > 0,
      180_000,
    ).catch(() => Number.NaN);
    await load;

    const history = (await eventually(
      () => fetchHistory(owner, roomId, liveConfigs()).catch(() => undefined),
      (messages) => messages !== undefined,
      60_000,
    ))!;
    // Delivery runs behind the acks: wait until every client has caught up (or time out and let the check say what is missing).
    const last = history.at(-1)?.seq ?? 0;
    await eventually(async () => clients.every((c) => c.received.some((m) => m.seq === last)), (done) => done, 60_000).catch(() => undefined);

    const report = checkInvariants(
      clients.map((c) => c.record()),
      new Map([[roomId, history]]),
    );
    const summary: ChaosSummary = {
      scenario: options.name,
      ...report.counts,
      recoverySeconds: Number.isNaN(recoveredAt) ? -1 : Math.round((recoveredAt - faultAt) / 100) / 10,
    };
    await writeScenarioSummary(summary);
    return { summary, violations: report.violations, clients };
  } finally {
    for (const client of clients) client.close();
    for (const user of [owner, ...users]) user.close();
  }
}

/** The room's whole history, paged forward from seq 0 through the first gateway that answers. */
async function fetchHistory(reader: ChatUser, roomId: string, gateways: readonly { apiUrl: string }[]): Promise<HistoryMessage[]> {
  let lastError: unknown;
  for (const gateway of gateways) {
    try {
      reader.config = { ...reader.config, apiUrl: gateway.apiUrl };
      const messages: Message[] = [];
      for (;;) {
        const after = messages.at(-1)?.seq ?? 0;
        const page = await reader.api.GET('/api/chat/messages', { params: { query: { roomId, after, limit: 200 } } });
        if (!page.data) throw new Error(`history: ${page.response.status} ${JSON.stringify(page.error)}`);
        messages.push(...page.data.messages);
        if (!page.data.hasMore || page.data.messages.length === 0) return messages;
      }
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
