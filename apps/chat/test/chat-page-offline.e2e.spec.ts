import { describe, expect, it } from 'vitest';
import { eventually } from '@chatrt/harness';
import { screenshot } from './support/browser.ts';
import { closedPort } from './support/ports.ts';
import { chatPageSuite } from './support/page-suite.ts';

describe('chat page in a real browser: offline, reopened and without a socket', () => {
  // No send limit in the way here: the limit itself is tested in chat-limits.
  const suite = chatPageSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });

  it(
    'queues messages while offline (⏳) and delivers each exactly once when back online',
    { timeout: 90_000 },
    async () => {
      const alice = await suite.newUser('alice');
      const bob = await suite.newUser('bob');
      await alice.page.waitForConnection('connected');
      const roomId = await alice.page.createRoom('Offline drill', [bob.username]);
      await alice.page.send('still online');
      await bob.page.openRoom('Offline drill');
      await bob.page.waitForMessage('still online');

      await alice.page.context.setOffline(true);
      await alice.page.waitForConnection('offline');
      const texts = ['queued one', 'queued two', 'queued three'];
      for (const text of texts) await alice.page.send(text);
      for (const text of texts) await alice.page.waitForMessage(text, 'sending');
      await screenshot(alice.page.page, 'offline-queued');
      expect((await bob.page.restHistory(roomId)).filter((m) => texts.includes(m.message ?? ''))).toEqual([]);

      await alice.page.context.setOffline(false);
      for (const text of texts) await alice.page.waitForMessage(text, 'sent', 30_000);
      for (const text of texts) await bob.page.waitForMessage(text);

      const stored = await bob.page.restHistory(roomId);
      for (const text of texts) {
        expect(stored.filter((m) => m.message === text)).toHaveLength(1);
        expect(await bob.page.messages(text).count()).toBe(1);
        expect(await alice.page.messages(text).count()).toBe(1);
      }
      // Sent in the order written.
      expect(stored.filter((m) => texts.includes(m.message ?? '')).map((m) => m.message)).toEqual(texts);
      await screenshot(alice.page.page, 'offline-delivered');
    },
  );

  /** Sockets connected to the gateway, over both namespaces (its `socket_active_connections` gauge). */
  async function activeSockets(): Promise<number> {
    const metrics = await (await fetch(`${suite.env.stack.urls.socket}/metrics`)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('socket_active_connections{'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  }

  it(
    'keeps messages written offline in IndexedDB when the page is left, and sends each once when it is opened again',
    { timeout: 90_000 },
    async () => {
      const alice = await suite.newUser('alice');
      const bob = await suite.newUser('bob');
      await alice.page.waitForConnection('connected');
      const roomId = await alice.page.createRoom('Left page', [bob.username]);

      await alice.page.context.setOffline(true);
      await alice.page.waitForConnection('offline');
      const texts = ['kept one', 'kept two'];
      for (const text of texts) await alice.page.send(text);
      for (const text of texts) await alice.page.waitForMessage(text, 'sending');
      // The outbox writes to IndexedDB right after showing ⏳; wait for both rows, then leave the page.
      await alice.page.page.waitForFunction(
        (expected) =>
          new Promise<boolean>((resolve) => {
            const open = indexedDB.open('chatrt-client');
            open.onsuccess = () => {
              const count = open.result.transaction('outbox').objectStore('outbox').count();
              count.onsuccess = () => {
                resolve(count.result === expected);
              };
              count.onerror = () => {
                resolve(false);
              };
            };
            open.onerror = () => {
              resolve(false);
            };
          }),
        texts.length,
      );
      // Leaving while still offline: the app is gone before the network is back (closing the tab instead
      // lifts Playwright's offline emulation while the page still runs).
      const connectedBefore = await activeSockets();
      await alice.page.page.goto('about:blank');
      // Back online only once the gateway has seen the old page's connection close: offline emulation leaves open
      // WebSockets alone, and Chromium may run the old document for a moment after the next one commits, so an
      // `online` event reaching it then would send through that socket.
      await eventually(activeSockets, (connected) => connected < connectedBefore, 15_000);
      await alice.page.context.setOffline(false);
      expect((await bob.page.restHistory(roomId)).filter((m) => texts.includes(m.message ?? ''))).toEqual([]);

      // Same browser profile, page opened again: the outbox is read back from IndexedDB and sent.
      await alice.page.open(`rooms/${roomId}`);
      await alice.page.waitForConnection('connected');
      for (const text of texts) await alice.page.waitForMessage(text, 'sent', 30_000);
      const stored = await bob.page.restHistory(roomId);
      expect(stored.filter((m) => texts.includes(m.message ?? '')).map((m) => m.message)).toEqual(texts);
    },
  );

  it(
    'falls back to HTTP when the socket server is unreachable, and still sends and receives',
    { timeout: 120_000 },
    async () => {
      const deadPort = await closedPort();
      // This user's page is told the socket server is on a port where nothing listens.
      const alice = await suite.newUser('alice', {
        setup: async (page) => {
          await page.page.route('**/apps/chat/config.json', (route) =>
            route.fulfill({ json: { socket: { enabled: true, port: deadPort, path: '/socket.io' } } }),
          );
        },
      });
      const bob = await suite.newUser('bob');
      await bob.page.waitForConnection('connected');

      // Sending works over REST even before the client gives up on the socket.
      const roomId = await alice.page.createRoom('Fallback', [bob.username]);
      await alice.page.send('sent over http');
      await alice.page.waitForMessage('sent over http', 'sent');

      await alice.page.waitForConnection('fallback', 60_000);
      await alice.page.waitForConsole(/^\[Socket\] WebSocket unavailable, using HTTP fallback$/);

      await bob.page.openRoom('Fallback');
      await bob.page.waitForMessage('sent over http');
      await bob.page.send('live reply');
      await alice.page.waitForMessage('live reply', undefined, 20_000);

      await alice.page.send('second over http');
      await bob.page.waitForMessage('second over http');
      const stored = await bob.page.restHistory(roomId);
      expect(stored.map((m) => m.message)).toEqual(['sent over http', 'live reply', 'second over http']);
      expect(await alice.page.messages('live reply').count()).toBe(1);
      await screenshot(alice.page.page, 'fallback');
    },
  );
});
