import type { ClientConfig } from '../client/client-config.ts';
import type { ServiceName } from '../stack/service-names.ts';

/**
 * What a chaos scenario needs from a running system, whether the process harness (`processScenarioStack`) or
 * containers (`startContainerStack`) run it: where clients connect, and the faults every runner can cause.
 * Gateways are numbered from 0; `index` picks one of them (other services run one instance here).
 */
export interface ScenarioStack {
  readonly kind: 'processes' | 'containers';
  /** How many gateways run; each is reached directly (no balancer), so clients choose theirs. */
  readonly gateways: number;
  /** Client settings for one gateway (default the first); read it again after a restart, ports may move. */
  clientConfig(gateway?: number): ClientConfig;
  /** SIGKILLs a service: nothing flushed, no goodbye. Resolves once it is gone. */
  killService(service: ServiceName, index?: number): Promise<void>;
  /** Stops a service gracefully (SIGTERM). */
  stopService(service: ServiceName, index?: number): Promise<void>;
  /** Starts a killed or stopped service again; resolves once it is healthy. */
  startService(service: ServiceName, index?: number): Promise<void>;
  /** The last lines a service wrote, for a failing scenario's message. */
  logs(service: ServiceName, index?: number): Promise<string>;
  /** Stops and removes everything. Idempotent. */
  stop(): Promise<void>;
}
