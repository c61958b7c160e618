/** One membership event, as the rule sees it: who, and whether they were added or removed. */
export interface MembershipOp {
  userId: string;
  added: boolean;
}

/**
 * The membership rule, the one place it is written: members are kept in joining order; adding a user
 * who is not a member appends them, adding a member changes nothing; removing drops them.
 */
export function applyMembership(memberIds: readonly string[], op: MembershipOp): readonly string[] {
  if (op.added) return memberIds.includes(op.userId) ? memberIds : [...memberIds, op.userId];
  return memberIds.filter((id) => id !== op.userId);
}

/** Folds membership events (in seq order) into the member list they leave. */
export function foldMembership(memberIds: readonly string[], ops: readonly MembershipOp[]): readonly string[] {
  return ops.reduce(applyMembership, memberIds);
}

/**
 * The net effect of a run of membership events, computed without the member list so that one
 * set-based statement can apply it to many stored lists: drop every user in `removed`, then append
 * each user of `appended` (in order) who is not still in the list. Applied so, it equals
 * `foldMembership` for every list (the rooms projection's SQL does this; a test holds them equal).
 */
export interface MembershipChange {
  removed: string[];
  appended: string[];
}

/** The net change of membership events (in seq order); see MembershipChange. */
export function membershipChange(ops: readonly MembershipOp[]): MembershipChange {
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
