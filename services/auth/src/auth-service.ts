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
  User,
  UserOk,
  UsersOk,
  VerificationKeysReply,
} from '@chatrt/contracts';
import { CodedError, type Logger } from '@chatrt/service-kit';
import { invalidCredentials, invalidSession, tooManyFailedLogins } from './domain/errors.ts';
import { loginVerdict, retryAfterSeconds, type AddressWaits } from './domain/login-policy.ts';
import { revokedUntil } from './domain/revocation.ts';
import { isSessionLive, sessionExpiresAt } from './domain/session.ts';
import { sessionTokenClaims, sessionTokenExpiresAt, type SessionTokenClaims } from './domain/session-token.ts';
import { usernameKey } from './domain/username.ts';

/** A user with the hash their password is checked against. */
export interface UserCredentials {
  user: User;
  passwordHash: string;
}

/** A stored session and the user it belongs to. */
export interface StoredSession {
  /** The session's public id (the `sid` of its tokens), not its secret. */
  id: string;
  user: User;
  expiresAt: Date;
}

/** An ended session whose tokens are refused until `until`. */
export interface Revocation {
  sessionId: string;
  until: Date;
}

/** Where users and sessions live. Session secrets reach the store only as hashes. */
export interface AuthStore {
  /** Inserts a user; throws the domain's `usernameTaken()` when the username's key is taken. */
  insertUser(row: { id: string; username: string; passwordHash: string; createdAt: Date }): Promise<User>;
  findCredentials(usernameKey: string): Promise<UserCredentials | undefined>;
  /** Users whose username key is one of `usernameKeys`, in one query; unknown keys are simply absent. */
  findUsers(usernameKeys: string[]): Promise<User[]>;
  findUsersById(ids: string[]): Promise<User[]>;
  insertSession(row: { id: string; idHash: Buffer; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  findSession(idHash: Buffer): Promise<StoredSession | undefined>;
  /** Deletes the session and records its revocation in one transaction; none when there is no such session. */
  endSession(idHash: Buffer, until: Date): Promise<Revocation[]>;
  /** The same for every session of a user. */
  endUserSessions(userId: string, until: Date): Promise<Revocation[]>;
  /** Revocations still in force at `now`, ascending by session id, after `afterSessionId`, at most `limit`. */
  revocationsAfter(afterSessionId: string | undefined, now: Date, limit: number): Promise<Revocation[]>;
  /** Remembers that the user logged in from this address (see the login policy). */
  recordTrustedLogin(userId: string, clientAddress: string, at: Date): Promise<void>;
  /** Whether the user logged in from this address at or after `since`. */
  isTrustedLogin(userId: string, clientAddress: string, since: Date): Promise<boolean>;
  /** Deletes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: Date): Promise<number>;
  /** Deletes revocations, failed-login counters and trusted logins that no longer matter; returns how many rows. */
  deleteStaleLoginRecords(now: Date, trustedSince: Date): Promise<number>;
}

/** Failed-login counters shared by every auth instance (see domain/login-policy.ts). */
export interface LoginThrottle {
  /** Millis the (username, address) pair is still paused; 0 when it is not. */
  pairWaitMs(usernameKey: string, clientAddress: string): Promise<number>;
  addressWaits(clientAddress: string): Promise<AddressWaits>;
  /** Counts a failure for the pair and for the address's known- or unknown-username counter (unless blocked). */
  failed(usernameKey: string, clientAddress: string, knownUser: boolean, waits: AddressWaits): Promise<void>;
  /** Clears the pair's failures in a row. */
  succeeded(usernameKey: string, clientAddress: string): Promise<void>;
}

/** Tells the gateways which sessions just ended (best effort: they also read the stored ones). */
export interface RevocationPublisher {
  publish(revocations: Revocation[]): void;
}

/** Slow, salted password hashing. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Costs what `verify` costs, for users that do not exist. */
  verifyDummy(password: string): Promise<void>;
}

/** Signs session tokens and publishes the key that verifies them. */
export interface TokenSigner {
  sign(claims: SessionTokenClaims): Promise<string>;
  /** Public JWKs (with kid, alg, use) that verify what `sign` produced. */
  verificationKeys(): Record<string, unknown>[];
}

/** Opaque session ids: how they are made and how they are stored. */
export interface SessionIds {
  create(): string;
  hash(sessionId: string): Buffer;
}

/** What the service counts for /metrics. */
export interface AuthMetrics {
  registered(outcome: 'ok' | 'conflict'): void;
  loggedIn(outcome: 'ok' | 'invalid_credentials' | 'throttled'): void;
  tokenIssued(): void;
}

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
        credentials !== undefined && valid && waits.knownMs > 0 && (await store.isTrustedLogin(credentials.user.id, clientAddress, trustedSince(now)));
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
      return revoked(await store.endSession(sessionIds.hash(sessionId), revokedUntil(clock(), deps.sessionTokenTtlSeconds)));
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
        revocations: page.slice(0, revocationPageSize).map((r) => ({ sessionId: r.sessionId, until: r.until.toISOString() })),
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
