/** What every service shares: config, logging, errors, NATS request/reply, Postgres, ops endpoints, shutdown. */
export { loadConfig, commonEnv, portEnv, ConfigError } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { CodedError, failure } from './errors.ts';
export { connectNats, decodeJson, natsServers, natsHealthCheck, natsReconnectOptions, respond, request, type Responder, type NatsConnection } from './nats.ts';
export { checkContract } from './nats-contract-check.ts';
export { createPool, inTransaction, migrate, postgresHealthCheck, type Pool, type PoolClient } from './postgres.ts';
export { createHandlerMetrics, type HandlerMetrics } from './handler-metrics.ts';
export { checkHealth, closeServer, createMetricsRegistry, startOpsServer, type HealthCheck, type HealthReport } from './ops-server.ts';
export { Lifecycle, closeOnSignal, runService } from './lifecycle.ts';
