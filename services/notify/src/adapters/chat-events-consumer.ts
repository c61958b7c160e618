import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streams, validate, type ChatEvents, type SchemaName } from '@chatrt/contracts';
import { CodedError, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { DeliveredEvent, EventOutcome } from '../application/ports.ts';
import { WaitForEarlierEvents } from '../domain/room-order.ts';
import { inBatches } from './batches.ts';

/** A running durable consumer; `close()` stops fetching and waits for the messages in hand. */
export interface ChatEventsConsumer {
  close(): Promise<void>;
  /** Events applied (new) and skipped (already applied) since start. */
  readonly stats: { applied: number; duplicates: number };
  /** Asks the server how far behind the consumer is: events not yet delivered, and delivered but not acked. */
  lag(): Promise<{ pending: number; ackPending: number }>;
}

const streamWaitMs = 1_000;
/**
 * How long each pull request lasts; the server's heartbeats come every half of it and two missed ones make
 * the client pull anew. A pull request lives on the consumer's leader node: when that node dies, the
 * client has pulled from the new leader within this (nats.js's 30 s default stalled notifications as long).
 * An idle instance pulls anew this often, which is what keeps it pinned (below).
 */
const pullExpiresMs = 2_000;
/** The priority group every instance pulls in; the consumer pins it to one instance at a time. */
const pinnedGroup = 'notify';
/**
 * Most events applied together: what arrived while the previous batch was applied, up to one pull's worth.
 * With at most this many waiting besides, an event is acked long before its ack wait.
 */
const maxBatch = 256;
/**
 * How long the pinned instance may go without a pull request before the server pins another: a dead or
 * frozen instance is replaced within this. Longer than a pull request's life, or an idle instance that
 * is still pulling would lose its pin (measured on nats-server 2.12: 3 s against 5 s pulls flipped the pin
 * every few seconds; 4 s against 2 s held for good).
 */
const pinTimeoutMs = 5_000;
/** A failed event is redelivered after 1 s, 2 s, 4 s … up to this. */
const maxRetryDelayMs = 30_000;
/**
 * An event waiting for its room's previous one is redelivered after 100 ms, 200 ms … up to this: soon after
 * the predecessor is applied (redelivered from a dead instance only after the ack wait), rather than up to
 * 30 s later; the room's later events, each retrying on its own, would otherwise add 30 s apiece.
 */
const maxOrderRetryDelayMs = 1_000;

/** The contract schema of each chat event type. */
const eventSchemas = {
  RoomCreated: 'RoomCreatedEvent',
  MemberAdded: 'MemberAddedEvent',
  MessageSent: 'MessageSentEvent',
  MemberRemoved: 'MemberRemovedEvent',
  MessageEdited: 'MessageEditedEvent',
  MessageDeleted: 'MessageDeletedEvent',
  ReadMarkerMoved: 'ReadMarkerMovedEvent',
} as const satisfies Record<ChatEvents['type'], SchemaName>;

/**
 * How long to wait before the `deliveryCount`-th delivery of a failed event is retried: from 1 s doubling
 * up to 30 s, or, for an event waiting for its room's previous one, from 100 ms doubling up to 1 s.
 */
export function retryDelayMs(deliveryCount: number, waitingForEarlier = false): number {
  const [first, max] = waitingForEarlier ? [100, maxOrderRetryDelayMs] : [1_000, maxRetryDelayMs];
  return Math.min(first * 2 ** Math.max(0, deliveryCount - 1), max);
}

/**
 * Consumes every chat event through the durable consumer `durableName` (it survives restarts: the server
 * remembers what was acknowledged). Events are applied in batches (what arrived while the previous batch was
 * applied); each is acknowledged only after `apply` answered it applied (committed and published), so a crash
 * means redelivery, and `apply` must be idempotent. A failing event is not
 * acknowledged: it is retried with a growing delay, never dropped. Only a message that can never be
 * applied (not JSON, not a chat event of the contract) is terminated, and logged.
 */
export async function consumeChatEvents(options: {
  nc: NatsConnection;
  durableName: string;
  /** How long a delivered event may stay unacknowledged before JetStream hands it to an instance again. */
  ackWaitMs: number;
  log: Logger;
  /** Applies a batch of events in their order; answers what became of each, in the same order. */
  apply: (batch: readonly DeliveredEvent[]) => Promise<EventOutcome[]>;
}): Promise<ChatEventsConsumer> {
  const { nc, durableName, log } = options;
  const jsm = await jetstreamManager(nc);
  await waitForStream(jsm, log);
  // Every instance pulls, but the server delivers to one of them (pinned) until it stops pulling for
  // `pinTimeoutMs`: that one applies the stream in order, so a room's back-to-back events never wait for
  // each other on two instances; the others stand by.
  const settings = {
    ack_wait: nanos(options.ackWaitMs),
    priority_policy: 'pinned_client',
    priority_groups: [pinnedGroup],
    priority_timeout: nanos(pinTimeoutMs),
  } satisfies Partial<ConsumerConfig>;
  await jsm.consumers
    .add(streams.chatEvents, {
      durable_name: durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1,
      ...settings,
      // num_replicas stays unset: the consumer keeps as many copies as CHAT_EVENTS (R3 on a cluster) and
      // follows when the stream is scaled, so losing a NATS node loses neither the stream nor the position.
    })
    .catch(async (err: unknown) => {
      // The consumer already exists (a restart, or one made before pinning): keep its position, take the
      // configured ack wait and the pinned group.
      if (!(err instanceof JetStreamApiError)) throw err;
      const { config } = await jsm.consumers.info(streams.chatEvents, durableName);
      if (
        config.ack_wait !== settings.ack_wait ||
        config.priority_policy !== settings.priority_policy ||
        config.priority_groups?.join() !== settings.priority_groups.join() ||
        config.priority_timeout !== settings.priority_timeout
      )
        await jsm.consumers.update(streams.chatEvents, durableName, settings);
    });
  const consumer = await jetstream(nc).consumers.get(streams.chatEvents, durableName);
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: maxBatch,
    expires: pullExpiresMs,
    group: pinnedGroup,
  });
  const stats = { applied: 0, duplicates: 0 };

  const settle = (msg: JsMsg, event: ChatEvents, outcome: EventOutcome | undefined): void => {
    if (outcome?.kind === 'applied' || outcome?.kind === 'duplicate') {
      stats[outcome.kind === 'applied' ? 'applied' : 'duplicates'] += 1;
      msg.ack();
      return;
    }
    const err = outcome?.error ?? new Error('no outcome for the event');
    const { deliveryCount } = msg.info;
    const waiting = err instanceof WaitForEarlierEvents;
    const delayMs = retryDelayMs(deliveryCount, waiting);
    const { eventId } = event.metadata;
    const context = { err, eventId, roomId: event.roomId, seq: event.seq, deliveryCount, delayMs };
    if (waiting) log.debug(context, "chat event waits for its room's earlier events");
    else if (err instanceof CodedError && err.code === 'UNAVAILABLE')
      log.warn(context, 'a dependency is unavailable; chat event will be retried');
    else log.error(context, 'applying chat event failed; will retry');
    msg.nak(delayMs);
  };

  const loop = (async () => {
    for await (const batch of inBatches(messages, maxBatch)) {
      const received: { msg: JsMsg; event: ChatEvents }[] = [];
      for (const msg of batch) {
        const event = parseChatEvent(msg.data);
        if (event.ok) {
          received.push({ msg, event: event.value });
          continue;
        }
        log.error(
          { subject: msg.subject, streamSeq: msg.seq, error: event.error },
          'not a chat event of the contract; terminated',
        );
        msg.term(event.error);
      }
      if (received.length === 0) continue;
      // `apply` answers each event; should it throw instead, every event of the batch is retried.
      const outcomes = await options
        .apply(received.map(({ msg, event }) => ({ event, deliveryCount: msg.info.deliveryCount })))
        .catch((error: unknown) => received.map((): EventOutcome => ({ kind: 'failed', error })));
      received.forEach(({ msg, event }, i) => {
        settle(msg, event, outcomes[i]);
      });
    }
  })();

  return {
    stats,
    async lag() {
      const info = await consumer.info(false);
      return { pending: info.num_pending, ackPending: info.num_ack_pending };
    },
    async close() {
      await messages.close();
      await loop;
    },
  };
}

function parseChatEvent(data: Uint8Array): { ok: true; value: ChatEvents } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(eventSchemas, type))
    return { ok: false, error: `unknown event type ${String(type)}` };
  const checked = validate(eventSchemas[type as ChatEvents['type']], raw);
  return checked.ok ? { ok: true, value: checked.value } : { ok: false, error: checked.message };
}

async function waitForStream(jsm: Awaited<ReturnType<typeof jetstreamManager>>, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await jsm.streams.info(streams.chatEvents);
      return;
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err;
      if (attempt === 1) log.info({ stream: streams.chatEvents }, 'waiting for the chat service to create the stream');
      await new Promise((resolve) => setTimeout(resolve, streamWaitMs));
    }
  }
}
