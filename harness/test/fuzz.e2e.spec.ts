import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import type { Socket } from 'socket.io-client';
import {
  clientEventSchemas,
  type SchemaName,
  type Message,
  type MessagePage,
  type Room,
  type RoomUpdatePage,
} from '@chatrt/contracts';
import { ChatUser, RoomInbox, startTestStack, type TestStack } from '../src/index.ts';
import {
  hostileEventNames,
  hostileStrings,
  hostileValues,
  nonObjectPayloads,
  spoiled,
} from '../src/testing/hostile-input.ts';
import { RawSocketIo } from '../src/testing/raw-socket-io.ts';
import { schemaViolations } from '../src/testing/schema-violations.ts';

const rootDir = new URL('../../', import.meta.url);
const errorCodes = new Set(
  (
    parseYaml(await readFile(new URL('asyncapi.yaml', rootDir), 'utf8')) as {
      components: { schemas: { ErrorCode: { enum: string[] } } };
    }
  ).components.schemas.ErrorCode.enum,
);
const openApi = parseYaml(await readFile(new URL('openapi.yaml', rootDir), 'utf8')) as {
  paths: Record<string, Record<string, { servers?: Array<{ url: string }> }>>;
};

/** Events whose payload has no required field: no payload at all is a valid call. */
const payloadOptional = new Set(['ping', 'subscribe']);

type Namespace = keyof typeof clientEventSchemas;
type Expected = 'UNKNOWN_EVENT' | 'VALIDATION_FAILED' | 'ok' | 'coded';
interface SocketCase {
  namespace: Namespace;
  event: string;
  args: unknown[];
  /** `callback`: acked; `none`: no callback; `not-a-function`: a string where the callback would be. */
  ack: 'callback' | 'none' | 'not-a-function';
  expected: Expected;
}

/** A short description of a case for failure messages (the values can be huge). */
function describeCase(c: { event: string; args: unknown[] }): string {
  const shown = (value: unknown) => {
    try {
      return JSON.stringify(value)?.slice(0, 60);
    } catch {
      return typeof value;
    }
  };
  return `${c.event.slice(0, 30)}(${c.args.map(shown).join(', ')})`;
}

