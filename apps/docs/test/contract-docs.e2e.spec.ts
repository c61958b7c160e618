/**
 * The contract reference as a reader gets it: built by `npm run docs`, served by a real gateway at /docs/ with the
 * raw specs, and rendered by Chromium under the gateway's Content-Security-Policy without a violation or error.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestStack, type TestStack } from '@chatrt/harness';
import { cspViolations, launchChromium, newUserContext, screenshot } from '../../chat/test/support/browser.ts';

const rootDir = fileURLToPath(new URL('../../../', import.meta.url));

describe('contract docs at /docs/', () => {
  let env: TestStack;
  let browser: Browser;
  let origin: string;

  // One hook per resource: each returns its teardown, and teardowns run in reverse, only for what started.
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../scripts/build-docs.ts', import.meta.url))]);
    env = await startTestStack();
    origin = env.stack.urls.api;
    return () => env.stop();
  });

  beforeAll(async () => {
    browser = await launchChromium();
    return () => browser.close();
  });

  it("serves an index linking both pages and the raw specs, which are the repository's", async () => {
    const redirect = await fetch(`${origin}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    const index = await fetch(`${origin}/docs/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    for (const link of ['openapi.html', 'asyncapi.html', 'openapi.yaml', 'asyncapi.yaml'])
      expect(html).toContain(`href="${link}"`);
    for (const spec of ['openapi.yaml', 'asyncapi.yaml']) {
      const raw = await fetch(`${origin}/docs/${spec}`);
      expect(raw.headers.get('content-type')).toMatch(/^application\/yaml/);
      expect(await raw.text()).toBe(await readFile(`${rootDir}${spec}`, 'utf8'));
    }
    const missing = await fetch(`${origin}/docs/nothing.html`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  for (const { page: name, shows } of [
    { page: 'openapi.html', shows: '/api/chat/messages' },
    { page: 'asyncapi.html', shows: 'chat.cmd.sendMessage' },
  ]) {
    it(`renders ${name} from the spec, with no CSP violation or page error`, async () => {
      const { context, page, consoleLines } = await newUserContext(browser);
      try {
        const response = await page.goto(`${origin}/docs/${name}`);
        expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
        await page.getByText(shows).first().waitFor({ timeout: 20_000 });
        await screenshot(page, `docs-${name.replace('.html', '')}`);
        expect(cspViolations(consoleLines)).toEqual([]);
        expect(consoleLines.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
