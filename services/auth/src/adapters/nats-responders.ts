import { subjects } from '@chatrt/contracts';
import { respond, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { AuthService } from '../auth-service.ts';

/** NATS queue group shared by every auth instance, so each request is answered once. */
export const AUTH_QUEUE = 'auth';

/** Answers every auth subject from the use cases; `close()` drains them all. */
export function startAuthResponders(nc: NatsConnection, service: AuthService, log: Logger, metrics: HandlerMetrics): Responder {
  const options = { log, queue: AUTH_QUEUE, metrics };
  const responders = [
    respond(nc, subjects.authRegister, (command) => service.register(command), options),
    respond(nc, subjects.authLogin, (command) => service.login(command), options),
    respond(nc, subjects.authResolveSession, (query) => service.resolveSession(query), options),
    respond(nc, subjects.authIssueSessionToken, (command) => service.issueSessionToken(command), options),
    respond(nc, subjects.authLogout, (command) => service.logout(command), options),
    respond(nc, subjects.authLogoutAll, (command) => service.logoutAll(command), options),
    respond(nc, subjects.authRevokedSessions, (query) => service.revokedSessions(query), options),
    respond(nc, subjects.authFindUsers, (query) => service.findUsers(query), options),
    respond(nc, subjects.authUsersById, (query) => service.findUsersById(query), options),
    respond(nc, subjects.authVerificationKeys, async () => service.verificationKeys(), options),
  ];
  return {
    async close() {
      await Promise.all(responders.map((responder) => responder.close()));
    },
  };
}