describe('fuzz: hostile events, payloads, routes and bodies are refused with codes and change nothing', () => {
  let env: TestStack;
  let alice: ChatUser;
  let bob: ChatUser;
  let target: Room;
  let targetMessage: Message;
  let valid: Record<string, Record<string, unknown>>;
  let cookie: string;
  let token: string;
  let startedAt: number;
  const failures: string[] = [];
  /** Cases tried, per kind, printed at the end. */
  const tried = { socketFrames: 0, rawPackets: 0, restRequests: 0 };

  /** The target room as stored: its events and its members. */
  const storedTarget = async () => ({
    updates: (await alice.http<RoomUpdatePage>('GET', `/chat/rooms/${target.id}/updates?afterSeq=0&limit=500`)).body,
    rooms: (await alice.http<{ rooms: Array<{ id: string; memberIds: string[] }> }>('GET', '/chat/rooms')).body.rooms,
  });
  let before: Awaited<ReturnType<typeof storedTarget>>;

  beforeAll(async () => {
    env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
    startedAt = Date.now();
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    target = (await alice.http<Room>('POST', '/chat/rooms', { name: 'fuzz target', memberIds: [bob.id] })).body;
    targetMessage = (
      await alice.http<Message>('POST', '/chat/messages', { roomId: target.id, message: 'the only message' })
    ).body;
    const login = await fetch(`${env.stack.urls.api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice.username, password: alice.password }),
    });
    cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('sid='))!
      .split(';')[0]!;
    token = (await alice.sessionToken()).token;
    valid = {
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
    before = await storedTarget();
  });

  afterAll(() => env?.stop());

  function record(what: string, problem: string): void {
    if (failures.length < 50) failures.push(`${what}: ${problem}`);
  }

  function checkAck(c: SocketCase, ack: unknown): void {
    const reply = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown; path?: unknown } } | undefined;
    const what = `${c.namespace} ${describeCase(c)}`;
    if (reply?.ok === true) {
      if (c.expected !== 'ok' && c.expected !== 'coded') record(what, `accepted, expected ${c.expected}`);
      return;
    }
    const code = reply?.error?.code;
    if (
      reply?.ok !== false ||
      typeof code !== 'string' ||
      !errorCodes.has(code) ||
      typeof reply.error?.message !== 'string'
    ) {
      record(what, `not a coded ack: ${JSON.stringify(ack)?.slice(0, 200)}`);
    } else if (code === 'UNAVAILABLE') {
      record(what, 'UNAVAILABLE (a server-side failure)');
    } else if (
      c.expected === 'ok' ||
      ((c.expected === 'UNKNOWN_EVENT' || c.expected === 'VALIDATION_FAILED') && code !== c.expected)
    ) {
      record(what, `${code}, expected ${c.expected}`);
    } else if (code === 'VALIDATION_FAILED' && typeof reply.error?.path !== 'string') {
      record(what, 'VALIDATION_FAILED without a path');
    }
  }

  function socketCases(): SocketCase[] {
    const cases: SocketCase[] = [];
    for (const namespace of Object.keys(clientEventSchemas) as Namespace[]) {
      for (const event of Object.keys(clientEventSchemas[namespace])) {
        const base = valid[event]!;
        const add = (args: unknown[], expected: Expected, ack: SocketCase['ack'] = 'callback') =>
          cases.push({ namespace, event, args, ack, expected });
        for (const payload of spoiled(base)) add([payload], 'VALIDATION_FAILED');
        const schema = (clientEventSchemas[namespace] as Record<string, SchemaName>)[event]!;
        for (const { payload } of schemaViolations(schema, base)) add([payload], 'VALIDATION_FAILED');
        for (const payload of nonObjectPayloads) add([payload], 'VALIDATION_FAILED');
        add([], payloadOptional.has(event) ? 'ok' : 'VALIDATION_FAILED');
        add([null], payloadOptional.has(event) ? 'ok' : 'VALIDATION_FAILED');
        add([base, 'extra'], 'VALIDATION_FAILED');
        add([base, { also: 'extra' }, 3], 'VALIDATION_FAILED');
        add([spoiled(base)[0]], 'VALIDATION_FAILED', 'none');
        add([spoiled(base)[0]], 'VALIDATION_FAILED', 'not-a-function');
      }
      for (const event of hostileEventNames()) {
        for (const args of [[], [{}], [valid['sendMessage']], [hostileStrings[0]], [{}, 'extra']]) {
          cases.push({ namespace, event, args, ack: 'callback', expected: 'UNKNOWN_EVENT' });
        }
        cases.push({ namespace, event, args: [{}], ack: 'none', expected: 'UNKNOWN_EVENT' });
      }
    }
    return cases;
  }

  /** Payloads generated by fast-check (fixed seed): any JSON, or contract-shaped objects of hostile values. */
  function generatedCases(): SocketCase[] {
    const fieldNames = [...new Set(Object.values(valid).flatMap((p) => Object.keys(p))), '__proto__', 'constructor'];
    const hostileValue = fc.oneof(
      fc.constantFrom(...hostileValues),
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc.uuid(),
      fc.integer(),
      fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n }).map(Number),
      fc.double(),
      fc.boolean(),
    );
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.dictionary(fc.constantFrom(...fieldNames), hostileValue, { maxKeys: 4 }),
    );
    // createRoom is left out: a generated valid name would rightly create a room.
    const events = Object.keys(clientEventSchemas.chat).filter((e) => e !== 'createRoom');
    return fc
      .sample(fc.tuple(fc.constantFrom(...events), payload), { numRuns: 1500, seed: 20_260_901 })
      .map(([event, generated]) => ({
        namespace: 'chat',
        event,
        args: [generated],
        ack: 'callback',
        expected: 'coded',
      }));
  }

  async function runSocketCases(cases: SocketCase[]): Promise<void> {
    const sockets: Record<Namespace, Socket> = {
      chat: await alice.connectChat({ transports: ['websocket'] }),
      notifications: await alice.connectNotifications({ transports: ['websocket'] }),
    };
    const dropped: string[] = [];
    for (const [namespace, socket] of Object.entries(sockets)) {
      socket.on('disconnect', (reason) => dropped.push(`${namespace}: ${reason}`));
    }
    const batchSize = 25;
    for (let i = 0; i < cases.length; i += batchSize) {
      await Promise.all(
        cases.slice(i, i + batchSize).map(async (c) => {
          const socket = sockets[c.namespace];
          tried.socketFrames++;
          if (c.ack === 'none') return void socket.emit(c.event, ...c.args);
          if (c.ack === 'not-a-function') return void socket.emit(c.event, ...c.args, 'not a function');
          try {
            checkAck(c, await socket.timeout(10_000).emitWithAck(c.event, ...c.args));
          } catch (err) {
            record(`${c.namespace} ${describeCase(c)}`, `no ack: ${String(err)}`);
          }
        }),
      );
      // Frames without an ack leave no trace; a ping after each batch shows each socket still answers.
      for (const [namespace, socket] of Object.entries(sockets)) {
        const pong = (await socket.timeout(10_000).emitWithAck('ping', {})) as { ok?: boolean };
        if (pong.ok !== true) record(`${namespace} ping after batch ${i / batchSize}`, JSON.stringify(pong));
      }
    }
    expect(dropped).toEqual([]);
    for (const socket of Object.values(sockets)) socket.disconnect();
  }

  it('acks every socket frame with a code: unknown names, spoiled payloads, odd arguments, generated input', async () => {
    await runSocketCases([...socketCases(), ...generatedCases()]);
    expect(failures).toEqual([]);
  });

  /**
   * An answer to a raw frame: an ack must be a coded refusal or a pong (the list has valid pings), a
   * CONNECT_ERROR must carry a code, except Socket.IO's own `Invalid namespace` for a namespace the gateway
   * does not serve.
   */
  function checkRawAnswer(what: string, reply: string, problems: string[]): void {
    const body = JSON.parse(reply.slice(reply.search(/[[{]/))) as
      [{ ok?: boolean; serverTime?: string; error?: { code?: string } }] | { message?: string };
    if (Array.isArray(body)) {
      const [ack] = body;
      const coded = ack?.ok === false && errorCodes.has(ack.error?.code ?? '');
      if (!coded && !(ack?.ok === true && typeof ack.serverTime === 'string'))
        problems.push(`${what}: answered without a code: ${reply.slice(0, 200)}`);
    } else if (!errorCodes.has(body.message ?? '') && body.message !== 'Invalid namespace') {
      problems.push(`${what}: refused without a code: ${reply.slice(0, 200)}`);
    }
  }

  /**
   * Frames no client library sends, over a hand-spoken websocket joined to /chat: malformed Engine.IO and
   * Socket.IO packets, binary frames, acks for nothing, unknown namespaces, oversized and deeply nested
   * frames. Each must end in a coded answer or a clean close, never a hang: when the connection stays open,
   * a ping right after must still be answered, and every answer must be coded.
   */
  it('answers or cleanly closes on every malformed Engine.IO and Socket.IO packet, oversized or deep frame', async () => {
    const room = JSON.stringify(target.id);
    const frames: Array<string | Uint8Array> = [
      '',
      'x',
      '9',
      '7',
      '5',
      '6',
      '1',
      '0',
      '0{}',
      '2probe',
      '3',
      '4',
      '48',
      '4x',
      '4-1',
      '40',
      '40/chat,',
      '40/nope,{}',
      '40/chat,{"token":1}',
      '41/chat,',
      '41',
      '44/chat,{"message":"x"}',
      '42/chat,',
      '42/chat,{',
      '42/chat,"sendMessage"',
      '42/chat,[]',
      '42/chat,[1,2]',
      '42/chat,[null]',
      '42/chat,{"a":1}',
      '42/chat,1["ping"]',
      '42/chat,-1["ping",{}]',
      '42/chat,99999999999999999999999["ping",{}]',
      '42/chat,1.5["ping",{}]',
      '42/chat,7["sendMessage"',
      '42/chat,7["__proto__",{}]',
      '42/chat,7["constructor",{}]',
      '42["ping",{}]',
      '42/nope,7["ping",{}]',
      '43/chat,5[{"ok":true}]',
      '43/chat,[]',
      '451-/chat,7["sendMessage",{"_placeholder":true,"num":0}]',
      '451-/chat,7["sendMessage",{"_placeholder":true,"num":5}]',
      '46/chat,',
      '49/chat,7[]',
      '4\u0000',
      '4\uD800',
      `42/chat,7["sendMessage",{"roomId":${room},"message":"${'x'.repeat(70_000)}","clientMessageId":"big"}]`,
      `42/chat,7["sendMessage",${'['.repeat(5000)}${']'.repeat(5000)}]`,
      `42/chat,7["sendMessage",${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`,
      `42/chat,7["joinRoom",{"roomId":${room},"afterSeq":${'9'.repeat(400)}}]`,
      new Uint8Array([0xff, 0x00, 0x01, 0x02]),
      new Uint8Array(70_000),
    ];
    const problems: string[] = [];
    const tryFrame = async (frame: string | Uint8Array): Promise<void> => {
      tried.rawPackets++;
      const what = `raw ${typeof frame === 'string' ? JSON.stringify(frame.slice(0, 60)) : `binary(${frame.length})`}`;
      const socket = await RawSocketIo.open(env.stack.urls.socket);
      try {
        const joined = await socket.join('/chat', token);
        if (!joined?.startsWith('40/chat,{"sid"')) throw new Error(`could not join /chat: ${joined}`);
        socket.send(frame);
        socket.send('42/chat,900["ping",{}]');
        let answered = false;
        for (
          let reply = await socket.next(5000);
          reply !== undefined && !answered;
          reply = socket.closed ? undefined : await socket.next(5000)
        ) {
          if (reply.startsWith('43/chat,900[')) answered = true;
          else if (reply.startsWith('43/chat,') || reply.startsWith('44')) checkRawAnswer(what, reply, problems);
        }
        if (!answered && !(await socket.waitClosed(2000)))
          problems.push(`${what}: neither answered nor closed (hangs)`);
      } finally {
        socket.close();
      }
    };
    // Each frame on its own connection (many close it), eight connections at a time.
    for (let i = 0; i < frames.length; i += 8) await Promise.all(frames.slice(i, i + 8).map(tryFrame));
    expect(problems).toEqual([]);
  }, 300_000);

  it('answers every REST route with a coded 4xx (never 5xx) for hostile paths, queries and bodies, by cookie and by token', async () => {
    const bodies: Record<string, unknown> = {
      'POST /api/auth/register': { username: 'fuzzer_1', password: 'long enough password' },
      'POST /api/auth/login': { username: alice.username, password: alice.password },
      'POST /api/chat/rooms': valid['createRoom'],
      'POST /api/chat/rooms/{roomId}/members': { userId: bob.id },
      'DELETE /api/chat/rooms/{roomId}/members': { userId: bob.id },
      'POST /api/chat/rooms/{roomId}/read': { seq: 1 },
      'PATCH /api/chat/messages/{messageId}': { message: 'edited' },
      'POST /api/chat/messages': { roomId: target.id, message: 'hello', clientMessageId: 'c1' },
      'POST /api/notifications/read': { ids: [randomUUID()] },
    };
    const pathIds: Record<string, string> = { roomId: target.id, messageId: targetMessage.id };
    const hostileIds = [
      '%00',
      '%ED%A0%80',
      '%ZZ',
      '__proto__',
      'constructor',
      'x'.repeat(3000),
      '..%2F..%2Fetc',
      '-1',
      '9223372036854775808',
    ];
    const hostileQueries = [
      `roomId=${target.id}&before=9223372036854775807`,
      `roomId=${target.id}&after=9007199254740992`,
      `roomId=${target.id}&after=${'9'.repeat(400)}`,
      `roomId=${target.id}&before=-1&limit=1.5`,
      `roomId=${target.id}&limit=99999999999999999999`,
      `roomId=${target.id}&roomId=${target.id}`,
      'afterSeq=9223372036854775808',
      'afterSeq=-1&limit=0',
      'afterSeq=1e400',
      'roomId=%00',
      'roomId[]=x&limit[]=1',
      '__proto__=1&constructor=2&toString=3&hasOwnProperty=4',
      'usernames=%00',
      'usernames=%ED%A0%80',
      'usernames=a%00b,c',
      'usernames=alice&usernames=bob',
      `ids=${target.id}&ids=${target.id}`,
      'ids=%00',
      'unread=maybe&before=9223372036854775807',
      '%ZZ=%ZZ&%00=%00',
    ];
    const rawBodies = [
      '',
      'null',
      '0',
      '"text"',
      '[]',
      '{',
      '{"a":1}{"b":2}',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '['.repeat(5000) + ']'.repeat(5000),
      JSON.stringify({ x: 'y'.repeat(70_000) }),
    ];
    const auths: Array<[string, Record<string, string>]> = [
      ['cookie', { cookie }],
      ['bearer', { authorization: `Bearer ${token}` }],
    ];

    const call = async (
      method: string,
      url: string,
      headers: Record<string, string>,
      body: string | undefined,
      what: string,
    ) => {
      tried.restRequests++;
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body });
      } catch (err) {
        record(what, `request failed: ${String(err)}`);
        return;
      }
      const text = await res.text();
      if (res.status >= 500) {
        record(what, `${res.status} ${text.slice(0, 200)}`);
        return;
      }
      if (res.status >= 400) {
        let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          record(what, `${res.status} without a JSON body: ${text.slice(0, 100)}`);
          return;
        }
        const code = parsed?.error?.code;
        if (typeof code !== 'string' || !errorCodes.has(code) || typeof parsed?.error?.message !== 'string') {
          record(what, `${res.status} not coded: ${text.slice(0, 200)}`);
        }
        return;
      }
      // Only reads may succeed: every write here carries something invalid.
      if (method !== 'GET' && !what.includes('/api/auth/logout')) record(what, `accepted with ${res.status}`);
    };

    const requests: Array<() => Promise<void>> = [];
    for (const [path, operations] of Object.entries(openApi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === 'parameters') continue;
        const verb = method.toUpperCase();
        const base = operation.servers?.some((s) => s.url.includes(':3001'))
          ? env.stack.urls.socket
          : env.stack.urls.api;
        const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        const at = (ids: Record<string, string>) => base + path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
        const validBody = bodies[`${verb} ${path}`];
        const bodyTexts = [
          ...rawBodies,
          ...(validBody && typeof validBody === 'object'
            ? spoiled(validBody as Record<string, unknown>).map((b) => JSON.stringify(b))
            : []),
        ];
        for (const [authName, authHeaders] of auths) {
          // Logging out would end the session the other calls use; it is called without one below.
          if (path === '/api/auth/logout') continue;
          const send = (url: string, body: string | undefined, label: string, contentType = 'application/json') =>
            requests.push(() =>
              call(
                verb,
                url,
                { ...authHeaders, ...(body === undefined ? {} : { 'content-type': contentType }) },
                body,
                `${authName} ${verb} ${label}`,
              ),
            );
          for (const param of params) {
            for (const hostile of hostileIds)
              send(
                at({ ...pathIds, [param]: hostile }),
                validBody === undefined ? undefined : '{}',
                `${path} ${param}=${hostile.slice(0, 30)}`,
              );
          }
          // Writes are sent only what makes them invalid: a query string would not stop a valid delete.
          if (verb === 'GET')
            for (const query of hostileQueries)
              send(`${at(pathIds)}?${query}`, undefined, `${path}?${query.slice(0, 60)}`);
          if (validBody !== undefined) {
            for (const [i, body] of bodyTexts.entries())
              send(at(pathIds), body, `${path} body #${i} ${body.slice(0, 40)}`);
            send(at(pathIds), '{"a":1}', `${path} as text/plain`, 'text/plain');
          }
        }
        for (const garbage of ['Bearer x.y.z', `Bearer ${'a'.repeat(5000)}`, 'Basic Zm9vOmJhcg==', 'Bearer']) {
          requests.push(() =>
            call(
              verb,
              at(pathIds),
              { authorization: garbage },
              undefined,
              `${verb} ${path} with ${garbage.slice(0, 20)}`,
            ),
          );
        }
      }
    }
    const concurrency = 16;
    for (let i = 0; i < requests.length; i += concurrency)
      await Promise.all(requests.slice(i, i + concurrency).map((r) => r()));
    expect(failures).toEqual([]);
  });

  it('stored nothing hostile, every service is still up, and normal use still works (with NFC text)', async () => {
    console.log(
      `fuzz: ${tried.socketFrames} socket frames, ${tried.rawPackets} raw Engine.IO/Socket.IO packets, ${tried.restRequests} REST requests tried`,
    );
    expect(await storedTarget()).toEqual(before);

    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const health = [
      `${env.stack.urls.socket}/health`,
      `${env.stack.urls.api}/api/health`,
      ...Object.values(env.stack.urls.ops).map((ops) => `${ops}/health`),
    ];
    for (const url of health) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      // Up since before the fuzzing started: nothing crashed and was restarted meanwhile.
      expect(((await res.json()) as { uptime: number }).uptime, url).toBeGreaterThan(elapsedSeconds);
    }
    const metrics = [
      `${env.stack.urls.socket}/metrics`,
      ...Object.values(env.stack.urls.ops).map((ops) => `${ops}/metrics`),
    ];
    for (const url of metrics) {
      expect(await (await fetch(url)).text(), url).not.toMatch(/^process_uncaught_errors_total\{.*\} [1-9]/m);
    }

    const aliceSocket = await alice.connectChat();
    const bobSocket = await bob.connectChat();
    const inbox = new RoomInbox(bobSocket);
    const room = await aliceSocket.emitWithAck('createRoom', {
      name: 'Cafe\u0301 after the fuzz',
      memberIds: [bob.id],
    });
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
  });
});
