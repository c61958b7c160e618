import { GenericContainer } from 'testcontainers';

/**
 * A GenericContainer that publishes its ports on 127.0.0.1 only (Testcontainers publishes on every address)
 * and joins exactly one network, under its aliases. Testcontainers' own `withNetworkAliases` first creates the
 * container on Docker's default bridge and connects it to the network afterwards; the chaos suite keeps every
 * container on the network the test created.
 */
export class LoopbackContainer extends GenericContainer {
  #network: string | undefined;
  #aliases: string[] = [];

  /** Joins `network` (a name) as the only network, reachable there under `aliases`. */
  onNetwork(network: string, ...aliases: string[]): this {
    this.#network = network;
    this.#aliases = aliases;
    return this.withNetworkMode(network);
  }

  protected override beforeContainerCreated(): Promise<void> {
    // dockerode types PortBindings as `any`; Testcontainers fills it as container port → bindings.
    const portBindings = this.hostConfig.PortBindings as Record<string, Array<{ HostIp?: string }>> | undefined;
    for (const bindings of Object.values(portBindings ?? {})) {
      for (const binding of bindings) binding.HostIp = '127.0.0.1';
    }
    if (this.#network !== undefined) {
      this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.#network]: { Aliases: this.#aliases } } };
    }
    return Promise.resolve();
  }
}
