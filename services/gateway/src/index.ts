/**
 * The gateway's package entry: what other packages and tests start it with. `main.ts` runs it as a
 * process; `gateway.ts` wires it.
 */
export { startGateway, type Gateway } from './gateway.ts';
export { loadGatewayConfig, type GatewayConfig } from './config.ts';
