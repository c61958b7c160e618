import type { Browser } from 'playwright-core';
import { newUserContext } from './browser.ts';
import { ChatPage } from './chat-page.ts';

/** A browser user of their own (own context, so own cookies), on the page but not signed in yet. */
export async function openChatPage(
  browser: Browser,
  origin: string,
  setup?: (page: ChatPage) => Promise<void>,
): Promise<ChatPage> {
  const { context, page, consoleLines } = await newUserContext(browser);
  const chat = new ChatPage({ page, context, origin, consoleLines });
  if (setup) await setup(chat);
  await chat.open();
  return chat;
}

/** A fresh username (the API allows letters, digits and underscores). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
}
