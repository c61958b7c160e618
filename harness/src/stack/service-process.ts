import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** How a process ended. */
export interface ProcessExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service process the stack started. */
export interface ServiceProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and all its output has been read. */
  readonly exited: Promise<ProcessExit>;
  /** Whether `stop()` or `kill()` was called, so an exit is expected. */
  readonly stopping: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL at once, a crash with no chance to clean up; resolves once the process has exited. */
  kill(): Promise<void>;
}

/** Children still running, terminated if the launcher exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Runs `node <entry>` with the launcher's own Node binary and hands every output line to `onLine`.
 * The child gets its own process group: Ctrl-C in a terminal then reaches only the launcher, which
 * stops the services in order instead of all at once.
 */
export function spawnService(options: {
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine: (line: string) => void;
}): ServiceProcess {
  const child = spawn(process.execPath, [options.entry], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  for (const stream of [child.stdout, child.stderr]) readLines(stream, options.onLine);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      options.onLine(`could not start ${options.entry}: ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(() => running.delete(child));
  let stopping = false;
  return {
    pid: child.pid,
    exited,
    get stopping() {
      return stopping;
    },
    async stop(graceMs) {
      stopping = true;
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM'); // a no-op when it already exited
      await exited;
      clearTimeout(kill);
    },
    async kill() {
      stopping = true;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
