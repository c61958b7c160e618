import type {
  FindUsersByIdQuery,
  FindUsersQuery,
  IssueSessionTokenCommand,
  LoginCommand,
  LoginOk,
  LogoutAllCommand,
  LogoutCommand,
  Ok,
  RegisterCommand,
  ResolveSessionQuery,
  RevokedSessionsOk,
  RevokedSessionsQuery,
  SessionTokenOk,
  UserOk,
  UsersOk,
  VerificationKeysReply,
} from '@chatrt/contracts';
import { CodedError, type Logger } from '@chatrt/service-kit';
import { invalidCredentials, invalidSession, tooManyFailedLogins } from '../domain/errors.ts';
import { loginVerdict, retryAfterSeconds } from '../domain/login-policy.ts';
import { revokedUntil } from '../domain/revocation.ts';
import { isSessionLive, sessionExpiresAt } from '../domain/session.ts';
import { sessionTokenClaims, sessionTokenExpiresAt } from '../domain/session-token.ts';
import { usernameKey } from '../domain/username.ts';
import type {
  AuthMetrics,
  AuthStore,
  LoginThrottle,
  PasswordHasher,
  Revocation,
  RevocationPublisher,
  SessionIds,
  StoredSession,
  TokenSigner,
} from './ports.ts';

/** The auth use cases, one per NATS request subject. */
export interface AuthService {
  register(command: RegisterCommand): Promise<UserOk>;
  login(command: LoginCommand): Promise<LoginOk>;
  resolveSession(query: ResolveSessionQuery): Promise<UserOk>;
  /** Ends a session and revokes its tokens; ending an unknown or ended one is not an error. */
  logout(command: LogoutCommand): Promise<Ok>;
  /** Ends every session of a user and revokes their tokens. */
  logoutAll(command: LogoutAllCommand): Promise<Ok>;
  /** The revocations still in force, a page at a time. */
  revokedSessions(query: RevokedSessionsQuery): Promise<RevokedSessionsOk>;
  /** Deletes expired sessions and stale revocations and login records (they no longer count); returns how many. */
  purgeExpired(): Promise<number>;
  issueSessionToken(command: IssueSessionTokenCommand): Promise<SessionTokenOk>;
  /** Looks users up by username, case-insensitively (e.g. to resolve @mentions); unknown names are left out. */
  findUsers(query: FindUsersQuery): Promise<UsersOk>;
  findUsersById(query: FindUsersByIdQuery): Promise<UsersOk>;
  verificationKeys(): VerificationKeysReply;
}

/** Revocations per `auth.qry.revokedSessions` page (about 100 bytes each, far below NATS' payload limit). */
const revocationPageSize = 1_000;

/** How long a login from an address keeps its user trusted there (see domain/login-policy.ts). */
const trustedLoginDays = 30;
const trustedSince = (now: Date) => new Date(now.getTime() - trustedLoginDays * 24 * 60 * 60 * 1000);

