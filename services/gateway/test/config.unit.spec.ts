import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chatrt/service-kit';
import { loadGatewayConfig } from '../src/config.ts';

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadGatewayConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadGatewayConfig', () => {
  it('applies the seed doc defaults and ours', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      httpPort: 3000,
      socketPort: 3001,
      socketPath: '/socket.io',
      allowedOrigins: ['http://localhost:3000'],
      rateLimits: {
        send: { perSecond: 5, burst: 10 },
        join: { perSecond: 20, burst: 200 },
        createRoom: { perSecond: 1, burst: 30 },
      },
      maxBufferedPackets: 5000,
      replayPageSize: 200,
    });
  });

  it('reads a rate and a burst for every rate-limited kind', () => {
    const { rateLimits } = loadGatewayConfig({ RATE_LIMIT_EDITS_PER_SECOND: '0.5', RATE_LIMIT_EDITS_BURST: '3' });
    expect(Object.keys(rateLimits).sort()).toEqual([
      'createRoom',
      'edit',
      'join',
      'membership',
      'read',
      'send',
      'subscribe',
      'typing',
    ]);
    expect(rateLimits.edit).toEqual({ perSecond: 0.5, burst: 3 });
    expect(configError({ RATE_LIMIT_JOINS_BURST: '0' })).toContain('RATE_LIMIT_JOINS_BURST');
  });

  it('adds CORS origins but refuses wildcards', () => {
    expect(loadGatewayConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).allowedOrigins).toEqual([
      'http://localhost:3000',
      'https://a.example',
      'https://b.example',
    ]);
    expect(configError({ CORS_ORIGINS: 'https://*.example' })).toContain(
      'CORS_ORIGINS: wildcard origins are not allowed',
    );
  });

  it('keeps the per-connection queue at least two replay pages deep', () => {
    expect(loadGatewayConfig({ SOCKET_MAX_BUFFERED_PACKETS: '100', REPLAY_PAGE_SIZE: '50' }).maxBufferedPackets).toBe(
      100,
    );
    expect(configError({ SOCKET_MAX_BUFFERED_PACKETS: '100', REPLAY_PAGE_SIZE: '51' })).toContain(
      'SOCKET_MAX_BUFFERED_PACKETS: must be at least twice REPLAY_PAGE_SIZE',
    );
  });
});
