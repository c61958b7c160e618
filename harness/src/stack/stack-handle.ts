import type { StackInfra } from './infra.ts';
import { backendServiceNames, type ServiceName } from './service-names.ts';
import type { SupervisedService } from './supervised-service.ts';
import type { Supervisor } from './supervisor.ts';
import type { Stack, StackUrls } from './types.ts';

/** The running stack's handle: its addresses, each service instance by name and replica, and one stop for all. */
export function createHandle(
  selected: ServiceName[],
  supervised: Map<ServiceName, SupervisedService[]>,
  supervisors: Supervisor[],
  infra: StackInfra,
  ports: Stack['ports'],
  addGateway: Stack['addGateway'],
  extraGateways: SupervisedService[],
): Stack {
  let stopping: Promise<void> | undefined;
  const get = (service: ServiceName, replica = 0): SupervisedService => {
    const instances = supervised.get(service);
    if (!instances)
      throw new Error(`${service} is not part of this stack (it runs ${selected.join(', ') || 'no services'})`);
    const instance = instances[replica];
    if (!instance) throw new Error(`${service} has no replica ${replica} (it runs ${instances.length})`);
    return instance;
  };
  const urls: StackUrls = {
    api: `http://127.0.0.1:${ports.api}`,
    socket: `http://127.0.0.1:${ports.socket}`,
    ops: Object.fromEntries(
      backendServiceNames.map((name) => [name, `http://127.0.0.1:${ports.ops[name]}`]),
    ) as StackUrls['ops'],
    databaseUrl: infra.databaseUrl,
    natsUrl: infra.natsUrl,
  };
  return {
    urls,
    ports,
    services: selected,
    replicas: (service) => supervised.get(service)?.length ?? 0,
    logs: (service, replica) => get(service, replica).logs(),
    pid: (name, index) => (name === 'nats' || name === 'postgres' ? infra.pid(name, index) : get(name, index).pid()),
    stopService: (service, replica) => get(service, replica).stop(),
    killService: (service, replica) => get(service, replica).kill(),
    startService: async (service, replica) => {
      if (stopping) throw new Error(`cannot start ${service}: the stack is stopped`);
      await get(service, replica).start();
    },
    addGateway: async (options) => {
      if (stopping) throw new Error('cannot add a gateway: the stack is stopped');
      return addGateway(options);
    },
    stop: () =>
      (stopping ??= Promise.all(supervisors.map((s) => s.stop()))
        .then(() => Promise.all(extraGateways.map((g) => g.stop())))
        .then(() => stopAll(supervisors, supervised, infra))),
  };
}

/** Stops restarting, then services in reverse start order, then the infrastructure, even when one step fails. */
export async function stopAll(
  supervisors: Supervisor[],
  supervised: Map<ServiceName, SupervisedService[]>,
  infra: StackInfra,
): Promise<void> {
  try {
    await Promise.all(supervisors.map((s) => s.stop()));
    for (const instances of [...supervised.values()].toReversed())
      await Promise.all(instances.map((instance) => instance.stop()));
  } finally {
    await infra.stop();
  }
}
