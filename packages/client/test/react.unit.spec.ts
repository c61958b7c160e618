import { describe, it, expect } from 'vitest';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ChatClient, MemoryOutboxStore, silentLogger } from '../src/index.ts';
import { SocketProvider, useRateLimit, useRoomMessages, useSockets } from '../src/react/index.ts';

describe('React binding', () => {
  it('gives components the client snapshot, actions and room messages through SocketProvider', () => {
    const client = new ChatClient({ logger: silentLogger, outboxStore: new MemoryOutboxStore() });
    client.room('r1').merge([
      {
        id: 'm1',
        roomId: 'r1',
        seq: 1,
        senderId: 'u',
        message: 'hello',
        clientMessageId: 'c',
        createdAt: '2025-01-01T00:00:00.000Z',
        deleted: false,
      },
    ]);
    const seen: unknown[] = [];
    function Probe(): ReactElement {
      const sockets = useSockets();
      const messages = useRoomMessages('r1');
      const rateLimit = useRateLimit();
      seen.push({
        status: sockets.status,
        chat: sockets.chatSocket,
        send: typeof sockets.send,
        text: messages[0]?.text,
        blocked: rateLimit.blocked,
      });
      return createElement('p', null, sockets.status);
    }
    const html = renderToString(createElement(SocketProvider, { client }, createElement(Probe)));
    expect(html).toBe('<p>idle</p>');
    expect(seen).toEqual([{ status: 'idle', chat: undefined, send: 'function', text: 'hello', blocked: false }]);
  });

  it('explains a hook used outside the provider', () => {
    function Lonely(): ReactElement {
      useSockets();
      return createElement('p');
    }
    expect(() => renderToString(createElement(Lonely))).toThrow(/inside <SocketProvider>/);
  });
});
