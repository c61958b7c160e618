import type { Message, Notification, NotificationPage } from '@chatrt/contracts';
import { ChatUser, type ConnectOptions } from '../client/chat-user.ts';
import { eventually } from '../testing/eventually.ts';
import { ChaosClient } from './chaos-client.ts';
import {
  checkInvariants,
  checkMentions,
  recoverySeconds,
  type HistoryMessage,
  type NotificationView,
  type OwedMention,
} from './invariants.ts';
import type { ScenarioStack } from './scenario-stack.ts';
import { SdkChaosClient } from './sdk-chaos-client.ts';
import { writeScenarioSummary, type ChaosSummary } from './summary.ts';

export interface ScenarioOptions {
  name: string;
  /** Raw Socket.IO clients (`ChaosClient`) that send (and receive); each sends `messagesPerSender` messages one after another. */
  senders: number;
  /** Raw Socket.IO clients that only receive. */
  receivers: number;
  /** SDK clients (`SdkChaosClient`: the project's ChatClient) that send, like the raw senders. Default: 0. */
  sdkSenders?: number;
  /** SDK clients that only receive. Default: 0. */
  sdkReceivers?: number;
  messagesPerSender: number;
  /** Every n-th send of a sender is invalid (too long) and must be refused and not stored. Default: 25. */
  invalidEvery?: number;
  /**
   * Every n-th send of a sender mentions one of the receivers (`@username`, in turn); the check then wants one
   * mention notification per stored message in each mentioned user's REST view and SDK store. Default: none.
   */
  mentionEvery?: number;
  /** The fault starts once this many sends have been acked (load keeps running through it). */
  faultAfterAcks: number;
  /**
   * Causes the fault and heals it (e.g. kill chat, start it again); runs while the load goes on. It resolves
   * when the fault is healed: the time to recover is measured from then (see `recoverySeconds`).
   */
  fault: (stack: ScenarioStack, scenario: ScenarioControl) => Promise<void>;
  /** Gateways a raw client tries, in order (default: its own first, then the others). Read on every reconnect. */
  gatewayOrder?: (client: number, stack: ScenarioStack) => number[];
  /** How client `client` connects its sockets (transports and fallback); default the harness's. */
  connectOptions?: (client: number) => ConnectOptions;
  /** Clients send and poll over REST while no socket answers (ChaosClientOptions.restFallback). */
  restFallback?: boolean;
}

/** A client of a scenario: raw Socket.IO or the SDK, recorded alike. */
export type ScenarioClient = ChaosClient | SdkChaosClient;

/** What a fault can see and steer of the running scenario. */
export interface ScenarioControl {
  /** Every client: raw senders, SDK senders, raw receivers, SDK receivers, in that order. */
  clients: readonly ScenarioClient[];
  receivers: readonly ScenarioClient[];
  /** Sends acked ok so far, over every sender. */
  acked(): number;
}

export interface ScenarioResult {
  summary: ChaosSummary;
  violations: string[];
  clients: readonly ScenarioClient[];
}

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
    for (let i = 0; i < roles.length; i++) {
      const user = new ChatUser(stack.clientConfig(i % stack.gateways));
      await user.signUp();
      users.push(user);
    }
    const created = await owner.api.POST('/api/chat/rooms', {
      body: { name: options.name.slice(0, 60), memberIds: users.map((u) => u.id) },
    });
    if (!created.data) throw new Error(`create room: ${created.response.status} ${JSON.stringify(created.error)}`);
    const roomId = created.data.id;

    const order =
      options.gatewayOrder ??
      ((client: number, s: ScenarioStack) => Array.from({ length: s.gateways }, (_, k) => (client + k) % s.gateways));
    for (const [i, role] of roles.entries()) {
      const name = `${role.sdk ? 'sdk-' : ''}${role.sends ? 'sender' : 'receiver'}-${i}`;
      const user = users[i]!;
      clients.push(
        role.sdk
          ? await SdkChaosClient.open({ name, user, roomId, config: stack.clientConfig(i % stack.gateways) })
          : new ChaosClient({
              name,
              user,
              roomId,
              gateways: () => order(i, stack).map((g) => liveConfigs()[g]!),
              connectOptions: options.connectOptions?.(i),
              restFallback: options.restFallback,
            }),
      );
    }
    await Promise.all(clients.map((c) => (c instanceof ChaosClient ? c.connect() : undefined)));

    const invalidEvery = options.invalidEvery ?? 25;
    const senders = clients.filter((_, i) => roles[i]!.sends);
    const receiverUsers = users.filter((_, i) => !roles[i]!.sends);
    const receivers = clients.filter((_, i) => !roles[i]!.sends);
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
      async () => acked(),
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
      async () => rawClientsOf(clients).every((c) => c.connected),
      (done) => done,
      60_000,
    ).catch(() => undefined);

    const history = (await eventually(
      () => fetchHistory(owner, roomId, liveConfigs()).catch(() => undefined),
      (messages) => messages !== undefined,
      60_000,
    ))!;
    // Delivery runs behind the acks: wait until every client has caught up (or time out and let the check say what is missing).
    const last = history.at(-1)?.seq ?? 0;
    await eventually(
      async () => clients.every((c) => c.hasSeen(last)),
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
    await Promise.all(clients.map((client) => client.close()));
    for (const user of [owner, ...users]) user.close();
  }
}

