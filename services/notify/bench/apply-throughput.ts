// How fast notify applies a backlog of chat events: publishes NOTIFY_BENCH_EVENTS chat events into CHAT_EVENTS
// (each room: five members added, then MessageSent from rotating senders, every tenth naming two members), then
// starts a notify process on its durable consumer and times from its first ack until it has acked all. Twice:
// every event in one room, then spread over 100 rooms (interleaved, as a busy chat relay stores them). Prints
// events/s and the CPU milliseconds per 1,000 events of the notify process and of Postgres (server and
// backends, from /proc). Runs on an embedded Postgres and nats-server on free ports; a stub answers the
// username lookups auth would.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streams, subjects, type ChatEvents, type FindUsersQuery, type User } from '@chatrt/contracts';
import { connectNats, createLogger, type NatsConnection } from '@chatrt/service-kit';
import { cpuMsOfTrees, eventually, startEmbeddedPostgres, startNatsServer } from '@chatrt/harness';

const eventCount = Number(process.env['NOTIFY_BENCH_EVENTS'] ?? 6_000);
const membersPerRoom = 5;
const log = createLogger('notify-bench', 'warn');
const notifyEntry = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'notify-bench-'));
await chmod(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false });
const nats = await startNatsServer({ dataDir: join(dir, 'nats') });
try {
  const nc = await connectNats(nats.url, 'notify-bench', log);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: streams.chatEvents,
    subjects: [subjects.chatEventsWildcard],
    duplicate_window: nanos(120_000),
  });
  const users = Array.from({ length: membersPerRoom }, (_, i) => ({ id: randomUUID(), username: `member_${i}` }));
  answerUsernameLookups(nc, users);
  const consumerName = `notify-bench-${randomUUID().slice(0, 8)}`;
  for (const roomCount of [1, 100]) {
    await publishBacklog(nc, backlog(roomCount, users));
    const notify = startNotifyProcess(consumerName);
    try {
      const measured = await timeDrain(jsm, consumerName, notify.pid ?? 0, postgres.pid ?? 0);
      const perThousand = (cpuMs: number) => Math.round((cpuMs * 1000) / measured.events);
      console.log(
        JSON.stringify({
          rooms: roomCount,
          events: measured.events,
          seconds: Math.round(measured.seconds * 100) / 100,
          eventsPerSecond: Math.round(measured.events / measured.seconds),
          notifyCpuMsPer1000: perThousand(measured.notifyCpuMs),
          postgresCpuMsPer1000: perThousand(measured.postgresCpuMs),
        }),
      );
    } finally {
      await stop(notify);
    }
  }
  await nc.drain();
} finally {
  await nats.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}

/** The chat events of `roomCount` rooms, interleaved round-robin, `eventCount` in all. */
function backlog(roomCount: number, members: readonly User[]): ChatEvents[] {
  const rooms = Array.from({ length: roomCount }, () => ({ roomId: randomUUID(), seq: 0 }));
  const events: ChatEvents[] = [];
  for (let i = 0; events.length < eventCount; i++) {
    const room = rooms[i % roomCount]!;
    room.seq += 1;
    const metadata = { eventId: randomUUID(), occurredAt: new Date().toISOString() };
    if (room.seq <= members.length) {
      const userId = members[room.seq - 1]!.id;
      events.push({
        type: 'MemberAdded',
        roomId: room.roomId,
        seq: room.seq,
        data: { userId },
        metadata: { ...metadata, actorId: members[0]!.id },
      });
      continue;
    }
    const sender = members[room.seq % members.length]!;
    const named =
      room.seq % 10 === 0
        ? ` @${members[(room.seq + 1) % members.length]!.username} @${members[(room.seq + 2) % members.length]!.username}`
        : '';
    const data = {
      messageId: randomUUID(),
      senderId: sender.id,
      message: `message ${room.seq}${named}`,
      clientMessageId: randomUUID(),
    };
    events.push({
      type: 'MessageSent',
      roomId: room.roomId,
      seq: room.seq,
      data,
      metadata: { ...metadata, actorId: sender.id },
    });
  }
  return events;
}

/** Stores the events in CHAT_EVENTS, up to 256 publishes awaiting their PubAck at a time. */
async function publishBacklog(nc: NatsConnection, events: readonly ChatEvents[]): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < events.length; i += 256) {
    await Promise.all(
      events
        .slice(i, i + 256)
        .map((event) =>
          js.publish(subjects.chatEvents(event.roomId), JSON.stringify(event), { msgID: event.metadata.eventId }),
        ),
    );
  }
}

/** Answers `auth.qry.usersByName` from `known`, as the auth service would. */
function answerUsernameLookups(nc: NatsConnection, known: readonly User[]): void {
  nc.subscribe(subjects.authFindUsers, {
    callback: (_err, msg) => {
      const { usernames } = msg.json<FindUsersQuery>();
      msg.respond(JSON.stringify({ ok: true, users: known.filter((u) => usernames.includes(u.username)) }));
    },
  });
}

function startNotifyProcess(consumerName: string): ChildProcess {
  return spawn(process.execPath, [notifyEntry], {
    env: {
      ...process.env,
      DATABASE_URL: postgres.url,
      NATS_URL: nats.url,
      OPS_PORT: '0',
      NOTIFY_CONSUMER: consumerName,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Waits for the consumer's first ack in this phase, then until nothing is pending or unacked; the CPU of
 * notify and Postgres is read at both moments, so notify's start-up is not counted.
 */
async function timeDrain(
  jsm: JetStreamManager,
  consumerName: string,
  notifyPid: number,
  postgresPid: number,
): Promise<{ events: number; seconds: number; notifyCpuMs: number; postgresCpuMs: number }> {
  const acked = async () => {
    const info = await jsm.consumers.info(streams.chatEvents, consumerName).catch(() => undefined);
    return info === undefined
      ? undefined
      : { floor: info.ack_floor.stream_seq, done: info.num_pending === 0 && info.num_ack_pending === 0 };
  };
  const streamLast = (await jsm.streams.info(streams.chatEvents)).state.last_seq;
  const firstSeq = streamLast - eventCount + 1;
  const start = await eventually(acked, (a) => a !== undefined && a.floor >= firstSeq, 60_000);
  const started = performance.now();
  const [notifyStart, postgresStart] = [await cpuMsOfTrees([notifyPid]), await cpuMsOfTrees([postgresPid])];
  await eventually(acked, (a) => a?.done === true && a.floor === streamLast, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const [notifyEnd, postgresEnd] = [await cpuMsOfTrees([notifyPid]), await cpuMsOfTrees([postgresPid])];
  return {
    events: streamLast - (start?.floor ?? firstSeq),
    seconds,
    notifyCpuMs: notifyEnd - notifyStart,
    postgresCpuMs: postgresEnd - postgresStart,
  };
}
