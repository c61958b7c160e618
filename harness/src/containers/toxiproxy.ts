/** Toxiproxy's API port inside its container. */
export const TOXIPROXY_API_PORT = 8474;

/** Which way a toxic acts: `downstream` is what the upstream sends back, `upstream` what the client sends. */
export type ToxicStream = 'upstream' | 'downstream';

/** The toxics the chaos suite uses, with Toxiproxy's own attribute names. */
export type Toxic =
  /** Delays every chunk by `latency` ms (± `jitter`). */
  | { type: 'latency'; attributes: { latency: number; jitter?: number } }
  /** Caps throughput at `rate` KB/s. */
  | { type: 'bandwidth'; attributes: { rate: number } }
  /**
   * Stops all data; with `timeout: 0` the connection stays open and silent for good (a half-open link),
   * otherwise it is closed after `timeout` ms.
   */
  | { type: 'timeout'; attributes: { timeout: number } };

export interface ProxyDefinition {
  name: string;
  /** `host:port` it listens on, inside Toxiproxy's container. */
  listen: string;
  /** `host:port` it forwards to, e.g. `postgres:5432`. */
  upstream: string;
}

/**
 * A typed client of Toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api): proxies between
 * containers, and the toxics that slow, throttle or silence a link. `disable` cuts a link the hard way:
 * open connections are closed and new ones refused until `enable`.
 */
export class ToxiproxyClient {
  readonly #apiUrl: string;

  /** `apiUrl`: e.g. http://127.0.0.1:32768 (its published API port). */
  constructor(apiUrl: string) {
    this.#apiUrl = apiUrl;
  }

  async createProxy(proxy: ProxyDefinition): Promise<void> {
    await this.#call('POST', '/proxies', { ...proxy, enabled: true });
  }

  /** Adds a toxic under `name` on one direction of the link; `toxicity` is the share of connections it hits. */
  async addToxic(
    proxy: string,
    name: string,
    toxic: Toxic,
    stream: ToxicStream = 'downstream',
    toxicity = 1,
  ): Promise<void> {
    await this.#call('POST', `/proxies/${proxy}/toxics`, { name, stream, toxicity, ...toxic });
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.#call('DELETE', `/proxies/${proxy}/toxics/${name}`);
  }

  /** Cuts the link: closes its connections and refuses new ones. */
  async disable(proxy: string): Promise<void> {
    await this.#call('POST', `/proxies/${proxy}`, { enabled: false });
  }

  async enable(proxy: string): Promise<void> {
    await this.#call('POST', `/proxies/${proxy}`, { enabled: true });
  }

  /** Every proxy enabled again and every toxic removed. */
  async reset(): Promise<void> {
    await this.#call('POST', '/reset');
  }

  async #call(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.#apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${await res.text()}`);
  }
}