/**
 * Each mentioned user's notifications over REST (every page) and, for SDK receivers, in the SDK's store, once
 * notify has caught up: every owed mention listed, or a minute gone (the check then says what is missing).
 */
async function mentionViews(
  owed: readonly OwedMention[],
  users: readonly ChatUser[],
  clients: readonly ScenarioClient[],
  gateways: readonly { apiUrl: string }[],
): Promise<NotificationView[]> {
  const caughtUp = (notifications: readonly Pick<Notification, 'type' | 'messageId'>[], userId: string) => {
    const listed = new Set(notifications.flatMap((n) => (n.type === 'mention' ? [n.messageId] : [])));
    return owed.every((m) => m.userId !== userId || listed.has(m.messageId));
  };
  const views: NotificationView[] = [];
  for (const [i, user] of users.entries()) {
    const rest = await eventually(
      () => fetchNotifications(user, gateways).catch(() => []),
      (notifications) => caughtUp(notifications, user.id),
      60_000,
    ).catch(() => fetchNotifications(user, gateways));
    views.push({ userId: user.id, source: 'REST', notifications: rest });
    const client = clients[i];
    if (client instanceof SdkChaosClient) {
      const held = await eventually(
        async () => client.notifications(),
        (n) => caughtUp(n, user.id),
        60_000,
      ).catch(() => client.notifications());
      views.push({ userId: user.id, source: `${client.name}'s SDK store`, notifications: held });
    }
  }
  return views;
}

/** A user's notifications, every page, newest first, through the first gateway that answers. */
async function fetchNotifications(reader: ChatUser, gateways: readonly { apiUrl: string }[]): Promise<Notification[]> {
  let lastError: unknown;
  for (const gateway of gateways) {
    try {
      reader.config = { ...reader.config, apiUrl: gateway.apiUrl };
      const notifications: Notification[] = [];
      for (;;) {
        const before = notifications.at(-1)?.cursor;
        const page = await reader.http<NotificationPage>(
          'GET',
          `/notifications?limit=200${before === undefined ? '' : `&before=${before}`}`,
        );
        if (page.status !== 200) throw new Error(`notifications: ${page.status} ${JSON.stringify(page.body)}`);
        notifications.push(...page.body.notifications);
        if (!page.body.hasMore || page.body.notifications.length === 0) return notifications;
      }
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The room's whole history, paged forward from seq 0 through the first gateway that answers. */
async function fetchHistory(
  reader: ChatUser,
  roomId: string,
  gateways: readonly { apiUrl: string }[],
): Promise<HistoryMessage[]> {
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

/** The raw Socket.IO clients of a result, for checks on what only they record (transports, REST fallback, acks). */
export function rawClients(result: ScenarioResult): ChaosClient[] {
  return rawClientsOf(result.clients);
}

function rawClientsOf(clients: readonly ScenarioClient[]): ChaosClient[] {
  return clients.filter((client): client is ChaosClient => client instanceof ChaosClient);
}

/** Sends each sender makes once the fault is healed. */
const sendsAfterHeal = 10;
