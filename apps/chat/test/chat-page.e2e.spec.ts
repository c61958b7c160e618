import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from './support/accessibility.ts';
import { cspViolations, screenshot } from './support/browser.ts';
import { chatPageSuite, password } from './support/page-suite.ts';

describe('chat page in a real browser: serving, live messaging, notifications, accessibility', () => {
  // No send limit in the way here: the limit itself is tested in chat-limits.
  const suite = chatPageSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });

  it('is served at /apps/chat/ with its runtime config, client routes and contract 404s', async () => {
    const page = await fetch(`${suite.origin}/apps/chat/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="root"></div>');

    const config = await fetch(`${suite.origin}/apps/chat/config.json`);
    expect(await config.json()).toEqual({
      socket: { enabled: true, port: Number(new URL(suite.env.stack.urls.socket).port), path: '/socket.io' },
    });

    const clientRoute = await fetch(`${suite.origin}/apps/chat/rooms/some-room`);
    expect(clientRoute.status).toBe(200);
    expect(clientRoute.headers.get('content-type')).toMatch(/text\/html/);

    const missing = await fetch(`${suite.origin}/apps/chat/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it(
    'two users register, share a room and see each other live, with typing and unread counts',
    { timeout: 90_000 },
    async () => {
      const alice = await suite.newUser('alice', { screenshot: 'log-in' });
      await alice.page.waitForConnection('connected');
      const socketUrl = suite.env.stack.urls.socket.replace('127.0.0.1', 'localhost');
      expect(await alice.page.waitForConsole(/^\[Socket\] Connecting to /)).toBe(
        `[Socket] Connecting to ${socketUrl}/chat`,
      );
      expect(await alice.page.waitForConsole(/^\[Socket\] Connected to \/chat /)).toMatch(
        /^\[Socket\] Connected to \/chat \(id: [\w-]+\)$/,
      );

      const bob = await suite.newUser('bob');
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
      const served = await fetch(`${suite.origin}/apps/chat/`);
      expect(served.headers.get('content-security-policy')).toContain(
        `ws://localhost:${new URL(suite.env.stack.urls.socket).port}`,
      );
      expect(cspViolations(alice.page.consoleLines)).toEqual([]);
      expect(cspViolations(bob.page.consoleLines)).toEqual([]);
    },
  );

  it(
    'rings the bell for a mention and for being added, lists them and marks them read',
    { timeout: 60_000 },
    async () => {
      const alice = await suite.newUser('alice');
      const bob = await suite.newUser('bob');
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
    'has no serious or critical WCAG 2 A/AA violations (axe-core) signed out, in a room, and with the bell open',
    { timeout: 60_000 },
    async () => {
      const visitor = await suite.openPage();
      await visitor.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      expect(await accessibilityViolations(visitor.page)).toEqual([]);

      const alice = await suite.newUser('alice');
      const bob = await suite.newUser('bob');
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
      const bob = await suite.env.signedUpUser();
      const alice = await suite.env.signedUpUser();
      const page = await suite.openPage();
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
});
