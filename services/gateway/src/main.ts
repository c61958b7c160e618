import { runService } from '@chatrt/service-kit';
import { loadGatewayConfig, startGateway } from './index.ts';

await runService('gateway', loadGatewayConfig, startGateway);