/** Wires the use cases to their ports; time and ids come from `clock` and `newUserId`. */
export function createAuthService(deps: {
  store: AuthStore;
  passwords: PasswordHasher;
  signer: TokenSigner;
  sessionIds: SessionIds;
  throttle: LoginThrottle;
  revocations: RevocationPublisher;
  metrics: AuthMetrics;
  clock: () => Date;
  /** New user ids and public session ids (UUIDs). */
  newId: () => string;
  sessionTtlSeconds: number;
  sessionTokenTtlSeconds: number;
  log: Logger;
}): AuthService {
  const { store, passwords, signer, sessionIds, throttle, metrics, clock, log } = deps;

  const revoked = (revocations: Revocation[]): Ok => {
    if (revocations.length > 0) deps.revocations.publish(revocations);
    return { ok: true };
  };

  const liveSession = async (sessionId: string): Promise<StoredSession> => {
    const session = await store.findSession(sessionIds.hash(sessionId));
    if (!session || !isSessionLive(session.expiresAt, clock())) throw invalidSession();
    return session;
  };

  return {
    async register({ username, password }) {
      const passwordHash = await passwords.hash(password);
      try {
        const user = await store.insertUser({ id: deps.newId(), username, passwordHash, createdAt: clock() });
        metrics.registered('ok');
        log.info({ userId: user.id, username: user.username }, 'user registered');
        return { ok: true, user };
      } catch (err) {
        if (err instanceof CodedError && err.code === 'CONFLICT') metrics.registered('conflict');
        throw err;
      }
    },

    async login({ username, password, clientAddress }) {
      const key = usernameKey(username);
      const throttled = (retryAfter: number) => {
        metrics.loggedIn('throttled');
        log.info({ username, clientAddress }, 'login throttled');
        return tooManyFailedLogins(retryAfter);
      };
      const pairWaitMs = await throttle.pairWaitMs(key, clientAddress);
      if (pairWaitMs > 0) throw throttled(retryAfterSeconds(pairWaitMs));

      const credentials = await store.findCredentials(key);
      let valid = false;
      if (credentials) valid = await passwords.verify(credentials.passwordHash, password);
      else await passwords.verifyDummy(password);
      const waits = await throttle.addressWaits(clientAddress);
      const now = clock();
      const trustedHere =
        credentials !== undefined &&
        valid &&
        waits.knownMs > 0 &&
        (await store.isTrustedLogin(credentials.user.id, clientAddress, trustedSince(now)));
      const verdict = loginVerdict({ passwordValid: valid, trustedHere, waits });
      if (!valid) await throttle.failed(key, clientAddress, credentials !== undefined, waits);
      if (verdict.kind === 'throttled') throw throttled(verdict.retryAfterSeconds);
      if (verdict.kind === 'fail' || !credentials) {
        metrics.loggedIn('invalid_credentials');
        log.info({ username }, 'login rejected');
        throw invalidCredentials();
      }

      await throttle.succeeded(key, clientAddress);
      await store.recordTrustedLogin(credentials.user.id, clientAddress, now);
      const sessionSecret = sessionIds.create();
      const expiresAt = sessionExpiresAt(now, deps.sessionTtlSeconds);
      await store.insertSession({
        id: deps.newId(),
        idHash: sessionIds.hash(sessionSecret),
        userId: credentials.user.id,
        createdAt: now,
        expiresAt,
      });
      metrics.loggedIn('ok');
      log.info({ userId: credentials.user.id }, 'user logged in');
      return { ok: true, user: credentials.user, session: { id: sessionSecret, expiresAt: expiresAt.toISOString() } };
    },

    async logout({ sessionId }) {
      return revoked(
        await store.endSession(sessionIds.hash(sessionId), revokedUntil(clock(), deps.sessionTokenTtlSeconds)),
      );
    },

    async logoutAll({ userId }) {
      const revocations = await store.endUserSessions(userId, revokedUntil(clock(), deps.sessionTokenTtlSeconds));
      log.info({ userId, sessions: revocations.length }, 'user logged out everywhere');
      return revoked(revocations);
    },

    async revokedSessions({ afterSessionId }) {
      const page = await store.revocationsAfter(afterSessionId, clock(), revocationPageSize + 1);
      return {
        ok: true,
        revocations: page
          .slice(0, revocationPageSize)
          .map((r) => ({ sessionId: r.sessionId, until: r.until.toISOString() })),
        hasMore: page.length > revocationPageSize,
      };
    },

    async purgeExpired() {
      const now = clock();
      return (await store.deleteExpiredSessions(now)) + (await store.deleteStaleLoginRecords(now, trustedSince(now)));
    },

    async resolveSession({ sessionId }) {
      const { user } = await liveSession(sessionId);
      return { ok: true, user };
    },

    async issueSessionToken({ sessionId }) {
      const session = await liveSession(sessionId);
      const claims = sessionTokenClaims({
        user: session.user,
        sessionId: session.id,
        now: clock(),
        ttlSeconds: deps.sessionTokenTtlSeconds,
        sessionExpiresAt: session.expiresAt,
      });
      const token = await signer.sign(claims);
      metrics.tokenIssued();
      return { ok: true, sessionToken: { token, expiresAt: sessionTokenExpiresAt(claims).toISOString() } };
    },

    async findUsers({ usernames }) {
      const keys = [...new Set(usernames.map(usernameKey))];
      const users = keys.length === 0 ? [] : await store.findUsers(keys);
      return { ok: true, users };
    },

    async findUsersById({ ids }) {
      const unique = [...new Set(ids)];
      return { ok: true, users: unique.length === 0 ? [] : await store.findUsersById(unique) };
    },

    verificationKeys() {
      return { ok: true, keys: signer.verificationKeys() };
    },
  };
}
