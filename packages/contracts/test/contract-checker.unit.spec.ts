import { describe, it, expect, beforeEach } from 'vitest';
import { ContractChecker, type ConformanceSink, type Violation } from '../src/conformance/index.ts';
import { validate, type SchemaName } from '../src/index.ts';

const id = '00000000-0000-4000-8000-000000000001';
const at = '2026-01-01T00:00:00.000Z';
const message = {
  id,
  roomId: id,
  seq: 1,
  senderId: id,
  message: 'hi',
  clientMessageId: 'c1',
  createdAt: at,
  deleted: false,
};

let violations: Violation[];
let exercised: string[];
let checker: ContractChecker;
beforeEach(() => {
  violations = [];
  exercised = [];
  const sink: ConformanceSink = {
    violation: (v) => violations.push(v),
    exercised: (spec, kind, unit) => exercised.push(`${spec} ${kind} ${unit}`),
  };
  checker = new ContractChecker(sink);
});

describe('socket frames', () => {
  it('passes a valid event and its ack, and counts them', () => {
    checker.clientEvent('c', '/chat', 'sendMessage', [{ roomId: id, message: 'hi', clientMessageId: 'c1' }], 7);
    checker.ack('c', '/chat', 7, [{ ok: true, message }]);
    checker.serverEvent('/chat', 'message', [message]);
    expect(violations).toEqual([]);
    expect(exercised).toEqual(
      expect.arrayContaining([
        'asyncapi message /chat sendMessage',
        'asyncapi operation sendMessage',
        'asyncapi message /chat messageAck',
        'asyncapi message /chat message',
        'asyncapi operation deliverMessage',
      ]),
    );
    expect(exercised).not.toContain('asyncapi operation editMessage');
  });

  it('fails a server event the spec lacks, naming it', () => {
    checker.serverEvent('/chat', 'messageStarred', [message]);
    expect(violations).toEqual([
      {
        spec: 'asyncapi',
        where: '/chat server event "messageStarred"',
        path: '/',
        message: 'event not in asyncapi.yaml',
      },
    ]);
  });

  it('fails a server event whose payload breaks its schema, with the path and error', () => {
    checker.serverEvent('/chat', 'message', [{ ...message, seq: 'one' }]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.path).toBe('/seq');
    expect(violations[0]?.message).toContain('not a Message: /seq must be integer');
  });

  it('fails an extra field and extra arguments', () => {
    checker.serverEvent('/chat', 'message', [{ ...message, starred: true }]);
    checker.serverEvent('/chat', 'message', [message, 'more']);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining("unknown property 'starred'"),
      '2 arguments, the spec has one',
    ]);
  });

  it('fails an ack of the wrong shape', () => {
    checker.clientEvent('c', '/chat', 'ping', [{}], 1);
    checker.ack('c', '/chat', 1, [{ ok: true, message }]);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.where).toBe('/chat ack of ping');
  });

  it('accepts a refused bad frame, and fails one the gateway accepted', () => {
    checker.clientEvent('c', '/chat', 'toString', [{}], 1);
    checker.ack('c', '/chat', 1, [{ ok: false, error: { code: 'UNKNOWN_EVENT', message: 'no' } }]);
    expect(violations).toEqual([]);
    checker.clientEvent('c', '/chat', 'sendMessage', [{ roomId: 'nope' }], 2);
    checker.ack('c', '/chat', 2, [{ ok: true, message }]);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toContain('a frame the spec refuses was not refused');
  });

  it('checks connect_error data', () => {
    checker.connectError('/chat', { message: 'UNAUTHENTICATED' });
    expect(violations).toEqual([]);
    checker.connectError('/notifications', { message: 'bad token' });
    expect(violations).toHaveLength(1);
  });
});

