import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chatrt/service-kit';
import { loadChatConfig } from '../src/config.ts';

describe('chat config', () => {
  it('applies defaults', () => {
    expect(loadChatConfig({ DATABASE_URL: 'postgres://u:p@localhost/chat' })).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://u:p@localhost/chat',
      opsPort: 9102,
      logLevel: 'info',
      messageMaxLength: 4000,
      databasePoolSize: 20,
      outboxPollMs: 1000,
      relayLockRetryMs: 2000,
      relayMaxInFlightPerRoom: 32,
      authTimeoutMs: 2000,
      streamReplicas: 1,
      groupCommit: { maxBatchSize: 200, maxWaitMs: 0, concurrency: 2 },
    });
  });

  it('requires DATABASE_URL and rejects a limit the contract could never reach', () => {
    const load = () => loadChatConfig({ MESSAGE_MAX_LENGTH: '5000' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/DATABASE_URL/);
    expect(load).toThrow(/MESSAGE_MAX_LENGTH/);
  });

  it('reads the group-commit settings and keeps connections free for queries', () => {
    const base = { DATABASE_URL: 'postgres://u:p@localhost/chat' };
    expect(
      loadChatConfig({ ...base, COMMIT_BATCH_MAX: '50', COMMIT_BATCH_WAIT_MS: '1.5', COMMIT_CONCURRENCY: '4' })
        .groupCommit,
    ).toEqual({
      maxBatchSize: 50,
      maxWaitMs: 1.5,
      concurrency: 4,
    });
    expect(() => loadChatConfig({ ...base, DATABASE_POOL_SIZE: '4', COMMIT_CONCURRENCY: '4' })).toThrow(
      /COMMIT_CONCURRENCY/,
    );
  });

  it("reads the stream's replica count, at most JetStream's 5", () => {
    const base = { DATABASE_URL: 'postgres://u:p@localhost/chat' };
    expect(loadChatConfig({ ...base, CHAT_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
    expect(() => loadChatConfig({ ...base, CHAT_STREAM_REPLICAS: '6' })).toThrow(/CHAT_STREAM_REPLICAS/);
    expect(() => loadChatConfig({ ...base, CHAT_STREAM_REPLICAS: '0' })).toThrow(/CHAT_STREAM_REPLICAS/);
  });
});
