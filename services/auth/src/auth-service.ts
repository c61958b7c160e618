import type {
  FindUsersByIdQuery,
  FindUsersQuery,
  IssueSessionTokenCommand,
  LoginCommand,
  LoginOk,
  LogoutCommand,
  Ok,
  RegisterCommand,
  ResolveSessionQuery,
  SessionTokenOk,
  User,
  UserOk,
  UsersOk,
  VerificationKeysReply,
} from '@chatrt/contracts';
import { CodedError, type Logger } from '@chatrt/service-kit';
import { invalidCredentials, invalidSession } from './domain/errors.ts';
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
  user: User;
  expiresAt: Date;
}

/** Where users and sessions live. Session ids reach the store only as hashes. */
export interface AuthStore {
  /** Inserts a user; throws the domain's `usernameTaken()` when the username's key is taken. */
  insertUser(row: { id: string; username: string; passwordHash: string; createdAt: Date }): Promise<User>;
  findCredentials(usernameKey: string): Promise<UserCredentials | undefined>;
  /** Users whose username key is one of `usernameKeys`, in one query; unknown keys are simply absent. */
  findUsers(usernameKeys: string[]): Promise<User[]>;
  findUsersById(ids: string[]): Promise<User[]>;
  insertSession(row: { idHash: Buffer; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  findSession(idHash: Buffer): Promise<StoredSession | undefined>;
  deleteSession(idHash: Buffer): Promise<void>;
  /** Deletes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: Date): Promise<number>;
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
  loggedIn(outcome: 'ok' | 'invalid_credentials'): void;
  tokenIssued(): void;
}

/** The auth use cases, one per NATS request subject. */
export interface AuthService {
  register(command: RegisterCommand): Promise<UserOk>;
  login(command: LoginCommand): Promise<LoginOk>;
  resolveSession(query: ResolveSessionQuery): Promise<UserOk>;
  /** Ends a session; ending an unknown or ended one is not an error. */
  logout(command: LogoutCommand): Promise<Ok>;
  /** Deletes expired sessions (they are already refused); returns how many. */
  purgeExpiredSessions(): Promise<number>;
  issueSessionToken(command: IssueSessionTokenCommand): Promise<SessionTokenOk>;
  /** Looks users up by username, case-insensitively (e.g. to resolve @mentions); unknown names are left out. */
  findUsers(query: FindUsersQuery): Promise<UsersOk>;
  findUsersById(query: FindUsersByIdQuery): Promise<UsersOk>;
  verificationKeys(): VerificationKeysReply;
}

/** Wires the use cases to their ports; time and ids come from `clock` and `newUserId`. */
export function createAuthService(deps: {
  store: AuthStore;
  passwords: PasswordHasher;
  signer: TokenSigner;
  sessionIds: SessionIds;
  metrics: AuthMetrics;
  clock: () => Date;
  newUserId: () => string;
  sessionTtlSeconds: number;
  sessionTokenTtlSeconds: number;
  log: Logger;
}): AuthService {
  const { store, passwords, signer, sessionIds, metrics, clock, log } = deps;

  const liveSession = async (sessionId: string): Promise<StoredSession> => {
    const session = await store.findSession(sessionIds.hash(sessionId));
    if (!session || !isSessionLive(session.expiresAt, clock())) throw invalidSession();
    return session;
  };

  return {
    async register({ username, password }) {
      const passwordHash = await passwords.hash(password);
      try {
        const user = await store.insertUser({ id: deps.newUserId(), username, passwordHash, createdAt: clock() });
        metrics.registered('ok');
        log.info({ userId: user.id, username: user.username }, 'user registered');
        return { ok: true, user };
      } catch (err) {
        if (err instanceof CodedError && err.code === 'CONFLICT') metrics.registered('conflict');
        throw err;
      }
    },

    async login({ username, password }) {
      const credentials = await store.findCredentials(usernameKey(username));
      let valid = false;
      if (credentials) valid = await passwords.verify(credentials.passwordHash, password);
      else await passwords.verifyDummy(password);
      if (!credentials || !valid) {
        metrics.loggedIn('invalid_credentials');
        log.info({ username }, 'login rejected');
        throw invalidCredentials();
      }
      const sessionId = sessionIds.create();
      const now = clock();
      const expiresAt = sessionExpiresAt(now, deps.sessionTtlSeconds);
      await store.insertSession({ idHash: sessionIds.hash(sessionId), userId: credentials.user.id, createdAt: now, expiresAt });
      metrics.loggedIn('ok');
      log.info({ userId: credentials.user.id }, 'user logged in');
      return { ok: true, user: credentials.user, session: { id: sessionId, expiresAt: expiresAt.toISOString() } };
    },

    async logout({ sessionId }) {
      await store.deleteSession(sessionIds.hash(sessionId));
      return { ok: true };
    },

    purgeExpiredSessions: () => store.deleteExpiredSessions(clock()),

    async resolveSession({ sessionId }) {
      const { user } = await liveSession(sessionId);
      return { ok: true, user };
    },

    async issueSessionToken({ sessionId }) {
      const session = await liveSession(sessionId);
      const claims = sessionTokenClaims({
        user: session.user,
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
