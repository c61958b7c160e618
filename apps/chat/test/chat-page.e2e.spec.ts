import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, startTestStack, type TestStack } from '@chatrt/harness';
import { accessibilityViolations } from './support/accessibility.ts';
import { cspViolations, launchChromium, screenshot } from './support/browser.ts';
import { ensurePageBuilt } from '../scripts/build-page.ts';
import type { ChatPage } from './support/chat-page.ts';
import { closedPort } from './support/ports.ts';
import { openChatPage, uniqueName } from './support/session.ts';

const password = 'correct horse battery';

describe('chat page in a real browser', () => {
  let env: TestStack;
  let browser: Browser;
  /** The page's origin: `localhost`, the origin the gateway allows for sockets (NEXT_PUBLIC_APP_URL). */
  let origin: string;
  const pages: ChatPage[] = [];

  const newUser = async (
    prefix: string,
    options: { setup?: (page: ChatPage) => Promise<void>; screenshot?: string } = {},
  ) => {
    const page = await openChatPage(browser, origin, options.setup);
    pages.push(page);
    const username = uniqueName(prefix);
    if (options.screenshot) {
      await page.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      await screenshot(page.page, options.screenshot);
    }
    await page.register(username, password);
    return { page, username };
  };

  beforeAll(async () => {
    await ensurePageBuilt({ plain: true });
    // Seeding history sends many messages at once; the limit itself is tested in chat-limits.
    env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
    origin = env.stack.urls.api.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.context.close().catch(() => {});
    await browser?.close();
    await env?.stop();
  });

  it('is served at /apps/chat/ with its runtime config, client routes and contract 404s', async () => {
    const page = await fetch(`${origin}/apps/chat/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="root"></div>');

    const config = await fetch(`${origin}/apps/chat/config.json`);
    expect(await config.json()).toEqual({
      socket: { enabled: true, port: Number(new URL(env.stack.urls.socket).port), path: '/socket.io' },
    });

    const clientRoute = await fetch(`${origin}/apps/chat/rooms/some-room`);
    expect(clientRoute.status).toBe(200);
    expect(clientRoute.headers.get('content-type')).toMatch(/text\/html/);

    const missing = await fetch(`${origin}/apps/chat/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it(
    'two users register, share a room and see each other live, with typing and unread counts',
    { timeout: 90_000 },
    async () => {
      const alice = await newUser('alice', { screenshot: 'log-in' });
      await alice.page.waitForConnection('connected');
      const socketUrl = env.stack.urls.socket.replace('127.0.0.1', 'localhost');
      expect(await alice.page.waitForConsole(/^\[Socket\] Connecting to /)).toBe(
        `[Socket] Connecting to ${socketUrl}/chat`,
      );
      expect(await alice.page.waitForConsole(/^\[Socket\] Connected to \/chat /)).toMatch(
        /^\[Socket\] Connected to \/chat \(id: [\w-]+\)$/,
      );

      const bob = await newUser('bob');
      await bob.page.waitForConnection('connected');

      const roomId = await alice.page.createRoom('Design review', [bob.username]);
      expect(roomId).toMatch(/^[0-9a-f-]{36}$/);
      await alice.page.send('Hello Bob');
      await alice.page.waitForMessage('Hello Bob', 'sent');

      // Bob is not in the room yet: it shows up in his list with one unread message.
      await bob.page.roomButton('Design review').locator('.count', { hasText: '1' }).waitFor({ timeout: 20_000 });
      await bob.page.openRoom('Design review');
      await bob.page.waitForMessage('Hello Bob');
      // Bob never looked Alice up by name: the page learns it from her id.
      await bob.page.messages('Hello Bob').locator('.sender', { hasText: alice.username }).waitFor({ timeout: 10_000 });

      // Bob types: Alice sees it, knowing Bob's name from adding him.
      await bob.page.page.getByLabel('Message', { exact: true }).fill('Hi Alice');
      await alice.page.page.locator('.typing', { hasText: `${bob.username} is typing…` }).waitFor({ timeout: 10_000 });
      await bob.page.page.getByLabel('Message', { exact: true }).press('Enter');
      await bob.page.waitForMessage('Hi Alice', 'sent');
      await alice.page.waitForMessage('Hi Alice');
      await alice.page.page
        .locator('.typing', { hasText: 'is typing' })
        .waitFor({ state: 'detached', timeout: 10_000 });

      for (const page of [alice.page, bob.page]) {
        expect(await page.messages('Hello Bob').count()).toBe(1);
        expect(await page.messages('Hi Alice').count()).toBe(1);
      }
      await screenshot(alice.page.page, 'two-users-alice');
      await screenshot(bob.page.page, 'two-users-bob');

      // Logging out ends the session on the server: the page returns to the form and a log-in works again.
      await alice.page.page.getByRole('button', { name: 'Log out' }).click();
      await alice.page.page.getByLabel('Username').waitFor({ timeout: 10_000 });
      const token = await alice.page.page.evaluate(
        async () => (await fetch('/api/auth/session-token', { credentials: 'include' })).status,
      );
      expect(token).toBe(401);
      await alice.page.logIn(alice.username, password);
      await alice.page.waitForConnection('connected');

      // All of that ran under the gateway's Content-Security-Policy without a single violation.
      const served = await fetch(`${origin}/apps/chat/`);
      expect(served.headers.get('content-security-policy')).toContain(
        `ws://localhost:${new URL(env.stack.urls.socket).port}`,
      );
      expect(cspViolations(alice.page.consoleLines)).toEqual([]);
      expect(cspViolations(bob.page.consoleLines)).toEqual([]);
    },
  );

  it(
    'queues messages while offline (⏳) and delivers each exactly once when back online',
    { timeout: 90_000 },
    async () => {
      const alice = await newUser('alice');
      const bob = await newUser('bob');
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
    const metrics = await (await fetch(`${env.stack.urls.socket}/metrics`)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('socket_active_connections{'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  }

  it(
    'keeps messages written offline in IndexedDB when the page is left, and sends each once when it is opened again',
    { timeout: 90_000 },
    async () => {
      const alice = await newUser('alice');
      const bob = await newUser('bob');
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

  it('marks a refused message ❌ and sends it with Retry once allowed again', { timeout: 60_000 }, async () => {
    const owner = await env.signedUpUser();
    const member = await env.signedUpUser();
    const room = await owner.api.POST('/api/chat/rooms', { body: { name: 'Members only', memberIds: [member.id] } });
    expect(room.response.status).toBe(201);
    const roomId = room.data!.id;
    const page = await openChatPage(browser, origin);
    pages.push(page);
    await page.logIn(member.username, member.password);
    await page.waitForConnection('connected');
    await page.openRoom('Members only');

    const members = { params: { path: { roomId } }, body: { userId: member.id } };
    expect((await owner.api.DELETE('/api/chat/rooms/{roomId}/members', members)).response.status).toBe(200);
    await page.page.getByText('You are no longer a member of this room.').waitFor();
    await page.send('let me back in');
    await page.waitForMessage('let me back in', 'failed');
    const failed = page.messages('let me back in');
    expect(await failed.getByRole('img', { name: 'Not sent' }).count()).toBe(1);
    await screenshot(page.page, 'message-failed');

    expect((await owner.api.POST('/api/chat/rooms/{roomId}/members', members)).response.status).toBe(200);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await page.waitForMessage('let me back in', 'sent');
    const history = await owner.api.GET('/api/chat/messages', { params: { query: { roomId } } });
    expect(history.data!.messages.filter((m) => m.message === 'let me back in')).toHaveLength(1);
  });

  it('says so when a room is opened after the membership ended (a stale list, an old link)', async () => {
    const owner = await env.signedUpUser();
    const member = await env.signedUpUser();
    const room = await owner.http<{ id: string }>('POST', '/chat/rooms', {
      name: 'Gone before opened',
      memberIds: [member.id],
    });
    expect(room.status).toBe(201);
    const page = await openChatPage(browser, origin);
    pages.push(page);
    await page.logIn(member.username, member.password);
    await page.waitForConnection('connected');
    await page.roomButton('Gone before opened').waitFor();

    // No memberRemoved reaches a page that has not joined the room: the refused join tells it.
    expect((await owner.http('DELETE', `/chat/rooms/${room.body.id}/members`, { userId: member.id })).status).toBe(200);
    await page.open(`rooms/${room.body.id}`);
    await page.page.getByText('You are no longer a member of this room.').waitFor();
    expect(await page.roomButton('Gone before opened').count()).toBe(0);
  });

  it(
    'has no serious or critical WCAG 2 A/AA violations (axe-core) signed out, in a room, and with the bell open',
    { timeout: 60_000 },
    async () => {
      const visitor = await openChatPage(browser, origin);
      pages.push(visitor);
      await visitor.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      expect(await accessibilityViolations(visitor.page)).toEqual([]);

      const alice = await newUser('alice');
      const bob = await newUser('bob');
      await alice.page.waitForConnection('connected');
      await alice.page.createRoom('Accessible', [bob.username]);
      await alice.page.send(`hello @${bob.username}`);
      await alice.page.waitForMessage(`hello @${bob.username}`, 'sent');
      expect(await accessibilityViolations(alice.page.page)).toEqual([]);

      const bell = bob.page.page.getByRole('button', { name: /^Notifications, \d+ unread$/ });
      await bell.waitFor({ timeout: 20_000 });
      await bell.click();
      await bob.page.page.getByRole('region', { name: 'Notifications' }).waitFor();
      expect(await accessibilityViolations(bob.page.page)).toEqual([]);
    },
  );

  it(
    'works from the keyboard alone: log in, create a room, send, open and close the bell',
    { timeout: 60_000 },
    async () => {
      const bob = await env.signedUpUser();
      const alice = await env.signedUpUser();
      const page = await openChatPage(browser, origin);
      pages.push(page);
      const keys = page.page.keyboard;

      await page.tabTo(/^Username$/);
      await keys.type(alice.username);
      await page.tabTo(/^Password$/);
      await keys.type(alice.password);
      await keys.press('Enter');
      await page.page.getByText('Signed in as').waitFor();
      await page.waitForConnection('connected');

      await page.tabTo(/^Room name$/);
      await keys.type('Keyboard only');
      await page.tabTo(/^Members$/);
      await keys.type(bob.username);
      await keys.press('Enter');
      await page.page.getByRole('heading', { name: 'Keyboard only' }).waitFor();
      await page.page.locator('main.room-view[aria-busy="false"]').waitFor();

      await page.tabTo(/^Message$/);
      await keys.type('typed, never clicked');
      await keys.press('Enter');
      await page.waitForMessage('typed, never clicked', 'sent');

      await page.tabTo(/^Notifications/);
      await keys.press('Enter');
      const panel = page.page.getByRole('region', { name: 'Notifications' });
      await panel.waitFor();
      await keys.press('Tab');
      await keys.press('Escape');
      await panel.waitFor({ state: 'detached' });
      expect(await page.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')).toMatch(
        /^Notifications/,
      );
    },
  );

  it('pages back through history when scrolled to the top or asked to', { timeout: 90_000 }, async () => {
    const seeder = await env.signedUpUser();
    const reader = await env.signedUpUser();
    const room = await seeder.http<{ id: string }>('POST', '/chat/rooms', {
      name: 'Long history',
      memberIds: [reader.id],
    });
    expect(room.status).toBe(201);
    for (let i = 1; i <= 120; i++) {
      const sent = await seeder.http('POST', '/chat/messages', {
        roomId: room.body.id,
        message: `history ${String(i).padStart(3, '0')}`,
      });
      expect(sent.status).toBe(201);
    }

    const page = await openChatPage(browser, origin);
    pages.push(page);
    await page.logIn(reader.username, reader.password);
    await page.openRoom('Long history');
    await page.waitForMessage('history 120');
    const lines = page.page.locator('.message-log > li');
    expect(await lines.count()).toBe(50);

    // Scrolling to the top loads the previous page and keeps the view where it was.
    const scroller = page.page.locator('.messages');
    await scroller.evaluate((el) => {
      el.scrollTo({ top: 0 });
    });
    await page.waitForMessage('history 021');
    expect(await lines.count()).toBe(100);
    expect(await scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(500);
    const older = page.page.getByRole('button', { name: 'Load older messages' });
    expect(await older.count()).toBe(1);

    await scroller.evaluate((el) => {
      el.scrollTo({ top: 0 });
    });
    await page.waitForMessage('history 001');
    await older.waitFor({ state: 'detached' });
    const texts = await page.page.locator('.message-log > li p.text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `history ${String(i + 1).padStart(3, '0')}`));
    await screenshot(page.page, 'history-paged');
  });

  it(
    'rings the bell for a mention and for being added, lists them and marks them read',
    { timeout: 60_000 },
    async () => {
      const alice = await newUser('alice');
      const bob = await newUser('bob');
      await alice.page.waitForConnection('connected');
      await bob.page.waitForConnection('connected');
      await alice.page.createRoom('Mentions', [bob.username]);
      await alice.page.send(`@${bob.username} can you look at this?`);

      const bell = bob.page.page.getByRole('button', { name: /^Notifications, \d+ unread$/ });
      await bell.waitFor({ timeout: 20_000 });
      await bell.click();
      const panel = bob.page.page.getByRole('region', { name: 'Notifications' });
      await panel.getByRole('button', { name: 'You were mentioned in Mentions', exact: true }).waitFor();
      // Being added is a notification too, naming who did it (the page looks the name up by id).
      await panel
        .getByRole('button', { name: `${alice.username} added you to Mentions`, exact: true })
        .waitFor({ timeout: 10_000 });
      await screenshot(bob.page.page, 'notifications-open');

      await panel.getByRole('button', { name: 'Mark all read' }).click();
      await bob.page.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 10_000 });
      expect(await bob.page.page.getByTestId('bell-count').count()).toBe(0);

      // Opening an item goes to its room.
      await panel.getByRole('button', { name: 'You were mentioned in Mentions', exact: true }).click();
      await bob.page.page.getByRole('heading', { name: 'Mentions' }).waitFor();
      await bob.page.waitForMessage(`@${bob.username} can you look at this?`);
    },
  );

  it(
    'falls back to HTTP when the socket server is unreachable, and still sends and receives',
    { timeout: 120_000 },
    async () => {
      const deadPort = await closedPort();
      // This user's page is told the socket server is on a port where nothing listens.
      const alice = await newUser('alice', {
        setup: async (page) => {
          await page.page.route('**/apps/chat/config.json', (route) =>
            route.fulfill({ json: { socket: { enabled: true, port: deadPort, path: '/socket.io' } } }),
          );
        },
      });
      const bob = await newUser('bob');
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
