import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestStack, type TestStack } from '@chatrt/harness';
import { ensurePageBuilt } from '../../scripts/build-page.ts';
import { launchChromium, screenshot } from './browser.ts';
import type { ChatPage } from './chat-page.ts';
import { openChatPage, uniqueName } from './session.ts';

/** The password every page user registers with. */
export const password = 'correct horse battery';

/** What one spec file of page tests shares: the stack, the browser and the pages it opened. */
export interface ChatPageSuite {
  readonly env: TestStack;
  readonly browser: Browser;
  /** The page's origin: `localhost`, the origin the gateway allows for sockets (NEXT_PUBLIC_APP_URL). */
  readonly origin: string;
  /** A page of its own (own browser context), not signed in yet; closed after the file. */
  openPage(setup?: (page: ChatPage) => Promise<void>): Promise<ChatPage>;
  /** A page of its own on which a fresh user has registered (screenshot of the log-in form first if asked). */
  newUser(
    prefix: string,
    options?: { setup?: (page: ChatPage) => Promise<void>; screenshot?: string },
  ): Promise<{ page: ChatPage; username: string }>;
}

/**
 * Builds the page, starts a test stack with `stackEnv` and Chromium before the file's tests, and closes every
 * page, the browser and the stack after them (whatever part of the setup got started).
 */
export function chatPageSuite(stackEnv: Record<string, string>): ChatPageSuite {
  let env: TestStack | undefined;
  let browser: Browser | undefined;
  const pages: ChatPage[] = [];

  beforeAll(async () => {
    await ensurePageBuilt({ plain: true });
    env = await startTestStack(stackEnv);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.context.close().catch(() => {});
    await browser?.close();
    await env?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test`);
    return value;
  };

  const suite: ChatPageSuite = {
    get env() {
      return started(env, 'the test stack');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    get origin() {
      return started(env, 'the test stack').stack.urls.api.replace('127.0.0.1', 'localhost');
    },
    async openPage(setup) {
      const page = await openChatPage(suite.browser, suite.origin, setup);
      pages.push(page);
      return page;
    },
    async newUser(prefix, options = {}) {
      const page = await suite.openPage(options.setup);
      const username = uniqueName(prefix);
      if (options.screenshot) {
        await page.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
        await screenshot(page.page, options.screenshot);
      }
      await page.register(username, password);
      return { page, username };
    },
  };
  return suite;
}
