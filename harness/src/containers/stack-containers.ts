import { fileURLToPath } from 'node:url';
import { Wait } from 'testcontainers';
import { BALANCER_CONFIG, balancerConfig } from './balancer-config.ts';
import type { ContainerSpec } from './container-group.ts';
import { DATABASE } from './container-stack-options.ts';
import { TOXIPROXY_API_PORT } from './toxiproxy.ts';

const clusterNodeConf = fileURLToPath(new URL('../../../deploy/nats/cluster-node.conf', import.meta.url));

/** Postgres with the stack's database and role; ready once `pg_isready` says so. */
export const postgresContainer: ContainerSpec = {
  configure: (c) =>
    c
      .withEnvironment({ POSTGRES_USER: DATABASE.user, POSTGRES_PASSWORD: DATABASE.password, POSTGRES_DB: DATABASE.db })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forSuccessfulCommand(`pg_isready -h 127.0.0.1 -U ${DATABASE.user} -d ${DATABASE.db}`)),
  health: [],
};

/**
 * A NATS server with JetStream: alone, or as `node` of a cluster of `nodes` (deploy/nats/cluster-node.conf,
 * routes to every node).
 */
export function natsContainer(node: string, nodes: readonly string[] | undefined): ContainerSpec {
  return {
    configure: (c) =>
      (nodes
        ? c
            .withCopyFilesToContainer([{ source: clusterNodeConf, target: '/etc/nats/cluster-node.conf' }])
            .withEnvironment({
              NATS_SERVER_NAME: node,
              NATS_STORE_DIR: '/data',
              ...Object.fromEntries(nodes.map((peer, i) => [`NATS_ROUTE_${i + 1}`, `nats-route://${peer}:6222`])),
            })
            .withCommand(['--config', '/etc/nats/cluster-node.conf'])
        : c.withCommand(['-js', '-sd', '/data', '-m', '8222'])
      )
        .withExposedPorts(4222, 8222)
        .withWaitStrategy(Wait.forHttp('/healthz?js-enabled-only=true', 8222)),
    health: [[8222, '/healthz?js-enabled-only=true']],
  };
}

/** A backend service (auth, chat, notify): ready once its ops port answers `/health`. */
export function backendContainer(env: Record<string, string>, opsPort: number): ContainerSpec {
  return {
    configure: (c) =>
      c.withEnvironment(env).withExposedPorts(opsPort).withWaitStrategy(Wait.forHttp('/health', opsPort)),
    health: [[opsPort, '/health']],
  };
}

/** A gateway: REST on 3000, Socket.IO on 3001, both answering their health routes. */
export function gatewayContainer(env: Record<string, string>): ContainerSpec {
  return {
    configure: (c) =>
      c
        .withEnvironment(env)
        .withExposedPorts(3000, 3001)
        .withWaitStrategy(Wait.forAll([Wait.forHttp('/api/health', 3000), Wait.forHttp('/health', 3001)])),
    health: [
      [3000, '/api/health'],
      [3001, '/health'],
    ],
  };
}

/** Toxiproxy, publishing its API and the listen ports in `published`. */
export function toxiproxyContainer(published: readonly number[]): ContainerSpec {
  return {
    configure: (c) =>
      c
        .withExposedPorts(TOXIPROXY_API_PORT, ...published)
        .withWaitStrategy(Wait.forHttp('/version', TOXIPROXY_API_PORT)),
    health: [[TOXIPROXY_API_PORT, '/version']],
  };
}

/** HAProxy in front of `gateways` gateways' Socket.IO ports (`balancerConfig`). */
export function balancerContainer(gateways: number, refuseWebsocket: boolean): ContainerSpec {
  return {
    configure: (c) =>
      c
        .withCopyContentToContainer([{ content: balancerConfig(gateways, refuseWebsocket), target: BALANCER_CONFIG }])
        .withExposedPorts(3001)
        .withWaitStrategy(Wait.forHttp('/health', 3001)),
    health: [[3001, '/health']],
  };
}
