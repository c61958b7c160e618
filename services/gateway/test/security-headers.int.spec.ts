import { describe, it, expect, inject, beforeAll } from 'vitest';
import { createLogger } from '@chatrt/service-kit';
import { loadGatewayConfig, startGateway, type Gateway } from '../src/index.ts';

const log = createLogger('gateway-test', 'silent');

/** Every REST response carries the security headers; the CSP lets the chat page reach its socket server. */
describe('security headers on the REST server', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway(
      loadGatewayConfig({
        NATS_URL: inject('natsUrl'),
        PORT: '0',
        WEBSOCKET_PORT: '0',
        LOG_LEVEL: 'silent',
        NEXT_PUBLIC_WS_URL: 'https://chat.example.com:8443',
        NEXT_PUBLIC_API_URL: 'https://api.example.com/api',
      }),
      log,
    );
    return () => gateway.close();
  });

  /** The CSP as directive → sources. */
  const policy = (header: string | null): Map<string, string[]> =>
    new Map(
      (header ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([name, ...sources]) => [name!, sources]),
    );

  for (const path of ['/apps/chat/', '/apps/chat/config.json', '/api/health', '/api/chat/rooms']) {
    it(`sets them on ${path}`, async () => {
      const response = await fetch(`http://localhost:${gateway.httpPort}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBeNull();
      const csp = policy(response.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      const socket = `localhost:${gateway.socketPort}`;
      expect(csp.get('connect-src')).toEqual(
        expect.arrayContaining([
          "'self'",
          `http://${socket}`,
          `ws://${socket}`,
          'https://chat.example.com:8443',
          'wss://chat.example.com:8443',
          'https://api.example.com',
        ]),
      );
    });
  }

  it('builds the socket source from the hostname the page was loaded from', async () => {
    const response = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/health`);
    const connect = policy(response.headers.get('content-security-policy')).get('connect-src');
    expect(connect).toContain(`ws://127.0.0.1:${gateway.socketPort}`);
  });
});
