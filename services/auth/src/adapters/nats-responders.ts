import { subjects } from '@chatrt/contracts';
import { respondAll, type HandlerMetrics, type Logger, type NatsConnection, type Responder } from '@chatrt/service-kit';
import type { AuthService } from '../application/auth-service.ts';

/** NATS queue group shared by every auth instance, so each request is answered once. */
export const AUTH_QUEUE = 'auth';

/** Answers every auth subject from the use cases; `close()` drains them all. */
export function startAuthResponders(
  nc: NatsConnection,
  service: AuthService,
  log: Logger,
  metrics: HandlerMetrics,
): Responder {
  return respondAll(
    nc,
    {
      [subjects.authRegister]: (command) => service.register(command),
      [subjects.authLogin]: (command) => service.login(command),
      [subjects.authResolveSession]: (query) => service.resolveSession(query),
      [subjects.authIssueSessionToken]: (command) => service.issueSessionToken(command),
      [subjects.authLogout]: (command) => service.logout(command),
      [subjects.authLogoutAll]: (command) => service.logoutAll(command),
      [subjects.authRevokedSessions]: (query) => service.revokedSessions(query),
      [subjects.authFindUsers]: (query) => service.findUsers(query),
      [subjects.authUsersById]: (query) => service.findUsersById(query),
      [subjects.authVerificationKeys]: () => Promise.resolve(service.verificationKeys()),
    },
    { log, queue: AUTH_QUEUE, metrics },
  );
}
