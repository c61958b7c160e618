// Checks the peer harness before it measures anything (`npm run bench -- --peers`): if Centrifugo is not set up
// as the comparison claims (history, a recoverable channel, clients publishing, our JWTs accepted), its figures
// would mean nothing, so the bench stops. One publisher, two subscribers: every publication arrives once and in
// order at both; then one subscriber disconnects, more is published, it reconnects and recovers what it missed
// from the channel's history. A check of the benchmark, not of the product: not part of the CI suites.
import { randomUUID } from 'node:crypto';
import { Centrifuge, type PublicationContext, type SubscribedContext } from 'centrifuge';
import WebSocket from 'ws';
import type { CentrifugoPeer } from './centrifugo.ts';

const timeoutMs = 15_000;
const beforeDrop = 100;
const whileAway = 50;

interface CheckedSubscriber {
  name: string;
  client: Centrifuge;
  /** The `n` of every publication received, in arrival order. */
  received: number[];
  offsets: number[];
  subscribed: SubscribedContext[];
}

export async function centrifugoSelfCheck(peer: CentrifugoPeer): Promise<void> {
  const channel = peer.channel(`self-check-${randomUUID()}`);
  const connect = async (userId: string) => {
    const client = new Centrifuge(peer.websocketUrl, {
      websocket: WebSocket,
      token: await peer.tokenFor(userId),
      timeout: timeoutMs,
    });
    client.connect();
    await client.ready(timeoutMs);
    return client;
  };
  const subscriber = async (name: string): Promise<CheckedSubscriber> => {
    const checked: CheckedSubscriber = {
      name,
      client: await connect(name),
      received: [],
      offsets: [],
      subscribed: [],
    };
    const subscription = checked.client.newSubscription(channel);
    subscription.on('publication', (ctx: PublicationContext) => {
      checked.received.push((ctx.data as { n: number }).n);
      checked.offsets.push(ctx.offset ?? -1);
    });
    subscription.on('subscribed', (ctx) => checked.subscribed.push(ctx));
    subscription.subscribe();
    await subscription.ready(timeoutMs);
    return checked;
  };

  const publisher = await connect('self-check-publisher');
  const stayer = await subscriber('subscriber 1');
  const leaver = await subscriber('subscriber 2');
  try {
    let n = 0;
    const publish = async (count: number) => {
      for (let i = 0; i < count; i++) await publisher.publish(channel, { n: ++n });
    };
    await publish(beforeDrop);
    await allArrived([stayer, leaver], beforeDrop);

    const subscribedBefore = leaver.subscribed.length;
    leaver.client.disconnect();
    await publish(whileAway);
    leaver.client.connect();
    await until(
      () => leaver.subscribed.length > subscribedBefore,
      () => `${leaver.name} did not resubscribe after reconnecting`,
    );
    const resubscribed = leaver.subscribed.at(-1)!;
    if (!resubscribed.wasRecovering || !resubscribed.recovered)
      fail(
        `${leaver.name} reconnected without recovering from history (wasRecovering ${String(resubscribed.wasRecovering)}, recovered ${String(resubscribed.recovered)}): is force_recovery on with history?`,
      );
    await allArrived([stayer, leaver], beforeDrop + whileAway);
  } finally {
    for (const client of [publisher, stayer.client, leaver.client]) client.disconnect();
  }
}

/** Waits until each subscriber has `count` publications, then checks they are 1..count, once each, in order. */
async function allArrived(subscribers: CheckedSubscriber[], count: number): Promise<void> {
  await until(
    () => subscribers.every((s) => s.received.length >= count),
    () =>
      `not every publication arrived: ${subscribers.map((s) => `${s.name} has ${s.received.length} of ${count}`).join(', ')}`,
  );
  for (const s of subscribers) {
    const wrong = s.received.findIndex((got, i) => got !== i + 1);
    if (s.received.length !== count || wrong !== -1)
      fail(
        `${s.name} did not get publications 1..${count} once each in order: ${s.received.length} arrived, first wrong at position ${wrong + 1} (${String(s.received[wrong])})`,
      );
    const unordered = s.offsets.findIndex((offset, i) => i > 0 && offset !== s.offsets[i - 1]! + 1);
    if (unordered !== -1) fail(`${s.name} saw offsets out of sequence at position ${unordered + 1}`);
  }
}

/** Polls `condition` until it holds; fails with `failure()` (read at the deadline) after `timeoutMs`. */
async function until(condition: () => boolean, failure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) fail(`${failure()} (after ${timeoutMs / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function fail(reason: string): never {
  throw new Error(`Centrifugo self-check failed, so its figures would mean nothing: ${reason}`);
}
