import { describe, it, expect } from 'vitest';
import type { Notification } from '@chatrt/contracts';
import { configFromEnv, NotificationsStore, resolveEndpoints, resolveTimings, defaultTimings } from '../src/index.ts';
import { deriveStatus, type StatusInputs } from '../src/status.ts';
import { tokenSubject, newClientMessageId } from '../src/ids.ts';

describe('configFromEnv', () => {
  it('uses the ops doc defaults', () => {
    expect(configFromEnv({})).toEqual({
      socketUrl: 'http://localhost:3001',
      socketPath: '/socket.io',
      apiUrl: 'http://localhost:3000/api',
      socketEnabled: true,
    });
  });

  it(
    'reads the variables, prefers NEXT_PUBLIC_WS_URL over the legacy one, and ' + 'turns sockets off with false or 0',
    () => {
      const env = {
        NEXT_PUBLIC_WS_URL: 'https://ws.example.org/',
        NEXT_PUBLIC_SOCKET_URL: 'http://legacy:1',
        NEXT_PUBLIC_SOCKET_PATH: '/rt',
        NEXT_PUBLIC_API_URL: 'https://example.org/api/',
        NEXT_PUBLIC_ENABLE_SOCKET_IO: 'false',
      };
      expect(configFromEnv(env)).toEqual({
        socketUrl: 'https://ws.example.org',
        socketPath: '/rt',
        apiUrl: 'https://example.org/api',
        socketEnabled: false,
      });
      expect(configFromEnv({ NEXT_PUBLIC_WS_URL: '  ', NEXT_PUBLIC_SOCKET_URL: 'http://legacy:1' }).socketUrl).toBe(
        'http://legacy:1',
      );
      expect(configFromEnv({ NEXT_PUBLIC_ENABLE_SOCKET_IO: '0' }).socketEnabled).toBe(false);
      expect(configFromEnv({ NEXT_PUBLIC_ENABLE_SOCKET_IO: 'true' }).socketEnabled).toBe(true);
      expect(configFromEnv({ NEXT_PUBLIC_ENABLE_SOCKET_IO: '' }).socketEnabled).toBe(true);
    },
  );

  it('lets explicit options win over env, and fills timings with defaults', () => {
    expect(
      resolveEndpoints({ env: { NEXT_PUBLIC_WS_URL: 'http://a:1' }, socketUrl: 'http://b:2/', socketEnabled: false }),
    ).toMatchObject({
      socketUrl: 'http://b:2',
      socketEnabled: false,
      apiUrl: 'http://localhost:3000/api',
    });
    expect(resolveTimings({ reconnectionDelayMs: 50 })).toEqual({ ...defaultTimings, reconnectionDelayMs: 50 });
    expect(defaultTimings).toMatchObject({
      reconnectionAttempts: 5,
      reconnectionDelayMs: 1000,
      heartbeatIntervalMs: 30_000,
    });
  });
});

describe('deriveStatus', () => {
  const base: StatusInputs = {
    started: true,
    authenticated: true,
    online: true,
    socketEnabled: true,
    chatConnected: false,
    socketsGaveUp: false,
  };

  it('orders the causes: stopped, no session, offline, REST-only, connected, gave up, connecting', () => {
    expect(deriveStatus({ ...base, started: false, chatConnected: true })).toBe('idle');
    expect(deriveStatus({ ...base, authenticated: false, online: false })).toBe('unauthenticated');
    expect(deriveStatus({ ...base, online: false, chatConnected: true })).toBe('offline');
    expect(deriveStatus({ ...base, socketEnabled: false })).toBe('fallback');
    expect(deriveStatus({ ...base, chatConnected: true, socketsGaveUp: true })).toBe('connected');
    expect(deriveStatus({ ...base, socketsGaveUp: true })).toBe('fallback');
    expect(deriveStatus(base)).toBe('connecting');
    expect(deriveStatus({ ...base, authenticated: undefined })).toBe('connecting');
  });
});

describe('NotificationsStore', () => {
  const n = (id: string, cursor: number, read = false): Notification => ({
    id,
    type: 'mention',
    roomId: 'r',
    messageId: 'm',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    read,
    cursor,
  });

  it('keeps the version with the highest cursor per id and counts the unread', () => {
    const store = new NotificationsStore();
    expect(store.apply([n('a', 1), n('b', 2)], true)).toHaveLength(2);
    expect(store.apply([n('a', 3, true)], true)).toHaveLength(1);
    expect(store.apply([n('a', 1)], false)).toHaveLength(0);
    expect(store.get().notifications.map((x) => [x.id, x.cursor])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    expect(store.get().unreadCount).toBe(1);
    expect(store.cursor).toBe(3);
  });

  it('moves the resume cursor only from the socket stream', () => {
    const store = new NotificationsStore();
    store.apply([n('a', 7)], false);
    expect(store.cursor).toBeUndefined();
    store.advanceCursor(4);
    store.advanceCursor(2);
    expect(store.cursor).toBe(4);
  });
});

describe('ids', () => {
  it('makes UUID v4 clientMessageIds and reads the subject of a token', () => {
    expect(newClientMessageId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const payload = Buffer.from(JSON.stringify({ sub: 'user-42', exp: 1 })).toString('base64url');
    expect(tokenSubject(`x.${payload}.y`)).toBe('user-42');
    expect(tokenSubject('not a token')).toBeUndefined();
  });
});
