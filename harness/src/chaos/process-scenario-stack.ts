import type { ClientConfig } from '../client/client-config.ts';
import type { ExtraGateway } from '../stack/types.ts';
import type { ServiceName } from '../stack/service-names.ts';
import { startTestStack, type TestStack } from '../testing/test-stack.ts';
import type { ScenarioStack } from './scenario-stack.ts';

/**
 * The process harness (embedded Postgres, a local nats-server, each service a child process) behind the
 * scenario interface, so a scenario that needs no container-only fault also runs without Docker.
 * Gateways after the first are `addGateway` processes: clients can use them, but only the first can be
 * killed and started again.
 */
export async function processScenarioStack(
  options: { gateways?: number; env?: Record<string, string> } = {},
): Promise<ScenarioStack> {
  const test: TestStack = await startTestStack(options.env ?? {});
  const extra: ExtraGateway[] = [];
  try {
    for (let i = 1; i < (options.gateways ?? 1); i++) extra.push(await test.stack.addGateway());
  } catch (err) {
    await test.stop();
    throw err;
  }
  const first = (service: ServiceName, index: number): void => {
    if (index !== 0) throw new Error(`the process harness can only kill and restart the first ${service}`);
  };
  return {
    kind: 'processes',
    gateways: 1 + extra.length,
    clientConfig(gateway = 0): ClientConfig {
      if (gateway === 0) return test.config();
      const urls = extra[gateway - 1]?.urls;
      if (!urls) throw new Error(`no gateway ${gateway}`);
      return { apiUrl: `${urls.api}/api`, socketUrl: urls.socket, socketPath: '/socket.io', socketEnabled: true };
    },
    async killService(service, index = 0) {
      first(service, index);
      await test.stack.killService(service);
    },
    async stopService(service, index = 0) {
      first(service, index);
      await test.stack.stopService(service);
    },
    async startService(service, index = 0) {
      first(service, index);
      await test.stack.startService(service);
    },
    logs(service, index = 0) {
      first(service, index);
      return Promise.resolve(test.stack.logs(service).join('\n'));
    },
    stop: () => test.stop(),
  };
}
