import { subjects, validate, type SessionRevocation } from '@chatrt/contracts';
import { CodedError, decodeJson, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { Backend } from '../application/ports.ts';

/** The sessions ended by a logout whose tokens could still be unexpired, as this gateway knows them. */
export interface SessionRevocations {
  /** Whether tokens of this session (their `sid`) must be refused. */
  isRevoked(sessionId: string): boolean;
  /** Called with the ids of sessions this gateway learns are revoked (live or from a sync). */
  onRevoked(listener: (sessionIds: string[]) => void): void;
  /** Whether the stored revocations have been read at least once. */
  ready(): boolean;
  /**
   * Reads every stored revocation from the auth service. Resolves after the first attempt; a failed one is
   * retried in the background until one succeeds (as after every reconnect).
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

const pruneIntervalMs = 60_000;
const syncRetryMs = 2_000;

/**
 * Keeps the revocations the auth service publishes on `auth.evt.sessionsRevoked`, each until its tokens have
 * expired. Core NATS drops what is published while this gateway is disconnected, and a gateway may start after
 * a logout, so it also reads the stored ones (`auth.qry.revokedSessions`) on start and after every reconnect,
 * retrying until that succeeds.
 */
export function watchSessionRevocations(deps: {
  nc: NatsConnection;
  backend: Backend;
  log: Logger;
}): SessionRevocations {
  const { nc, backend, log } = deps;
  /** Session id → epoch millis after which its tokens have all expired. */
  const revoked = new Map<string, number>();
  const listeners: Array<(sessionIds: string[]) => void> = [];
  let synced = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const add = (revocations: SessionRevocation[]) => {
    const now = Date.now();
    const added: string[] = [];
    for (const { sessionId, until } of revocations) {
      const untilMs = Date.parse(until);
      if (untilMs <= now) continue;
      if (!revoked.has(sessionId)) added.push(sessionId);
      revoked.set(sessionId, Math.max(untilMs, revoked.get(sessionId) ?? 0));
    }
    if (added.length > 0) for (const listener of listeners) listener(added);
  };

  const subscription = nc.subscribe(subjects.authSessionsRevoked, {
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'auth.evt.sessionsRevoked subscription failed');
        return;
      }
      const checked = validate('SessionsRevoked', decodeJson(msg));
      if (!checked.ok) {
        log.warn({ error: checked.message }, 'invalid session revocation dropped');
        return;
      }
      add(checked.value.revocations);
    },
  });

  async function sync(): Promise<void> {
    let afterSessionId: string | undefined;
    for (;;) {
      const reply = await backend.request(
        subjects.authRevokedSessions,
        afterSessionId === undefined ? {} : { afterSessionId },
      );
      if (!reply.ok) throw new CodedError(reply.error.code, `session revocations unavailable: ${reply.error.message}`);
      add(reply.revocations);
      afterSessionId = reply.revocations.at(-1)?.sessionId;
      if (!reply.hasMore || afterSessionId === undefined) break;
    }
    synced = true;
  }

  const syncUntilDone = (): Promise<void> => {
    clearTimeout(retry);
    return sync().then(
      () => {
        log.info({ revoked: revoked.size }, 'session revocations read');
      },
      (err: unknown) => {
        log.warn({ err }, 'could not read session revocations; retrying');
        if (!closed) retry = setTimeout(() => void syncUntilDone(), syncRetryMs).unref();
      },
    );
  };

  void (async () => {
    for await (const status of nc.status()) if (status.type === 'reconnect') void syncUntilDone();
  })();

  const prune = setInterval(() => {
    const now = Date.now();
    for (const [sessionId, until] of revoked) if (until <= now) revoked.delete(sessionId);
  }, pruneIntervalMs).unref();

  return {
    isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      return until !== undefined && until > Date.now();
    },
    onRevoked(listener) {
      listeners.push(listener);
    },
    ready: () => synced,
    start: syncUntilDone,
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(prune);
      if (!subscription.isClosed()) await subscription.drain();
    },
  };
}
