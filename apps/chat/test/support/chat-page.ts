import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { Message } from '@chatrt/contracts';

/** Default wait for something to show on the page, in millis. */
const shortWaitMs = 15_000;

/** The chat page as a person uses it: by labels, roles and visible text. */
export class ChatPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Origin of the gateway's REST API and page, e.g. `http://localhost:3000`. */
  readonly origin: string;
  readonly consoleLines: string[];

  constructor(options: { page: Page; context: BrowserContext; origin: string; consoleLines: string[] }) {
    this.page = options.page;
    this.context = options.context;
    this.origin = options.origin;
    this.consoleLines = options.consoleLines;
  }

  async open(path = ''): Promise<void> {
    await this.page.goto(`${this.origin}/apps/chat/${path}`);
  }

  /** Registers through the form and waits for the signed-in page. */
  async register(username: string, password: string): Promise<void> {
    await this.page.getByRole('button', { name: 'No account? Register' }).click();
    await this.#submitCredentials(username, password, 'Register');
  }

  /** Logs in through the form and waits for the signed-in page. */
  async logIn(username: string, password: string): Promise<void> {
    await this.#submitCredentials(username, password, 'Log in');
  }

  async #submitCredentials(username: string, password: string, button: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: button, exact: true }).click();
    await this.page.getByText('Signed in as').waitFor({ timeout: shortWaitMs });
  }

  /** Waits until the connection badge shows `state`. */
  async waitForConnection(
    state: 'connecting' | 'connected' | 'fallback' | 'offline',
    timeoutMs = shortWaitMs,
  ): Promise<void> {
    await this.page.locator(`.badge[data-state="${state}"]`).waitFor({ timeout: timeoutMs });
  }

  /** Creates a room through the form; returns its id (from the URL the page opens). */
  async createRoom(name: string, members: string[]): Promise<string> {
    const form = this.page.getByRole('form', { name: 'Create a room' });
    await form.getByLabel('Room name').fill(name);
    await form.getByLabel('Members').fill(members.join(', '));
    await form.getByRole('button', { name: 'Create room' }).click();
    await this.page.waitForURL(/\/apps\/chat\/rooms\//, { timeout: shortWaitMs });
    await this.page.getByRole('heading', { name }).waitFor({ timeout: shortWaitMs });
    return decodeURIComponent(new URL(this.page.url()).pathname.split('/').at(-1) ?? '');
  }

  /** The room's button in the room list (its accessible name includes the unread count). */
  roomButton(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Rooms' }).locator('button.room', { hasText: name });
  }

  /** Opens a room from the list and waits until the page follows it (its join has been answered). */
  async openRoom(name: string): Promise<void> {
    await this.roomButton(name).click({ timeout: shortWaitMs });
    await this.page.getByRole('heading', { name }).waitFor({ timeout: shortWaitMs });
    await this.page.locator('main.room-view[aria-busy="false"]').waitFor({ timeout: shortWaitMs });
  }

  /**
   * Presses Tab until the focused element's accessible name (label, aria-label or text) matches `name`, as a
   * keyboard user would; fails if it is not reached within `maxTabs`.
   */
  async tabTo(name: RegExp, maxTabs = 40): Promise<void> {
    const seen: string[] = [];
    for (let i = 0; i < maxTabs; i++) {
      await this.page.keyboard.press('Tab');
      const focused = await this.page.evaluate(() => {
        const el = document.activeElement as (HTMLElement & { labels?: NodeListOf<HTMLLabelElement> }) | null;
        if (!el || el === document.body) return '';
        return (el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent).trim();
      });
      if (name.test(focused)) return;
      seen.push(focused);
    }
    throw new Error(`Tab never reached ${name}; focus went through: ${seen.join(' → ')}`);
  }

  /** Types into the message box and presses Enter. */
  async send(text: string): Promise<void> {
    const box = this.page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  /** Every line of the message list with this exact text. */
  messages(text: string): Locator {
    return this.page
      .locator('.message-log > li')
      .filter({ has: this.page.locator('p.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
  }

  /** Waits for a message with this text; with `state`, for one of mine in that state (sending, sent, failed). */
  async waitForMessage(text: string, state?: 'sending' | 'sent' | 'failed', timeoutMs = shortWaitMs): Promise<void> {
    const line =
      state === undefined ? this.messages(text) : this.messages(text).and(this.page.locator(`[data-state="${state}"]`));
    await line.first().waitFor({ timeout: timeoutMs });
  }

  /** A room's stored messages over REST with this page's session cookie. */
  async restHistory(roomId: string): Promise<Message[]> {
    const res = await this.context.request.get(`${this.origin}/api/chat/messages?roomId=${roomId}&limit=200`);
    if (!res.ok()) throw new Error(`history: ${res.status()} ${await res.text()}`);
    return ((await res.json()) as { messages: Message[] }).messages;
  }

  /** Resolves once a console line matches `pattern`, or rejects after `timeoutMs`. */
  async waitForConsole(pattern: RegExp, timeoutMs = shortWaitMs): Promise<string> {
    // Listen first, then look at what came already, so a line arriving in between is not missed.
    const next = this.page.waitForEvent('console', {
      predicate: (msg) => pattern.test(msg.text()),
      timeout: timeoutMs,
    });
    const seen = this.consoleLines.find((line) => pattern.test(line));
    if (seen !== undefined) {
      next.catch(() => {});
      return seen;
    }
    return (await next).text();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
