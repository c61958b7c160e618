import { subjects } from '@chatrt/contracts';
import { CodedError, request, type NatsConnection } from '@chatrt/service-kit';
import type { UserDirectory } from '../../application/ports.ts';

/** Ids per auth.qry.usersById request (the contract's cap). */
const idsPerRequest = 100;

/**
 * The user directory answered by the auth service over NATS. An auth service that does not answer
 * within `timeoutMs` (or refuses) makes the command UNAVAILABLE: nothing is decided without the answer.
 */
export function natsUserDirectory(nc: NatsConnection, options: { timeoutMs: number }): UserDirectory {
  return {
    async existingUserIds(userIds) {
      const unique = [...new Set(userIds)];
      const chunks: string[][] = [];
      for (let i = 0; i < unique.length; i += idsPerRequest) chunks.push(unique.slice(i, i + idsPerRequest));
      const replies = await Promise.all(
        chunks.map((ids) => request(nc, subjects.authUsersById, { ids }, options.timeoutMs)),
      );
      const existing = new Set<string>();
      for (const reply of replies) {
        if (!reply.ok) throw new CodedError('UNAVAILABLE', `cannot check users: ${reply.error.message}`);
        for (const user of reply.users) existing.add(user.id);
      }
      return existing;
    },
  };
}
