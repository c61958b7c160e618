import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Message, MessagePage, Room, RoomUpdatePage } from '@chatrt/contracts';
import type { ChatUser } from '../../client/chat-user.ts';
import { RoomInbox } from '../../client/room-inbox.ts';
import { startTestStack, type TestStack } from '../test-stack.ts';

const rootDir = new URL('../../../../', import.meta.url);

/** Every code of the specs' ErrorCode enum (asyncapi.yaml): a refusal must carry one of them. */
export const errorCodes = new Set(
  (
    parseYaml(await readFile(new URL('asyncapi.yaml', rootDir), 'utf8')) as {
      components: { schemas: { ErrorCode: { enum: string[] } } };
    }
  ).components.schemas.ErrorCode.enum,
);

/** The REST operations of openapi.yaml, by path and method. */
export const openApiPaths = (
  parseYaml(await readFile(new URL('openapi.yaml', rootDir), 'utf8')) as {
    paths: Record<string, Record<string, { servers?: Array<{ url: string }> }>>;
  }
).paths;

/** What a fuzz test file works on: a stack, two users, a target room with one message, and alice's credentials. */
export interface FuzzFixture {
  env: TestStack;
  alice: ChatUser;
  bob: ChatUser;
  target: Room;
  targetMessage: Message;
  /** A valid payload of every client event, by event name. */
  valid: Record<string, Record<string, unknown>>;
  /** Alice's session as a `sid=…` cookie pair, and as a bearer token. */
  cookie: string;
  token: string;
  startedAt: number;
  /** The target room as stored before the fuzzing: its events and its members. */
  before: StoredTarget;
}

type StoredTarget = Awaited<ReturnType<typeof storedTarget>>;

async function storedTarget(alice: ChatUser, target: Room) {
  return {
    updates: (await alice.http<RoomUpdatePage>('GET', `/chat/rooms/${target.id}/updates?afterSeq=0&limit=500`)).body,
    rooms: (await alice.http<{ rooms: Array<{ id: string; memberIds: string[] }> }>('GET', '/chat/rooms')).body.rooms,
  };
}

/** Starts a stack (rate limits out of the way) and sets up the users and the target room. */
export async function startFuzzFixture(): Promise<FuzzFixture> {
  const env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
  const startedAt = Date.now();
  const alice = await env.signedUpUser();
  const bob = await env.signedUpUser();
  const target = (await alice.http<Room>('POST', '/chat/rooms', { name: 'fuzz target', memberIds: [bob.id] })).body;
  const targetMessage = (
    await alice.http<Message>('POST', '/chat/messages', { roomId: target.id, message: 'the only message' })
  ).body;
  const login = await fetch(`${env.stack.urls.api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: alice.username, password: alice.password }),
  });
  const sid = login.headers.getSetCookie().find((c) => c.startsWith('sid='));
  if (sid === undefined) throw new Error(`login set no session cookie: ${login.status}`);
  const cookie = sid.split(';', 1)[0] ?? sid;
  const token = (await alice.sessionToken()).token;
  const valid = {
    createRoom: { name: 'room' },
    joinRoom: { roomId: target.id, afterSeq: 0 },
    sendMessage: { roomId: target.id, message: 'hello', clientMessageId: 'c1' },
    editMessage: { messageId: targetMessage.id, message: 'edited' },
    deleteMessage: { messageId: targetMessage.id },
    markRead: { roomId: target.id, seq: 1 },
    addMember: { roomId: target.id, userId: bob.id },
    removeMember: { roomId: target.id, userId: bob.id },
    typing: { roomId: target.id, isTyping: false },
    ping: {},
    subscribe: { afterCursor: 0 },
  };
  const before = await storedTarget(alice, target);
  return { env, alice, bob, target, targetMessage, valid, cookie, token, startedAt, before };
}

/** The problems a fuzz test found, the first 50 of them (each is enough to fail it). */
export class FuzzFailures {
  readonly list: string[] = [];

  record(what: string, problem: string): void {
    if (this.list.length < 50) this.list.push(`${what}: ${problem}`);
  }
}

/**
 * After the fuzzing: the target room is stored as before, every service is up since before it started (nothing
 * crashed and was restarted) with no uncaught error counted, and normal use still works (with NFC text).
 */
export async function expectIntactAfterFuzz(fixture: FuzzFixture): Promise<void> {
  const { env, alice, bob } = fixture;
  expect(await storedTarget(alice, fixture.target)).toEqual(fixture.before);

  const elapsedSeconds = (Date.now() - fixture.startedAt) / 1000;
  const health = [
    `${env.stack.urls.socket}/health`,
    `${env.stack.urls.api}/api/health`,
    ...Object.values(env.stack.urls.ops).map((ops) => `${ops}/health`),
  ];
  for (const url of health) {
    const res = await fetch(url);
    expect(res.status, url).toBe(200);
    expect(((await res.json()) as { uptime: number }).uptime, url).toBeGreaterThan(elapsedSeconds);
  }
  const metrics = [`${env.stack.urls.socket}/metrics`, ...Object.values(env.stack.urls.ops).map((o) => `${o}/metrics`)];
  for (const url of metrics) {
    expect(await (await fetch(url)).text(), url).not.toMatch(/^process_uncaught_errors_total\{.*\} [1-9]/m);
  }

  const aliceSocket = await alice.connectChat();
  const bobSocket = await bob.connectChat();
  const inbox = new RoomInbox(bobSocket);
  const room = await aliceSocket.emitWithAck('createRoom', { name: 'Cafe\u0301 after the fuzz', memberIds: [bob.id] });
  if (!room.ok) throw new Error(JSON.stringify(room));
  expect(room.room.name).toBe('Café after the fuzz');
  expect(await bobSocket.emitWithAck('joinRoom', { roomId: room.room.id })).toMatchObject({ ok: true });
  const sent = await aliceSocket.emitWithAck('sendMessage', {
    roomId: room.room.id,
    message: 'cafe\u0301 by socket',
    clientMessageId: randomUUID(),
  });
  expect(sent).toMatchObject({ ok: true, message: { message: 'café by socket' } });
  const posted = await alice.http<Message>('POST', '/chat/messages', {
    roomId: room.room.id,
    message: 'cafe\u0301 by REST',
  });
  expect(posted.status).toBe(201);
  expect((await inbox.waitForMessages(2)).map((m) => m.message)).toEqual(['café by socket', 'café by REST']);
  const history = await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.room.id}`);
  expect(history.body.messages.map((m) => m.message)).toEqual(['café by socket', 'café by REST']);
}
