import { describe, it, expect } from 'vitest';
import type { Socket } from 'socket.io';
import { Registry } from 'prom-client';
import { clientEventSchemas } from '@chatrt/contracts';
import { createLogger } from '@chatrt/service-kit';
import { dispatchEvents } from '../src/adapters/socket/event-dispatch.ts';
import { createGatewayMetrics } from '../src/adapters/metrics.ts';
import { InFlight } from '../src/adapters/socket/in-flight.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A socket reduced to what dispatch uses: frames go straight into its `onAny` listener. */
function dispatcher() {
  let listener: Listener | undefined;
  const socket = { id: 's1', nsp: { name: '/notifications' }, onAny: (l: Listener) => (listener = l) };
  const calls: unknown[] = [];
  const inFlight = new InFlight();
  dispatchEvents(socket as unknown as Socket, {
    schemas: clientEventSchemas.notifications,
    handlers: {
      ping: () => Promise.resolve({ ok: true, serverTime: 'now' }),
      subscribe: (input: never) => {
        calls.push(input);
        return Promise.resolve({ ok: true, cursor: 0 });
      },
    },
    metrics: createGatewayMetrics(new Registry()),
    inFlight,
    log: createLogger('test', 'silent'),
  });
  /** Sends one frame as socket.io would hand it over; resolves with the ack (or undefined when none came). */
  const send = async (event: unknown, ...args: unknown[]): Promise<unknown> => {
    let reply: unknown;
    listener!(event, ...args, (r: unknown) => (reply = r));
    await inFlight.settle(1000);
    return reply;
  };
  return { send, listener: () => listener!, inFlight, calls };
}

describe('dispatchEvents', () => {
  it('acks every name that is not a contract event UNKNOWN_EVENT, Object.prototype keys included', async () => {
    const { send, calls } = dispatcher();
    const names = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', '', 'x'.repeat(10_000), '💥', 42];
    for (const name of names) {
      const reply = await send(name, {});
      expect(reply, String(name)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
      expect((reply as { error: { message: string } }).error.message.length).toBeLessThan(100);
    }
    expect(calls).toEqual([]);
  });

  it('refuses payloads that are not the schema, extra arguments and odd values with VALIDATION_FAILED', async () => {
    const { send, calls } = dispatcher();
    let nested: unknown = {};
    for (let i = 0; i < 10_000; i++) nested = { afterCursor: nested };
    const bad = [
      [[]],
      ['text'],
      [7],
      [true],
      [{ afterCursor: -1 }],
      [{ afterCursor: 0.5 }],
      [{ extra: 1 }],
      [nested],
      [{}, 'extra'],
    ];
    for (const [i, args] of bad.entries()) {
      const reply = await send('subscribe', ...args);
      expect(reply, `case ${i}`).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(reply, `case ${i}`).toHaveProperty('error.path', expect.any(String));
    }
    expect(calls).toEqual([]);
    expect(await send('subscribe', { afterCursor: 3 })).toEqual({ ok: true, cursor: 0 });
    expect(await send('ping')).toMatchObject({ ok: true });
    expect(await send('ping', null)).toMatchObject({ ok: true });
  });

  it('takes frames without an ack callback, or with a non-function last argument, without throwing', async () => {
    const { listener, inFlight, calls } = dispatcher();
    expect(() => {
      listener()('toString');
    }).not.toThrow();
    expect(() => {
      listener()('subscribe', { afterCursor: 1 }, 'not a function');
    }).not.toThrow();
    expect(() => {
      listener()('subscribe', { afterCursor: 2 });
    }).not.toThrow();
    await inFlight.settle(1000);
    expect(calls).toEqual([{ afterCursor: 2 }]);
  });
});
