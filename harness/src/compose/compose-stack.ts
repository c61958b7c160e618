import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClientConfig } from '../client/client-config.ts';

const run = promisify(execFile);

/** Where the containerised stack publishes itself (compose.yaml's defaults, on 127.0.0.1). */
export interface ComposeEndpoints {
  api: string;
  socket: string;
  prometheus: string;
}

/**
 * The whole system as `docker compose` runs it from the repository's compose.yaml, under its own project
 * name so a test run never touches a stack someone started by hand. `down()` removes its containers,
 * networks and volumes; call it in `finally`/`afterAll` so a failing test leaves nothing behind.
 */
export class ComposeStack {
  readonly project: string;
  readonly endpoints: ComposeEndpoints;
  readonly #cwd: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #envFile: string[];

  /** `envFile`: a compose env file relative to `cwd` (e.g. deploy/cluster.env for the cluster profile). */
  constructor(options: {
    project: string;
    cwd: string;
    envFile?: string;
    env?: Record<string, string>;
    endpoints: ComposeEndpoints;
  }) {
    this.project = options.project;
    this.endpoints = options.endpoints;
    this.#cwd = options.cwd;
    this.#env = { ...process.env, ...options.env };
    this.#envFile = options.envFile === undefined ? [] : ['--env-file', options.envFile];
  }

  /** Runs `docker compose -p <project> <args>`; rejects with its output when it fails. */
  async compose(args: string[], timeoutMs = 600_000): Promise<string> {
    try {
      const { stdout, stderr } = await run('docker', ['compose', '-p', this.project, ...this.#envFile, ...args], {
        cwd: this.#cwd,
        env: this.#env,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`docker compose ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: err });
    }
  }

  /** Starts (or rescales) the stack and resolves once every service with a health check is healthy. */
  async up(options: { gateways?: number; profiles?: string[] } = {}): Promise<void> {
    const profiles = (options.profiles ?? []).flatMap((p) => ['--profile', p]);
    const scale = options.gateways === undefined ? [] : ['--scale', `gateway=${options.gateways}`];
    await this.compose([...profiles, 'up', '-d', '--wait', '--wait-timeout', '300', ...scale]);
  }

  /** The ids of a service's running containers (one per replica). */
  async containers(service: string): Promise<string[]> {
    return (await this.compose(['ps', '-q', service]))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[0-9a-f]{12,}$/.test(line));
  }

  /** SIGKILLs one container, as a crash or a lost machine would end it. */
  async kill(containerId: string): Promise<void> {
    try {
      await run('docker', ['kill', '--signal', 'KILL', containerId], { timeout: 60_000 });
    } catch (err) {
      throw new Error(`docker kill ${containerId} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, {
        cause: err,
      });
    }
  }

  /** Stops and removes everything the project created, volumes included. */
  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans', '--timeout', '20']);
  }

  /** The last lines of every service's log, for a failing test's message. */
  async logs(tail = 80): Promise<string> {
    return this.compose(['logs', '--no-color', '--tail', String(tail)]).catch((err: unknown) => String(err));
  }

  /** Client settings for the balancer in front of the gateways. */
  clientConfig(): ClientConfig {
    return {
      apiUrl: `${this.endpoints.api}/api`,
      socketUrl: this.endpoints.socket,
      socketPath: '/socket.io',
      socketEnabled: true,
    };
  }

  /** Runs an instant query against the stack's Prometheus and returns its result vector. */
  async prometheus(query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`${this.endpoints.prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as {
      status: string;
      data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success' || !body.data)
      throw new Error(`prometheus query ${query} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  }
}
