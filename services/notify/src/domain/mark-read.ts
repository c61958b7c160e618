import type { MarkNotificationsReadCommand } from '@chatrt/contracts';
import { CodedError } from '@chatrt/service-kit/errors';

/** Which of a user's unread notifications a mark-read command turns read. */
export type MarkReadTarget = { kind: 'all' } | { kind: 'ids'; ids: string[] };

/**
 * Reads a mark-read command: exactly one of `ids` and `all` must be given. Ids are taken as they are;
 * ids of other users' notifications simply match nothing, so the answer never reveals them.
 */
export function markReadTarget(command: MarkNotificationsReadCommand): MarkReadTarget {
  if (command.all === true && command.ids !== undefined) {
    throw new CodedError('VALIDATION_FAILED', 'give either ids or all, not both');
  }
  if (command.all === true) return { kind: 'all' };
  if (command.ids === undefined) throw new CodedError('VALIDATION_FAILED', 'give ids or all: true');
  return { kind: 'ids', ids: [...new Set(command.ids)] };
}
