import { describe, it, expect } from 'vitest';
import { ConfigError } from '@chatrt/service-kit';
import { loadNotifyConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u:p@localhost/chat' };

describe('loadNotifyConfig', () => {
  it('fills in defaults', () => {
    expect(loadNotifyConfig(base)).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: base.DATABASE_URL,
      opsPort: 9103,
      logLevel: 'info',
      consumerName: 'notify',
      presenceHeartbeatMs: 10_000,
      authTimeoutMs: 2_000,
      ackWaitMs: 30_000,
    });
  });

  it('takes an ack wait up to 30 s (room order outlasts that three times)', () => {
    expect(loadNotifyConfig({ ...base, NOTIFY_ACK_WAIT_MS: '5000' }).ackWaitMs).toBe(5_000);
    expect(() => loadNotifyConfig({ ...base, NOTIFY_ACK_WAIT_MS: '60000' })).toThrow(/NOTIFY_ACK_WAIT_MS/);
  });

  it('reads the presence heartbeat and the lookup timeout', () => {
    const config = loadNotifyConfig({ ...base, PRESENCE_HEARTBEAT_MS: '500', NOTIFY_AUTH_TIMEOUT_MS: '750' });
    expect(config).toMatchObject({ presenceHeartbeatMs: 500, authTimeoutMs: 750 });
  });

  it('rejects a missing database and out-of-range values, naming each', () => {
    try {
      loadNotifyConfig({ PRESENCE_HEARTBEAT_MS: '10', NOTIFY_AUTH_TIMEOUT_MS: 'soon' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      for (const name of ['DATABASE_URL', 'PRESENCE_HEARTBEAT_MS', 'NOTIFY_AUTH_TIMEOUT_MS'])
        expect(String(err)).toContain(name);
    }
  });
});
