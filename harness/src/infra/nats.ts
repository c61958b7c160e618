import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { freePort, waitForPort } from './ports.ts';

/** A nats-server this process started, with JetStream storing in `dataDir`. */
export interface RunningNats {
  url: string;
  port: number;
  pid: number | undefined;
  /** Resolves with how the server ended (exit code and signal), whether stopped or not. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `nats-server -js` from NATS_SERVER_BIN (scripts/tools.sh provisions it) or PATH, bound to
 * loopback, and waits until it accepts connections.
 */
export async function startNatsServer(options: { dataDir: string; port?: number }): Promise<RunningNats> {
  const port = options.port ?? (await freePort());
  await mkdir(options.dataDir, { recursive: true });
  const bin = process.env['NATS_SERVER_BIN'] || 'nats-server';
  const child = spawn(bin, ['-js', '-sd', options.dataDir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (code ${code}, signal ${signal})`)));
  child.once('error', (err) => stderr.push(String(err)));
  try {
    await Promise.race([
      waitForPort(port, 15_000),
      exited.then((how) => {
        throw new Error(`nats-server ${how}: ${stderr.join('').slice(-2000)}`);
      }),
    ]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url: `nats://127.0.0.1:${port}`, port, pid: child.pid, exited, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
