import { createLogger } from '@chatrt/service-kit';
import { loadGatewayConfig, startGateway } from './index.ts';

const config = loadGatewayConfig();
const log = createLogger('gateway', config.logLevel);
const gateway = await startGateway(config, log);
log.info({ httpPort: gateway.httpPort, socketPort: gateway.socketPort }, 'ready');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    void gateway.close().then(() => process.exit(0));
  });
}
