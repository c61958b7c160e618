import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Security headers on every :3000 response (@fastify/helmet): a Content-Security-Policy the chat page works
 * under — its scripts and styles only from this origin, no inline script, connections to this origin, to
 * the Socket.IO server (the page joins the port with the hostname it was loaded from, so that source is
 * built from the request's Host) and to the origins it was built with —, no framing, nosniff, and no
 * referrer. HSTS only when the deployment runs behind HTTPS (secure cookies), as it pins the host to it.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { socketPort: number | null; connectOrigins: readonly string[]; https: boolean },
): void {
  const socketSources = (req: IncomingMessage): string => {
    if (options.socketPort === null) return '';
    const hostname = requestHostname(req);
    if (hostname === undefined) return '';
    return ['http', 'ws', 'https', 'wss'].map((scheme) => `${scheme}://${hostname}:${options.socketPort}`).join(' ');
  };
  const configuredSources = options.connectOrigins.flatMap((origin) => [origin, origin.replace(/^http/, 'ws')]);
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'connect-src': ["'self'", socketSources, ...configuredSources],
        'style-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // The gateway serves plain HTTP unless a proxy terminates TLS; upgrading would break the socket.
        'upgrade-insecure-requests': null,
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.https,
  });
}

/** The hostname the client used, or undefined when the Host header is not a plain host[:port]. */
function requestHostname(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || !/^[a-z0-9.\-[\]:]+$/i.test(host)) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}
