import { runService } from '@chatrt/service-kit';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

await runService('gateway', loadGatewayConfig, startGateway);
