import type { User } from '@chatrt/contracts';
import type { AddressWaits } from '../domain/login-policy.ts';
import type { SessionTokenClaims } from '../domain/session-token.ts';

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
