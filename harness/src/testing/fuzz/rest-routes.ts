import { randomUUID } from 'node:crypto';
import { spoiled } from '../hostile-input.ts';
import { errorCodes, openApiPaths, type FuzzFailures, type FuzzFixture } from './fuzz-fixture.ts';
import { garbageAuthorizations, hostileIds, hostileQueries, rawBodies } from './hostile-rest-input.ts';

/**
 * One hostile request and the check of its answer: a coded 4xx, never a 5xx; only reads (and logout) may
 * succeed, as every write here carries something invalid.
 */
async function callAndCheck(
  failures: FuzzFailures,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  what: string,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body });
  } catch (err) {
    failures.record(what, `request failed: ${String(err)}`);
    return;
  }
  const text = await res.text();
  if (res.status >= 500) {
    failures.record(what, `${res.status} ${text.slice(0, 200)}`);
    return;
  }
  if (res.status >= 400) {
    let parsed: { error?: { code?: unknown; message?: unknown } } | null;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      failures.record(what, `${res.status} without a JSON body: ${text.slice(0, 100)}`);
      return;
    }
    const code = parsed?.error?.code;
    if (typeof code !== 'string' || !errorCodes.has(code) || typeof parsed?.error?.message !== 'string') {
      failures.record(what, `${res.status} not coded: ${text.slice(0, 200)}`);
    }
    return;
  }
  if (method !== 'GET' && !what.includes('/api/auth/logout')) failures.record(what, `accepted with ${res.status}`);
}

/**
 * Walks every operation of openapi.yaml, by cookie and by bearer token: hostile path parameters, hostile
 * queries on reads, broken and spoiled bodies on writes, a body as text/plain, and garbage authorizations
 * (without a session). Returns the requests, each checking its own answer into `failures`.
 */
export function hostileRestRequests(fixture: FuzzFixture, failures: FuzzFailures): Array<() => Promise<void>> {
  const { env, alice, bob, target, targetMessage, valid } = fixture;
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
  const auths: Array<[string, Record<string, string>]> = [
    ['cookie', { cookie: fixture.cookie }],
    ['bearer', { authorization: `Bearer ${fixture.token}` }],
  ];
  const requests: Array<() => Promise<void>> = [];
  const call = (method: string, url: string, headers: Record<string, string>, body: string | undefined, what: string) =>
    requests.push(() => callAndCheck(failures, method, url, headers, body, what));

  for (const [path, operations] of Object.entries(openApiPaths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method === 'parameters') continue;
      const verb = method.toUpperCase();
      const base = operation.servers?.some((s) => s.url.includes(':3001')) ? env.stack.urls.socket : env.stack.urls.api;
      const params = [...path.matchAll(/\{(\w+)\}/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
      const at = (ids: Record<string, string>) =>
        base + path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '');
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
        const send = (url: string, body: string | undefined, label: string, contentType = 'application/json') => {
          const headers = { ...authHeaders, ...(body === undefined ? {} : { 'content-type': contentType }) };
          call(verb, url, headers, body, `${authName} ${verb} ${label}`);
        };
        for (const param of params) {
          for (const hostile of hostileIds) {
            const label = `${path} ${param}=${hostile.slice(0, 30)}`;
            send(at({ ...pathIds, [param]: hostile }), validBody === undefined ? undefined : '{}', label);
          }
        }
        // Writes are sent only what makes them invalid: a query string would not stop a valid delete.
        if (verb === 'GET') {
          for (const query of hostileQueries(target.id)) {
            send(`${at(pathIds)}?${query}`, undefined, `${path}?${query.slice(0, 60)}`);
          }
        }
        if (validBody !== undefined) {
          for (const [i, body] of bodyTexts.entries())
            send(at(pathIds), body, `${path} body #${i} ${body.slice(0, 40)}`);
          send(at(pathIds), '{"a":1}', `${path} as text/plain`, 'text/plain');
        }
      }
      for (const garbage of garbageAuthorizations) {
        call(verb, at(pathIds), { authorization: garbage }, undefined, `${verb} ${path} with ${garbage.slice(0, 20)}`);
      }
    }
  }
  return requests;
}
