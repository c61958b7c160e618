import type { ServiceName } from './service-names.ts';
import type { StackPorts } from './types.ts';

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the stack decides for its services: where the infrastructure is, ports, the signing key. */
export interface StackWiring {
  ports: StackPorts;
  databaseUrl: string;
  natsUrl: string;
  /** Exactly one of the two ways the auth service accepts its key. */
  signingKey: { AUTH_SIGNING_KEY: string } | { AUTH_SIGNING_KEY_FILE: string };
}

/**
 * The environment of one service: the launcher's own, then the caller's configuration, then the
 * stack's wiring, which always wins so a stray `PORT` or `DATABASE_URL` cannot point a service elsewhere.
 */
export function serviceEnv(service: ServiceName, config: Env, wiring: StackWiring): NodeJS.ProcessEnv {
  const defaults = { NEXT_PUBLIC_APP_URL: `http://localhost:${wiring.ports.api}` };
  const env: NodeJS.ProcessEnv = { ...process.env, ...defaults, ...config, NATS_URL: wiring.natsUrl };
  switch (service) {
    case 'auth':
      delete env['AUTH_SIGNING_KEY'];
      delete env['AUTH_SIGNING_KEY_FILE'];
      return {
        ...env,
        ...wiring.signingKey,
        DATABASE_URL: wiring.databaseUrl,
        OPS_PORT: String(wiring.ports.ops.auth),
      };
    case 'chat':
    case 'notify':
      return { ...env, DATABASE_URL: wiring.databaseUrl, OPS_PORT: String(wiring.ports.ops[service]) };
    case 'gateway':
      return { ...env, PORT: String(wiring.ports.api), WEBSOCKET_PORT: String(wiring.ports.socket) };
  }
}

/** The ports a service will listen on, named for error messages. */
export function servicePorts(service: ServiceName, ports: StackPorts): { port: number; what: string }[] {
  if (service === 'gateway') {
    return [
      { port: ports.api, what: 'gateway PORT' },
      { port: ports.socket, what: 'gateway WEBSOCKET_PORT' },
    ];
  }
  return [{ port: ports.ops[service], what: `${service} OPS_PORT` }];
}

/** Whether the gateway runs its Socket.IO server with this environment (it accepts `false` and `0` as off). */
export function socketIoEnabled(env: Env): boolean {
  const value = env['NEXT_PUBLIC_ENABLE_SOCKET_IO'];
  return value !== 'false' && value !== '0';
}

/** The URLs that all answer 200 once a service is ready (the gateway's socket one only when Socket.IO is on). */
export function healthUrls(service: ServiceName, ports: StackPorts, env: Env): string[] {
  if (service !== 'gateway') return [`http://127.0.0.1:${ports.ops[service]}/health`];
  const rest = `http://127.0.0.1:${ports.api}/api/health`;
  return socketIoEnabled(env) ? [rest, `http://127.0.0.1:${ports.socket}/health`] : [rest];
}
