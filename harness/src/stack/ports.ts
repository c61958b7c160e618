import { createServer } from 'node:net';
import { freePort } from '../infra/ports.ts';
import { backendServiceNames, type BackendServiceName } from './service-names.ts';
import type { StackPortChoice, StackPorts } from './types.ts';

/** The caller's fixed ports, with a distinct free port for every one left out. */
export async function resolvePorts(choice: StackPortChoice = {}): Promise<StackPorts> {
  const taken = new Set<number>();
  const pick = async (fixed: number | undefined): Promise<number> => {
    const port = fixed ?? (await freePort());
    if (taken.has(port)) throw new Error(`port ${port} is chosen twice for one stack`);
    taken.add(port);
    return port;
  };
  const api = await pick(choice.api);
  const socket = await pick(choice.socket);
  const ops = {} as Record<BackendServiceName, number>;
  for (const name of backendServiceNames) ops[name] = await pick(choice.ops?.[name]);
  return { api, socket, ops };
}

/**
 * Fails when something already listens on `port`. Checked before a service starts, because its health
 * probe would otherwise be answered by whatever holds the port (say, a stack left running earlier).
 */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(`${what}: port ${port} is not available (${err.code ?? err.message})`));
    });
    server.listen(port, () =>
      server.close(() => {
        resolve();
      }),
    );
  });
}
