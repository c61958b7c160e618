import type { ServiceName } from '../stack/service-names.ts';

/** Images the stack runs; the defaults are what `scripts/images.sh` (npm run images) builds. */
export interface ContainerImages {
  postgres: string;
  nats: string;
  toxiproxy: string;
  balancer: string;
  service: (service: ServiceName) => string;
}

export const defaultImages: ContainerImages = {
  postgres: process.env['POSTGRES_IMAGE'] ?? 'postgres:17',
  nats: process.env['NATS_IMAGE'] ?? 'nats:2.12-alpine',
  toxiproxy: process.env['TOXIPROXY_IMAGE'] ?? 'ghcr.io/shopify/toxiproxy:2.12.0',
  balancer: process.env['BALANCER_IMAGE'] ?? 'haproxy:2.6',
  // CHAT_IMAGE (AUTH_IMAGE, …) runs one service from another image, e.g. a deliberately broken build.
  service: (service) =>
    process.env[`${service.toUpperCase()}_IMAGE`] ??
    `${process.env['IMAGE_PREFIX'] ?? 'chat-realtime'}/${service}:${process.env['IMAGE_TAG'] ?? 'local'}`,
};

export interface ContainerStackOptions {
  /** Gateways to run, each published on its own ports. Default: 1. */
  gateways?: number;
  /** Environment every service container gets on top of the stack's own (e.g. rate limits, log level). */
  env?: Record<string, string>;
  images?: ContainerImages;
  /**
   * Links routed through a Toxiproxy container (`toxiproxy`), to slow, silence or cut them:
   * `chat-postgres` (every chat replica's database link, proxy `chat-postgres`), `gateway-nats` (each
   * gateway's NATS link to the node `nats`, proxy `gateway-<n>-nats`) and `gateway-socket` (the clients' link to each
   * gateway's
   * Socket.IO port, proxy `gateway-<n>-socket`; REST still goes straight to the gateway).
   */
  proxiedLinks?: ProxiedLink[];
  /**
   * Three JetStream nodes (`nats`, `nats-2`, `nats-3`, deploy/nats/cluster-node.conf) and the chat stream on all three.
   */
  natsCluster?: boolean;
  /** chat replicas (`chat`, `chat-1`, …): all answer commands, one at a time relays the outbox. Default: 1. */
  chatReplicas?: number;
  /**
   * An HAProxy container (`balancer`) in front of every gateway's Socket.IO port, sticky by cookie as in
   * deploy/haproxy; clients then connect through it. `refuseWebsocket` denies websocket upgrades.
   */
  balancer?: { refuseWebsocket: boolean };
}

export type ProxiedLink = 'chat-postgres' | 'gateway-nats' | 'gateway-socket';

/** A container of the stack: its name on the network and the container ports published on 127.0.0.1. */
export type InfraName = 'postgres' | 'nats' | `nats-${number}` | 'toxiproxy' | 'balancer';
export type ContainerName = InfraName | Exclude<ServiceName, 'gateway'> | `chat-${number}` | `gateway-${number}`;

/** The stack's database and the role the services use. */
export const DATABASE = { user: 'chat', password: 'chat', db: 'chat' };

/** The services' DATABASE_URL for the stack's database reached at `hostPort` (Postgres itself or a proxy). */
export function databaseUrl(hostPort: string): string {
  return `postgres://${DATABASE.user}:${DATABASE.password}@${hostPort}/${DATABASE.db}`;
}

/** Where Toxiproxy listens for each proxied link (inside its container; socket links are published too). */
export const PROXY_PORT = { chatPostgres: 15432, gatewayNats: 14222, gatewaySocket: 13001 } as const;
