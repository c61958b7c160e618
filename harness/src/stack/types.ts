import type { BackendServiceName, ServiceName } from './service-names.ts';
import type { LogSink } from './log-sink.ts';
import type { Supervision } from './supervisor.ts';

/** The TCP ports the services listen on. */
export interface StackPorts {
  /** Gateway REST API and web page (`PORT`). */
  api: number;
  /** Gateway Socket.IO server and its `/health` (`WEBSOCKET_PORT`). */
  socket: number;
  /** Ops server (`/health`, `/metrics`) of each backend service (`OPS_PORT`). */
  ops: Record<BackendServiceName, number>;
}

/** Ports the caller fixes; every port left out is taken from the free ones. */
export interface StackPortChoice {
  api?: number;
  socket?: number;
  ops?: Partial<Record<BackendServiceName, number>>;
}

/** How to start a stack. Only `dataDir` is required. */
export interface StackOptions {
  /**
   * Where the stack keeps its state: embedded Postgres (`postgres/`), the JetStream store (`nats/`) and the
   * generated auth signing key. Reusing it across starts keeps all data and keeps issued tokens valid.
   */
  dataDir: string;
  /** Repository root holding `services/<name>/src/main.ts`. Default: the repository of this file. */
  rootDir?: string;
  /** Services to run; they start in the order auth → chat → notify → gateway whatever the order here. Default: all. */
  services?: readonly ServiceName[];
  /** Skip a selected service whose `main.ts` does not exist instead of failing. Default: false. */
  skipMissingServices?: boolean;
  /** Fixed ports; any port not given is a free one. */
  ports?: StackPortChoice;
  /** Postgres to use instead of an embedded one. Default: `env.DATABASE_URL`. */
  databaseUrl?: string;
  /**
   * nats-server (with JetStream) to use instead of a local one (or a cluster's, comma-separated). Default:
   * `env.NATS_URL`.
   */
  natsUrl?: string;
  /**
   * Nodes of the local NATS: 1 (a single server) or 3 (a cluster running `deploy/nats/cluster-node.conf`;
   * pass `CHAT_STREAM_REPLICAS: '3'` in `env` to replicate the stream on all of them). Default: 1.
   */
  natsClusterSize?: 1 | 3;
  /**
   * Instances of each backend service (each replica on its own ops port, all sharing the stack's NATS and
   * Postgres, as `docker compose --scale` runs them); gateways are added with `addGateway`. Default: 1 each.
   */
  replicas?: Partial<Record<BackendServiceName, number>>;
  /**
   * Configuration every service receives over the launcher's own environment (e.g. `LOG_LEVEL`,
   * `NEXT_PUBLIC_*`, `SESSION_TTL_SECONDS`); also where `DATABASE_URL`, `NATS_URL`, `AUTH_SIGNING_KEY` and
   * `AUTH_SIGNING_KEY_FILE` are looked up. Ports and infrastructure URLs are always the stack's own.
   * Default: `process.env`.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives every output line of every service. Default: none (lines are only kept in memory). */
  logSink?: LogSink;
  /** Output lines kept in memory per service, for `logs()` and for error messages. Default: 1000. */
  logBufferLines?: number;
  /** How long a service may take to report healthy, in millis. Default: 60 000. */
  readyTimeoutMs?: number;
  /** How long a service may take to exit after SIGTERM before it gets SIGKILL, in millis. Default: 10 000. */
  stopGraceMs?: number;
  /** Aborting it during start-up stops what was started so far and rejects `startStack` with its reason. */
  signal?: AbortSignal;
  /**
   * Called when a running service exits without being asked to (unless supervised). Default: report it on
   * stderr with its exit code and last output lines.
   */
  onUnexpectedExit?: (exit: ServiceExit) => void;
  /**
   * Restart every service, and the embedded Postgres and nats-server, when it dies (what `npm start` does).
   * Default: none, a dead process stays dead (tests that kill things expect that).
   */
  supervision?: Supervision;
}

/** How a service process ended. */
export interface ServiceExit {
  service: ServiceName;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null when it exited by itself. */
  signal: NodeJS.Signals | null;
  /** Its last output lines. */
  lastLines: readonly string[];
}

/** Where to reach a running stack. */
export interface StackUrls {
  /** Gateway REST API and web page, e.g. `http://127.0.0.1:3000` (the API lives under `/api`). */
  api: string;
  /** Gateway Socket.IO server, e.g. `http://127.0.0.1:3001` (namespaces `/chat`, `/notifications`). */
  socket: string;
  /** Ops server of each backend service, e.g. `http://127.0.0.1:9101` (`/health`, `/metrics`). */
  ops: Record<BackendServiceName, string>;
  databaseUrl: string;
  natsUrl: string;
}

/** A running stack. */
export interface Stack {
  urls: StackUrls;
  ports: StackPorts;
  /** The services this stack runs (some may be stopped with `stopService`), in start order. */
  services: readonly ServiceName[];
  /** How many instances of a service this stack runs (`StackOptions.replicas`); `replica` below counts from 0. */
  replicas(service: ServiceName): number;
  /** The last output lines of a service (kept across its restarts), oldest first. */
  logs(service: ServiceName, replica?: number): string[];
  /**
   * The process id of a running service or embedded server (undefined while it is down or given); the index
   * picks a replica of a service, or a node of a NATS cluster. Default: 0, the first.
   */
  pid(name: ServiceName | 'nats' | 'postgres', index?: number): number | undefined;
  /** Stops one service (SIGTERM, then SIGKILL after the grace period); resolves once it has exited. */
  stopService(service: ServiceName, replica?: number): Promise<void>;
  /** Kills one service with SIGKILL (a crash: nothing flushed, no goodbye); resolves once it has exited. */
  killService(service: ServiceName, replica?: number): Promise<void>;
  /** Starts a stopped service again with the same configuration; resolves once it is healthy. */
  startService(service: ServiceName, replica?: number): Promise<void>;
  /**
   * Starts one more gateway process on free ports (stopped with the stack); resolves once it is healthy.
   * `natsUrl` points it at another address of the stack's NATS (e.g. a proxy that can cut its connection).
   */
  addGateway(options?: { natsUrl?: string }): Promise<ExtraGateway>;
  /** Stops every service in reverse start order, then the infrastructure this stack started. Idempotent. */
  stop(): Promise<void>;
}

/** A gateway started with `addGateway`. */
export interface ExtraGateway {
  urls: { api: string; socket: string };
  stop(): Promise<void>;
}
