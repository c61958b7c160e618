import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.ts';
import { chatPageSuite } from './support/page-suite.ts';

describe('chat page in a real browser: membership changes and history', () => {
  // Seeding history sends many messages at once; the limit itself is tested in chat-limits.
  const suite = chatPageSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });

  it('marks a refused message ❌ and sends it with Retry once allowed again', { timeout: 60_000 }, async () => {
    const owner = await suite.env.signedUpUser();
    const member = await suite.env.signedUpUser();
    const room = await owner.api.POST('/api/chat/rooms', { body: { name: 'Members only', memberIds: [member.id] } });
    expect(room.response.status).toBe(201);
    const roomId = room.data!.id;
    const page = await suite.openPage();
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
    const owner = await suite.env.signedUpUser();
    const member = await suite.env.signedUpUser();
    const room = await owner.http<{ id: string }>('POST', '/chat/rooms', {
      name: 'Gone before opened',
      memberIds: [member.id],
    });
    expect(room.status).toBe(201);
    const page = await suite.openPage();
    await page.logIn(member.username, member.password);
    await page.waitForConnection('connected');
    await page.roomButton('Gone before opened').waitFor();

    // No memberRemoved reaches a page that has not joined the room: the refused join tells it.
    expect((await owner.http('DELETE', `/chat/rooms/${room.body.id}/members`, { userId: member.id })).status).toBe(200);
    await page.open(`rooms/${room.body.id}`);
    await page.page.getByText('You are no longer a member of this room.').waitFor();
    expect(await page.roomButton('Gone before opened').count()).toBe(0);
  });

  it('pages back through history when scrolled to the top or asked to', { timeout: 90_000 }, async () => {
    const seeder = await suite.env.signedUpUser();
    const reader = await suite.env.signedUpUser();
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

    const page = await suite.openPage();
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
});
