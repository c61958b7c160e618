import { streams, subjects } from '@chatrt/contracts';
import type { Logger, NatsConnection } from '@chatrt/service-kit';
import { jetstreamManager, JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import pRetry from 'p-retry';

/** The JetStream stream holding every chat event (asyncapi.yaml, channel chatEvents). */
const chatEventsStream = streams.chatEvents;

/** How long JetStream remembers a Nats-Msg-Id: a relay re-publishing within it stores nothing twice. */
const duplicateWindowNanos = 2 * 60 * 1_000_000_000;

/** How long start-up keeps trying while JetStream is busy or electing leaders (a cluster starting, a node lost). */
const ensureRetryMs = 60_000;

/**
 * Creates the CHAT_EVENTS stream, or brings an existing one to our subjects, duplicate window and replica
 * count (JetStream moves a stream between R1 and R3 in place; more replicas than cluster nodes is an error).
 * A JetStream that does not answer yet (timeout, no responders, 503) is retried for up to a minute.
 */
export async function ensureChatEventsStream(
  nc: NatsConnection,
  log: Logger,
  options: { replicas: number },
): Promise<void> {
  await pRetry(() => ensureOnce(nc, log, options), {
    retries: Number.POSITIVE_INFINITY,
    maxRetryTime: ensureRetryMs,
    minTimeout: 250,
    maxTimeout: 5_000,
    shouldRetry: ({ error }) => isTransient(error),
    onFailedAttempt: ({ error, attemptNumber }) => {
      if (isTransient(error))
        log.warn(
          { err: error, attemptNumber, stream: chatEventsStream },
          'JetStream not ready for the stream yet; retrying',
        );
    },
  });
}

/** JetStream did not answer in time, has no responders yet, or says it is temporarily unavailable. */
function isTransient(err: unknown): boolean {
  if (err instanceof Error && err.cause !== undefined && isTransient(err.cause)) return true;
  return (
    err instanceof TimeoutError ||
    err instanceof RequestError ||
    (err instanceof JetStreamApiError && err.status === 503)
  );
}

async function ensureOnce(nc: NatsConnection, log: Logger, options: { replicas: number }): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = {
    subjects: [subjects.chatEventsWildcard],
    duplicate_window: duplicateWindowNanos,
    num_replicas: options.replicas,
  };
  const existing = await jsm.streams.info(chatEventsStream).catch((err: unknown) => {
    if (isApiError(err, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw err;
  });
  if (!existing) {
    try {
      await jsm.streams.add({ name: chatEventsStream, storage: StorageType.File, ...config });
      log.info({ stream: chatEventsStream, replicas: options.replicas }, 'JetStream stream created');
      return;
    } catch (err) {
      // Another instance created it between our lookup and our add, differently: update it below.
      if (!isApiError(err, streamNameInUse)) throw err;
    }
  } else if (existing.config.storage !== StorageType.File) {
    log.warn(
      { stream: chatEventsStream, storage: existing.config.storage },
      'stream storage is not file and cannot be changed in place',
    );
  }
  await jsm.streams.update(chatEventsStream, config);
  log.info({ stream: chatEventsStream, replicas: options.replicas }, 'JetStream stream up to date');
}

/** JetStream's "stream name already in use with a different configuration" error code. */
const streamNameInUse = 10058;

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
