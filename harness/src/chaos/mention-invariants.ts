import type { Notification } from '@chatrt/contracts';

/** A mention the system owes: the stored message `messageId` names the user `userId` as `@username`. */
export interface OwedMention {
  userId: string;
  messageId: string;
}

/**
 * One user's notifications as one channel shows them: REST (`GET /api/notifications`, every page) or a client's socket.
 */
export interface NotificationView {
  userId: string;
  source: string;
  notifications: ReadonlyArray<Pick<Notification, 'id' | 'type' | 'messageId'>>;
}

/**
 * Checks mention notifications: every owed mention is in each view of its user exactly once (one notification,
 * listed once), and no view holds a mention the system does not owe (a refused or unknown message, or another
 * user's). Counts a missing one as lost and every extra copy as duplicated.
 */
export function checkMentions(
  owed: readonly OwedMention[],
  views: readonly NotificationView[],
): { lost: number; duplicated: number; violations: string[] } {
  const violations: string[] = [];
  let lost = 0;
  let duplicated = 0;
  for (const view of views) {
    const mentions = view.notifications.filter((n) => n.type === 'mention');
    const listed = new Map<string, Array<Pick<Notification, 'id'>>>();
    for (const n of mentions) listed.set(n.messageId ?? '', [...(listed.get(n.messageId ?? '') ?? []), n]);
    const owedHere = new Set(owed.filter((m) => m.userId === view.userId).map((m) => m.messageId));
    for (const messageId of owedHere) {
      const copies = listed.get(messageId) ?? [];
      if (copies.length === 0) {
        lost++;
        violations.push(`${view.source} of ${view.userId}: no mention notification for message ${messageId}`);
      } else if (copies.length > 1) {
        duplicated += copies.length - 1;
        const ids = new Set(copies.map((c) => c.id)).size;
        violations.push(
          `${view.source} of ${view.userId}: message ${messageId} notified ${copies.length} times ` +
            `(${ids} distinct notifications)`,
        );
      }
    }
    for (const messageId of listed.keys()) {
      if (!owedHere.has(messageId))
        violations.push(
          `${view.source} of ${view.userId}: a mention notification for message ${messageId}, ` +
            'which is not owed to them',
        );
    }
  }
  return { lost, duplicated, violations };
}
