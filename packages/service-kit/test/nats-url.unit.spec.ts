import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonEnv, ConfigError, loadConfig, natsServers } from '../src/index.ts';

describe('NATS_URL', () => {
  it("is one server or a comma-separated list of a cluster's nodes", () => {
    expect(natsServers('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
    expect(natsServers('nats://nats-1:4222, nats://nats-2:4222,nats://nats-3:4222,')).toEqual([
      'nats://nats-1:4222',
      'nats://nats-2:4222',
      'nats://nats-3:4222',
    ]);
  });

  it('needs at least one server', () => {
    const schema = z.object(commonEnv);
    expect(() => loadConfig('test', schema, { NATS_URL: ' , ' })).toThrow(ConfigError);
    expect(() => loadConfig('test', schema, { NATS_URL: ' , ' })).toThrow(/NATS_URL: needs at least one server/);
    expect(loadConfig('test', schema, {}).NATS_URL).toBe('nats://127.0.0.1:4222');
  });
});
