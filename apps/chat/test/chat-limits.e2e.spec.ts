import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.ts';
import { chatPageSuite, password } from './support/page-suite.ts';
import { uniqueName } from './support/session.ts';

describe('chat page under the send rate limit', () => {
  const suite = chatPageSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1', RATE_LIMIT_BURST: '2' });

  it('counts down while sending is paused, then delivers every queued message once', { timeout: 90_000 }, async () => {
    const page = await suite.openPage();
    await page.register(uniqueName('carol'), password);
    await page.waitForConnection('connected');
    const roomId = await page.createRoom('Rate limited', []);

    const texts = ['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5'];
    for (const text of texts) await page.send(text);

    // The third send exceeds the burst of two: the countdown appears and the rest wait (⏳).
    const countdown = page.page.getByTestId('rate-limit');
    await countdown.waitFor({ timeout: 10_000 });
    expect(await countdown.textContent()).toMatch(/sending resumes in \d+ s/);
    expect(Number(await page.page.getByTestId('rate-limit-seconds').textContent())).toBeGreaterThanOrEqual(1);
    await page.waitForMessage('burst 5', 'sending');
    await screenshot(page.page, 'rate-limit-countdown');

    for (const text of texts) await page.waitForMessage(text, 'sent', 30_000);
    await countdown.waitFor({ state: 'detached', timeout: 10_000 });
    const stored = await page.restHistory(roomId);
    expect(stored.map((m) => m.message)).toEqual(texts);
    for (const text of texts) expect(await page.messages(text).count()).toBe(1);
  });
});
