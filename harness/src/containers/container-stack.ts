import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Wait, type StartedTestContainer } from 'testcontainers';
import type { ClientConfig } from '../client/client-config.ts';
import type { ScenarioStack } from '../chaos/scenario-stack.ts';
import type { ServiceName } from '../stack/service-names.ts';
import { eventually } from '../testing/eventually.ts';
import { chaosLabelArgs, chaosLabels, removeContainers, trackContainer } from './cleanup.ts';
import { LoopbackContainer } from './loopback-container.ts';

const run = promisify(execFile);

// Ryuk cannot be pulled here: the harness removes its containers itself (cleanup.ts). Published ports are
// reached on 127.0.0.1, whatever Testcontainers would guess from the Docker socket.
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';

/** Images the stack runs; the defaults are what `scripts/images.sh` (npm run images) builds. */
export interface ContainerImages {
  postgres: string;
  nats: string;
  service: (service: ServiceName) => string;
}

export const defaultImages: ContainerImages = {
  postgres: process.env['POSTGRES_IMAGE'] ?? 'postgres:17',
  nats: process.env['NATS_IMAGE'] ?? 'nats:2.12-alpine',
  // CHAT_IMAGE (AUTH_IMAGE, …) runs one service from another image, e.g. a deliberately broken build.
  service: (service) =>
    process.env[`${service.toUpperCase()}_IMAGE`] ?? `${process.env['IMAGE_PREFIX'] ?? 'chat-realtime'}/${service}:${process.env['IMAGE_TAG'] ?? 'local'}`,
};

export interface ContainerStackOptions {
  /** Gateways to run, each published on its own ports. Default: 1. */
  gateways?: number;
  /** Environment every service container gets on top of the stack's own (e.g. rate limits, log level). */
  env?: Record<string, string>;
  images?: ContainerImages;
}

/** A container of the stack: its name on the network and the container ports published on 127.0.0.1. */
export type InfraName = 'postgres' | 'nats';
export type ContainerName = InfraName | Exclude<ServiceName, 'gateway'> | `gateway-${number}`;

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
  #stopped = false;

  private constructor(network: string, gateways: number) {
    this.network = network;
    this.gateways = gateways;
  }

  static async start(options: ContainerStackOptions = {}): Promise<ContainerStack> {
    const images = options.images ?? defaultImages;
    const gateways = options.gateways ?? 1;
    const runId = randomUUID().slice(0, 8);
    const network = `chatrt-chaos-${runId}`;
    await run('docker', ['network', 'create', ...chaosLabelArgs(network), network]);
    const stack = new ContainerStack(network, gateways);
    try {
      const env = {
        NATS_URL: 'nats://nats:4222',
        DATABASE_URL: `postgres://${DATABASE.user}:${DATABASE.password}@postgres:5432/${DATABASE.db}`,
        LOG_LEVEL: 'info',
        ...options.env,
      };
      await Promise.all([
        stack.#add('postgres', images.postgres, (c) =>
          c
            .withEnvironment({ POSTGRES_USER: DATABASE.user, POSTGRES_PASSWORD: DATABASE.password, POSTGRES_DB: DATABASE.db })
            .withExposedPorts(5432)
            .withWaitStrategy(Wait.forSuccessfulCommand(`pg_isready -h 127.0.0.1 -U ${DATABASE.user} -d ${DATABASE.db}`)),
        []),
        stack.#add('nats', images.nats, (c) =>
          c
            .withCommand(['-js', '-sd', '/data', '-m', '8222'])
            .withExposedPorts(4222, 8222)
            .withWaitStrategy(Wait.forHttp('/healthz?js-enabled-only=true', 8222)),
        [[8222, '/healthz?js-enabled-only=true']]),
      ]);
      const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await stack.#add('auth', images.service('auth'), (c) => c.withEnvironment({ ...env, AUTH_SIGNING_KEY: signingKey }).withExposedPorts(9101).withWaitStrategy(Wait.forHttp('/health', 9101)), [[9101, '/health']]);
      await stack.#add('chat', images.service('chat'), (c) => c.withEnvironment(env).withExposedPorts(9102).withWaitStrategy(Wait.forHttp('/health', 9102)), [[9102, '/health']]);
      await stack.#add('notify', images.service('notify'), (c) => c.withEnvironment(env).withExposedPorts(9103).withWaitStrategy(Wait.forHttp('/health', 9103)), [[9103, '/health']]);
      await Promise.all(
        Array.from({ length: gateways }, (_, index) =>
          stack.#add(`gateway-${index}`, images.service('gateway'), (c) =>
            c
              .withEnvironment({
                NATS_URL: env.NATS_URL,
                LOG_LEVEL: env.LOG_LEVEL,
                // Every test client comes from the same address.
                MAX_CONNECTIONS_PER_ADDRESS: '0',
                ...options.env,
              })
              .withExposedPorts(3000, 3001)
              .withWaitStrategy(Wait.forAll([Wait.forHttp('/api/health', 3000), Wait.forHttp('/health', 3001)])),
          [[3000, '/api/health'], [3001, '/health']]),
        ),
      );
      return stack;
    } catch (err) {
      await stack.stop();
      throw err;
    }
  }

  async #add(name: ContainerName, image: string, configure: (c: LoopbackContainer) => LoopbackContainer, health: Array<[number, string]>): Promise<void> {
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

  clientConfig(gateway = 0): ClientConfig {
    return {
      apiUrl: `http://127.0.0.1:${this.port(`gateway-${gateway}`, 3000)}/api`,
      socketUrl: `http://127.0.0.1:${this.port(`gateway-${gateway}`, 3001)}`,
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
    const name = service === 'postgres' || service === 'nats' ? service : nameOf(service, index);
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
    member.ports = await eventually(() => publishedPorts(member.container.getId()), (ports) => ports.size > 0, 30_000);
    for (const [containerPort, path] of member.health) {
      const url = `http://127.0.0.1:${member.ports.get(containerPort)}${path}`;
      await eventually(() => fetch(url).then((res) => res.ok, () => false), (ok) => ok, 120_000);
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
  if (index !== 0) throw new Error(`the container stack runs one ${service}`);
  return service;
}

async function docker(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('docker', args, { timeout: 120_000 });
    return stdout + stderr;
  } catch (err) {
    throw new Error(`docker ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
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
