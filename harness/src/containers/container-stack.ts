import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Wait, type StartedTestContainer } from 'testcontainers';
import type { ClientConfig } from '../client/client-config.ts';
import type { ScenarioStack } from '../chaos/scenario-stack.ts';
import { serviceNames, type ServiceName } from '../stack/service-names.ts';
import { eventually } from '../testing/eventually.ts';
import { chaosLabelArgs, chaosLabels, removeContainers, trackContainer } from './cleanup.ts';
import { LoopbackContainer } from './loopback-container.ts';
import { TOXIPROXY_API_PORT, ToxiproxyClient } from './toxiproxy.ts';

const run = promisify(execFile);

// Ryuk cannot be pulled here: the harness removes its containers itself (cleanup.ts). Published ports are
// reached on 127.0.0.1, whatever Testcontainers would guess from the Docker socket.
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';

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
   * gateway's NATS link to the node `nats`, proxy `gateway-<n>-nats`) and `gateway-socket` (the clients' link to each gateway's
   * Socket.IO port, proxy `gateway-<n>-socket`; REST still goes straight to the gateway).
   */
  proxiedLinks?: ProxiedLink[];
  /** Three JetStream nodes (`nats`, `nats-2`, `nats-3`, deploy/nats/cluster-node.conf) and the chat stream on all three. */
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

interface Member {
  container: StartedTestContainer;
  /** Container port → host port on 127.0.0.1; re-read after every start (Docker may pick new ones). */
  ports: Map<number, number>;
  /** Where it answers `/health` once ready, as [container port, path] pairs. */
  health: Array<[number, string]>;
}

const DATABASE = { user: 'chat', password: 'chat', db: 'chat' };

/**
 * The system in containers, started with Testcontainers on one Docker network the stack creates (labelled
 * for the sweep in cleanup.ts): Postgres, NATS with JetStream, auth (signing key by AUTH_SIGNING_KEY), chat,
 * notify and `gateways` gateways from the locally built images, every port published on 127.0.0.1 only.
 * Beyond the `ScenarioStack` faults it pauses containers (`docker pause`) and cuts them off the network.
 */
export class ContainerStack implements ScenarioStack {
  readonly kind = 'containers';
  readonly gateways: number;
  readonly network: string;
  readonly #members = new Map<ContainerName, Member>();
  readonly #options: ContainerStackOptions;
  #stopped = false;

  private constructor(network: string, gateways: number, options: ContainerStackOptions) {
    this.network = network;
    this.gateways = gateways;
    this.#options = options;
  }

