import type { ApiError, Message, MessagePage } from '@chatrt/contracts';
import type { ChatUser } from '../client/chat-user.ts';
import type { SendOutcome } from './invariants.ts';
import { refusalOf } from './send-retry.ts';

/** What one REST send came to: its outcome, or `retry` (unreachable, UNAVAILABLE, RATE_LIMITED). */
export type RestSendResult = { kind: 'settled'; outcome: SendOutcome } | { kind: 'retry'; unavailable: boolean };

/** One send over REST (POST /api/chat/messages), with the clientMessageId the socket sends use. */
export async function sendOverRest(
  user: ChatUser,
  roomId: string,
  text: string,
  clientMessageId: string,
): Promise<RestSendResult> {
  const res = await user
    .http<Message | { error: ApiError }>('POST', '/chat/messages', { roomId, message: text, clientMessageId })
    .catch(() => undefined);
  if (!res) return { kind: 'retry', unavailable: false };
  if ('error' in res.body) {
    const { code } = res.body.error;
    // Over REST a refusal is recorded by its code alone.
    if (refusalOf(res.body.error)) return { kind: 'settled', outcome: { kind: 'rejected', code } };
    return { kind: 'retry', unavailable: code === 'UNAVAILABLE' };
  }
  return { kind: 'settled', outcome: { kind: 'ok', seq: res.body.seq, messageId: res.body.id } };
}

/**
 * The room's history over REST, one page of messages at a time, each page after the seq `after()` gives when it
 * is asked for; ends at the last page or at an answer other than 200.
 */
async function* historyPages(user: ChatUser, roomId: string, after: () => number): AsyncGenerator<Message[]> {
  for (;;) {
    const page = await user.http<MessagePage>('GET', `/chat/messages?roomId=${roomId}&after=${after()}&limit=200`);
    if (page.status !== 200) return;
    yield page.body.messages;
    if (!page.body.hasMore || page.body.messages.length === 0) return;
  }
}

/**
 * The room's messages over REST after the seq `after()` gives, each checked against `after()` when its turn comes:
 * the client merges its polls by seq, and what its sockets deliver meanwhile is recorded as it comes.
 */
export async function* newerMessages(user: ChatUser, roomId: string, after: () => number): AsyncGenerator<Message> {
  for await (const messages of historyPages(user, roomId, after))
    for (const message of messages) if (message.seq > after()) yield message;
}
