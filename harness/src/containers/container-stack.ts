import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig } from '../client/client-config.ts';
import type { ScenarioStack } from '../chaos/scenario-stack.ts';
import { serviceNames, type ServiceName } from '../stack/service-names.ts';
import { BALANCER_CONFIG, balancerConfig } from './balancer-config.ts';
import { ContainerGroup } from './container-group.ts';
import {
  PROXY_PORT,
  databaseUrl,
  defaultImages,
  type ContainerName,
  type ContainerStackOptions,
  type InfraName,
  type ProxiedLink,
} from './container-stack-options.ts';
import { docker } from './docker-cli.ts';
import {
  backendContainer,
  balancerContainer,
  gatewayContainer,
  natsContainer,
  postgresContainer,
  toxiproxyContainer,
} from './stack-containers.ts';
import { TOXIPROXY_API_PORT, ToxiproxyClient } from './toxiproxy.ts';

export {
  defaultImages,
  type ContainerImages,
  type ContainerName,
  type ContainerStackOptions,
  type InfraName,
  type ProxiedLink,
} from './container-stack-options.ts';

/**
 * The system in containers, started with Testcontainers on one Docker network the stack creates (labelled
 * for the sweep in cleanup.ts): Postgres, NATS with JetStream, auth (signing key by AUTH_SIGNING_KEY), chat,
 * notify and `gateways` gateways from the locally built images, every port published on 127.0.0.1 only.
 * Beyond the `ScenarioStack` faults it pauses containers (`docker pause`) and cuts them off the network.
 */
export class ContainerStack extends ContainerGroup implements ScenarioStack {
  readonly kind = 'containers';
  readonly gateways: number;
  readonly #options: ContainerStackOptions;

  private constructor(network: string, gateways: number, options: ContainerStackOptions) {
    super(network);
    this.gateways = gateways;
    this.#options = options;
  }

  static async start(options: ContainerStackOptions = {}): Promise<ContainerStack> {
    const network = `chatrt-chaos-${randomUUID().slice(0, 8)}`;
    await ContainerGroup.createNetwork(network);
    const stack = new ContainerStack(network, options.gateways ?? 1, options);
    try {
      await stack.#startAll();
      return stack;
    } catch (err) {
      await stack.stop();
      throw err;
    }
  }

  async #startAll(): Promise<void> {
    const options = this.#options;
    const images = options.images ?? defaultImages;
    const links = new Set(options.proxiedLinks ?? []);
    const natsNodes = options.natsCluster ? (['nats', 'nats-2', 'nats-3'] as const) : (['nats'] as const);
    const natsUrl = natsNodes.map((node) => `nats://${node}:4222`).join(',');
    const env: Record<string, string> = {
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl('postgres:5432'),
      LOG_LEVEL: 'info',
      ...(options.natsCluster ? { CHAT_STREAM_REPLICAS: '3' } : {}),
      ...options.env,
    };
    if (links.size > 0) await this.#startToxiproxy(images.toxiproxy, links);
    await Promise.all([
      this.add('postgres', images.postgres, postgresContainer),
      ...natsNodes.map((node) =>
        this.add(node, images.nats, natsContainer(node, options.natsCluster ? natsNodes : undefined)),
      ),
    ]);
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await this.add('auth', images.service('auth'), backendContainer({ ...env, AUTH_SIGNING_KEY: signingKey }, 9101));
    const chatDatabase = databaseUrl(`toxiproxy:${PROXY_PORT.chatPostgres}`);
    const chatEnv = links.has('chat-postgres') ? { ...env, DATABASE_URL: chatDatabase } : env;
    for (let replica = 0; replica < (options.chatReplicas ?? 1); replica++) {
      await this.add(
        replica === 0 ? 'chat' : `chat-${replica}`,
        images.service('chat'),
        backendContainer(chatEnv, 9102),
      );
    }
    await this.add('notify', images.service('notify'), backendContainer(env, 9103));
    await Promise.all(
      Array.from({ length: this.gateways }, (_, index) =>
        this.add(
          `gateway-${index}`,
          images.service('gateway'),
          gatewayContainer({
            NATS_URL: links.has('gateway-nats') ? `nats://toxiproxy:${PROXY_PORT.gatewayNats + index}` : natsUrl,
            LOG_LEVEL: 'info',
            // Every test client comes from the same address.
            MAX_CONNECTIONS_PER_ADDRESS: '0',
            ...options.env,
          }),
        ),
      ),
    );
    if (options.balancer) {
      const { refuseWebsocket } = options.balancer;
      await this.add('balancer', images.balancer, balancerContainer(this.gateways, refuseWebsocket));
    }
  }

  /** Toxiproxy first, with its proxies: the services resolve `toxiproxy` when they start. */
  async #startToxiproxy(image: string, links: ReadonlySet<ProxiedLink>): Promise<void> {
    const socketPorts = links.has('gateway-socket')
      ? Array.from({ length: this.gateways }, (_, i) => PROXY_PORT.gatewaySocket + i)
      : [];
    await this.add('toxiproxy', image, toxiproxyContainer(socketPorts));
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
