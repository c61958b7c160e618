import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileExists } from './file-exists.ts';
import { startInfra } from './infra.ts';
import { resolvePorts } from './ports.ts';
import { ensureSigningKeyFile } from './signing-key.ts';
import { healthUrls, serviceEnv, servicePorts, type Env, type StackWiring } from './service-config.ts';
import { inStartOrder, serviceNames, type BackendServiceName, type ServiceName } from './service-names.ts';
import { createHandle, stopAll } from './stack-handle.ts';
import { SupervisedService } from './supervised-service.ts';
import { Supervisor } from './supervisor.ts';
import type { ExtraGateway, ServiceExit, Stack, StackOptions, StackPorts } from './types.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts Postgres and NATS (unless given), then the selected services one after the other, each only
 * once the previous one is healthy. On any failure everything started so far is stopped again.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const config = options.env ?? process.env;
  const rootDir = options.rootDir ?? repositoryRoot;
  const dataDir = resolve(options.dataDir);
  const selected = await existingServices(
    inStartOrder(options.services ?? serviceNames),
    rootDir,
    options.skipMissingServices ?? false,
  );
  await mkdir(dataDir, { recursive: true });
  const ports = await resolvePorts(options.ports);
  options.signal?.throwIfAborted();
  const infra = await startInfra({
    dataDir,
    databaseUrl: options.databaseUrl ?? config['DATABASE_URL'],
    natsUrl: options.natsUrl ?? config['NATS_URL'],
    ...(options.natsClusterSize === undefined ? {} : { natsClusterSize: options.natsClusterSize }),
    ...(options.supervision ? { supervision: options.supervision } : {}),
  });
  /** Every instance of each started service: the main one first, then its replicas. */
  const supervised = new Map<ServiceName, SupervisedService[]>();
  const interrupted = whenAborted(options.signal);
  let wiring: StackWiring;
  const supervisors: Supervisor[] = [];
  const supervise = (service: ServiceName, env: NodeJS.ProcessEnv, servicePortsOf: StackPorts): SupervisedService => {
    const { supervision } = options;
    const supervisor = supervision && new Supervisor(service, supervision, () => instance.start());
    if (supervisor) supervisors.push(supervisor);
    const instance: SupervisedService = new SupervisedService({
      service,
      rootDir,
      env,
      ports: servicePorts(service, servicePortsOf),
      healthUrls: healthUrls(service, servicePortsOf, env),
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
      logBufferLines: options.logBufferLines ?? 1000,
      logSink: options.logSink,
      onUnexpectedExit: supervisor
        ? (exit) => {
            supervisor.crashed(`exited (code ${exit.code}, signal ${exit.signal})`);
          }
        : (options.onUnexpectedExit ?? reportUnexpectedExit),
    });
    return instance;
  };
  try {
    wiring = {
      ports,
      databaseUrl: infra.databaseUrl,
      natsUrl: infra.natsUrl,
      signingKey: await signingKey(config, dataDir),
    };
    for (const service of selected) {
      options.signal?.throwIfAborted();
      const instances: SupervisedService[] = [];
      supervised.set(service, instances);
      for (let replica = 0; replica < replicaCount(options, service); replica += 1) {
        // Replicas differ only in their ops port; everything else they share (queue groups, the relay lock, the
        // consumer).
        const instancePorts = replica === 0 ? ports : await replicaPorts(ports, service as BackendServiceName);
        instances.push(
          supervise(service, serviceEnv(service, config, { ...wiring, ports: instancePorts }), instancePorts),
        );
      }
      // A service's replicas start together, as `docker compose --scale` starts them (migrations and stream
      // creation race); the next service only once they are all healthy.
      await Promise.all(instances.map((instance) => instance.start(interrupted.promise)));
    }
  } catch (err) {
    // The start-up error is the one worth reporting; a failure to clean up after it is only logged.
    await stopAll(supervisors, supervised, infra).catch((stopErr: unknown) => {
      console.error('[stack] cleanup after a failed start failed:', stopErr);
    });
    throw err;
  } finally {
    interrupted.dispose();
  }
  /** Another gateway process on free ports, sharing this stack's NATS (a second node behind a balancer). */
  const addGateway = async (gatewayOptions: { natsUrl?: string } = {}): Promise<ExtraGateway> => {
    const extraPorts: StackPorts = { ...ports, ...(await resolvePorts({ ops: ports.ops })) };
    const natsUrl = gatewayOptions.natsUrl ?? wiring.natsUrl;
    const instance = supervise(
      'gateway',
      serviceEnv('gateway', config, { ...wiring, ports: extraPorts, natsUrl }),
      extraPorts,
    );
    await instance.start();
    extraGateways.push(instance);
    return {
      urls: { api: `http://127.0.0.1:${extraPorts.api}`, socket: `http://127.0.0.1:${extraPorts.socket}` },
      stop: () => instance.stop(),
    };
  };
  const extraGateways: SupervisedService[] = [];
  return createHandle(selected, supervised, supervisors, infra, ports, addGateway, extraGateways);
}

/** A promise that rejects with the signal's reason once it aborts (never without a signal). */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<never>; dispose(): void } {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    if (!signal) return;
    const onAbort = () => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error ? reason : new Error('start-up aborted', { cause: reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      signal.removeEventListener('abort', onAbort);
    };
  });
  promise.catch(() => {});
  return { promise, dispose };
}

/** How many instances of `service` to run: `options.replicas` for a backend service, else one. */
function replicaCount(options: StackOptions, service: ServiceName): number {
  const count = service === 'gateway' ? 1 : (options.replicas?.[service] ?? 1);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`replicas of ${service} must be a whole number of at least 1, not ${count}`);
  return count;
}

/** The stack's ports with a free ops port for another instance of `service`. */
async function replicaPorts(ports: StackPorts, service: BackendServiceName): Promise<StackPorts> {
  const free = await resolvePorts();
  return { ...ports, ops: { ...ports.ops, [service]: free.ops[service] } };
}

/** The selected services whose `main.ts` exists; a missing one fails the start unless skipping is allowed. */
async function existingServices(
  selected: ServiceName[],
  rootDir: string,
  skipMissing: boolean,
): Promise<ServiceName[]> {
  const present: ServiceName[] = [];
  for (const service of selected) {
    const entry = join(rootDir, 'services', service, 'src', 'main.ts');
    if (await fileExists(entry)) present.push(service);
    else if (!skipMissing) {
      throw new Error(
        `cannot start ${service}: ${entry} does not exist (select fewer services, or set skipMissingServices)`,
      );
    }
  }
  return present;
}

/** The caller's signing key, or a key generated once into the data dir so tokens survive restarts. */
async function signingKey(config: Env, dataDir: string): Promise<StackWiring['signingKey']> {
  const pem = config['AUTH_SIGNING_KEY'];
  if (pem) return { AUTH_SIGNING_KEY: pem };
  const file = config['AUTH_SIGNING_KEY_FILE'];
  return { AUTH_SIGNING_KEY_FILE: file || (await ensureSigningKeyFile(dataDir)) };
}

function reportUnexpectedExit(exit: ServiceExit): void {
  console.error(
    [
      `!!! ${exit.service} exited unexpectedly (code ${exit.code}, signal ${exit.signal}); last output lines:`,
      ...exit.lastLines,
    ].join('\n'),
  );
}