  static async start(options: ContainerStackOptions = {}): Promise<ContainerStack> {
    const images = options.images ?? defaultImages;
    const gateways = options.gateways ?? 1;
    const runId = randomUUID().slice(0, 8);
    const network = `chatrt-chaos-${runId}`;
    await run('docker', ['network', 'create', ...chaosLabelArgs(network), network]);
    const stack = new ContainerStack(network, gateways, options);
    try {
      const links = new Set(options.proxiedLinks ?? []);
      const natsNodes = options.natsCluster ? (['nats', 'nats-2', 'nats-3'] as const) : (['nats'] as const);
      const env = {
        NATS_URL: natsNodes.map((node) => `nats://${node}:4222`).join(','),
        DATABASE_URL: `postgres://${DATABASE.user}:${DATABASE.password}@postgres:5432/${DATABASE.db}`,
        LOG_LEVEL: 'info',
        ...(options.natsCluster ? { CHAT_STREAM_REPLICAS: '3' } : {}),
        ...options.env,
      };
      if (links.size > 0) await stack.#startToxiproxy(images.toxiproxy, links);
      await Promise.all([
        stack.#add(
          'postgres',
          images.postgres,
          (c) =>
            c
              .withEnvironment({
                POSTGRES_USER: DATABASE.user,
                POSTGRES_PASSWORD: DATABASE.password,
                POSTGRES_DB: DATABASE.db,
              })
              .withExposedPorts(5432)
              .withWaitStrategy(
                Wait.forSuccessfulCommand(`pg_isready -h 127.0.0.1 -U ${DATABASE.user} -d ${DATABASE.db}`),
              ),
          [],
        ),
        ...natsNodes.map((node) =>
          stack.#add(
            node,
            images.nats,
            (c) =>
              (options.natsCluster
                ? c
                    .withCopyFilesToContainer([{ source: clusterNodeConf, target: '/etc/nats/cluster-node.conf' }])
                    .withEnvironment({
                      NATS_SERVER_NAME: node,
                      NATS_STORE_DIR: '/data',
                      ...Object.fromEntries(
                        natsNodes.map((peer, i) => [`NATS_ROUTE_${i + 1}`, `nats-route://${peer}:6222`]),
                      ),
                    })
                    .withCommand(['--config', '/etc/nats/cluster-node.conf'])
                : c.withCommand(['-js', '-sd', '/data', '-m', '8222'])
              )
                .withExposedPorts(4222, 8222)
                .withWaitStrategy(Wait.forHttp('/healthz?js-enabled-only=true', 8222)),
            [[8222, '/healthz?js-enabled-only=true']],
          ),
        ),
      ]);
      const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await stack.#add(
        'auth',
        images.service('auth'),
        (c) =>
          c
            .withEnvironment({ ...env, AUTH_SIGNING_KEY: signingKey })
            .withExposedPorts(9101)
            .withWaitStrategy(Wait.forHttp('/health', 9101)),
        [[9101, '/health']],
      );
      const chatEnv = links.has('chat-postgres')
        ? {
            ...env,
            DATABASE_URL: `postgres://${DATABASE.user}:${DATABASE.password}@toxiproxy:${PROXY_PORT.chatPostgres}/${DATABASE.db}`,
          }
        : env;
      for (let replica = 0; replica < (options.chatReplicas ?? 1); replica++) {
        await stack.#add(
          replica === 0 ? 'chat' : `chat-${replica}`,
          images.service('chat'),
          (c) => c.withEnvironment(chatEnv).withExposedPorts(9102).withWaitStrategy(Wait.forHttp('/health', 9102)),
          [[9102, '/health']],
        );
      }
      await stack.#add(
        'notify',
        images.service('notify'),
        (c) => c.withEnvironment(env).withExposedPorts(9103).withWaitStrategy(Wait.forHttp('/health', 9103)),
        [[9103, '/health']],
      );
      await Promise.all(
        Array.from({ length: gateways }, (_, index) =>
          stack.#add(
            `gateway-${index}`,
            images.service('gateway'),
            (c) =>
              c
                .withEnvironment({
                  NATS_URL: links.has('gateway-nats')
                    ? `nats://toxiproxy:${PROXY_PORT.gatewayNats + index}`
                    : env.NATS_URL,
                  LOG_LEVEL: env.LOG_LEVEL,
                  // Every test client comes from the same address.
                  MAX_CONNECTIONS_PER_ADDRESS: '0',
                  ...options.env,
                })
                .withExposedPorts(3000, 3001)
                .withWaitStrategy(Wait.forAll([Wait.forHttp('/api/health', 3000), Wait.forHttp('/health', 3001)])),
            [
              [3000, '/api/health'],
              [3001, '/health'],
            ],
          ),
        ),
      );
      if (options.balancer) {
        await stack.#add(
          'balancer',
          images.balancer,
          (c) =>
            c
              .withCopyContentToContainer([
                { content: balancerConfig(gateways, options.balancer!.refuseWebsocket), target: BALANCER_CONFIG },
              ])
              .withExposedPorts(3001)
              .withWaitStrategy(Wait.forHttp('/health', 3001)),
          [[3001, '/health']],
        );
      }
      return stack;
    } catch (err) {
      await stack.stop();
      throw err;
    }
  }

  /** Toxiproxy first, with its proxies: the services resolve `toxiproxy` when they start. */
  async #startToxiproxy(image: string, links: ReadonlySet<ProxiedLink>): Promise<void> {
    const socketPorts = links.has('gateway-socket')
      ? Array.from({ length: this.gateways }, (_, i) => PROXY_PORT.gatewaySocket + i)
      : [];
    await this.#add(
      'toxiproxy',
      image,
      (c) =>
        c
          .withExposedPorts(TOXIPROXY_API_PORT, ...socketPorts)
          .withWaitStrategy(Wait.forHttp('/version', TOXIPROXY_API_PORT)),
      [[TOXIPROXY_API_PORT, '/version']],
    );
    const toxiproxy = this.toxiproxy;
    if (links.has('chat-postgres')) {
      await toxiproxy.createProxy({
        name: 'chat-postgres',
        listen: `0.0.0.0:${PROXY_PORT.chatPostgres}`,
        upstream: 'postgres:5432',
      });
    }
    for (let i = 0; i < this.gateways; i++) {
      if (links.has('gateway-nats')) {
        await toxiproxy.createProxy({
          name: `gateway-${i}-nats`,
          listen: `0.0.0.0:${PROXY_PORT.gatewayNats + i}`,
          upstream: 'nats:4222',
        });
      }
      if (links.has('gateway-socket')) {
        await toxiproxy.createProxy({
          name: `gateway-${i}-socket`,
          listen: `0.0.0.0:${PROXY_PORT.gatewaySocket + i}`,
          upstream: `gateway-${i}:3001`,
        });
      }
    }
  }

  /** The API of the stack's Toxiproxy (`proxiedLinks`); proxies are named after their links. */
  get toxiproxy(): ToxiproxyClient {
    return new ToxiproxyClient(`http://127.0.0.1:${this.port('toxiproxy', TOXIPROXY_API_PORT)}`);
  }

  /** Rewrites the balancer's configuration and restarts it (its connections drop; clients reconnect through it). */
  async configureBalancer(options: { refuseWebsocket: boolean }): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'chatrt-balancer-'));
    try {
      await writeFile(join(dir, 'haproxy.cfg'), balancerConfig(this.gateways, options.refuseWebsocket));
      await docker(['cp', join(dir, 'haproxy.cfg'), `${this.containerId('balancer')}:${BALANCER_CONFIG}`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await this.restart('balancer');
  }

  async #add(
    name: ContainerName,
    image: string,
    configure: (c: LoopbackContainer) => LoopbackContainer,
    health: Array<[number, string]>,
  ): Promise<void> {
    const container = configure(
      new LoopbackContainer(image)
        .onNetwork(this.network, name)
        .withName(`${this.network}-${name}`)
        .withLabels(chaosLabels(this.network))
        .withStartupTimeout(120_000),
    );
    // Tracked from creation on, so a failed start (wait strategy timing out) is removed as well.
    const started = await container.start().catch(async (err: unknown) => {
      await removeContainers([`${this.network}-${name}`]);
      throw err;
    });
    trackContainer(started.getId());
    this.#members.set(name, { container: started, ports: await publishedPorts(started.getId()), health });
  }

  #member(name: ContainerName): Member {
    const member = this.#members.get(name);
    if (!member) throw new Error(`no container ${name} in this stack`);
    return member;
  }

  /** The host port (on 127.0.0.1) a container port is published on, as of its last start. */
  port(name: ContainerName, containerPort: number): number {
    const port = this.#member(name).ports.get(containerPort);
    if (port === undefined) throw new Error(`${name} publishes no port ${containerPort}`);
    return port;
  }

  containerId(name: ContainerName): string {
    return this.#member(name).container.getId();
  }

  /** REST goes straight to the gateway; sockets through the balancer or Toxiproxy when the stack has them. */
  clientConfig(gateway = 0): ClientConfig {
    const socketPort = this.#options.balancer
      ? this.port('balancer', 3001)
      : this.#options.proxiedLinks?.includes('gateway-socket')
        ? this.port('toxiproxy', PROXY_PORT.gatewaySocket + gateway)
        : this.port(`gateway-${gateway}`, 3001);
    return {
      apiUrl: `http://127.0.0.1:${this.port(`gateway-${gateway}`, 3000)}/api`,
      socketUrl: `http://127.0.0.1:${socketPort}`,
      socketPath: '/socket.io',
      socketEnabled: true,
    };
  }

  async killService(service: ServiceName, index = 0): Promise<void> {
    await this.kill(nameOf(service, index));
  }

  async stopService(service: ServiceName, index = 0): Promise<void> {
    await this.stopContainer(nameOf(service, index));
  }

  async startService(service: ServiceName, index = 0): Promise<void> {
    await this.startContainer(nameOf(service, index));
  }

  async logs(service: ServiceName | InfraName, index = 0): Promise<string> {
    const name = isServiceName(service) ? nameOf(service, index) : service;
    return docker(['logs', '--tail', '80', this.containerId(name)]).catch((err: unknown) => String(err));
  }

  /** SIGKILL (`docker kill --signal KILL`); resolves once the container has exited. */
  async kill(name: ContainerName): Promise<void> {
    await docker(['kill', '--signal', 'KILL', this.containerId(name)]);
    await docker(['wait', this.containerId(name)]);
  }

  /** SIGTERM, then SIGKILL after `graceSeconds` (`docker stop`). */
  async stopContainer(name: ContainerName, graceSeconds = 15): Promise<void> {
    await docker(['stop', '--time', String(graceSeconds), this.containerId(name)]);
  }

  /** Starts a stopped or killed container, re-reads its published ports and waits until it is healthy. */
  async startContainer(name: ContainerName): Promise<void> {
    await docker(['start', this.containerId(name)]);
    await this.#awaitHealthy(name);
  }

  /** `docker restart`: SIGTERM, then start; ports re-read, healthy again on return. */
  async restart(name: ContainerName): Promise<void> {
    await this.#member(name).container.restart({ timeout: 15_000 });
    await this.#awaitHealthy(name);
  }

  /** Freezes every process of the container (`docker pause`): connections stay open, nothing answers. */
  async pause(name: ContainerName): Promise<void> {
    await docker(['pause', this.containerId(name)]);
  }

  async unpause(name: ContainerName): Promise<void> {
    await docker(['unpause', this.containerId(name)]);
  }

  /** Cuts the container off the stack's network (its peers cannot resolve or reach it, nor it them). */
  async disconnect(name: ContainerName): Promise<void> {
    await docker(['network', 'disconnect', '--force', this.network, this.containerId(name)]);
  }

  /** Puts it back on the network under its name. */
  async reconnect(name: ContainerName): Promise<void> {
    await docker(['network', 'connect', '--alias', name, this.network, this.containerId(name)]);
  }

  async #awaitHealthy(name: ContainerName): Promise<void> {
    const member = this.#member(name);
    member.ports = await eventually(
      () => publishedPorts(member.container.getId()),
      (ports) => ports.size > 0,
      30_000,
    );
    for (const [containerPort, path] of member.health) {
      const url = `http://127.0.0.1:${member.ports.get(containerPort)}${path}`;
      await eventually(
        () =>
          fetch(url).then(
            (res) => res.ok,
            () => false,
          ),
        (ok) => ok,
        120_000,
      );
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await removeContainers([...this.#members.values()].map((m) => m.container.getId()));
    await run('docker', ['network', 'rm', this.network]).catch(() => undefined);
  }
}

function nameOf(service: ServiceName, index: number): ContainerName {
  if (service === 'gateway') return `gateway-${index}`;
  if (index === 0) return service;
  if (service === 'chat') return `chat-${index}`;
  throw new Error(`the container stack runs one ${service}`);
}

function isServiceName(name: ServiceName | InfraName): name is ServiceName {
  return (serviceNames as readonly string[]).includes(name);
}

/** Where Toxiproxy listens for each proxied link (inside its container; socket links are published too). */
const PROXY_PORT = { chatPostgres: 15432, gatewayNats: 14222, gatewaySocket: 13001 } as const;

const clusterNodeConf = fileURLToPath(new URL('../../../deploy/nats/cluster-node.conf', import.meta.url));

const BALANCER_CONFIG = '/usr/local/etc/haproxy/haproxy.cfg';

/**
 * The balancer's HAProxy configuration: the socket part of deploy/haproxy/haproxy.cfg (sticky by cookie,
 * health-checked) over `gateways` gateways, optionally denying every websocket upgrade with 403, as some
 * corporate proxies do; Engine.IO then stays on (or falls back to) long polling.
 */
function balancerConfig(gateways: number, refuseWebsocket: boolean): string {
  return [
    'global',
    '  log stdout format raw local0 info',
    '  hard-stop-after 2s',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    'frontend socket',
    '  bind :3001',
    ...(refuseWebsocket ? ['  http-request deny deny_status 403 if { hdr(upgrade) -i websocket }'] : []),
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  cookie chatrt_gateway insert indirect nocache httponly',
    '  option httpchk GET /health',
    ...Array.from(
      { length: gateways },
      (_, i) => `  server gateway-${i} gateway-${i}:3001 check inter 1s cookie gateway-${i}`,
    ),
    '',
  ].join('\n');
}

async function docker(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('docker', args, { timeout: 120_000 });
    return stdout + stderr;
  } catch (err) {
    throw new Error(`docker ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, {
      cause: err,
    });
  }
}

/** Container port → host port of a container's bindings on 127.0.0.1 (empty while it is not running). */
async function publishedPorts(id: string): Promise<Map<number, number>> {
  const raw = await docker(['inspect', '--format', '{{json .NetworkSettings.Ports}}', id]);
  const bindings = (JSON.parse(raw) ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
  const ports = new Map<number, number>();
  for (const [key, hostBindings] of Object.entries(bindings)) {
    const binding = hostBindings?.find((b) => b.HostIp === '127.0.0.1');
    if (binding) ports.set(Number.parseInt(key, 10), Number.parseInt(binding.HostPort, 10));
  }
  return ports;
}
