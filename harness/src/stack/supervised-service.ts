import { join } from 'node:path';
import { LineBuffer } from './line-buffer.ts';
import { waitUntilHealthy } from './health.ts';
import { assertPortFree } from './ports.ts';
import { spawnService, type ServiceProcess } from './service-process.ts';
import type { ServiceName } from './service-names.ts';
import type { LogSink } from './log-sink.ts';
import type { ServiceExit } from './types.ts';

/** Lines of a service's output quoted in a start-up error. */
const quotedLines = 50;

/** Everything needed to run one service, fixed for the life of the stack. */
export interface ServiceSetup {
  service: ServiceName;
  rootDir: string;
  env: NodeJS.ProcessEnv;
  ports: { port: number; what: string }[];
  healthUrls: string[];
  readyTimeoutMs: number;
  stopGraceMs: number;
  logBufferLines: number;
  logSink: LogSink | undefined;
  onUnexpectedExit: (exit: ServiceExit) => void;
}

/** One service of a stack, which can be started and stopped again; its output survives restarts. */
export class SupervisedService {
  readonly #setup: ServiceSetup;
  readonly #output: LineBuffer;
  #process: ServiceProcess | undefined;

  constructor(setup: ServiceSetup) {
    this.#setup = setup;
    this.#output = new LineBuffer(setup.logBufferLines);
  }

  /** The process id while it runs. */
  pid(): number | undefined {
    return this.#process?.pid;
  }

  /** The last output lines, oldest first. */
  logs(): string[] {
    return this.#output.lines();
  }

  /**
   * Spawns the service and resolves once all its health URLs answer 200, or fails when `interrupted`
   * rejects first. On failure the process is stopped and the error quotes its last output lines.
   */
  async start(interrupted: Promise<never> = new Promise<never>(() => {})): Promise<void> {
    const { service, rootDir, env, logSink } = this.#setup;
    if (this.#process) throw new Error(`${service} is already running`);
    for (const { port, what } of this.#setup.ports) await assertPortFree(port, what);
    const started = spawnService({
      entry: join('services', service, 'src', 'main.ts'),
      cwd: rootDir,
      env,
      onLine: (line) => {
        this.#output.push(line);
        logSink?.line(service, line);
      },
    });
    this.#process = started;
    const crashed = started.exited.then((exit): never => {
      throw new Error(`exited during start-up (code ${exit.code}, signal ${exit.signal})`);
    });
    // Only start-up cares about this rejection; a later exit is handled below.
    crashed.catch(() => {});
    try {
      await waitUntilHealthy(
        this.#setup.healthUrls,
        Date.now() + this.#setup.readyTimeoutMs,
        Promise.race([crashed, interrupted]),
      );
    } catch (err) {
      await this.stop();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${service} did not become ready: ${reason}\n${this.#quote()}`, { cause: err });
    }
    void started.exited.then((exit) => {
      if (started.stopping) return;
      if (this.#process === started) this.#process = undefined;
      this.#setup.onUnexpectedExit({ service, ...exit, lastLines: this.#output.lines(quotedLines) });
    });
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    const running = this.#process;
    if (!running) return;
    await running.stop(this.#setup.stopGraceMs);
    if (this.#process === running) this.#process = undefined;
  }

  /** SIGKILL, as a crash would end it; resolves once the process is gone. */
  async kill(): Promise<void> {
    const running = this.#process;
    if (!running) return;
    await running.kill();
    if (this.#process === running) this.#process = undefined;
  }

  #quote(): string {
    const lines = this.#output.lines(quotedLines);
    const header = `--- last ${lines.length} output lines of ${this.#setup.service} ---`;
    return [header, ...lines].join('\n');
  }
}
