/**
 * The net effect of a run of MemberAdded / MemberRemoved events on an ordered member list, computed
 * without the list so one statement can apply it: drop every user in `removed`, then append each user
 * of `appended` (in order) who is not still in the list. Equals folding the events one by one, where
 * an add appends an absent user and a remove drops them.
 */
export interface MembershipChange {
  removed: string[];
  appended: string[];
}

/** Folds membership operations (in seq order) into their net change. */
export function membershipChange(ops: readonly { userId: string; added: boolean }[]): MembershipChange {
  const removed = new Set<string>();
  // Where each user would be appended: their first add after their last removal (later adds of a
  // present member change nothing).
  const appendedAt = new Map<string, number>();
  ops.forEach((op, index) => {
    if (!op.added) {
      removed.add(op.userId);
      appendedAt.delete(op.userId);
    } else if (!appendedAt.has(op.userId)) {
      appendedAt.set(op.userId, index);
    }
  });
  const appended = [...appendedAt].sort((a, b) => a[1] - b[1]).map(([userId]) => userId);
  return { removed: [...removed], appended };
}

/** Applies a change to a known list (what the SQL does to the stored one). */
export function applyMembershipChange(memberIds: readonly string[], change: MembershipChange): string[] {
  const kept = memberIds.filter((id) => !change.removed.includes(id));
  return [...kept, ...change.appended.filter((id) => !kept.includes(id))];
}
