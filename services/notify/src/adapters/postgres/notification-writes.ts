import type { NotificationChange } from '../../domain/notifications.ts';
import type { NotificationRow } from './notification-rows.ts';

/** A notification row as a batch's changes leave it (`message_seq` too, which queries do not return). */
export interface NotificationState extends Omit<NotificationRow, 'cursor'> {
  message_seq: number | null;
  cursor: number;
}

/** A change with the id of the notification it touches (a create's new id) and the user's cursor it took. */
export interface PlacedChange {
  change: NotificationChange;
  id: string;
  cursor: number;
}

/**
 * Applies a batch's changes in order to the notifications they touch (`stored`: the rows they change, as
 * read under lock). Returns the state after each change (each at its own cursor, to publish every change),
 * and the final state of each notification, to insert or to update: one write per notification.
 */
export function foldChanges(
  changes: readonly PlacedChange[],
  stored: ReadonlyMap<string, NotificationState>,
): { versions: NotificationState[]; inserts: NotificationState[]; updates: NotificationState[] } {
  const current = new Map<string, NotificationState>();
  const created = new Set<string>();
  const versions: NotificationState[] = [];
  for (const { change, id, cursor } of changes) {
    const at = new Date(change.at);
    let next: NotificationState;
    if (change.kind === 'create') {
      created.add(id);
      next = {
        id,
        user_id: change.userId,
        type: change.type,
        room_id: change.roomId,
        message_id: change.type === 'addedToRoom' ? null : change.messageId,
        message_seq: change.type === 'addedToRoom' ? null : change.messageSeq,
        actor_id: change.type === 'addedToRoom' ? change.actorId : null,
        count: 1,
        created_at: at,
        updated_at: at,
        read: false,
        cursor,
      };
    } else {
      const before = current.get(id) ?? stored.get(id);
      if (!before) throw new Error(`notification ${id} was changed but not read under lock`);
      next = { ...before, updated_at: at > before.updated_at ? at : before.updated_at, cursor };
      if (change.kind === 'retract') next.read = true;
      else {
        next.count += 1;
        if (change.latest) [next.message_id, next.message_seq] = [change.latest.messageId, change.latest.messageSeq];
      }
    }
    current.set(id, next);
    versions.push(next);
  }
  const final = [...current.values()];
  return {
    versions,
    inserts: final.filter((n) => created.has(n.id)),
    updates: final.filter((n) => !created.has(n.id)),
  };
}
