import type { Message, Notification, NotificationPage } from '@chatrt/contracts';
import type { ChatUser } from '../client/chat-user.ts';
import { eventually } from '../testing/eventually.ts';
import type { HistoryMessage } from './invariants.ts';
import type { NotificationView, OwedMention } from './mention-invariants.ts';
import type { ScenarioClient } from './scenario-options.ts';
import { SdkChaosClient } from './sdk-chaos-client.ts';

/**
 * Each mentioned user's notifications over REST (every page) and, for SDK receivers, in the SDK's store, once
 * notify has caught up: every owed mention listed, or a minute gone (the check then says what is missing).
 */
export async function mentionViews(
  owed: readonly OwedMention[],
  users: readonly ChatUser[],
  clients: readonly ScenarioClient[],
  gateways: readonly { apiUrl: string }[],
): Promise<NotificationView[]> {
  const caughtUp = (notifications: readonly Pick<Notification, 'type' | 'messageId'>[], userId: string) => {
    const listed = new Set(notifications.flatMap((n) => (n.type === 'mention' ? [n.messageId] : [])));
    return owed.every((m) => m.userId !== userId || listed.has(m.messageId));
  };
  const views: NotificationView[] = [];
  for (const [i, user] of users.entries()) {
    const rest = await eventually(
      () => fetchNotifications(user, gateways).catch(() => []),
      (notifications) => caughtUp(notifications, user.id),
      60_000,
    ).catch(() => fetchNotifications(user, gateways));
    views.push({ userId: user.id, source: 'REST', notifications: rest });
    const client = clients[i];
    if (client instanceof SdkChaosClient) {
      const held = await eventually(
        () => client.notifications(),
        (n) => caughtUp(n, user.id),
        60_000,
      ).catch(() => client.notifications());
      views.push({ userId: user.id, source: `${client.name}'s SDK store`, notifications: held });
    }
  }
  return views;
}

/** A user's notifications, every page, newest first, through the first gateway that answers. */
export async function fetchNotifications(
  reader: ChatUser,
  gateways: readonly { apiUrl: string }[],
): Promise<Notification[]> {
  let lastError: unknown;
  for (const gateway of gateways) {
    try {
      reader.config = { ...reader.config, apiUrl: gateway.apiUrl };
      const notifications: Notification[] = [];
      for (;;) {
        const before = notifications.at(-1)?.cursor;
        const page = await reader.http<NotificationPage>(
          'GET',
          `/notifications?limit=200${before === undefined ? '' : `&before=${before}`}`,
        );
        if (page.status !== 200) throw new Error(`notifications: ${page.status} ${JSON.stringify(page.body)}`);
        notifications.push(...page.body.notifications);
        if (!page.body.hasMore || page.body.notifications.length === 0) return notifications;
      }
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The room's whole history, paged forward from seq 0 through the first gateway that answers. */
export async function fetchHistory(
  reader: ChatUser,
  roomId: string,
  gateways: readonly { apiUrl: string }[],
): Promise<HistoryMessage[]> {
  let lastError: unknown;
  for (const gateway of gateways) {
    try {
      reader.config = { ...reader.config, apiUrl: gateway.apiUrl };
      const messages: Message[] = [];
      for (;;) {
        const after = messages.at(-1)?.seq ?? 0;
        const page = await reader.api.GET('/api/chat/messages', { params: { query: { roomId, after, limit: 200 } } });
        if (!page.data) throw new Error(`history: ${page.response.status} ${JSON.stringify(page.error)}`);
        messages.push(...page.data.messages);
        if (!page.data.hasMore || page.data.messages.length === 0) return messages;
      }
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
