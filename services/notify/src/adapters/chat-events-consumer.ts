import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamApiError, type ConsumerMessages } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streams, type ChatEvents } from '@chatrt/contracts';
import type { Logger, NatsConnection } from '@chatrt/service-kit';

/** A running durable consumer; `close()` stops fetching and waits for the message in hand. */
export interface ChatEventsConsumer {
  close(): Promise<void>;
  /** Events applied (new) and skipped (already applied) since start. */
  readonly stats: { applied: number; duplicates: number };
}

const ackWaitMs = 30_000;
const streamWaitMs = 1_000;

/**
 * Consumes every chat event through the durable consumer `durableName` (it survives restarts: the server
 * remembers what was acknowledged). Each event is acknowledged only after `apply` committed, so a crash
 * means redelivery, and `apply` must be idempotent. A failing event is retried after a delay, never dropped.
 */
export async function consumeChatEvents(options: {
  nc: NatsConnection;
  durableName: string;
  log: Logger;
  apply: (event: ChatEvents) => Promise<boolean>;
}): Promise<ChatEventsConsumer> {
  const { nc, durableName, log } = options;
  const jsm = await jetstreamManager(nc);
  await waitForStream(jsm, log);
  await jsm.consumers
    .add(streams.chatEvents, {
      durable_name: durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_deliver: -1,
    })
    .catch(async (err: unknown) => {
      // The consumer already exists (a restart): keep its position.
      if (!(err instanceof JetStreamApiError)) throw err;
      await jsm.consumers.info(streams.chatEvents, durableName);
    });
  const consumer = await jetstream(nc).consumers.get(streams.chatEvents, durableName);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
  const stats = { applied: 0, duplicates: 0 };

  const loop = (async () => {
    for await (const msg of messages) {
      let event: ChatEvents;
      try {
        event = msg.json<ChatEvents>();
      } catch (err) {
        log.error({ err, subject: msg.subject, streamSeq: msg.seq }, 'undecodable chat event; terminated');
        msg.term('undecodable');
        continue;
      }
      try {
        if (await options.apply(event)) stats.applied += 1;
        else stats.duplicates += 1;
        msg.ack();
      } catch (err) {
        log.error({ err, eventId: event.metadata.eventId, roomId: event.roomId }, 'applying chat event failed; will retry');
        msg.nak(1_000);
      }
    }
  })();

  return {
    stats,
    async close() {
      await messages.close();
      await loop;
    },
  };
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
