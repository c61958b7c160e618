import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';

const location = { protocol: 'http:', hostname: 'localhost', origin: 'http://localhost:4000' };

describe('page config', () => {
  it('defaults to the same origin for REST and the same host at :3001 for sockets', () => {
    expect(resolveConfig(location, {}, undefined)).toEqual({
      apiUrl: 'http://localhost:4000/api',
      socketUrl: 'http://localhost:3001',
      socketPath: '/socket.io',
      socketEnabled: true,
    });
  });

  it("takes the serving gateway's socket port, path and switch", () => {
    const runtime = { socket: { enabled: false, port: 41234, path: '/rt' } };
    expect(resolveConfig(location, {}, runtime)).toEqual({
      apiUrl: 'http://localhost:4000/api',
      socketUrl: 'http://localhost:41234',
      socketPath: '/rt',
      socketEnabled: false,
    });
  });

  it('lets values baked in at build time win, with the legacy socket URL as fallback', () => {
    const runtime = { socket: { enabled: true, port: 41234, path: '/socket.io' } };
    const built = resolveConfig(
      location,
      {
        NEXT_PUBLIC_API_URL: 'https://api.example.test/api/',
        NEXT_PUBLIC_WS_URL: 'https://ws.example.test/',
        NEXT_PUBLIC_ENABLE_SOCKET_IO: 'false',
      },
      runtime,
    );
    expect(built).toEqual({
      apiUrl: 'https://api.example.test/api',
      socketUrl: 'https://ws.example.test',
      socketPath: '/socket.io',
      socketEnabled: false,
    });
    expect(
      resolveConfig(location, { NEXT_PUBLIC_WS_URL: ' ', NEXT_PUBLIC_SOCKET_URL: 'http://legacy:9000' }, runtime)
        .socketUrl,
    ).toBe('http://legacy:9000');
  });

  it('keeps a null port (sockets off at the gateway) on the default', () => {
    expect(resolveConfig(location, {}, { socket: { enabled: false, port: null, path: '/socket.io' } }).socketUrl).toBe(
      'http://localhost:3001',
    );
  });
});
