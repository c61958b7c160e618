import { subjects } from '@chatrt/contracts';
import { CodedError, request, type NatsConnection } from '@chatrt/service-kit';
import type { UserDirectory } from '../application/ports.ts';
import { lookupBatches } from '../domain/mentions.ts';

/** Looks users up through the auth service (`auth.qry.usersByName`), at most 100 names per request. */
export function createUserDirectory(nc: NatsConnection, timeoutMs: number): UserDirectory {
  return {
    async findByUsernames(usernames) {
      const replies = await Promise.all(
        lookupBatches(usernames).map((batch) => request(nc, subjects.authFindUsers, { usernames: batch }, timeoutMs)),
      );
      return replies.flatMap((reply) => {
        if (reply.ok) return reply.users;
        throw new CodedError('UNAVAILABLE', `username lookup failed: ${reply.error.code} ${reply.error.message}`);
      });
    },
  };
}
