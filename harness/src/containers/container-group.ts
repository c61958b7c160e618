import type { StartedTestContainer } from 'testcontainers';
import { eventually } from '../testing/eventually.ts';
import { chaosLabelArgs, chaosLabels, removeContainers, trackContainer } from './cleanup.ts';
import type { ContainerName } from './container-stack-options.ts';
import { docker, publishedPorts } from './docker-cli.ts';
import { LoopbackContainer } from './loopback-container.ts';

// Ryuk cannot be pulled here: the harness removes its containers itself (cleanup.ts). Published ports are
// reached on 127.0.0.1, whatever Testcontainers would guess from the Docker socket.
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';

/** How one container of the group is set up, and where it answers once ready. */
export interface ContainerSpec {
  configure: (container: LoopbackContainer) => LoopbackContainer;
  /** Where it answers once ready, as [container port, path] pairs; checked again after every start. */
  health: Array<[number, string]>;
}

interface Member {
  container: StartedTestContainer;
  /** Container port → host port on 127.0.0.1; re-read after every start (Docker may pick new ones). */
  ports: Map<number, number>;
  health: Array<[number, string]>;
}

/**
 * Containers on one Docker network of their own (labelled for the sweep in cleanup.ts), each published on
 * 127.0.0.1 only, known by their names on the network: started, killed, paused, cut off and put back.
 */
export class ContainerGroup {
  readonly network: string;
  readonly #members = new Map<ContainerName, Member>();
  #stopped = false;

  protected constructor(network: string) {
    this.network = network;
  }

  /** Creates the network the group's containers join. */
  protected static async createNetwork(network: string): Promise<void> {
    await docker(['network', 'create', ...chaosLabelArgs(network), network]);
  }

  /** Starts a container on the network under `name` and waits until its wait strategy passes. */
  protected async add(name: ContainerName, image: string, spec: ContainerSpec): Promise<void> {
    const container = spec.configure(
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
    this.#members.set(name, { container: started, ports: await publishedPorts(started.getId()), health: spec.health });
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
      const url = `http://127.0.0.1:${this.port(name, containerPort)}${path}`;
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

  /** Removes every container of the group, then its network. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await removeContainers([...this.#members.values()].map((m) => m.container.getId()));
    await docker(['network', 'rm', this.network]).catch(() => undefined);
  }
}
