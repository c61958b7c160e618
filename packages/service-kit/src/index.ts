/** What every service shares: config, logging, errors, NATS request/reply, Postgres, ops endpoints, shutdown. */
export { loadConfig, commonEnv, portEnv, databaseUrlEnv, backendEnv, backendSettings, ConfigError } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { CodedError, failure } from './errors.ts';
export {
  connectNats,
  decodeJson,
  natsServers,
  natsHealthCheck,
  natsReconnectOptions,
  respond,
  respondAll,
  request,
  type RequestHandlers,
  type Responder,
  type NatsConnection,
} from './nats.ts';
export { checkContract } from './nats-contract-check.ts';
export {
  createPool,
  inTransaction,
  migrate,
  openDatabase,
  postgresHealthCheck,
  type Pool,
  type PoolClient,
} from './postgres.ts';
export { createHandlerMetrics, type HandlerMetrics } from './handler-metrics.ts';
export {
  checkHealth,
  closeServer,
  createMetricsRegistry,
  serveOps,
  startOpsServer,
  type HealthCheck,
  type HealthReport,
} from './ops-server.ts';
export { Lifecycle, closeOnSignal, runService, startService } from './lifecycle.ts';