describe('NATS messages', () => {
  it('passes an event of its channel and a reply of its request', () => {
    checker.natsMessage(`gateway.typing.${id}`, { roomId: id, userId: id, isTyping: true });
    const rules = checker.natsMessage('chat.qry.room', { actorId: id, roomId: id });
    checker.natsReply(rules!, 'chat.qry.room', { ok: false, error: { code: 'NOT_FOUND', message: 'no room' } });
    expect(violations).toEqual([]);
  });

  it('fails a subject the spec lacks', () => {
    checker.natsMessage('chat.evt2.x', {});
    expect(violations).toEqual([
      { spec: 'asyncapi', where: 'NATS chat.evt2.x', path: '/', message: 'subject not in asyncapi.yaml' },
    ]);
  });

  it('fails a message of a known subject that matches none of its messages', () => {
    checker.natsMessage(`chat.evt.${id}`, { type: 'RoomArchived', data: {} });
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toContain('matches none of');
  });

  it('accepts an invalid request that was refused, and fails one that was answered', () => {
    const refused = checker.natsMessage('chat.qry.room', { actorId: 'me', roomId: id });
    checker.natsReply(refused!, 'chat.qry.room', {
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'no', path: '/actorId' },
    });
    expect(violations).toEqual([]);
    const answered = checker.natsMessage('chat.qry.room', { actorId: 'me', roomId: id });
    checker.natsReply(answered!, 'chat.qry.room', {
      ok: true,
      room: { id, name: 'r', memberIds: [], createdAt: at, lastSeq: 0 },
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toContain('a request the spec refuses was not refused');
  });

  it('fails a malformed reply', () => {
    const rules = checker.natsMessage('chat.qry.room', { actorId: id, roomId: id });
    checker.natsReply(rules!, 'chat.qry.room', { ok: true });
    expect(violations).toHaveLength(1);
    expect(violations[0]!.where).toBe('NATS reply on chat.qry.room');
  });

  it('leaves reply inboxes and the JetStream API alone', () => {
    expect(checker.natsMessage('_INBOX.abc', 'x')).toBeUndefined();
    expect(checker.natsMessage('$JS.API.INFO', '')).toBeUndefined();
    expect(violations).toEqual([]);
  });
});

describe('REST exchanges', () => {
  const json = 'application/json; charset=utf-8';
  it('passes a documented response and counts the operation', () => {
    checker.restExchange({
      method: 'POST',
      url: '/api/auth/register',
      requestBody: { username: 'ann', password: 'long enough pw' },
      status: 201,
      contentType: json,
      responseBody: { id, username: 'ann' },
    });
    expect(violations).toEqual([]);
    expect(exercised).toContain('openapi operation register');
  });

  it('fails an undocumented status, a wrong body and a route the spec lacks', () => {
    checker.restExchange({ method: 'GET', url: '/api/chat/rooms', status: 418, contentType: json, responseBody: {} });
    checker.restExchange({
      method: 'GET',
      url: `/api/chat/rooms/${id}/updates?afterSeq=0`,
      status: 200,
      contentType: json,
      responseBody: { updates: [] },
    });
    checker.restExchange({ method: 'GET', url: '/api/chat/archive', status: 200, contentType: json, responseBody: {} });
    expect(violations.map((v) => v.where)).toEqual([
      'GET /api/chat/rooms → 418',
      `GET /api/chat/rooms/${id}/updates → 200`,
      'GET /api/chat/archive → 200',
    ]);
    expect(violations[1]!.path).toBe('/');
    expect(violations[1]!.message).toContain('must have required property');
  });

  it('accepts a refused bad body and an unknown route answered 404, fails an accepted bad body', () => {
    checker.restExchange({
      method: 'POST',
      url: '/api/chat/rooms',
      requestBody: { nme: 'x' },
      status: 400,
      contentType: json,
      responseBody: { error: { code: 'VALIDATION_FAILED', message: 'no' } },
    });
    checker.restExchange({
      method: 'GET',
      url: '/api/nothing',
      status: 404,
      contentType: json,
      responseBody: { error: { code: 'NOT_FOUND', message: 'no' } },
    });
    expect(violations).toEqual([]);
    checker.restExchange({
      method: 'POST',
      url: '/api/chat/rooms',
      requestBody: { nme: 'x' },
      status: 201,
      contentType: json,
      responseBody: { id },
    });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining('a request body the spec refuses was answered 201'),
      expect.any(String),
    ]);
  });
});

describe('the conformance data', () => {
  // A YAML slip (an unquoted comma in a flow map) once broke LoginReply.
  it('names only schemas that compile', async () => {
    const { asyncApiConformance, openApiConformance } = await import('../src/generated/conformance.ts');
    const names = new Set<string>();
    JSON.stringify([asyncApiConformance, openApiConformance], (key, value: unknown) => {
      if (key === 'schema' && typeof value === 'string') names.add(value);
      return value;
    });
    expect(names.size).toBeGreaterThan(50);
    for (const name of names) expect(() => validate(name as SchemaName, {}), name).not.toThrow();
  });
});

describe('client events without a payload', () => {
  it('reads an absent payload as {} as the gateway does, so a ping without arguments expects a pong', () => {
    checker.clientEvent('c', '/chat', 'ping', [], 3);
    checker.ack('c', '/chat', 3, [{ ok: true, serverTime: at }]);
    expect(violations).toEqual([]);
  });
});
