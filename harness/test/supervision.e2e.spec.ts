import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Room } from '@chatrt/contracts';
import { ChatUser, RoomInbox, eventually, startTestStack, type ChatSocket, type TestStack } from '../src/index.ts';
import type { ServiceName } from '../src/stack/index.ts';

/**
 * The supervised stack `npm start` runs: whatever is SIGKILLed comes back on its own, the rest keeps
 * running, and clients recover without a manual step. The first restart waits 3 s so the tests can also
 * see readiness report the dead dependency meanwhile.
 */
describe('a supervised stack restarts what crashes', () => {
  let env: TestStack;
  const supervisorLog: string[] = [];
  const gaveUp: string[] = [];
  let alice: ChatUser;
  let bob: ChatUser;
  let bobInbox: RoomInbox;
  let aliceSocket: ChatSocket;
  let room: Room;

  beforeAll(async () => {
    env = await startTestStack(
      {},
      {
        supervision: {
          policy: { firstDelayMs: 3000 },
          log: (line) => supervisorLog.push(line),
          onGiveUp: (reason) => gaveUp.push(reason),
        },
      },
    );
    return () => env.stop();
  }, 120_000);

  beforeAll(async () => {
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    aliceSocket = await alice.connectChat();
    const bobSocket = await bob.connectChat();
    bobInbox = new RoomInbox(bobSocket);
    const created = await aliceSocket.emitWithAck('createRoom', { name: 'supervised', memberIds: [bob.id] });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    room = created.room;
    expect(await bobSocket.emitWithAck('joinRoom', { roomId: room.id })).toMatchObject({ ok: true });
    // Delivered live: bob's join (its catch-up included) is complete before anything is killed.
    const first = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'before',
      clientMessageId: randomUUID(),
    });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    await bobInbox.waitForMessages(1);
  }, 120_000);

  const pid = (name: ServiceName | 'nats' | 'postgres') => env.stack.pid(name);
  const servicePids = () => env.stack.services.map((service) => pid(service));

  /** Sends over REST until one is accepted (the first may fail while the system comes back). */
  const sendEventually = async (text: string) => {
    const clientMessageId = randomUUID();
    const sent = await eventually(
      () => alice.http('POST', '/chat/messages', { roomId: room.id, message: text, clientMessageId }),
      (result) => result.status === 201,
      60_000,
    );
    return sent.body as { id: string };
  };

  const gatewayHealth = async () => {
    const response = await fetch(`${env.stack.urls.socket}/health`);
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
  };

  const sigkill = (name: ServiceName | 'nats' | 'postgres') => {
    const before = pid(name);
    if (before === undefined) throw new Error(`${name} is not running`);
    process.kill(before, 'SIGKILL');
    return before;
  };

  it('reports a SIGSTOPped nats-server as unavailable within seconds, and ready once it answers again', async () => {
    const readiness = async () => {
      const answers = await Promise.all(
        [
          `${env.stack.urls.socket}/health`,
          `${env.stack.urls.api}/api/health`,
          `${env.stack.urls.ops.chat}/health`,
        ].map(async (url) => {
          const response = await fetch(url);
          return {
            status: response.status,
            nats: ((await response.json()) as { checks: Record<string, string> }).checks['nats'],
          };
        }),
      );
      return answers;
    };
    expect((await readiness()).map((r) => r.status)).toEqual([200, 200, 200]);
    const nats = pid('nats')!;
    process.kill(nats, 'SIGSTOP');
    try {
      const frozen = await eventually(readiness, (answers) => answers.every((r) => r.status === 503), 5000);
      for (const answer of frozen) expect(answer.nats).not.toBe('ok');
    } finally {
      process.kill(nats, 'SIGCONT');
    }
    await eventually(readiness, (answers) => answers.every((r) => r.status === 200), 10_000);
    expect(pid('nats')).toBe(nats);
  }, 60_000);

  it('restarts a SIGKILLed service, and a send succeeds once it is back', async () => {
    const others = () => servicePids().filter((_, i) => env.stack.services[i] !== 'chat');
    const othersBefore = others();
    const killed = sigkill('chat');
    const back = await eventually(
      () => pid('chat'),
      (now) => now !== undefined && now !== killed,
      60_000,
    );
    expect(back).not.toBe(killed);
    const message = await sendEventually('after chat came back');
    expect(message.id).toEqual(expect.any(String));
    expect(others()).toEqual(othersBefore);
    expect(
      supervisorLog.some((line) => /chat exited \(code null, signal SIGKILL\); restarting in 3 s/.test(line)),
    ).toBe(true);
    await eventually(
      () => supervisorLog,
      (lines) => lines.includes('[supervisor] chat is running again'),
      60_000,
    );
  }, 120_000);

  it('restarts a SIGKILLed nats-server; sends and live deliveries work again, no service restarted', async () => {
    const servicesBefore = servicePids();
    const killed = sigkill('nats');
    // Readiness names the lost dependency within a few seconds (here: before the restart after 3 s).
    const down = await eventually(gatewayHealth, (health) => health.status === 503, 3000);
    expect(down.checks['nats']).not.toBe('ok');
    await eventually(
      () => pid('nats'),
      (now) => now !== undefined && now !== killed,
      60_000,
    );
    const message = await sendEventually(`after nats came back, @${bob.username}`);
    await bobInbox.waitFor(() => bobInbox.messages.some((m) => m.id === message.id), 'the message live', 30_000);
    // notify's JetStream consumer resumed too: the mention reaches bob.
    await eventually(
      () => bob.http<{ notifications: { type: string; messageId?: string }[] }>('GET', '/notifications'),
      (page) =>
        page.status === 200 && page.body.notifications.some((n) => n.type === 'mention' && n.messageId === message.id),
      30_000,
    );
    expect((await gatewayHealth()).status).toBe(200);
    expect(servicePids()).toEqual(servicesBefore);
  }, 120_000);

  it('restarts a SIGKILLed Postgres; sends work again without restarting any service', async () => {
    const servicesBefore = servicePids();
    const killed = sigkill('postgres');
    const chatHealth = async () => {
      const response = await fetch(`${env.stack.urls.ops.chat}/health`);
      return {
        status: response.status,
        checks: ((await response.json()) as { checks: Record<string, string> }).checks,
      };
    };
    const down = await eventually(chatHealth, (health) => health.status === 503, 3000);
    expect(down.checks['postgres']).not.toBe('ok');
    await eventually(
      () => pid('postgres'),
      (now) => now !== undefined && now !== killed,
      60_000,
    );
    const message = await sendEventually('after postgres came back');
    await bobInbox.waitFor(() => bobInbox.messages.some((m) => m.id === message.id), 'the message live', 30_000);
    expect((await chatHealth()).status).toBe(200);
    expect(servicePids()).toEqual(servicesBefore);
    expect(gaveUp).toEqual([]);
  }, 120_000);
});
